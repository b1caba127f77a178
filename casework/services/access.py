"""Access to a child's records: a family asks, the SEND team decides case by case (ask
for more, approve, decline), and may revoke later. Every decision records who, when and
why, on the request or access itself and as an audit event.

Emails to the family say only what kind of thing happened and link to the portal: never
the child's name, date of birth, or what staff wrote (docs/architecture.md; the issue's "emails
that say what kind of thing changed")."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from casework.models import AccessEvidence, AccessRequest, AuditEvent, Child, ChildAccess, Relationship, live_access
from casework.selectors.children import PENDING, name_key
from casework.services.audit import audit_record
from casework.services.children import child_create, staff_role
from casework.services.documents import audited_download, download_name
from casework.services.trusted import trusted_end_for_revoked
from casework.submissions.services import request_submissions_attach
from tenants.current import current_council
from tenants.links import council_url
from tenants.models import ServiceArea
from tenants.outbox.services import email_queue

if TYPE_CHECKING:
    from citizen.accounts.models import Account

FAMILY = "family"


def _portal_link() -> str:
    """The family's SEND area on this council's site (where they sign in to see more)."""
    return council_url(council=current_council(), path=reverse("send-home"))


def _email_family(*, account: Account, subject: str, lines: list[str]) -> None:
    council = current_council()
    link = _portal_link()
    body = "\n\n".join(
        [
            *lines,
            *([f"Sign in to the {council.service_name} to see more:\n{link}"] if link else []),
            f"{council.name} SEND team",
        ]
    )
    email_queue(to=[account.email], subject=subject, body=body)


def _locked_pending(access_request: AccessRequest) -> AccessRequest:
    """The request, locked against a second decision at the same moment; refused once
    it has been decided."""
    locked = AccessRequest.objects.select_for_update().select_related("account").get(pk=access_request.pk)
    if locked.status not in PENDING:
        raise ValidationError(f"This request has already been {locked.get_status_display().lower()}")
    return locked


def _required(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


# --- The family's side -------------------------------------------------------------------


@transaction.atomic
def access_request_create(
    *,
    account: Account,
    relationship: str,
    child_first_name: str,
    child_last_name: str,
    child_date_of_birth: date,
    child_setting: str = "",
    family_note: str = "",
) -> AccessRequest:
    """A family member asks to see a child's records. Refused while the same account
    already has a request waiting about a child of the same name and date of birth."""
    access_request = AccessRequest(
        account=account,
        relationship=relationship,
        child_first_name=child_first_name.strip(),
        child_last_name=child_last_name.strip(),
        child_date_of_birth=child_date_of_birth,
        child_setting=child_setting.strip(),
        family_note=family_note.strip(),
    )
    access_request.full_clean()
    if relationship == Relationship.TRUSTED:  # invited by the family, never asked for
        raise ValidationError({"relationship": "Choose whether you are the parent, a carer or the young person"})
    if child_date_of_birth > timezone.localdate():
        raise ValidationError({"child_date_of_birth": "The child's date of birth must be today or in the past"})
    already = AccessRequest.objects.filter(account=account, status__in=PENDING, child_date_of_birth=child_date_of_birth)
    key = (name_key(access_request.child_first_name), name_key(access_request.child_last_name))
    if any(key == (name_key(other.child_first_name), name_key(other.child_last_name)) for other in already):
        raise ValidationError(
            "You have already asked to see this child's records. The SEND team will contact you when they have "
            "looked at your request."
        )
    access_request.save()
    audit_record(
        actor=account,
        actor_role=FAMILY,
        action=AuditEvent.Action.CREATED,
        subject=AuditEvent.Subject.ACCESS_REQUEST,
        subject_id=access_request.pk,
        summary=f"Asked to see a child's records as {access_request.get_relationship_display().lower()}",
    )
    return access_request


@transaction.atomic
def access_request_answer(*, access_request: AccessRequest, account: Account, answer: str) -> AccessRequest:
    """The family answers the SEND team's question; the request waits for the team again."""
    answer = _required(answer, "family_answer", "Enter your answer")
    locked = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
    if locked.account_id != account.pk:
        raise PermissionDenied
    if locked.status != AccessRequest.Status.MORE_EVIDENCE:
        raise ValidationError("The SEND team is not waiting for an answer to this request")
    locked.family_answer = answer
    locked.status = AccessRequest.Status.WAITING
    locked.full_clean()
    locked.save()
    audit_record(
        actor=account,
        actor_role=FAMILY,
        action=AuditEvent.Action.CHANGED,
        subject=AuditEvent.Subject.ACCESS_REQUEST,
        subject_id=locked.pk,
        child=locked.child,
        summary="Answered the SEND team's question",
    )
    return locked


# --- The SEND team's decisions ----------------------------------------------------------


@transaction.atomic
def access_request_ask(
    *,
    access_request: AccessRequest,
    question: str,
    document_requested: bool,
    actor: Account | None,
    request: HttpRequest | None = None,
    actor_role: str | None = None,
) -> AccessRequest:
    """Ask the family for more: a question, and perhaps a document. The request waits
    for the family (MORE_EVIDENCE) until they answer. Asking again replaces the question
    and clears the previous answer; the audit trail keeps who asked and when."""
    question = _required(question, "question", "Enter what you need to ask the family")
    locked = _locked_pending(access_request)
    locked.question = question
    locked.evidence_document_requested = document_requested
    locked.family_answer = ""
    locked.status = AccessRequest.Status.MORE_EVIDENCE
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        actor_role=actor_role or staff_role(actor),
        action=AuditEvent.Action.DECIDED,
        subject=AuditEvent.Subject.ACCESS_REQUEST,
        subject_id=locked.pk,
        child=locked.child,
        summary="Asked the family a question" + (" and for a document" if document_requested else ""),
        request=request,
    )
    lines = ["The SEND team has asked a question about your request to see a child's records."]
    if document_requested:
        lines.append("They have also asked you to send a document.")
    _email_family(
        account=locked.account,
        subject="The SEND team has asked a question about your request to see a child's records",
        lines=lines,
    )
    return locked


@transaction.atomic
def access_request_approve(
    *,
    access_request: AccessRequest,
    child: Child,
    actor: Account | None,
    request: HttpRequest | None = None,
    actor_role: str | None = None,
) -> ChildAccess:
    """Approve: the family member may see `child`'s records, as the relationship they
    gave. Returns the new access."""
    locked = _locked_pending(access_request)
    if ChildAccess.objects.filter(live_access(), child=child, account=locked.account).exists():
        raise ValidationError(
            "This family member can already see this child's records. Decline this request and give that as the reason"
        )
    now = timezone.now()
    access = ChildAccess(child=child, account=locked.account, relationship=locked.relationship, granted_by=actor)
    # A council system (the API) grants as no account: granted_by stays empty.
    access.full_clean()
    access.save()
    locked.child = child
    locked.status = AccessRequest.Status.APPROVED
    locked.decided_by = actor
    locked.decided_at = now
    locked.decision_reason = ""
    locked.full_clean()
    locked.save()
    role = actor_role or staff_role(actor)
    relationship = access.get_relationship_display().lower()
    audit_record(
        actor=actor,
        actor_role=role,
        action=AuditEvent.Action.DECIDED,
        subject=AuditEvent.Subject.ACCESS_REQUEST,
        subject_id=locked.pk,
        child=child,
        summary=f"Approved access as {relationship}",
        request=request,
    )
    audit_record(
        actor=actor,
        actor_role=role,
        action=AuditEvent.Action.CREATED,
        subject=AuditEvent.Subject.CHILD_ACCESS,
        subject_id=access.pk,
        child=child,
        summary=f"Gave a family member access as {relationship}",
        request=request,
    )
    _email_family(
        account=locked.account,
        subject="Your request has been approved",
        lines=["The SEND team has approved your request to see a child's records."],
    )
    # A request for an assessment the family sent while this waited (issue 19, item 10)
    # opens the child's case now, its clock counting from the day it was sent.
    request_submissions_attach(access_request=locked, child=child, actor=actor, actor_role=role, request=request)
    return access


@transaction.atomic
def access_request_approve_new_child(
    *,
    access_request: AccessRequest,
    council_reference: str,
    service_area: ServiceArea | None,
    known_as: str = "",
    actor: Account | None,
    request: HttpRequest | None = None,
    confirmed_not_duplicate: bool = False,
    actor_role: str | None = None,
) -> ChildAccess:
    """Approve by recording a new child from the details the family gave (through
    `child_create`, so its duplicate check and reference check apply)."""
    locked = _locked_pending(access_request)
    child = child_create(
        legal_first_name=locked.child_first_name,
        legal_last_name=locked.child_last_name,
        known_as=known_as,
        date_of_birth=locked.child_date_of_birth,
        setting=locked.child_setting,
        service_area=service_area,
        council_reference=council_reference,
        actor=actor,
        actor_role=actor_role,
        request=request,
        confirmed_not_duplicate=confirmed_not_duplicate,
    )
    return access_request_approve(
        access_request=locked, child=child, actor=actor, request=request, actor_role=actor_role
    )


@transaction.atomic
def access_request_decline(
    *,
    access_request: AccessRequest,
    reason: str,
    actor: Account | None,
    request: HttpRequest | None = None,
    actor_role: str | None = None,
) -> AccessRequest:
    """Decline, with the reason the family will be shown."""
    reason = _required(reason, "reason", "Enter the reason, which the family will see")
    locked = _locked_pending(access_request)
    locked.status = AccessRequest.Status.DECLINED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_reason = reason
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        actor_role=actor_role or staff_role(actor),
        action=AuditEvent.Action.DECIDED,
        subject=AuditEvent.Subject.ACCESS_REQUEST,
        subject_id=locked.pk,
        child=locked.child,
        summary="Declined access",
        request=request,
    )
    _email_family(
        account=locked.account,
        subject="The SEND team has decided your request to see a child's records",
        lines=["The SEND team has made a decision about your request to see a child's records."],
    )
    return locked


@transaction.atomic
def child_access_revoke(
    *,
    access: ChildAccess,
    reason: str,
    actor: Account | None,
    request: HttpRequest | None = None,
    actor_role: str | None = None,
    by_young_person: bool = False,
) -> ChildAccess:
    """End an account's access to a child's records, recording who, when and why.
    `by_young_person`: the young person themself removed it (citizen.services_family),
    which the access and the audit trail record as their decision."""
    reason = _required(reason, "reason", "Enter why you are removing this access")
    locked = ChildAccess.objects.select_for_update().select_related("account", "child").get(pk=access.pk)
    if locked.revoked_at is not None:
        raise ValidationError("This access has already been removed")
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.revoke_reason = reason
    locked.removed_by_young_person = by_young_person
    locked.full_clean()
    locked.save()
    relationship = locked.get_relationship_display().lower()
    trusted_end_for_revoked(access=locked, actor=actor, actor_role=actor_role or staff_role(actor), request=request)
    audit_record(
        actor=actor,
        actor_role=actor_role or staff_role(actor),
        action=AuditEvent.Action.CHANGED,
        subject=AuditEvent.Subject.CHILD_ACCESS,
        subject_id=locked.pk,
        child=locked.child,
        summary=(
            f"The young person removed a family member's access ({relationship})"
            if by_young_person
            else f"Removed a family member's access ({relationship})"
        ),
        request=request,
    )
    # Without detail either way: not who removed it, nor why.
    changed_by = "" if by_young_person else "The SEND team has changed what you can see in your SEND area. "
    _email_family(
        account=locked.account,
        subject="Your access to a child's records has changed",
        lines=[
            (changed_by or "What you can see in your SEND area has changed. ")
            + "If you have questions about this, contact the SEND team."
        ],
    )
    return locked


def access_evidence_download(
    *, evidence: AccessEvidence, actor: Account | None, actor_role: str, request: HttpRequest | None
):
    """Stream a family's evidence to a member of the SEND team the caller has checked,
    and record the download (as every download of a child's data is)."""
    return audited_download(
        evidence.file,
        filename=download_name(evidence),  # title, content type and name: as a Document's
        content_type=evidence.content_type,
        what=f"Access evidence {evidence.pk}",
        actor=actor,
        actor_role=actor_role,
        subject=AuditEvent.Subject.ACCESS_EVIDENCE,
        subject_id=evidence.pk,
        child=evidence.access_request.child,
        summary="Downloaded a document sent with a request to see a child's records",
        request=request,
    )
