"""Messages: one thread per case between the family and the SEND team.

The alert emails say what kind of thing changed ("a new message about your child's EHC
needs assessment") and link to the portal: never the message, a name, or anything else
about the child (the issue's "emails that say what kind of thing changed")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from casework.models import (
    AlertPreference,
    AuditEvent,
    Case,
    CaseKind,
    ChildAccess,
    Message,
    Relationship,
    StaffMembership,
    ThreadReadMarker,
)
from casework.selectors.messages import family_accesses_for_case
from casework.services.audit import audit_record
from tenants.current import current_council
from tenants.links import council_url
from tenants.outbox.services import email_queue, text_queue
from tenants.outbox.texts import text_body

if TYPE_CHECKING:
    from citizen.accounts.models import Account

FAMILY = "family"
MESSAGE_MAX_LENGTH = 10_000

# How a case is named in a sentence ("about your child's …").
CASE_KIND_PHRASES: dict[str, str] = {
    CaseKind.ASSESSMENT: "EHC needs assessment",
    CaseKind.ANNUAL_REVIEW: "EHC plan's annual review",
    CaseKind.REASSESSMENT: "EHC needs re-assessment",
    CaseKind.PHASE_TRANSFER: "move to a new school or college (phase transfer)",
}


def case_kind_phrase(case: Case, *, relationship: str = Relationship.PARENT) -> str:
    """ "your child's EHC needs assessment", or "your EHC needs assessment" to the young
    person themself."""
    whose = "your" if relationship == Relationship.YOUNG_PERSON else "your child's"
    return f"{whose} {CASE_KIND_PHRASES.get(case.kind, case.get_kind_display().lower())}"


def council_link(path: str) -> str:
    """An address on this council's own site, for an email ("" when it has no domain)."""
    return council_url(council=current_council(), path=path)


def family_case_path(case_id: int, section: str = "") -> str:
    """A case's page in the family's SEND area (citizen.urls), or one of its sections
    ("messages"): where an alert about the case links to. Named, not imported: casework
    never imports citizen."""
    name = f"family:case-{section}" if section else "family:case"
    try:
        return reverse(name, args=[case_id])
    except NoReverseMatch:
        return reverse("send-home")


def alert_wanted(*, account: Account, kind: str) -> bool:
    """Whether the account wants this optional kind of alert (AlertPreference: no row
    means every alert is on)."""
    preference = AlertPreference.objects.filter(account=account).only(kind).first()
    return preference is None or getattr(preference, kind)


def family_alert(
    *, access: ChildAccess, subject: str, lines: list[str], kind: str | None = None, path: str = "", text: str = ""
) -> None:
    """Email one family member with live access: what changed, and where to sign in.
    `kind` (an AlertPreference field) makes the alert one they can turn off; `path` is
    where it links to on the council's site (their SEND area by default)."""
    account_alert(account=access.account, subject=subject, lines=lines, kind=kind, path=path, text=text)


def account_alert(
    *, account, subject: str, lines: list[str], kind: str | None = None, path: str = "", text: str = ""
) -> None:
    """family_alert for a family member who may not have access to a child yet (one whose
    access request is still waiting), or someone invited who may have no account. By
    email, by text, or both, as the account chose (Account.alerts_by) where the council
    offers texts; a text is `text` (else the subject) in a line with the link
    (tenants.outbox.texts): give `text` when the subject does not say by when."""
    if kind is not None and not alert_wanted(account=account, kind=kind):
        return
    council = current_council()
    link = council_link(path or reverse("send-home"))
    by = getattr(account, "alerts_by", "email")
    mobile = getattr(account, "mobile", "")
    texted = by in ("text", "both") and bool(mobile) and council.texts_offered
    if texted:  # the same news in a line: what changed, and where to sign in
        text_queue(to=mobile, body=text_body(council_name=council.name, what=text or subject, link=link))
    if texted and by == "text":
        return
    body = "\n\n".join(
        [
            *lines,
            *([f"Sign in to the {council.service_name} to see it:\n{link}"] if link else []),
            "We never put details in emails, to keep your family's information private.",
            f"{council.name} SEND team",
        ]
    )
    email_queue(to=[account.email], subject=subject, body=body)


def staff_alert_recipients(case: Case) -> list[str]:
    """Who hears of a family's message: the case's caseworker while they are an active
    member of the team; otherwise the child's service area's contact address; otherwise
    the council's general SEND contact address."""
    caseworker = case.caseworker
    if (
        caseworker is not None
        and caseworker.is_active
        and StaffMembership.objects.filter(account=caseworker, is_active=True).exists()
    ):
        return [caseworker.email]
    service_area = case.child.service_area
    if service_area is not None and service_area.contact_email:
        return [service_area.contact_email]
    council = current_council()
    return [council.contact_email] if council.contact_email else []


@transaction.atomic
def message_post(
    *,
    case: Case,
    author: Account | None,
    from_send_team: bool,
    body: str,
    request: HttpRequest | None = None,
    actor_role: str | None = None,
) -> Message:
    """Add a message to the case's thread, and alert the other side by email.

    From the SEND team: each family member with live access to the child is emailed.
    From the family: the caseworker (or the service area's address) is emailed. An
    author's own messages never count as unread for them (casework.selectors.messages).
    `actor_role` is for the audit event (found from the author when not given)."""
    message = Message(case=case, author=author, from_send_team=from_send_team, body=(body or "").strip())
    if not message.body:
        raise ValidationError({"body": "Enter your message"})
    if len(message.body) > MESSAGE_MAX_LENGTH:
        raise ValidationError({"body": f"Your message must be {MESSAGE_MAX_LENGTH:,} characters or fewer"})
    # A council system (the API) writes as the SEND team with no author account.
    message.full_clean()
    message.save()
    actor_role = actor_role or (_staff_role(author) if from_send_team else FAMILY)
    audit_record(
        actor=author,
        actor_role=actor_role,
        action=AuditEvent.Action.SENT,
        subject=AuditEvent.Subject.MESSAGE,
        subject_id=message.pk,
        case=case,
        summary="Sent message" + (" from the SEND team" if from_send_team else " from the family"),
        request=request,
    )

    if from_send_team:
        for access in family_accesses_for_case(case=case):
            phrase = case_kind_phrase(case, relationship=access.relationship)
            family_alert(
                access=access,
                subject=f"You have a new message about {phrase}",
                lines=[f"The SEND team has sent you a new message about {phrase}."],
                kind="messages",
                path=family_case_path(case.pk, "messages"),
            )
    else:
        recipients = staff_alert_recipients(case)
        link = council_link(case_page_path(case.pk))
        for address in recipients:
            email_queue(
                to=[address],
                subject=f"New message from a family on case {case.reference}",
                body="\n\n".join(
                    [
                        f"A family member has sent a new message on case {case.reference} ({case.get_kind_display()}).",
                        *([f"Read it and reply on the case page:\n{link}"] if link else []),
                        "This email does not include the message or any names: sign in to read it.",
                    ]
                ),
            )
    return message


def case_page_path(case_id: int) -> str:
    """The staff case page (/staff/cases/<id>/), where this area's forms go back to."""
    return reverse("staff:case", args=[case_id])


def _staff_role(account: Account | None) -> str:
    membership = StaffMembership.objects.filter(account=account, is_active=True).only("role").first()
    return membership.role if membership else "staff"


def thread_mark_read(*, case: Case, account: Account, up_to=None) -> None:
    """Record that `account` has read the case's thread up to `up_to` (by default its
    newest message, so a message arriving while the page was drawn stays unread). One
    upsert; a marker never moves backwards."""
    if account is None or not getattr(account, "pk", None):
        return
    if up_to is None:
        up_to = Message.objects.filter(case=case).aggregate(newest=Max("created_at"))["newest"] or timezone.now()
    updated = ThreadReadMarker.objects.filter(case=case, account=account, last_read_at__lt=up_to).update(
        last_read_at=up_to
    )
    if not updated:
        ThreadReadMarker.objects.bulk_create(
            [ThreadReadMarker(case=case, account=account, last_read_at=up_to)], ignore_conflicts=True
        )
