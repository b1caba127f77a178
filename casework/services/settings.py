"""Council settings, changed by the council's own admins on the council's site.

Everything here is a public-schema row (tenants.models). Each change is validated with
the model's own rules (`full_clean`), saved, and recorded as an audit event in the
council's schema: subject "council_settings", a summary naming the section and the
fields that changed, never their values.

The change shows on the council's site at once: this process forgets its cached
council as the row is saved (tenants.signals), configuration rows (service areas, links,
tiles, sign-in policy, stage explanations) are read afresh on every request, and other
web processes re-read the council within TENANT_HOST_CACHE_SECONDS.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.http import HttpRequest

from casework.models import AuditEvent, CaseKind, StaffMembership
from casework.services.audit import audit_record
from tenants.enqueue import enqueue_on_commit
from tenants.models import (
    Council,
    CouncilLink,
    ServiceArea,
    SignInPolicy,
    StageExplanation,
    Tile,
    logo_content_type,
    validate_logo,
)

Row = TypeVar("Row", bound=models.Model)

SUBJECT = AuditEvent.Subject.COUNCIL_SETTINGS

# What a council admin may change on a council's row (the rest is the operators').
COUNCIL_FIELDS = frozenset(
    {
        "sender_name",
        "sender_email",
        "contact_email",
        "contact_phone",
        "contact_address",
        "primary_colour",
        "feedback_questionnaire_url",
        "privacy_notice_url",
        "family_upload_max_mb",
        "show_staff_names_to_families",
        "trusted_people_approval",
        "texts_enabled",
        "professional_access_days",
        "advice_shared_at_once",
        "settings_open_reviews",
        "publish_waiting_times",
        "dfe_la_number",
    }
)
POLICY_FIELDS = frozenset(
    f.name for f in SignInPolicy._meta.get_fields() if f.concrete and f.name not in ("id", "council")
)


def _labels(model: type[models.Model], fields: Iterable[str]) -> str:
    return ", ".join(str(getattr(model._meta.get_field(f), "verbose_name", f)) for f in fields)


def _audit(*, council: Council, by: StaffMembership, summary: str, request: HttpRequest | None) -> None:
    audit_record(
        actor=by.account,
        actor_role=by.role,
        action=AuditEvent.Action.CHANGED,
        subject=SUBJECT,
        subject_id=council.pk,
        summary=summary,
        request=request,
    )


def _apply(row: models.Model, values: Mapping[str, Any], allowed: frozenset[str]) -> list[str]:
    """Set `values` on `row`; the names of the fields whose value changed."""
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"Not a setting a council admin may change: {', '.join(sorted(unknown))}")
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    return changed


@transaction.atomic
def council_settings_update(
    *,
    council: Council,
    values: Mapping[str, Any],
    section: str,
    by: StaffMembership,
    request: HttpRequest | None = None,
) -> list[str]:
    """Change fields of the council's row (sender, contacts, colour, feedback link).
    Returns the names of the fields that changed (none: nothing saved or audited).
    Raises ValidationError with the model's own messages (e.g. the colour contrast)."""
    row = Council.objects.select_for_update().get(pk=council.pk)
    changed = _apply(row, values, COUNCIL_FIELDS)
    if not changed:
        return []
    # The stored logo was checked when it was uploaded; validating it again would read it
    # back from the file store (S3) on every change of a colour or an address.
    row.full_clean(exclude=["logo"])
    row.save(update_fields=changed)
    _audit(council=row, by=by, summary=f"{section}: changed {_labels(Council, changed)}", request=request)
    if "publish_waiting_times" in changed:  # published (or taken down) now, not at tonight's run
        from casework.tasks import publish_waiting_times

        enqueue_on_commit(publish_waiting_times)
    return changed


@transaction.atomic
def council_logo_replace(
    *, council: Council, logo: UploadedFile, by: StaffMembership, request: HttpRequest | None = None
) -> Council:
    """Store a new logo (PNG or JPEG by its content, 1 MB at most) under the council's
    prefix. The stored name carries a digest of the content, so the header's
    `?v=` changes and browsers fetch the new one at once. The previous file is kept: other
    web processes may show it until they re-read the council.

    Raises ValidationError (validate_logo's message) or tenants.storage.StorageRefused
    when the file store refuses it; either way nothing is saved."""
    validate_logo(logo)
    logo.seek(0)
    head = logo.read(8)
    digest = hashlib.sha256()
    logo.seek(0)
    for chunk in logo.chunks():
        digest.update(chunk)
    logo.seek(0)
    extension = "png" if logo_content_type(head) == "image/png" else "jpg"
    row = Council.objects.select_for_update().get(pk=council.pk)
    row.logo.save(f"logo-{digest.hexdigest()[:16]}.{extension}", logo, save=False)  # may raise StorageRefused
    row.full_clean(exclude=["logo"])  # the upload itself was checked above
    row.save(update_fields=["logo"])
    _audit(council=row, by=by, summary="Branding: replaced the logo", request=request)
    return row


@transaction.atomic
def council_logo_remove(*, council: Council, by: StaffMembership, request: HttpRequest | None = None) -> None:
    row = Council.objects.select_for_update().get(pk=council.pk)
    if not row.logo:
        return
    row.logo = ""
    row.save(update_fields=["logo"])
    _audit(council=row, by=by, summary="Branding: removed the logo", request=request)


# --- Rows that belong to the council: service areas, help links, link tiles ---------


def _row_save(
    *,
    council: Council,
    row: Row,
    values: Mapping[str, Any],
    allowed: frozenset[str],
    what: str,
    by: StaffMembership,
    request: HttpRequest | None,
) -> Row:
    adding = row.pk is None
    if not adding:  # the stored row, locked (a form may have changed the caller's copy)
        row = type(row)._default_manager.select_for_update().get(pk=row.pk, council=council)
    changed = _apply(row, values, allowed)
    if not adding and not changed:
        return row
    row.full_clean()
    row.save()
    summary = f"{what}: added" if adding else f"{what} {row.pk}: changed {_labels(type(row), changed)}"
    _audit(council=council, by=by, summary=summary, request=request)
    return row


def _row_remove(
    *, council: Council, row: models.Model, what: str, by: StaffMembership, request: HttpRequest | None
) -> None:
    pk = row.pk
    type(row)._default_manager.get(pk=pk, council=council).delete()
    _audit(council=council, by=by, summary=f"{what} {pk}: removed", request=request)


def _unique_name(model: type[models.Model], council: Council, field: str, value: str, pk: int | None, message: str):
    clash = model._default_manager.filter(council=council, **{f"{field}__iexact": value.strip()}).exclude(pk=pk)
    if clash.exists():
        raise ValidationError({field: message})


@transaction.atomic
def service_area_save(
    *,
    council: Council,
    area: ServiceArea | None,
    name: str,
    contact_email: str,
    order: int,
    by: StaffMembership,
    request: HttpRequest | None = None,
) -> ServiceArea:
    """Add a service area (area=None) or change one. Its contact email is where the
    area's requests go, and it is listed in the site's footer."""
    area = area or ServiceArea(council=council)
    _unique_name(ServiceArea, council, "name", name, area.pk, f"There is already a service area called {name.strip()}")
    values = {"name": name.strip(), "contact_email": contact_email.strip().lower(), "order": order}
    return _row_save(
        council=council,
        row=area,
        values=values,
        allowed=frozenset(values),
        what="Service area",
        by=by,
        request=request,
    )


@transaction.atomic
def service_area_remove(
    *, council: Council, area: ServiceArea, by: StaffMembership, request: HttpRequest | None = None
) -> None:
    """Remove a service area. Children recorded in it keep their records and are left
    with no service area (Child.service_area is SET_NULL, in this council's schema)."""
    _row_remove(council=council, row=area, what="Service area", by=by, request=request)


@transaction.atomic
def help_link_save(
    *,
    council: Council,
    link: CouncilLink | None,
    title: str,
    url: str,
    order: int,
    by: StaffMembership,
    request: HttpRequest | None = None,
) -> CouncilLink:
    link = link or CouncilLink(council=council)
    values = {"title": title.strip(), "url": url.strip(), "order": order}
    return _row_save(
        council=council, row=link, values=values, allowed=frozenset(values), what="Help link", by=by, request=request
    )


@transaction.atomic
def help_link_remove(
    *, council: Council, link: CouncilLink, by: StaffMembership, request: HttpRequest | None = None
) -> None:
    _row_remove(council=council, row=link, what="Help link", by=by, request=request)


@transaction.atomic
def link_tile_save(
    *,
    council: Council,
    tile: Tile | None,
    title: str,
    description: str,
    url: str,
    order: int,
    enabled: bool,
    by: StaffMembership,
    request: HttpRequest | None = None,
) -> Tile:
    """Add or change a tile that links to another service (school admissions…)."""
    tile = tile or Tile(council=council, kind=Tile.Kind.LINK)
    if tile.kind != Tile.Kind.LINK:
        raise ValueError("Only link tiles are added and changed here; the SEND tile is turned on or off.")
    values = {
        "title": title.strip(),
        "description": description.strip(),
        "url": url.strip(),
        "order": order,
        "enabled": enabled,
    }
    return _row_save(
        council=council, row=tile, values=values, allowed=frozenset(values), what="Link tile", by=by, request=request
    )


@transaction.atomic
def link_tile_remove(*, council: Council, tile: Tile, by: StaffMembership, request: HttpRequest | None = None) -> None:
    if tile.kind != Tile.Kind.LINK:
        raise ValueError("The SEND tile is turned off, not removed.")
    _row_remove(council=council, row=tile, what="Link tile", by=by, request=request)


@transaction.atomic
def send_tile_set(*, council: Council, enabled: bool, by: StaffMembership, request: HttpRequest | None = None) -> Tile:
    """Turn the SEND tile (and with it the family SEND area) on or off."""
    tile = Tile.objects.select_for_update().filter(council=council, kind=Tile.Kind.SEND).first()
    if tile is None:
        tile = Tile(
            council=council,
            kind=Tile.Kind.SEND,
            title="Special educational needs and disabilities (SEND)",
            description="Follow an EHC needs assessment, complete forms, read plans and messages.",
            enabled=not enabled,
        )
    if tile.pk is not None and tile.enabled == enabled:
        return tile
    tile.enabled = enabled
    tile.full_clean()
    tile.save()
    _audit(council=council, by=by, summary=f"Tiles: turned the SEND tile {'on' if enabled else 'off'}", request=request)
    return tile


# --- Sign-in policy and stage explanations ---------------------------------------------


@transaction.atomic
def sign_in_policy_update(
    *, council: Council, values: Mapping[str, Any], by: StaffMembership, request: HttpRequest | None = None
) -> list[str]:
    """Change the council's sign-in policy (each field within its model limits, e.g. a
    two-step code lives 1 to 60 minutes). It applies from the next password set or
    sign-in on the council's site. Returns the names of the fields that changed."""
    policy = SignInPolicy.objects.select_for_update().filter(council=council).first() or SignInPolicy(council=council)
    adding = policy.pk is None
    changed = _apply(policy, values, POLICY_FIELDS)
    if not changed and not adding:
        return []
    policy.full_clean()
    policy.save()
    _audit(council=council, by=by, summary=f"Sign-in: changed {_labels(SignInPolicy, changed)}", request=request)
    return changed


@transaction.atomic
def stage_explanation_set(
    *,
    council: Council,
    case_kind: str,
    stage_key: str,
    text: str,
    by: StaffMembership,
    request: HttpRequest | None = None,
) -> StageExplanation | None:
    """Set the council's explanation of a step for families; empty text removes it (the
    statutory wording alone is shown). The caller passes a step key from
    casework.selectors.settings.stage_steps."""
    if case_kind not in CaseKind.values:
        raise ValueError(f"Unknown case kind {case_kind!r}")
    text = text.strip()
    row = (
        StageExplanation.objects.select_for_update()
        .filter(council=council, case_kind=case_kind, stage_key=stage_key)
        .first()
    )
    what = f"Stage explanation {case_kind}/{stage_key}"
    if not text:
        if row is not None:
            row.delete()
            _audit(council=council, by=by, summary=f"{what}: removed", request=request)
        return None
    if row is not None and row.text == text:
        return row
    row = row or StageExplanation(council=council, case_kind=case_kind, stage_key=stage_key)
    row.text = text
    row.full_clean()
    row.save()
    _audit(council=council, by=by, summary=f"{what}: changed", request=request)
    return row
