"""The access-request lifecycle: a family asks; the SEND team asks for more, approves or
declines; access can be revoked later. Every decision records who, when and why, and
the family's emails say only what kind of thing happened: never the child's name, date
of birth, or what staff wrote."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from casework.models import AccessRequest, AuditEvent, Child, ChildAccess, Relationship, StaffRole
from casework.selectors.access import children_for_family
from casework.services.access import (
    access_request_answer,
    access_request_approve,
    access_request_approve_new_child,
    access_request_ask,
    access_request_create,
    access_request_decline,
    child_access_revoke,
)
from casework.services.children import ChildPossibleDuplicates
from tenants.outbox.models import OutboundEmail

from .conftest import make_account

BORN = date(2015, 5, 3)
# Ways the child's name or date of birth could leak into an email.
SECRETS = ("Amelia", "Smithson", "2015", "3 May", "03/05", "05/03")


@pytest.fixture
def council(site):
    return site.council


@pytest.fixture
def family(db):
    return make_account(first_name="Jo", last_name="Parent")


@pytest.fixture
def staff(staff_account, council):
    return staff_account(council, StaffRole.TEAM_MANAGER)


@pytest.fixture
def waiting(council, in_council, family):
    with in_council(council):
        return access_request_create(
            account=family,
            relationship=Relationship.PARENT,
            child_first_name=" Amelia ",
            child_last_name="Smithson",
            child_date_of_birth=BORN,
            child_setting="Greenfield Primary",
            family_note="I am her mother; her dad already has access.",
        )


def emails_to(account) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(to=[account.email]).order_by("id"))


def assert_says_nothing_personal(email: OutboundEmail, *also: str) -> None:
    text = f"{email.subject}\n{email.body}"
    for secret in (*SECRETS, *also):
        assert secret not in text, f"{secret!r} in {text!r}"


def decided_events(access_request) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(subject="access_request", subject_id=access_request.pk).order_by("created_at", "id")
    )


def test_a_family_asks_and_the_request_waits_for_the_send_team(council, in_council, waiting, family):
    with in_council(council):
        assert (waiting.status, waiting.child_first_name, waiting.relationship) == (
            AccessRequest.Status.WAITING,
            "Amelia",
            Relationship.PARENT,
        )
        (event,) = decided_events(waiting)
        assert (event.actor, event.actor_role, event.action) == (family, "family", AuditEvent.Action.CREATED)
        assert event.summary == "Asked to see a child's records as parent"


def test_asking_twice_for_the_same_child_is_refused_while_the_first_waits(council, in_council, waiting, family):
    with in_council(council):
        with pytest.raises(ValidationError, match="already asked"):
            access_request_create(
                account=family,
                relationship=Relationship.PARENT,
                child_first_name="amelia",
                child_last_name="SMITHSON",
                child_date_of_birth=BORN,
            )
        # Someone else may ask about the same child.
        access_request_create(
            account=make_account(),
            relationship=Relationship.CARER,
            child_first_name="Amelia",
            child_last_name="Smithson",
            child_date_of_birth=BORN,
        )


def test_a_date_of_birth_in_the_future_is_refused(council, in_council, family):
    with in_council(council), pytest.raises(ValidationError) as refused:
        access_request_create(
            account=family,
            relationship=Relationship.PARENT,
            child_first_name="Amelia",
            child_last_name="Smithson",
            child_date_of_birth=timezone.localdate() + timedelta(days=1),
        )
    assert "child_date_of_birth" in refused.value.message_dict


def test_staff_ask_a_question_and_the_family_is_emailed_without_details(
    council, in_council, waiting, family, staff, django_capture_on_commit_callbacks
):
    before = timezone.now()
    with in_council(council):
        with django_capture_on_commit_callbacks(execute=True):
            asked = access_request_ask(
                access_request=waiting,
                question="Please send Amelia's birth certificate.",
                document_requested=True,
                actor=staff,
            )

        assert (asked.status, asked.question, asked.evidence_document_requested) == (
            AccessRequest.Status.MORE_EVIDENCE,
            "Please send Amelia's birth certificate.",
            True,
        )
        event = decided_events(waiting)[-1]
        assert (event.actor, event.actor_role, event.action) == (staff, StaffRole.TEAM_MANAGER, "decided")
        assert event.created_at >= before
        assert event.summary == "Asked the family a question and for a document"
        (email,) = emails_to(family)
        assert email.subject == "The SEND team has asked a question about your request to see a child's records"
        assert f"http://{council.get_primary_domain().domain}" in email.body
        assert "/send/" in email.body
        assert "send a document" in email.body
        assert_says_nothing_personal(email, "birth certificate")


def test_the_family_answers_and_the_request_waits_for_the_send_team_again(council, in_council, waiting, family, staff):
    with in_council(council):
        access_request_ask(
            access_request=waiting,
            question="Who else has parental responsibility?",
            document_requested=False,
            actor=staff,
        )

        with pytest.raises(PermissionDenied):
            access_request_answer(access_request=waiting, account=make_account(), answer="Me")
        with pytest.raises(ValidationError):
            access_request_answer(access_request=waiting, account=family, answer="  ")

        answered = access_request_answer(access_request=waiting, account=family, answer="Only me and her dad.")

        assert (answered.status, answered.family_answer) == (AccessRequest.Status.WAITING, "Only me and her dad.")
        event = decided_events(waiting)[-1]
        assert (event.actor, event.actor_role, event.summary) == (family, "family", "Answered the SEND team's question")
        with pytest.raises(ValidationError, match="not waiting for an answer"):
            access_request_answer(access_request=waiting, account=family, answer="Again")


def test_asking_again_replaces_the_question_and_clears_the_old_answer(council, in_council, waiting, family, staff):
    with in_council(council):
        access_request_ask(access_request=waiting, question="First?", document_requested=True, actor=staff)
        access_request_answer(access_request=waiting, account=family, answer="Answer")
        again = access_request_ask(access_request=waiting, question="Second?", document_requested=False, actor=staff)
        assert (again.question, again.family_answer, again.evidence_document_requested) == ("Second?", "", False)
        assert len([e for e in decided_events(waiting) if e.action == AuditEvent.Action.DECIDED]) == 2


def test_a_question_is_required(council, in_council, waiting, staff):
    with in_council(council), pytest.raises(ValidationError) as refused:
        access_request_ask(access_request=waiting, question=" ", document_requested=False, actor=staff)
    assert refused.value.message_dict == {"question": ["Enter what you need to ask the family"]}


def test_approving_gives_access_as_the_relationship_given_and_records_who_and_when(
    council, in_council, waiting, family, staff, make_child, django_capture_on_commit_callbacks
):
    before = timezone.now()
    with in_council(council):
        child = make_child(legal_first_name="Amelia", legal_last_name="Smithson", date_of_birth=BORN)
        with django_capture_on_commit_callbacks(execute=True):
            access = access_request_approve(access_request=waiting, child=child, actor=staff)

        assert (access.child, access.account, access.relationship, access.granted_by) == (
            child,
            family,
            Relationship.PARENT,
            staff,
        )
        assert list(children_for_family(account=family)) == [child]
        waiting.refresh_from_db()
        assert (waiting.status, waiting.child, waiting.decided_by) == (AccessRequest.Status.APPROVED, child, staff)
        assert waiting.decided_at >= before
        approved = decided_events(waiting)[-1]
        assert (approved.actor, approved.child, approved.summary) == (staff, child, "Approved access as parent")
        granted = AuditEvent.objects.get(subject="child_access", subject_id=access.pk)
        assert (granted.action, granted.child) == (AuditEvent.Action.CREATED, child)
        (email,) = emails_to(family)
        assert email.subject == "Your request has been approved"
        assert_says_nothing_personal(email)


def test_a_decided_request_cannot_be_decided_again(council, in_council, waiting, staff, make_child):
    with in_council(council):
        child = make_child()
        access_request_approve(access_request=waiting, child=child, actor=staff)
        with pytest.raises(ValidationError, match="already been approved"):
            access_request_decline(access_request=waiting, reason="No", actor=staff)
        with pytest.raises(ValidationError, match="already been approved"):
            access_request_ask(access_request=waiting, question="?", document_requested=False, actor=staff)
        assert ChildAccess.objects.count() == 1


def test_approving_an_account_that_already_has_access_is_refused(
    council, in_council, waiting, family, staff, make_child, make_access
):
    with in_council(council):
        child = make_child()
        make_access(child=child, account=family)
        with pytest.raises(ValidationError, match="can already see"):
            access_request_approve(access_request=waiting, child=child, actor=staff)
        waiting.refresh_from_db()
        assert waiting.status == AccessRequest.Status.WAITING


def test_approving_with_a_new_child_records_the_child_from_the_familys_details(
    council, in_council, waiting, family, staff, service_area
):
    with in_council(council):
        access = access_request_approve_new_child(
            access_request=waiting, council_reference="NEW1", service_area=service_area(council), actor=staff
        )
        child = access.child
        assert (child.legal_first_name, child.legal_last_name, child.date_of_birth, child.setting) == (
            "Amelia",
            "Smithson",
            BORN,
            "Greenfield Primary",
        )
        assert AuditEvent.objects.filter(subject="child", subject_id=child.pk, action="created").exists()


def test_approving_with_a_new_child_goes_through_the_duplicate_check(
    council, in_council, waiting, staff, service_area, make_child
):
    with in_council(council):
        existing = make_child(legal_first_name="Amelia", legal_last_name="Smith", date_of_birth=BORN)
        with pytest.raises(ChildPossibleDuplicates) as refused:
            access_request_approve_new_child(
                access_request=waiting, council_reference="NEW1", service_area=service_area(council), actor=staff
            )
        assert refused.value.duplicates == [existing]
        waiting.refresh_from_db()
        assert waiting.status == AccessRequest.Status.WAITING
        assert Child.objects.count() == 1

        with pytest.raises(ValidationError) as clash:
            access_request_approve_new_child(
                access_request=waiting,
                council_reference=existing.council_reference,
                service_area=service_area(council),
                actor=staff,
                confirmed_not_duplicate=True,
            )
        assert "council_reference" in clash.value.message_dict

        access_request_approve_new_child(
            access_request=waiting,
            council_reference="NEW1",
            service_area=service_area(council),
            actor=staff,
            confirmed_not_duplicate=True,
        )
        assert Child.objects.count() == 2


def test_declining_needs_a_reason_kept_for_the_family_and_the_email_does_not_give_it(
    council, in_council, waiting, family, staff, django_capture_on_commit_callbacks
):
    with in_council(council):
        with pytest.raises(ValidationError) as refused:
            access_request_decline(access_request=waiting, reason="", actor=staff)
        assert refused.value.message_dict == {"reason": ["Enter the reason, which the family will see"]}

        with django_capture_on_commit_callbacks(execute=True):
            declined = access_request_decline(
                access_request=waiting, reason="A court order says Amelia's records stay private.", actor=staff
            )

        assert (declined.status, declined.decided_by, declined.decision_reason) == (
            AccessRequest.Status.DECLINED,
            staff,
            "A court order says Amelia's records stay private.",
        )
        assert declined.decided_at is not None
        assert decided_events(waiting)[-1].summary == "Declined access"
        (email,) = emails_to(family)
        assert_says_nothing_personal(email, "court order")
        assert children_for_family(account=family).count() == 0


def test_revoking_records_who_when_and_why_and_the_family_is_told_only_that_it_changed(
    council, in_council, family, staff, make_child, make_access, django_capture_on_commit_callbacks
):
    with in_council(council):
        child = make_child(legal_first_name="Amelia", legal_last_name="Smithson", date_of_birth=BORN)
        access = make_access(child=child, account=family)
        with pytest.raises(ValidationError):
            child_access_revoke(access=access, reason=" ", actor=staff)

        before = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            revoked = child_access_revoke(access=access, reason="Parental responsibility ended.", actor=staff)

        assert (revoked.revoked_by, revoked.revoke_reason) == (staff, "Parental responsibility ended.")
        assert revoked.revoked_at >= before
        assert children_for_family(account=family).count() == 0
        event = AuditEvent.objects.get(subject="child_access", subject_id=access.pk)
        assert (event.actor, event.actor_role, event.action, event.child) == (
            staff,
            StaffRole.TEAM_MANAGER,
            AuditEvent.Action.CHANGED,
            child,
        )
        assert "Parental" not in event.summary
        (email,) = emails_to(family)
        assert email.subject == "Your access to a child's records has changed"
        assert_says_nothing_personal(email, "Parental responsibility")

        with pytest.raises(ValidationError, match="already been removed"):
            child_access_revoke(access=access, reason="Again", actor=staff)


def test_after_revoking_the_family_can_be_approved_again(
    council, in_council, family, staff, make_child, make_access, make_access_request
):
    with in_council(council):
        child = make_child()
        child_access_revoke(access=make_access(child=child, account=family), reason="Mistake", actor=staff)
        access = access_request_approve(access_request=make_access_request(account=family), child=child, actor=staff)
        assert ChildAccess.objects.filter(child=child, account=family).count() == 2
        assert access.revoked_at is None
