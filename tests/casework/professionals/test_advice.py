"""Advice through the portal, on both demo councils: the SEND team asks organisations
from the case page; each organisation's tray shows its requests soonest due first with
only what is needed; a member takes one and sends the advice with files, which the case
records as received on time or late; another organisation declines, which tells the SEND
team at once and takes the step off the clock. Emails never carry a child's name."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from casework import clock
from casework.models import AdviceRequest, AuditEvent, Case, Document
from tests.casework.documents.conftest import pdf_bytes, upload

from .conftest import emails_to

pytestmark = pytest.mark.django_db


def ask(world, post, *organisations, cover="Communication and learning at school", consent="on"):
    staff = world.client("worker")
    data = {
        "organisations": [str(o.pk) for o in organisations],
        "kind": "educational",
        "cover": cover,
        "family_consent": consent,
    }
    return post(staff, f"/staff/cases/{world.case.pk}/advice/ask/", data)


def send_team_emails(world, in_council) -> list:
    """What the SEND team was emailed about the case (at its caseworker, area or council address)."""
    from casework.services.messages import staff_alert_recipients

    with in_council(world.council):
        (address,) = staff_alert_recipients(Case.objects.select_related("child__service_area").get(pk=world.case.pk))
    return [e for e in emails_to(world.council, in_council, address) if "dvice" in e.subject]


def request_of(world, in_council, organisation) -> AdviceRequest:
    with in_council(world.council):
        return AdviceRequest.objects.select_related("case").get(case=world.case, organisation=organisation)


def test_staff_ask_two_organisations_each_gets_a_request_due_in_6_weeks_and_an_email_without_names(
    world, post, in_council
):
    answer = ask(world, post, world.school, world.service)

    assert answer.status_code == 302 and answer["Location"] == f"/staff/cases/{world.case.pk}/"
    today = timezone.localdate()
    for organisation in (world.school, world.service):
        advice = request_of(world, in_council, organisation)
        assert (advice.requested_on, advice.status, advice.family_consent) == (today, "open", True)
        assert advice.adviser == organisation.name
        (email,) = emails_to(world.council, in_council, organisation.contact_email)
        assert world.case.reference in email.subject and clock.long_date(today + timedelta(weeks=6)) in email.subject
        assert f"/professionals/advice/{advice.pk}/" in email.body
        assert "Alex" not in email.body + email.subject and "Smith" not in email.body + email.subject
    with in_council(world.council):
        case = Case.objects.get(pk=world.case.pk)
    assert (case.stage, case.next_deadline) == ("advice", today + timedelta(weeks=6))


def test_asking_without_consent_or_without_anyone_keeps_what_was_typed_and_says_what_is_missing(
    world, post, in_council
):
    staff = world.client("worker")
    answer = staff.post(
        f"/staff/cases/{world.case.pk}/advice/ask/",
        {"organisations": [], "kind": "health", "cover": "Sleep and eating"},
    )

    page = answer.content.decode()
    assert answer.status_code == 200
    assert "Choose who to ask for advice" in page
    assert "Confirm the family has agreed to the advice being asked for" in page
    assert "Sleep and eating" in page
    with in_council(world.council):
        assert not AdviceRequest.objects.filter(case=world.case).exists()


def test_an_organisation_asked_and_not_yet_answering_cannot_be_asked_twice(world, post, in_council):
    ask(world, post, world.school)
    again = ask(world, post, world.school)

    assert again.status_code == 200
    assert "Greenfield Primary School has already been asked and has not answered" in again.content.decode()
    with in_council(world.council):
        assert AdviceRequest.objects.filter(case=world.case).count() == 1


def test_the_tray_lists_its_own_organisations_requests_soonest_due_first_with_the_childs_name(world, post, in_council):
    ask(world, post, world.school)
    with in_council(world.council):
        older = AdviceRequest.objects.get(organisation=world.school)
        AdviceRequest.objects.filter(pk=older.pk).update(requested_on=timezone.localdate() - timedelta(days=50))
        from .conftest import case_waiting_for_advice

        other_case = case_waiting_for_advice(world.accounts["worker"], first="Jordan", last="Lee")
    world.case = other_case
    ask(world, post, world.school, world.service)

    tray = world.client("kim").get("/professionals/").content.decode()

    assert tray.index("Alex Smith") < tray.index("Jordan Lee")  # the older request is due first
    assert "Overdue by 8 days" in tray
    ep_tray = world.client("pat").get("/professionals/").content.decode()
    assert "Jordan Lee" in ep_tray and "Alex Smith" not in ep_tray


def test_a_member_takes_the_request_and_sends_advice_with_files_recorded_on_time(world, post, in_council, clamd):
    ask(world, post, world.school)
    advice = request_of(world, in_council, world.school)
    kim = world.client("kim")

    page = kim.get(f"/professionals/advice/{advice.pk}/").content.decode()
    assert "Alex Smith" in page and "Communication and learning at school" in page and "Hillside Primary" in page
    taken = post(kim, f"/professionals/advice/{advice.pk}/take/", {})
    assert taken.status_code == 302
    sent = post(
        kim,
        f"/professionals/advice/{advice.pk}/send/",
        {
            "note": "Alex needs a quiet space and visual timetable.",
            "files": [upload("report.pdf", pdf_bytes("Advice")), upload("annex.pdf", pdf_bytes("Annex"))],
        },
    )

    assert sent.status_code == 302 and sent["Location"] == f"/professionals/advice/{advice.pk}/"
    advice = request_of(world, in_council, world.school)
    assert (advice.status, advice.received_on, advice.taken_by_id) == (
        "received",
        timezone.localdate(),
        world.accounts["kim"].pk,
    )
    with in_council(world.council):
        documents = list(Document.objects.filter(advice_request=advice).order_by("title"))
        case = Case.objects.get(pk=world.case.pk)
    assert [d.kind for d in documents] == ["advice", "advice"]
    assert all(d.shared_with_family_at is None for d in documents)  # the council shares them
    assert case.stage == "decision_to_issue"  # the only advice asked has arrived
    (told,) = send_team_emails(world, in_council)
    assert "on time" in told.body and world.case.reference in told.subject and "Alex" not in told.body
    staff_page = world.client("worker").get(f"/staff/cases/{world.case.pk}/").content.decode()
    assert "Educational advice from Greenfield Primary School (1 of 2)" in staff_page
    done = kim.get(f"/professionals/advice/{advice.pk}/").content.decode()
    assert "on time" in done and "Take this request" not in done


def test_advice_sent_after_6_weeks_is_recorded_late(world, post, in_council):
    ask(world, post, world.school)
    advice = request_of(world, in_council, world.school)
    with in_council(world.council):
        AdviceRequest.objects.filter(pk=advice.pk).update(requested_on=timezone.localdate() - timedelta(weeks=7))

    post(world.client("sam"), f"/professionals/advice/{advice.pk}/send/", {"note": "Our advice."})

    (told,) = send_team_emails(world, in_council)
    due = timezone.localdate() - timedelta(weeks=1)
    assert f"late (it was due by {clock.long_date(due)})" in told.body
    assert "late: it was due by" in world.client("sam").get(f"/professionals/advice/{advice.pk}/").content.decode()


def test_sending_nothing_is_refused_and_the_request_stays_open(world, post, in_council):
    ask(world, post, world.school)
    advice = request_of(world, in_council, world.school)

    answer = post(world.client("kim"), f"/professionals/advice/{advice.pk}/send/", {"note": "  "})

    assert answer.status_code == 200 and "Write your advice, or attach it as a file" in answer.content.decode()
    assert request_of(world, in_council, world.school).status == "open"


def test_declining_tells_the_send_team_at_once_and_takes_the_step_off_the_clock(world, post, in_council):
    ask(world, post, world.service)
    advice = request_of(world, in_council, world.service)

    answer = post(world.client("pat"), f"/professionals/advice/{advice.pk}/decline/", {"reason": "Not known to us"})

    assert answer.status_code == 302 and answer["Location"] == "/professionals/"
    advice = request_of(world, in_council, world.service)
    assert (advice.status, advice.decline_reason) == ("declined", "Not known to us")
    (told,) = send_team_emails(world, in_council)
    assert "declined" in told.subject and world.case.reference in told.subject and "Alex" not in told.body
    with in_council(world.council):
        case = Case.objects.get(pk=world.case.pk)
    assert case.stage == "decision_to_issue"  # no advice is coming, so nothing waits for it
    staff_page = world.client("worker").get(f"/staff/cases/{world.case.pk}/").content.decode()
    assert "Declined" in staff_page and "Not known to us" in staff_page
    again = post(world.client("pat"), f"/professionals/advice/{advice.pk}/send/", {"note": "Oops"})
    assert again.status_code == 302  # the request is closed: back to its page, nothing recorded
    assert request_of(world, in_council, world.service).received_on is None


def test_an_admin_gives_a_request_to_a_colleague_and_a_member_cannot(world, post, in_council):
    ask(world, post, world.school)
    advice = request_of(world, in_council, world.school)
    with in_council(world.council):
        kim = world.school.memberships.get(account=world.accounts["kim"])
        sam = world.school.memberships.get(account=world.accounts["sam"])

    post(world.client("sam"), f"/professionals/advice/{advice.pk}/take/", {"to": str(kim.pk)})
    assert request_of(world, in_council, world.school).taken_by_id == world.accounts["kim"].pk

    post(world.client("kim"), f"/professionals/advice/{advice.pk}/take/", {"to": str(sam.pk)})
    assert request_of(world, in_council, world.school).taken_by_id == world.accounts["kim"].pk


def test_the_family_sees_who_was_asked_and_when_it_is_due_and_every_look_is_in_who_has_seen(
    world, post, in_council, make_access
):
    ask(world, post, world.service)
    with in_council(world.council):
        access = make_access(child=world.case.child)
    from tests.casework.conftest import signed_in_client

    advice = request_of(world, in_council, world.service)
    world.client("pat").get(f"/professionals/advice/{advice.pk}/")
    family = signed_in_client(world.council, access.account)

    case_page = family.get(f"/send/cases/{world.case.pk}/").content.decode()
    assert "Advice from Educational Psychology Service" in case_page
    with in_council(world.council):
        looked = AuditEvent.objects.get(actor=world.accounts["pat"], action="viewed")
    assert (looked.organisation_id, looked.actor_role, looked.case_id) == (
        world.service.pk,
        "professional",
        world.case.pk,
    )
    seen = family.get(f"/send/children/{world.case.child_id}/who-has-seen/").content.decode()
    assert "Educational Psychology Service" in seen


def test_a_professionals_download_is_audited_with_their_organisation(world, post, in_council, clamd):
    ask(world, post, world.school)
    advice = request_of(world, in_council, world.school)
    kim = world.client("kim")
    post(kim, f"/professionals/advice/{advice.pk}/send/", {"files": [upload("report.pdf", pdf_bytes("Advice"))]})
    with in_council(world.council):
        document = Document.objects.get(advice_request=advice)

    answer = kim.get(f"/professionals/advice/{advice.pk}/documents/{document.pk}/")

    assert answer.status_code == 200 and b"".join(answer.streaming_content).startswith(b"%PDF")
    with in_council(world.council):
        downloaded = AuditEvent.objects.get(actor=world.accounts["kim"], action="downloaded")
    assert (downloaded.organisation_id, downloaded.subject_id) == (world.school.pk, document.pk)


def test_the_family_sees_each_request_arrived_declined_or_due_and_advice_at_once_where_the_council_says_so(
    world, post, in_council, make_access, clamd
):
    from tenants.models import Council
    from tests.casework.conftest import signed_in_client
    from tests.factories import configuration_change

    configuration_change(Council.objects.filter(pk=world.council.pk), advice_shared_at_once=True)
    ask(world, post, world.school, world.service)
    with in_council(world.council):
        access = make_access(child=world.case.child)
    school, service = request_of(world, in_council, world.school), request_of(world, in_council, world.service)
    post(
        world.client("kim"), f"/professionals/advice/{school.pk}/send/", {"files": [upload("advice.pdf", pdf_bytes())]}
    )
    post(world.client("pat"), f"/professionals/advice/{service.pk}/decline/", {"reason": "Not known to us"})
    family = signed_in_client(world.council, access.account)

    page = family.get(f"/send/cases/{world.case.pk}/").content.decode()
    documents = family.get(f"/send/cases/{world.case.pk}/documents/").content.decode()

    today = clock.long_date(timezone.localdate())
    assert f"Arrived on {today}, on time" in page
    assert f"They could not give this advice (told the SEND team on {today})" in page
    assert "Not known to us" not in page  # the organisation's words are for the SEND team
    assert "Educational advice from Greenfield Primary School" in documents
