"""What a council system does through the API is what the SEND team does on its screens:
the same services decide, the family hears the same way, and the audit trail says which
council system did it."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from api.models import ApiCall
from casework.models import AccessRequest, AuditEvent, ChildAccess, Message, Milestone, Relationship
from tenants.models import ServiceArea
from tenants.outbox.models import OutboundEmail

from .conftest import access_request_make, case_make, child_make, make_account

pytestmark = pytest.mark.django_db


def _label(api) -> str:
    return f"(by council system \N{LEFT DOUBLE QUOTATION MARK}{api.client.name}\N{RIGHT DOUBLE QUOTATION MARK})"


def test_recording_a_step_moves_the_timeline_on_and_is_audited_by_name(site, api):
    with tenant_context(site.council):
        case = case_make(started_days_ago=10)
    today = timezone.localdate()
    answer = api.call.post(
        f"/api/v1/cases/{case.pk}/steps/",
        {"key": "decided_whether_to_assess", "occurred_on": today.isoformat(), "outcome": "yes", "note": "By letter"},
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert [(s["key"], s["outcome"], s["outcome_label"]) for s in body["steps_recorded"]] == [
        ("decided_whether_to_assess", "yes", "Yes, the council will assess")
    ]
    decision = next(s for s in body["timeline"]["steps"] if s["key"] == "decision_to_assess")
    assert (decision["status"], decision["done_on"], decision["on_time"]) == ("done", today.isoformat(), True)
    assert body["stage"] != "decision_to_assess"
    assert "decided_whether_to_assess" not in [s["key"] for s in body["steps_to_record"]]
    with tenant_context(site.council):
        milestone = Milestone.objects.get(case=case)
        assert milestone.recorded_by is None
        event = AuditEvent.objects.get(subject="milestone", subject_id=milestone.pk)
    assert event.actor_role == "api"
    assert event.summary == f"Recorded: Decision whether to assess (yes, the council will assess) {_label(api)}"


def test_a_message_from_the_send_team_reaches_the_family_by_email_without_its_words(
    site, api, django_capture_on_commit_callbacks
):
    family = make_account()
    with tenant_context(site.council):
        case = case_make()
        ChildAccess.objects.create(child=case.child, account=family, relationship=Relationship.PARENT)
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.call.post(f"/api/v1/cases/{case.pk}/messages/", {"body": "The panel meets on Tuesday."})
    assert answer.status_code == 201
    assert answer.json()["from_send_team"] is True
    assert answer.json()["author"] == "SEND team"
    with tenant_context(site.council):
        email = OutboundEmail.objects.get(to=[family.email])
        event = AuditEvent.objects.get(subject="message")
    assert "panel" not in email.body
    assert event.summary == f"Sent message from the SEND team {_label(api)}"
    listed = api.call.get(f"/api/v1/cases/{case.pk}/messages/").json()["results"]
    assert [m["body"] for m in listed] == ["The panel meets on Tuesday."]


def test_approving_for_a_child_already_recorded(site, api):
    family = make_account()
    with tenant_context(site.council):
        child = child_make(legal_first_name="Robin", legal_last_name="Fell")
        request = access_request_make(account=family, child_first_name="Robin", child_last_name="Fell")
    answer = api.call.post(
        f"/api/v1/access-requests/{request.pk}/decision/", {"decision": "approve", "child": child.pk}
    )
    assert answer.status_code == 200, answer.content
    assert (answer.json()["status"], answer.json()["child"]) == ("approved", child.pk)
    with tenant_context(site.council):
        access = ChildAccess.objects.get(child=child, account=family)
        assert access.granted_by is None
        assert AuditEvent.objects.filter(
            subject="access_request", actor_role="api", summary__endswith=_label(api)
        ).exists()
    again = api.call.post(f"/api/v1/access-requests/{request.pk}/decision/", {"decision": "decline", "reason": "x"})
    assert again.status_code == 400
    assert again.json()["message"] == "This request has already been approved"


def test_approving_with_a_new_child_checks_for_duplicates_first(site, api):
    family = make_account()
    with tenant_context(site.council):
        twin = child_make(legal_first_name="Robin", legal_last_name="Fell")
        request = access_request_make(
            account=family, child_first_name="Robin", child_last_name="Fell", child_date_of_birth=twin.date_of_birth
        )
        area = ServiceArea.objects.filter(council=site.council).first()
    path = f"/api/v1/access-requests/{request.pk}/decision/"
    new_child = {"council_reference": "NEW-1", "service_area": area.pk}
    duplicate = api.call.post(path, {"decision": "approve", "new_child": new_child})
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "possible_duplicate"
    assert "confirmed_not_duplicate" in duplicate.json()["message"]

    confirmed = api.call.post(
        path, {"decision": "approve", "new_child": {**new_child, "confirmed_not_duplicate": True}}
    )
    assert confirmed.status_code == 200, confirmed.content
    with tenant_context(site.council):
        assert ChildAccess.objects.get(account=family).child.council_reference == "NEW-1"


def test_another_councils_service_area_is_refused(site, api):
    with tenant_context(site.council):
        request = access_request_make()
    elsewhere = ServiceArea.objects.filter(council=site.other).first()
    answer = api.call.post(
        f"/api/v1/access-requests/{request.pk}/decision/",
        {"decision": "approve", "new_child": {"council_reference": "X-1", "service_area": elsewhere.pk}},
    )
    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == ["new_child.service_area"]


@pytest.mark.parametrize(
    ("decision", "status"),
    [
        ({"decision": "ask", "question": "Which school?", "document_requested": True}, "more_evidence"),
        ({"decision": "decline", "reason": "We could not confirm who you are."}, "declined"),
    ],
)
def test_asking_and_declining_email_the_family(decision, status, site, api, django_capture_on_commit_callbacks):
    family = make_account()
    with tenant_context(site.council):
        request = access_request_make(account=family)
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.call.post(f"/api/v1/access-requests/{request.pk}/decision/", decision)
    assert answer.status_code == 200
    assert answer.json()["status"] == status
    with tenant_context(site.council):
        assert AccessRequest.objects.get(pk=request.pk).status == status
        assert OutboundEmail.objects.filter(to=[family.email]).count() == 1


@pytest.mark.parametrize(
    ("decision", "field"),
    [
        ({"decision": "approve"}, "child"),
        ({"decision": "approve", "child": 1, "new_child": {"council_reference": "A"}}, "child"),
        ({"decision": "ask", "question": ""}, "question"),
        ({"decision": "decline"}, "reason"),
        ({"decision": "maybe"}, "decision"),
    ],
)
def test_an_incomplete_decision_is_refused_with_the_field_named(decision, field, site, api):
    with tenant_context(site.council):
        request = access_request_make()
    answer = api.call.post(f"/api/v1/access-requests/{request.pk}/decision/", decision)
    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == [field]
    with tenant_context(site.council):
        assert AccessRequest.objects.get(pk=request.pk).status == AccessRequest.Status.WAITING


def test_reads_of_child_data_are_audited_under_the_clients_name(site, api):
    from casework.services.messages import message_post

    with tenant_context(site.council):
        case = case_make()
        message_post(case=case, author=make_account(), from_send_team=False, body="Hello")
        AuditEvent.objects.all().delete()
    api.call.get("/api/v1/children/")
    api.call.get(f"/api/v1/cases/{case.pk}/")
    api.call.get(f"/api/v1/cases/{case.pk}/messages/")
    with tenant_context(site.council):
        events = list(
            AuditEvent.objects.filter(actor_role="api", action=AuditEvent.Action.VIEWED)
            .order_by("id")
            .values_list("subject", "child_id", "case_id", "summary")
        )
        calls = list(
            ApiCall.objects.filter(client=api.client).order_by("id").values_list("method", "path", "status_code")
        )
    assert events == [
        ("child", case.child_id, None, f"Read the child's details {_label(api)}"),
        ("case", case.child_id, case.pk, f"Viewed the case {_label(api)}"),
        ("messages", case.child_id, case.pk, f"Read the message thread {_label(api)}"),
    ]
    assert calls == [
        ("GET", "/api/v1/children/", 200),
        ("GET", f"/api/v1/cases/{case.pk}/", 200),
        ("GET", f"/api/v1/cases/{case.pk}/messages/", 200),
    ]


def test_polling_with_nothing_new_writes_no_audit_event(site, api):
    with tenant_context(site.council):
        case_make()
    cursor = api.call.get("/api/v1/cases/").json()["cursor"]
    with tenant_context(site.council):
        before = AuditEvent.objects.count()
    assert api.call.get("/api/v1/cases/", {"cursor": cursor}).json()["results"] == []
    with tenant_context(site.council):
        assert AuditEvent.objects.count() == before
        assert Message.objects.count() == 0


def test_a_childs_return_details_and_placements_are_recorded_as_on_the_screens(site, api):
    with tenant_context(site.council):
        child = child_make()
    answer = api.call.post(
        f"/api/v1/children/{child.pk}/return-details/", {"upn": "a123456789012", "sex": "F", "postcode": "ca1 1rd"}
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["upn"], body["sex"], body["postcode"], body["ethnicity"]) == ("A123456789012", "F", "CA1 1RD", "")

    refused = api.call.post(f"/api/v1/children/{child.pk}/return-details/", {"upn": "12345", "uln": "abc"})
    assert refused.status_code == 400, refused.content
    assert refused.json()["errors"] == {
        "upn": ["Enter the UPN as a letter and 12 more characters, like A123456789012"],
        "uln": ["Enter the ULN as 10 digits"],
    }

    no_setting = api.call.post(
        f"/api/v1/children/{child.pk}/placements/", {"name": "Somewhere", "entry_date": "2025-09-01"}
    )
    assert no_setting.status_code == 400
    assert "Enter the setting's URN or UKPRN" in no_setting.content.decode()
    placed = api.call.post(
        f"/api/v1/children/{child.pk}/placements/",
        {"name": "Hillside Primary", "urn": "123456", "entry_date": "2025-09-01", "rank": 1},
    )
    assert placed.status_code == 201
    assert [(p["name"], p["urn"], p["rank"]) for p in placed.json()["placements"]] == [
        ("Hillside Primary", "123456", 1)
    ]
    with tenant_context(site.council):
        child.refresh_from_db()
        assert child.upn == "A123456789012"  # the refused change left it as it was
        roles = set(
            AuditEvent.objects.filter(child=child, subject__in=("child", "placement")).values_list(
                "actor_role", flat=True
            )
        )
    assert roles == {"api"}
