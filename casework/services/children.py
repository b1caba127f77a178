"""Children: created and changed by the SEND team, with a duplicate check first and an
audit event each time."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from casework.models import AuditEvent, Child, Placement, StaffMembership
from casework.selectors.children import child_possible_duplicates
from casework.services.audit import audit_record
from tenants.current import current_council
from tenants.models import ServiceArea

if TYPE_CHECKING:
    from citizen.accounts.models import Account

CHANGEABLE = (
    "legal_first_name",
    "legal_last_name",
    "known_as",
    "date_of_birth",
    "setting",
    "service_area",
    "council_reference",
    *(SEN2_FIELDS := ("upn", "uln", "upn_unknown", "sex", "ethnicity", "postcode", "primary_need", "secondary_need",
                      "plan_cease_reason")),
)  # fmt: skip
# What a change of these fields is called in the audit trail (never the values).
FIELD_NAMES = {
    "legal_first_name": "legal first name",
    "legal_last_name": "legal last name",
    "known_as": "name known by",
    "date_of_birth": "date of birth",
    "setting": "school or college",
    "service_area": "service area",
    "council_reference": "council reference",
    "upn": "UPN",
    "uln": "ULN",
    "upn_unknown": "why neither UPN nor ULN is known",
    "sex": "sex",
    "ethnicity": "ethnicity",
    "postcode": "postcode",
    "primary_need": "primary need",
    "secondary_need": "secondary need",
    "plan_cease_reason": "why the plan was ceased",
}


class ChildPossibleDuplicates(ValidationError):
    """Children with the same date of birth and a matching name exist already: staff
    must look at them and confirm this is a different child before going on."""

    def __init__(self, duplicates: list[Child]):
        self.duplicates = duplicates
        count = len(duplicates)
        super().__init__(
            f"{count} child{'ren' if count != 1 else ''} with the same date of birth and a similar name "
            f"{'are' if count != 1 else 'is'} already recorded. Check this is a different child.",
            code="possible_duplicate",
        )


def staff_role(actor: Account | None) -> str:
    """What the audit trail calls the actor: their role in this council's SEND team."""
    membership = StaffMembership.objects.filter(account=actor).only("role").first() if actor else None
    return membership.role if membership else "staff"


def _check_service_area(service_area: ServiceArea | None) -> None:
    if service_area is not None and service_area.council_id != current_council().pk:
        raise ValidationError({"service_area": "Choose one of this council's service areas"})


def _check_council_reference(council_reference: str, exclude_id: int | None = None) -> None:
    clash = Child.objects.filter(council_reference__iexact=council_reference)
    if exclude_id is not None:
        clash = clash.exclude(pk=exclude_id)
    if clash.exists():
        raise ValidationError(
            {
                "council_reference": (
                    f"Another child already has the council reference {council_reference}. "
                    "Check the reference, or find that child and use their record"
                )
            },
            code="unique",
        )


def _save(child: Child) -> None:
    """Save, turning a council reference taken meanwhile (a race the check above missed)
    into the same message."""
    try:
        with transaction.atomic():
            child.save()
    except IntegrityError:
        _check_council_reference(child.council_reference, exclude_id=child.pk)
        raise


@transaction.atomic
def child_create(
    *,
    legal_first_name: str,
    legal_last_name: str,
    known_as: str = "",
    date_of_birth: date,
    setting: str = "",
    service_area: ServiceArea | None,
    council_reference: str,
    actor: Account | None,
    request: HttpRequest | None = None,
    confirmed_not_duplicate: bool = False,
    actor_role: str | None = None,
) -> Child:
    """Record a child. Refused (ChildPossibleDuplicates) while children with the same
    date of birth and a matching name exist, unless staff confirmed this is a different
    child; refused (ValidationError on council_reference) when the reference is taken."""
    child = Child(
        legal_first_name=legal_first_name.strip(),
        legal_last_name=legal_last_name.strip(),
        known_as=known_as.strip(),
        date_of_birth=date_of_birth,
        setting=setting.strip(),
        service_area=service_area,
        council_reference=council_reference.strip(),
    )
    child.full_clean(validate_unique=False)
    _check_service_area(service_area)
    _check_council_reference(child.council_reference)
    if not confirmed_not_duplicate:
        duplicates = child_possible_duplicates(
            first_name=child.legal_first_name, last_name=child.legal_last_name, date_of_birth=child.date_of_birth
        )
        if duplicates:
            raise ChildPossibleDuplicates(duplicates)
    _save(child)
    audit_record(
        actor=actor,
        actor_role=actor_role or staff_role(actor),
        action=AuditEvent.Action.CREATED,
        subject=AuditEvent.Subject.CHILD,
        subject_id=child.pk,
        child=child,
        summary="Created child" + (" (confirmed not a duplicate)" if confirmed_not_duplicate else ""),
        request=request,
    )
    return child


@transaction.atomic
def child_update(
    *,
    child: Child,
    actor: Account | None,
    request: HttpRequest | None = None,
    confirmed_not_duplicate: bool = False,
    actor_role: str | None = None,
    **changes,
) -> Child:
    """Change a child's details (any of CHANGEABLE, by keyword). A new name or date of
    birth is checked for duplicates as at creation. The audit event names the fields
    changed, never their values."""
    unknown = set(changes) - set(CHANGEABLE)
    if unknown:
        raise TypeError(f"child_update() cannot change {', '.join(sorted(unknown))}")
    child = Child.objects.select_for_update().get(pk=child.pk)
    changed = []
    for field, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(child, field) != value:
            setattr(child, field, value)
            changed.append(field)
    if not changed:
        return child
    # Only what changed is checked: a child recorded without a service area (through the
    # API) can still have its return details saved.
    child.full_clean(exclude=[f.name for f in Child._meta.fields if f.name not in changed], validate_unique=False)
    if "service_area" in changed:
        _check_service_area(child.service_area)
    if "council_reference" in changed:
        _check_council_reference(child.council_reference, exclude_id=child.pk)
    identity = {"legal_first_name", "legal_last_name", "known_as", "date_of_birth"}
    if identity & set(changed) and not confirmed_not_duplicate:
        duplicates = child_possible_duplicates(
            first_name=child.legal_first_name,
            last_name=child.legal_last_name,
            date_of_birth=child.date_of_birth,
            exclude_id=child.pk,
        )
        if duplicates:
            raise ChildPossibleDuplicates(duplicates)
    _save(child)
    audit_record(
        actor=actor,
        actor_role=actor_role or staff_role(actor),
        action=AuditEvent.Action.CHANGED,
        subject=AuditEvent.Subject.CHILD,
        subject_id=child.pk,
        child=child,
        summary="Changed " + ", ".join(FIELD_NAMES[field] for field in changed),
        request=request,
    )
    return child


def _touch(child: Child) -> None:
    """A placement is part of the child's details: the API's sync (updated_since) sees it."""
    Child.objects.filter(pk=child.pk).update(updated_at=timezone.now())


PLACEMENT_FIELDS = (
    "name", "urn", "ukprn", "sen_setting", "rank", "entry_date", "leaving_date", "sen_unit", "resourced_provision",
)  # fmt: skip


@transaction.atomic
def placement_add(
    *, child: Child, actor: Account | None, request: HttpRequest | None = None, actor_role: str | None = None, **values
) -> Placement:
    """Record where the child is educated (SEN2 modules 4b and 5b). A setting is named by
    its URN or UKPRN, or, with neither, by the kind of arrangement it is."""
    unknown = set(values) - set(PLACEMENT_FIELDS)
    if unknown:
        raise TypeError(f"placement_add() cannot set {', '.join(sorted(unknown))}")
    placement = Placement(child=child, **values)
    placement.full_clean()
    errors = {}
    if not (placement.urn or placement.ukprn or placement.sen_setting):
        errors["urn"] = "Enter the setting's URN or UKPRN, or choose what kind of setting it is."
    if placement.leaving_date and placement.leaving_date < placement.entry_date:
        errors["leaving_date"] = "The date the child left must be on or after the date they started."
    if errors:
        raise ValidationError(errors)
    placement.save()
    _touch(child)
    audit_record(
        actor=actor,
        actor_role=actor_role or staff_role(actor),
        action=AuditEvent.Action.CREATED,
        subject=AuditEvent.Subject.PLACEMENT,
        subject_id=placement.pk,
        child=child,
        summary="Recorded a placement",
        request=request,
    )
    return placement


@transaction.atomic
def placement_remove(*, placement: Placement, actor: Account | None, request: HttpRequest | None = None) -> None:
    """Take away a placement recorded by mistake (one that ended is given a leaving date
    instead, by recording it again)."""
    child = placement.child
    placement_id = placement.pk
    placement.delete()
    _touch(child)
    audit_record(
        actor=actor,
        actor_role=staff_role(actor),
        action=AuditEvent.Action.WITHDRAWN,
        subject=AuditEvent.Subject.PLACEMENT,
        subject_id=placement_id,
        child=child,
        summary="Removed a placement recorded by mistake",
        request=request,
    )
