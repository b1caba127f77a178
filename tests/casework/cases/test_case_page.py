"""The case page: the child and family, the timeline, what can be recorded next,
exceptions, advice and the audit trail; viewing it is audited; its queries stay the same
however many documents, messages, advice requests and audit events the case has."""

from __future__ import annotations

import re
from datetime import date
from unittest import mock

import pytest
from django.core.files.base import ContentFile

from casework.models import (
    AdviceRequest,
    AuditEvent,
    ChildAccess,
    Document,
    Message,
    Milestone,
    Relationship,
    StaffRole,
)
from casework.services.cases import case_exception_record, case_open, milestone_record

from .conftest import TODAY, make_account, make_child

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        yield TODAY


@pytest.fixture
def caseworker(cumbria, staff_client):
    return staff_client(cumbria, StaffRole.CASEWORKER, first_name="Casey", last_name="Worker")


@pytest.fixture
def case(cumbria, in_council, caseworker):
    """An assessment received on 2 March 2026, decided on 1 April, with the school closed
    for 5 weeks in April and May; a parent can see it, a carer's access was revoked."""
    with in_council(cumbria):
        child = make_child(first="Amira", last="Okafor", known_as="Mira", setting="Hillside Primary")
        parent = make_account(first_name="Pat", last_name="Okafor")
        carer = make_account(first_name="Chris", last_name="Former")
        ChildAccess.objects.create(child=child, account=parent, relationship=Relationship.PARENT)
        ChildAccess.objects.create(
            child=child,
            account=carer,
            relationship=Relationship.CARER,
            revoked_at=date(2026, 1, 1).isoformat() + "T00:00Z",
        )
        actor = caseworker.account
        case = case_open(
            child=child, kind="assessment", started_on=date(2026, 3, 2), caseworker=actor, actor=actor, today=TODAY
        )
        milestone_record(
            case=case,
            key="decided_whether_to_assess",
            occurred_on=date(2026, 4, 1),
            outcome="yes",
            actor=actor,
            today=TODAY,
        )
        case_exception_record(
            case=case,
            reason="setting_closed",
            start=date(2026, 4, 20),
            end=date(2026, 5, 24),
            setting="Hillside Primary",
            details="Flood damage",
            actor=actor,
            today=TODAY,
        )
    return case


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_case_page_shows_the_child_family_timeline_and_what_comes_next(caseworker, case):
    html = caseworker.get(f"/staff/cases/{case.pk}/").content.decode()
    words = text(html)
    assert "Amira Okafor" in words and "known as Mira" in words
    assert "Pat Okafor (parent)" in words
    assert "Chris Former" not in words.split("Audit trail")[0].split("Family members")[1].split("Date the request")[0]
    assert "Date the request was received 2 March 2026" in words
    assert "Stage Decision whether to issue a plan" in words
    # The timeline: each step's title, legal deadline, status, regulation, exception explained.
    assert "Decision whether to assess Done Done on 1 April 2026 (on time)" in words
    assert "Legal deadline 20 July 2026, extended to 24 August 2026. reg 13(2)" in words
    assert "The deadline was extended because Hillside Primary was closed from 20 April 2026 to 24 May 2026." in words
    # What can be recorded next: only what the clock accepts.
    assert f'href="/staff/cases/{case.pk}/steps/new/?step=draft_served"' in html
    assert "?step=decided_whether_to_assess" not in html
    # Exceptions, with the details for the SEND team.
    assert "The school or early years setting was closed for 4 weeks or more: Hillside Primary" in words
    assert "Flood damage (SEND team only)" in words
    # The audit trail: who (name and role), what, when.
    assert "Casey Worker Caseworker Recorded an exception to the time limits (setting closed)" in words


def test_viewing_the_case_is_an_audit_event_and_shown_in_the_trail(caseworker, case, cumbria, in_council):
    caseworker.get(f"/staff/cases/{case.pk}/")
    html = caseworker.get(f"/staff/cases/{case.pk}/").content.decode()
    with in_council(cumbria):
        views = AuditEvent.objects.filter(case=case, action="viewed")
        assert views.count() == 2
        event = views.first()
    assert (event.actor_id, event.actor_role, event.subject, event.ip_address) == (
        caseworker.account.pk,
        "caseworker",
        "case",
        "127.0.0.1",
    )
    assert "Casey Worker Caseworker Viewed the case" in text(html)


def test_the_audit_trail_shows_the_latest_fifty(caseworker, case, cumbria, in_council):
    with in_council(cumbria):
        AuditEvent.objects.bulk_create(
            AuditEvent(actor_role="caseworker", action="viewed", subject="case", case=case, summary=f"Event {i}")
            for i in range(60)
        )
    html = caseworker.get(f"/staff/cases/{case.pk}/").content.decode()
    trail = html.split('id="audit-heading"')[1]
    assert trail.count('<tr class="govuk-table__row">') == 1 + 50  # the header row and 50 events


def test_a_case_of_the_other_council_is_not_found(case, somerset, staff_client):
    somerset_worker = staff_client(somerset, StaffRole.CASEWORKER)
    assert somerset_worker.get(f"/staff/cases/{case.pk}/").status_code == 404


def test_the_number_of_queries_does_not_grow_with_what_the_case_holds(
    caseworker, case, cumbria, in_council, real_queries
):
    author = caseworker.account

    def grow(n: int) -> None:
        with in_council(cumbria):
            first = Document(
                case=case,
                kind="advice",
                title="Advice",
                content_type="application/pdf",
                size=9,
                sha256="0" * 64,
                scan_status="clean",  # scanned, as every listed document is
            )
            first.file.save("advice.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
            Document.objects.bulk_create(
                Document(
                    case=case,
                    kind="advice",
                    title=f"Advice {i}",
                    file=first.file.name,
                    content_type="application/pdf",
                    size=9,
                    sha256="0" * 64,
                    uploaded_by=author,
                    scan_status="clean",
                )
                for i in range(n - 1)
            )
            Message.objects.bulk_create(
                Message(case=case, author=author, from_send_team=i % 2 == 0, body=f"Message {i}") for i in range(n)
            )
            AdviceRequest.objects.bulk_create(
                AdviceRequest(case=case, adviser=f"Adviser {i}", requested_on=date(2026, 4, 2), received_on=None)
                for i in range(n)
            )
            AuditEvent.objects.bulk_create(
                AuditEvent(actor=author, actor_role="caseworker", action="viewed", subject="case", case=case)
                for _ in range(n)
            )

    def queries() -> int:
        with real_queries() as q:
            answer = caseworker.get(f"/staff/cases/{case.pk}/")
        assert answer.status_code == 200
        return q.count

    grow(1)
    queries()  # the first view fills caches and creates this reader's marker for the thread
    grow(4)  # each count is then taken with something new in the thread, so both mark it read the same way
    few = queries()
    grow(495)
    many = queries()
    assert few == many
    with in_council(cumbria):
        assert Milestone.objects.filter(case=case).count() == 1


def test_the_case_page_of_an_annual_review_has_no_advice_or_exceptions_sections(caseworker, cumbria, in_council):
    with in_council(cumbria):
        review = case_open(
            child=make_child(born=date(2022, 2, 1), setting=""),
            kind="annual_review",
            started_on=date(2025, 9, 1),
            actor=caseworker.account,
            today=TODAY,
        )
    words = text(caseworker.get(f"/staff/cases/{review.pk}/").content.decode())
    assert "Date the plan was issued 1 September 2025" in words
    assert "Exceptions to the time limits" not in words and "Advice requests" not in words
    assert "Reviews for children under 5" in words  # the Code of Practice's recommendation
    assert "reg 21" in words  # not at a school or college
