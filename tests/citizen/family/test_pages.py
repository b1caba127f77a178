"""The family's SEND area page by page: the home page (children, cases, unread messages,
requests with the SEND team's question or reason), adding a child, a child's page, a
case's documents and downloads, a printed copy of the plan, the feedback link once a
final plan is issued. Pages that list things cost the same queries for 1 row or many."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework.models import (
    AccessRequest,
    AuditEvent,
    Case,
    CaseKind,
    ChildAccess,
    Document,
    Message,
    PrintedCopyRequest,
    Relationship,
    StaffRole,
)
from casework.services.access import access_request_ask, access_request_decline
from casework.services.cases import milestone_record
from casework.services.documents import document_share, document_upload
from tenants.models import ServiceArea
from tests.factories import configuration_change

from .conftest import CHILD_FIRST, CHILD_LAST, child_make, make_account, pdf_bytes, signed_in_client, upload

pytestmark = pytest.mark.django_db


# --- The home page ----------------------------------------------------------------------


def test_home_shows_the_children_their_cases_and_the_requests_with_what_the_team_said(family, today):
    with tenant_context(family.council):
        access_request_ask(
            access_request=family.waiting_request,
            question="Which school does she go to?",
            document_requested=False,
            actor=family.caseworker,
        )
        declined = AccessRequest.objects.create(
            account=family.parent,
            relationship=Relationship.PARENT,
            child_first_name="Nobody",
            child_last_name="Known",
            child_date_of_birth=date(2014, 1, 1),
        )
        access_request_decline(access_request=declined, reason="We hold no records for this child.", actor=None)
        AccessRequest.objects.create(
            account=family.parent,
            relationship=Relationship.PARENT,
            child_first_name="Still",
            child_last_name="Waiting",
            child_date_of_birth=date(2016, 1, 1),
        )

    parent = signed_in_client(family.council, family.parent).get(reverse("send-home")).content.decode()
    waiting = signed_in_client(family.council, family.waiting).get(reverse("send-home")).content.decode()

    assert f"{CHILD_FIRST} {CHILD_LAST}" in parent
    assert family.case.reference in parent
    assert "Your turn: reply to the draft plan" in parent
    assert "Declined" in parent and "We hold no records for this child." in parent
    assert "Still Waiting" in parent and "Waiting for the SEND team" in parent
    assert "The SEND team needs more from you about Marigold Featherstonehaugh" in waiting
    assert reverse("family:access-request", args=[family.waiting_request.pk]) in waiting
    assert "You have not linked any children to your account yet" in waiting
    waiting_request = signed_in_client(family.council, family.waiting).get(
        reverse("family:access-request", args=[family.waiting_request.pk])
    )
    assert "Which school does she go to?" in waiting_request.content.decode()


def test_the_home_page_costs_the_same_queries_for_one_child_or_many(site, today, real_queries):
    account = make_account()
    client = signed_in_client(site.council, account)

    def add_children(n: int) -> None:
        with tenant_context(site.council):
            for _ in range(n):
                child = child_make(council=site.council)
                ChildAccess.objects.create(child=child, account=account, relationship=Relationship.PARENT)
                for kind in (CaseKind.ASSESSMENT, CaseKind.ANNUAL_REVIEW):
                    case = Case.objects.create(
                        child=child,
                        kind=kind,
                        reference=f"R-{child.pk}-{kind}",
                        started_on=date(2026, 1, 5),
                        next_deadline=date(2026, 2, 16),
                        stage="decision_to_assess",
                    )
                    Message.objects.create(case=case, author=None, from_send_team=True, body="Hello")
                AccessRequest.objects.create(
                    account=account,
                    relationship=Relationship.PARENT,
                    child_first_name="Another",
                    child_last_name=f"Request{child.pk}",
                    child_date_of_birth=date(2015, 1, 1),
                )

    add_children(1)
    client.get(reverse("send-home"))
    with real_queries() as one:
        assert client.get(reverse("send-home")).status_code == 200
    add_children(8)
    with real_queries() as nine:
        html = client.get(reverse("send-home")).content.decode()

    assert nine.count == one.count, nine.sql
    assert html.count("1 new</strong> message") == 18
    assert html.count("The next step was due by 16 February 2026") == 18


def test_a_childs_page_and_a_cases_documents_cost_the_same_queries_however_many(family, today, real_queries):
    client = signed_in_client(family.council, family.parent)
    paths = [
        reverse("family:child", args=[family.child.pk]),
        reverse("family:case-documents", args=[family.case.pk]),
        reverse("family:case", args=[family.case.pk]),
        reverse("family:case-messages", args=[family.case.pk]),
    ]
    with tenant_context(family.council):
        Message.objects.create(case=family.case, author=family.caseworker, from_send_team=True, body="First")
    for path in paths:
        client.get(path)
    before = {}
    for path in paths:
        with real_queries() as queries:
            assert client.get(path).status_code == 200
        before[path] = queries
    with tenant_context(family.council):
        for n in range(6):
            shared = document_upload(
                case=family.case,
                kind=Document.Kind.ADVICE,
                title=f"Advice {n}",
                upload=upload("advice.pdf", pdf_bytes()),
                actor=family.caseworker,
                actor_role=StaffRole.CASEWORKER,
            )
            document_share(document=shared, actor=family.caseworker, actor_role=StaffRole.CASEWORKER)
            Message.objects.create(case=family.case, author=family.caseworker, from_send_team=True, body=f"M{n}")
            Case.objects.create(
                child=family.child, kind=CaseKind.PHASE_TRANSFER, reference=f"PT-{n}", started_on=date(2027, 9, 1)
            )
    after = {}
    for path in paths:
        with real_queries() as queries:
            assert client.get(path).status_code == 200
        after[path] = queries

    for path in paths[:3]:
        assert after[path].count == before[path].count, (path, after[path].sql)
    # A thread with nothing new is read without a write; with six new messages, marking
    # them read is one update, however long the thread.
    assert not [sql for sql in before[paths[3]].sql if sql.startswith(("UPDATE", "INSERT"))], before[paths[3]].sql
    assert after[paths[3]].count == before[paths[3]].count + 1, after[paths[3]].sql


# --- Adding a child -------------------------------------------------------------------------


def test_adding_a_child_sends_a_request_and_shows_it_waiting(site, today, post):
    account = make_account()
    client = signed_in_client(site.council, account)
    data = {
        "child_first_name": "Ash",
        "child_last_name": "Grove",
        "child_date_of_birth_day": "4",
        "child_date_of_birth_month": "9",
        "child_date_of_birth_year": "2016",
        "child_setting": "Hillside Primary",
        "relationship": Relationship.PARENT.value,
        "family_note": "Known as Ashy at school",
    }

    response = post(client, reverse("family:child-add"), data, follow=True)

    html = response.content.decode()
    assert "Your request has been sent." in html
    assert "Waiting for the SEND team" in html
    with tenant_context(site.council):
        request = AccessRequest.objects.get(account=account)
        assert (request.child_first_name, request.child_date_of_birth, request.status) == (
            "Ash",
            date(2016, 9, 4),
            AccessRequest.Status.WAITING,
        )
    again = post(client, reverse("family:child-add"), data)
    assert "You have already asked to see this child&#x27;s records" in again.content.decode()


def test_adding_a_child_with_mistakes_keeps_what_was_typed(site, today, post):
    client = signed_in_client(site.council, make_account())

    response = post(
        client,
        reverse("family:child-add"),
        {"child_first_name": "Ash", "child_date_of_birth_day": "31", "child_date_of_birth_month": "2"},
    )

    html = response.content.decode()
    assert "<title>Error:" in html
    assert "Enter the child&#x27;s last name" in html
    assert "The child&#x27;s date of birth must include a year" in html
    assert "Select who you are to the child" in html
    assert 'value="Ash"' in html


# --- Documents -------------------------------------------------------------------------------


def test_the_family_downloads_a_shared_document_streamed_and_audited(family, today):
    client = signed_in_client(family.council, family.parent)

    page = client.get(reverse("family:case-documents", args=[family.case.pk])).content.decode()
    response = client.get(reverse("family:document-download", args=[family.draft.pk]))

    assert "Draft EHC plan, June 2026" in page
    assert "Advice not yet shared" not in page
    assert response.status_code == 200
    assert response.streaming
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    with tenant_context(family.council):
        event = AuditEvent.objects.get(subject="document", action="downloaded")
        assert (event.actor, event.actor_role, event.subject_id) == (family.parent, "family", family.draft.pk)


def test_a_withdrawn_document_disappears_for_the_family(family, today):
    from casework.services.documents import document_withdraw

    with tenant_context(family.council):
        document_withdraw(document=family.draft, actor=family.caseworker, actor_role=StaffRole.CASEWORKER)
    client = signed_in_client(family.council, family.parent)

    assert client.get(reverse("family:document-download", args=[family.draft.pk])).status_code == 404
    assert "Draft EHC plan, June 2026" not in client.get(reverse("family:case", args=[family.case.pk])).content.decode()


# --- A printed copy --------------------------------------------------------------------------------


def test_a_printed_copy_goes_to_the_service_area_and_is_confirmed(family, today, post, outbox):
    family.parent.address_line_1 = "1 Castle Street"
    family.parent.town = "Carlisle"
    family.parent.postcode = "CA3 8QG"
    family.parent.save()
    client = signed_in_client(family.council, family.parent)
    path = reverse("family:case-printed-copy", args=[family.case.pk])

    page = client.get(path).content.decode()
    response = post(client, path, {}, follow=True)

    assert "1 Castle Street" in page and "Draft EHC plan, June 2026" in page
    assert "Your request for a printed copy has been sent to the SEND team" in response.content.decode()
    area = family.child.service_area
    (to_team,) = [e for e in outbox(family.council) if e.to == [area.contact_email]]
    assert to_team.subject == f"Printed copy of an EHC plan requested: case {family.case.reference}"
    assert "1 Castle Street" in to_team.body and "CA3 8QG" in to_team.body
    assert CHILD_FIRST not in to_team.subject + to_team.body
    (to_family,) = [e for e in outbox(family.council) if e.to == [family.parent.email]]
    assert to_family.subject == "We have your request for a printed copy of the plan"
    with tenant_context(family.council):
        row = PrintedCopyRequest.objects.get()
        assert (row.account, row.document, row.sent_to) == (family.parent, family.draft, area.contact_email)
        assert AuditEvent.objects.filter(subject="printed_copy_request", actor=family.parent).exists()

    again = post(client, path, {})

    assert "You asked for a printed copy of this plan on" in again.content.decode()
    assert "You can ask again from" in again.content.decode()
    with tenant_context(family.council):
        assert PrintedCopyRequest.objects.count() == 1
    with tenant_context(family.council):
        PrintedCopyRequest.objects.update(requested_at=timezone.now() - timedelta(hours=25))
    post(client, path, {})
    with tenant_context(family.council):
        assert PrintedCopyRequest.objects.count() == 2


def test_without_a_service_area_the_printed_copy_goes_to_the_councils_address(family, today, post, outbox):
    with tenant_context(family.council):
        family.child.service_area = None
        family.child.save()
    family.council.contact_email = "send@council.example"
    family.council.save(update_fields=["contact_email"])

    post(
        signed_in_client(family.council, family.parent), reverse("family:case-printed-copy", args=[family.case.pk]), {}
    )

    assert [e for e in outbox(family.council) if e.to == ["send@council.example"]]


def test_no_printed_copy_before_there_is_a_plan(family, today, post):
    from casework.services.documents import document_withdraw

    with tenant_context(family.council):
        document_withdraw(document=family.draft, actor=family.caseworker, actor_role=StaffRole.CASEWORKER)
    client = signed_in_client(family.council, family.parent)

    page = client.get(reverse("family:case-printed-copy", args=[family.case.pk])).content.decode()
    post(client, reverse("family:case-printed-copy", args=[family.case.pk]), {})

    assert "There is no plan on this case yet" in page
    with tenant_context(family.council):
        assert not PrintedCopyRequest.objects.exists()


# --- Feedback --------------------------------------------------------------------------------------


def issue_final_plan(family):
    """The family agreed with the draft (sent 10 June), so the final plan need not wait 15 days."""
    with tenant_context(family.council):
        from casework.models import DraftPlanReply

        DraftPlanReply.objects.create(
            case=family.case,
            account=family.parent,
            step_key="draft_comments",
            served_on=date(2026, 6, 10),
            last_day=date(2026, 6, 24),
            response="agree",
        )
        milestone_record(
            case=family.case,
            key="final_issued",
            occurred_on=date(2026, 6, 15),
            actor=family.caseworker,
            actor_role=StaffRole.CASEWORKER,
            today=date(2026, 6, 15),
        )


def test_the_feedback_questionnaire_appears_once_the_final_plan_is_issued(family, today):
    client = signed_in_client(family.council, family.parent)
    url = family.council.feedback_questionnaire_url
    assert url

    before = client.get(reverse("family:case", args=[family.case.pk])).content.decode()
    issue_final_plan(family)
    after = client.get(reverse("family:case", args=[family.case.pk])).content.decode()

    assert url not in before
    assert f'href="{url}"' in after
    assert "Fill in the feedback questionnaire" in after


def test_no_feedback_link_when_the_council_has_none(family, today):
    family.council.feedback_questionnaire_url = ""
    family.council.save(update_fields=["feedback_questionnaire_url"])
    issue_final_plan(family)

    html = signed_in_client(family.council, family.parent).get(reverse("family:case", args=[family.case.pk]))

    assert "feedback questionnaire" not in html.content.decode()


def test_the_send_area_is_closed_while_the_send_tile_is_off(family):
    from tenants.models import Tile

    configuration_change(Tile.objects.filter(council=family.council, kind=Tile.Kind.SEND), enabled=False)
    client = signed_in_client(family.council, family.parent)

    for path in (reverse("send-home"), reverse("family:case", args=[family.case.pk]), reverse("family:alerts")):
        assert client.get(path).status_code == 404


def test_every_family_page_is_never_cached(family, today):
    client = signed_in_client(family.council, family.parent)

    response = client.get(reverse("family:case", args=[family.case.pk]))

    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert ServiceArea.objects.filter(council=family.council).exists()
