"""People a family trusts (issue 16): a verified family member invites someone by email
to see a child's records (a second parent or carer, a SENDIASS adviser, an advocate or
solicitor, a private educational psychologist), choosing what they may do and until when.
The grant works once that person has accepted it, signed in with the invited address,
and (where the council asks) the SEND team has approved it; then it is a ChildAccess of
relationship "trusted", with the grant's scope and end. The family ends it at any time,
at once; a young person's say overrides a parent's. Every step is a TrustedGrantEvent
(the consent log both sides read) and an audit event.

Emails say what changed and what to do, never the child's name or what anyone wrote."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from casework.models import (
    AuditEvent,
    ChildAccess,
    Relationship,
    TrustedGrant,
    TrustedGrantEvent,
    TrustedPersonKind,
    TrustedScope,
    live_access,
)
from casework.services.audit import audit_record
from casework.services.messages import account_alert
from tenants.current import current_council

if TYPE_CHECKING:
    from citizen.accounts.models import Account

FAMILY = "family"
TRUSTED = "trusted"
LONGEST = timedelta(days=5 * 366)  # an end date at most about five years ahead
NAME_MAX = 120


def _invitations_path() -> str:
    try:
        return reverse("family:invitations")
    except NoReverseMatch:  # casework never imports citizen; the name is enough
        return ""


def _children_path(child_id: int) -> str:
    try:
        return reverse("family:child-trusted", args=[child_id])
    except NoReverseMatch:
        return ""


def needs_approval(*, kind: str) -> bool:
    """Whether the council's SEND team approves a grant to this kind of person first
    (Council.trusted_people_approval; by default everyone but another parent or carer)."""
    rule = current_council().trusted_people_approval
    if rule == "nobody":
        return False
    if rule == "everyone":
        return True
    return kind != TrustedPersonKind.PARENT_OR_CARER


def ends_at(until: date | None) -> datetime | None:
    """The moment a grant stops working: the start of the day after its last day."""
    if until is None:
        return None
    return timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min))


def _log(grant: TrustedGrant, *, action: str, actor: Account | None, actor_role: str, note: str = "") -> None:
    TrustedGrantEvent.objects.create(
        grant=grant,
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_role=actor_role,
        note=note,
    )


def _audit(grant: TrustedGrant, *, action: str, actor, actor_role: str, summary: str, request) -> None:
    audit_record(
        actor=actor,
        actor_role=actor_role,
        action=action,
        subject=AuditEvent.Subject.TRUSTED_GRANT,
        subject_id=grant.pk,
        child=grant.child,
        summary=summary,
        request=request,
    )


def scope_words(scope: str) -> str:
    return TrustedScope(scope).label.lower() if scope in TrustedScope.values else scope


def _what_granted(grant: TrustedGrant) -> str:
    until = f"until {grant.until:%-d %B %Y}" if grant.until else "until the family ends it"
    return f"{TrustedPersonKind(grant.kind).label}: {scope_words(grant.scope)}, {until}"


def _locked(grant: TrustedGrant) -> TrustedGrant:
    return (
        TrustedGrant.objects.select_for_update(of=("self",))
        .select_related("child", "account", "invited_by")
        .get(pk=grant.pk)
    )


# --- The family invites ------------------------------------------------------------------


@transaction.atomic
def trusted_invite(
    *,
    inviter: ChildAccess,
    name: str,
    email: str,
    kind: str,
    scope: str,
    until: date | None = None,
    request: HttpRequest | None = None,
) -> TrustedGrant:
    """A family member with live access to the child (not someone they trust) invites a
    person by email. Refused, field by field, for an address that is the inviter's own,
    one already invited and not ended, or a date in the past or too far ahead."""
    if inviter.is_trusted or inviter.revoked_at is not None:
        raise ValidationError("Only the child's family can invite someone to see these records")
    name = (name or "").strip()
    email = (email or "").strip().lower()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter the person's name"
    elif len(name) > NAME_MAX:
        errors["name"] = f"The name must be {NAME_MAX} characters or fewer"
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = "Enter an email address in the correct format, like name@example.com"
    else:
        if email == (inviter.account.email or "").lower():
            errors["email"] = "Enter the email address of the person you want to invite, not your own"
        elif any(g.open for g in TrustedGrant.objects.filter(child=inviter.child, email__iexact=email)):
            errors["email"] = "You have already invited this person. End that invitation first to change it"
        elif (
            ChildAccess.objects.filter(live_access(), child=inviter.child, account__email__iexact=email)
            .exclude(relationship=Relationship.TRUSTED)
            .exists()
        ):
            errors["email"] = "This person can already see these records as a member of the family"
    if kind not in TrustedPersonKind.values:
        errors["kind"] = "Choose who the person is"
    if scope not in TrustedScope.values:
        errors["scope"] = "Choose what the person may do"
    today = timezone.localdate()
    if until is not None:
        if until < today:
            errors["until"] = "The last day must be today or in the future"
        elif until > today + LONGEST:
            errors["until"] = "The last day must be within the next 5 years"
    if errors:
        raise ValidationError(errors)
    grant = TrustedGrant.objects.create(
        child=inviter.child,
        invited_by=inviter.account,
        invited_as=inviter.relationship,
        name=name,
        email=email,
        kind=kind,
        scope=scope,
        until=until,
        needs_approval=needs_approval(kind=kind),
    )
    _log(
        grant,
        action=TrustedGrantEvent.Action.INVITED,
        actor=inviter.account,
        actor_role=FAMILY,
        note=_what_granted(grant),
    )
    _audit(
        grant,
        action=AuditEvent.Action.CREATED,
        actor=inviter.account,
        actor_role=FAMILY,
        summary=f"Invited someone the family trusts ({TrustedPersonKind(kind).label.lower()}, {scope})",
        request=request,
    )
    council = current_council()
    account_alert(
        account=_Addressee(email),
        subject=f"You have been invited to see a child's records on the {council.service_name}",
        lines=[
            f"A family has invited you to see a child's special educational needs records with "
            f"{council.name}. They chose what you may do and for how long.",
            "To accept, sign in with this email address, or create an account with it if you do not have one. "
            "Then open 'Invitations for you' in your SEND area.",
            *(
                ["The SEND team will also check the invitation before it starts to work."]
                if grant.needs_approval
                else []
            ),
        ],
        path=_invitations_path(),
    )
    return grant


class _Addressee:
    """Someone invited by email who may have no account yet: what account_alert needs."""

    def __init__(self, email: str) -> None:
        self.email = email


# --- The person accepts; the SEND team approves or declines --------------------------------


def _activate(grant: TrustedGrant, *, granted_by: Account | None) -> None:
    """Accepted and approved: the grant gives its ChildAccess now (ends at its last day)."""
    if grant.access_id is not None or grant.account is None or grant.accepted_at is None or not grant.approved:
        return
    if ChildAccess.objects.filter(live_access(), child=grant.child, account=grant.account).exists():
        raise ValidationError("This person can already see these records")
    # An access of theirs whose end date has passed is closed first: one live access each.
    ChildAccess.objects.filter(child=grant.child, account=grant.account, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoke_reason="Its end date had passed"
    )
    access = ChildAccess.objects.create(
        child=grant.child,
        account=grant.account,
        relationship=Relationship.TRUSTED,
        scope=grant.scope,
        expires_at=ends_at(grant.until),
        granted_by=granted_by,
    )
    grant.access = access
    grant.save(update_fields=["access"])


@transaction.atomic
def trusted_accept(*, grant: TrustedGrant, account: Account, request: HttpRequest | None = None) -> TrustedGrant:
    """The invited person, signed in with two-step as the invited address, accepts."""
    locked = _locked(grant)
    if (account.email or "").lower() != locked.email.lower():
        raise ValidationError("This invitation was sent to another email address")
    if not locked.open:
        raise ValidationError("This invitation can no longer be accepted: ask the family to invite you again")
    if locked.accepted_at is not None:
        raise ValidationError("You have already accepted this invitation")
    if (
        ChildAccess.objects.filter(live_access(), child=locked.child, account=account)
        .exclude(relationship=Relationship.TRUSTED)
        .exists()
    ):
        raise ValidationError("You can already see these records as a member of the family")
    locked.account = account
    locked.accepted_at = timezone.now()
    locked.save(update_fields=["account", "accepted_at"])
    _log(locked, action=TrustedGrantEvent.Action.ACCEPTED, actor=account, actor_role=TRUSTED)
    _audit(
        locked,
        action=AuditEvent.Action.CHANGED,
        actor=account,
        actor_role=TRUSTED,
        summary="Accepted an invitation to see a child's records",
        request=request,
    )
    _activate(locked, granted_by=locked.approved_by or locked.invited_by)
    if locked.invited_by is not None:
        account_alert(
            account=locked.invited_by,
            subject="Someone you invited has accepted",
            lines=[
                "A person you invited to see a child's records has accepted."
                + (" The SEND team will check it before it starts to work." if not locked.approved else "")
            ],
            path=_children_path(locked.child_id),
        )
    return locked


@transaction.atomic
def trusted_approve(
    *, grant: TrustedGrant, actor: Account, actor_role: str, request: HttpRequest | None = None
) -> TrustedGrant:
    locked = _locked(grant)
    if not locked.open:
        raise ValidationError("This grant has ended, been declined or passed its last day: there is nothing to approve")
    if locked.approved:
        raise ValidationError("This grant has already been approved")
    locked.approved_at = timezone.now()
    locked.approved_by = actor
    locked.save(update_fields=["approved_at", "approved_by"])
    _log(locked, action=TrustedGrantEvent.Action.APPROVED, actor=actor, actor_role=actor_role)
    _audit(
        locked,
        action=AuditEvent.Action.DECIDED,
        actor=actor,
        actor_role=actor_role,
        summary="Approved someone the family trusts",
        request=request,
    )
    _activate(locked, granted_by=actor)
    lines = ["The SEND team has approved the person you invited to see a child's records."]
    if locked.invited_by is not None:
        account_alert(
            account=locked.invited_by,
            subject="The SEND team has approved someone you invited",
            lines=lines,
            path=_children_path(locked.child_id),
        )
    if locked.account is not None:
        account_alert(
            account=locked.account,
            subject="You can now see a child's records",
            lines=["The SEND team has approved the invitation you accepted. You can now see what the family chose."],
        )
    return locked


@transaction.atomic
def trusted_decline(
    *, grant: TrustedGrant, reason: str, actor: Account, actor_role: str, request: HttpRequest | None = None
) -> TrustedGrant:
    """The SEND team declines, with the reason the family is shown."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason, which the family will see"})
    locked = _locked(grant)
    if not locked.open or locked.approved:
        raise ValidationError("Only a grant waiting for the SEND team can be declined")
    locked.declined_at = timezone.now()
    locked.decline_reason = reason
    locked.save(update_fields=["declined_at", "decline_reason"])
    _log(locked, action=TrustedGrantEvent.Action.DECLINED, actor=actor, actor_role=actor_role, note=reason[:300])
    _audit(
        locked,
        action=AuditEvent.Action.DECIDED,
        actor=actor,
        actor_role=actor_role,
        summary="Declined someone the family trusts",
        request=request,
    )
    if locked.invited_by is not None:
        account_alert(
            account=locked.invited_by,
            subject="The SEND team has decided about someone you invited",
            lines=["The SEND team has made a decision about a person you invited to see a child's records."],
            path=_children_path(locked.child_id),
        )
    return locked


# --- Ending a grant ---------------------------------------------------------------------


def may_end(*, grant: TrustedGrant, family: ChildAccess) -> bool:
    """Who in the family may end a grant: the person who made it, and the young person
    themself (whose say overrides a parent's). Nobody else in the family; the SEND team
    through trusted_end with a staff role."""
    if family.is_trusted or family.child_id != grant.child_id:
        return False
    if family.relationship == Relationship.YOUNG_PERSON:
        return True
    return grant.invited_by_id == family.account_id and grant.invited_as != Relationship.YOUNG_PERSON


@transaction.atomic
def trusted_end(
    *,
    grant: TrustedGrant,
    actor: Account | None,
    actor_role: str,
    family: ChildAccess | None = None,
    note: str = "",
    request: HttpRequest | None = None,
    tell: bool = True,
) -> TrustedGrant:
    """End a grant at once: its access stops working on the next page the person opens.
    `family`: the family member ending it (checked by may_end); without it, the SEND team
    (or, from child_access_revoke, whoever removed the access)."""
    locked = _locked(grant)
    if family is not None and not may_end(grant=locked, family=family):
        raise ValidationError("Only the person who invited them, or the young person, can end this")
    if locked.ended_at is not None:
        raise ValidationError("This has already been ended")
    now = timezone.now()
    locked.ended_at = now
    locked.ended_by = actor
    locked.save(update_fields=["ended_at", "ended_by"])
    if family is not None and family.relationship == Relationship.YOUNG_PERSON:
        note = note or "Ended by the young person"
    elif family is not None:
        note = note or "Ended by the family member who invited them"
    _log(locked, action=TrustedGrantEvent.Action.ENDED, actor=actor, actor_role=actor_role, note=note or "Ended")
    _audit(
        locked,
        action=AuditEvent.Action.CHANGED,
        actor=actor,
        actor_role=actor_role,
        summary=f"Ended a grant to someone the family trusts ({note or 'ended'})"[:200],
        request=request,
    )
    if locked.access_id is not None:
        ChildAccess.objects.filter(pk=locked.access_id, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=actor, revoke_reason=note or "The grant was ended"
        )
    if tell and locked.account is not None and locked.accepted_at is not None:
        account_alert(
            account=locked.account,
            subject="Your access to a child's records has ended",
            lines=["What you can see in the SEND area has changed. If you have questions, contact the family."],
        )
    return locked


def trusted_end_for_revoked(*, access: ChildAccess, actor: Account | None, actor_role: str, request=None) -> None:
    """A ChildAccess was removed: a trusted person's grant ends with it, and when a family
    member loses access, every grant they made on that child ends too."""
    grant = TrustedGrant.objects.filter(access=access, ended_at__isnull=True).first()
    if grant is not None:
        # The person is told once, by child_access_revoke.
        trusted_end(grant=grant, actor=actor, actor_role=actor_role, note="Access removed", request=request, tell=False)
    if not access.is_trusted:
        for made in TrustedGrant.objects.filter(
            child_id=access.child_id, invited_by_id=access.account_id, ended_at__isnull=True, declined_at__isnull=True
        ):
            trusted_end(
                grant=made,
                actor=actor,
                actor_role=actor_role,
                note="The family member who invited them can no longer see these records",
                request=request,
            )


def trusted_look_record(
    *, access: ChildAccess, subject: str, summary: str, case=None, request: HttpRequest | None = None
) -> None:
    """What someone the family trusts looks at is an audit event, so that the family's
    "who has seen the records" lists it (the family's own looks are not recorded)."""
    if not access.is_trusted:
        return
    audit_record(
        actor=access.account,
        actor_role=access.actor_role,
        action=AuditEvent.Action.VIEWED,
        subject=subject,
        subject_id=case.pk if case is not None else access.child_id,
        child=access.child if case is None else None,
        case=case,
        summary=summary,
        request=request,
    )
