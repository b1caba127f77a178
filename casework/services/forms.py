"""Writes to councils' forms: variants, their draft versions, publishing (which freezes
a version), and the platform's built-ins published to councils.

Definitions are public-schema rows; each change is also an audit event in the council's
own schema (subject "form_version" or "form_variant"), naming the form and the version,
never the definition's text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django_tenants.utils import tenant_context

from casework.models import AuditEvent
from casework.services.audit import audit_record
from tenants.current import current_schema
from tenants.form_definitions import builtin_definition, definition_check, form_definition
from tenants.models import Council, FormVariant, FormVersion

if TYPE_CHECKING:
    from citizen.accounts.models import Account

BUILTIN_TITLES = {
    FormVariant.BuiltIn.SECTION_A: "Section A",
    FormVariant.BuiltIn.APPENDIX_A: "Appendix A",
    FormVariant.BuiltIn.ANNUAL_REVIEW_VIEWS: "Annual review: your views",
    FormVariant.BuiltIn.ADVICE_EDUCATIONAL: "Educational advice",
    FormVariant.BuiltIn.ADVICE_HEALTH: "Health advice",
    FormVariant.BuiltIn.ADVICE_SOCIAL_CARE: "Social care advice",
    FormVariant.BuiltIn.ADVICE_SETTING: "Setting advice",
    FormVariant.BuiltIn.ANNUAL_REVIEW_REPORT: "Annual review report",
}
# The platform's advice forms (issue 14): every council is offered them, as its
# organisations' way to send advice of each kind.
ADVICE_BUILTINS = (
    FormVariant.BuiltIn.ADVICE_EDUCATIONAL,
    FormVariant.BuiltIn.ADVICE_HEALTH,
    FormVariant.BuiltIn.ADVICE_SOCIAL_CARE,
    FormVariant.BuiltIn.ADVICE_SETTING,
)
# Every form a professional fills in (advice, and a setting's annual review report): the
# demo councils publish them all; none is ever offered to a family.
PROFESSIONAL_BUILTINS = (*ADVICE_BUILTINS, FormVariant.BuiltIn.ANNUAL_REVIEW_REPORT)


def _audit(
    *,
    council: Council,
    actor: Account | None,
    actor_role: str,
    subject: str,
    subject_id: int,
    summary: str,
    request: HttpRequest | None = None,
) -> None:
    def write() -> None:
        audit_record(
            actor=actor,
            actor_role=actor_role,
            action=AuditEvent.Action.CHANGED,
            subject=subject,
            subject_id=subject_id,
            summary=summary,
            request=request,
        )

    if current_schema() == council.schema_name:
        write()
    else:
        with tenant_context(council):
            write()


def _next_number(variant: FormVariant) -> int:
    return (variant.versions.aggregate(last=Max("number"))["last"] or 0) + 1


def _locked(variant: FormVariant) -> FormVariant:
    return FormVariant.objects.select_for_update().get(pk=variant.pk)


def _locked_version(version: FormVersion) -> FormVersion:
    return FormVersion.objects.select_for_update().select_related("variant__council").get(pk=version.pk)


def _audit_version(version: FormVersion, what: str, *, by, actor_role: str, request: HttpRequest | None) -> None:
    """Audit a change to one of a form's versions, in its council's schema."""
    _audit(
        council=version.variant.council,
        actor=by,
        actor_role=actor_role,
        subject=AuditEvent.Subject.FORM_VERSION,
        subject_id=version.pk,
        summary=f"Form '{version.variant.title}': {what}",
        request=request,
    )


def form_variant_create(
    *,
    council: Council,
    builtin: str,
    title: str,
    by,
    actor_role: str,
    request: HttpRequest | None = None,
) -> FormVersion:
    """A new form for the council, starting as a draft copy of a built-in definition."""
    if builtin not in FormVariant.BuiltIn.values:
        raise ValidationError({"builtin": "Choose which form to start from."})
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Enter a name for the form"})
    base = slugify(title)[:50] or "form"
    with transaction.atomic():
        slug, number = base, 2
        while FormVariant.objects.filter(council=council, slug=slug).exists():
            slug, number = f"{base}-{number}", number + 1
        variant = FormVariant(council=council, slug=slug, title=title[:120], based_on=builtin)
        variant.full_clean()
        variant.save()
        version = FormVersion(
            variant=variant,
            number=1,
            definition=builtin_definition(builtin),
            copied_from=f"Built-in {BUILTIN_TITLES[FormVariant.BuiltIn(builtin)]}",
            created_by=by,
        )
        version.save()
        _audit(
            council=council,
            actor=by,
            actor_role=actor_role,
            subject=AuditEvent.Subject.FORM_VARIANT,
            subject_id=variant.pk,
            summary=f"Form '{variant.title}': created from a built-in, version 1 is a draft",
            request=request,
        )
    return version


def form_version_draft_create(
    *,
    variant: FormVariant,
    source: FormVersion | None = None,
    builtin: str | None = None,
    by,
    actor_role: str,
    request: HttpRequest | None = None,
) -> FormVersion:
    """A new draft version, copied from one of the form's versions or from a built-in.
    A form has at most one draft at a time."""
    with transaction.atomic():
        variant = _locked(variant)
        existing = variant.versions.filter(published_at__isnull=True).first()
        if existing is not None:
            raise ValidationError(
                f"Version {existing.number} is already a draft: change it, or delete it to start another."
            )
        if source is not None:
            if source.variant_id != variant.pk:
                raise ValidationError("Choose a version of this form.")
            definition, copied_from = source.definition, f"Version {source.number}"
        elif builtin in FormVariant.BuiltIn.values:
            definition = builtin_definition(builtin)
            copied_from = f"Built-in {BUILTIN_TITLES[FormVariant.BuiltIn(builtin)]}"
        else:
            raise ValidationError("Choose what the new version starts from.")
        version = FormVersion(
            variant=variant,
            number=_next_number(variant),
            definition=definition,
            copied_from=copied_from,
            created_by=by,
        )
        version.save()
        _audit_version(
            version,
            f"version {version.number} drafted from {copied_from.lower()}",
            by=by,
            actor_role=actor_role,
            request=request,
        )
    return version


def form_version_update(
    *, version: FormVersion, definition: dict, by, actor_role: str, request: HttpRequest | None = None
) -> FormVersion:
    """Replace a draft's definition. Raises DefinitionInvalid naming every problem, or
    ValidationError for a published (frozen) version."""
    definition_check(definition)
    with transaction.atomic():
        locked = _locked_version(version)
        if locked.is_published:
            raise ValidationError("This version is published, so it cannot be changed. Make a new draft instead.")
        if locked.definition == definition:
            return locked
        locked.definition = definition
        locked.save(update_fields=["definition", "updated_at"])
        _audit_version(locked, f"draft version {locked.number} changed", by=by, actor_role=actor_role, request=request)
    return locked


def form_version_publish(
    *, version: FormVersion, by, actor_role: str, request: HttpRequest | None = None
) -> FormVersion:
    """Publish a draft: families starting the form from now on get it; drafts already
    started stay on the version they began with. The version is frozen from now on."""
    with transaction.atomic():
        locked = _locked_version(version)
        if locked.is_published:
            return locked
        definition_check(locked.definition)
        locked.published_at = timezone.now()
        locked.published_by = by if getattr(by, "pk", None) else None
        locked.save(update_fields=["published_at", "published_by", "updated_at"])
        FormVariant.objects.filter(pk=locked.variant_id).update(updated_at=timezone.now())
        _audit_version(locked, f"version {locked.number} published", by=by, actor_role=actor_role, request=request)
    return locked


def form_version_delete(*, version: FormVersion, by, actor_role: str, request: HttpRequest | None = None) -> None:
    """Delete a draft version (a published one is kept for ever)."""
    with transaction.atomic():
        locked = _locked_version(version)
        if locked.is_published:
            raise ValidationError("A published version cannot be deleted.")
        _audit_version(locked, f"draft version {locked.number} deleted", by=by, actor_role=actor_role, request=request)
        locked.delete()


def form_variant_delete(*, variant: FormVariant, by, actor_role: str, request: HttpRequest | None = None) -> None:
    """Delete a form that was never used: no version ever published and no family's
    draft of it (a published form is kept for ever: stop offering it instead)."""
    from casework.submissions.models import FormDraft  # the family's drafts, in this council's schema

    with transaction.atomic():
        locked = _locked(variant)
        if locked.versions.filter(published_at__isnull=False).exists():
            raise ValidationError(
                "A form with a published version is kept, with every answer sent on it. "
                "Stop offering it to families instead."
            )
        if FormDraft.objects.filter(variant_id=locked.pk).exists():
            raise ValidationError("A family has started this form, so it cannot be deleted.")
        _audit(
            council=locked.council,
            actor=by,
            actor_role=actor_role,
            subject=AuditEvent.Subject.FORM_VARIANT,
            subject_id=locked.pk,
            summary=f"Form '{locked.title}': deleted before it was ever published",
            request=request,
        )
        locked.delete()


def form_variant_enable(
    *, variant: FormVariant, enabled: bool, by, actor_role: str, request: HttpRequest | None = None
) -> FormVariant:
    with transaction.atomic():
        locked = _locked(variant)
        if locked.enabled == enabled:
            return locked
        locked.enabled = enabled
        locked.save(update_fields=["enabled", "updated_at"])
        _audit(
            council=locked.council,
            actor=by,
            actor_role=actor_role,
            subject=AuditEvent.Subject.FORM_VARIANT,
            subject_id=locked.pk,
            summary=f"Form '{locked.title}': {'offered to families' if enabled else 'no longer offered to families'}",
            request=request,
        )
    return locked


# --- The platform's built-ins ------------------------------------------------------------


@dataclass(frozen=True)
class BuiltinPublished:
    council: Council
    version: FormVersion
    published: bool  # False: the council's latest version already was this built-in


def builtin_publish(*, council: Council, builtin: str, by=None) -> BuiltinPublished:
    """Publish the platform's built-in definition as the council's newest version of its
    form based on it (making the form if it has none). Idempotent: when the council's
    latest published version already is the built-in, nothing changes."""
    if builtin not in FormVariant.BuiltIn.values:
        raise ValidationError(f"'{builtin}' is not a built-in form.")
    definition = builtin_definition(builtin)
    form_definition(definition)  # parses: the built-ins are checked by the tests
    with transaction.atomic():
        variant = (
            FormVariant.objects.select_for_update().filter(council=council, based_on=builtin).order_by("pk").first()
        )
        if variant is None:
            variant = FormVariant(
                council=council,
                slug=builtin,
                title=BUILTIN_TITLES[FormVariant.BuiltIn(builtin)],
                based_on=builtin,
            )
            variant.full_clean()
            variant.save()
        latest = variant.versions.filter(published_at__isnull=False).order_by("-number").first()
        if latest is not None and latest.definition == definition:
            return BuiltinPublished(council=council, version=latest, published=False)
        version = FormVersion(
            variant=variant,
            number=_next_number(variant),
            definition=definition,
            copied_from=f"Built-in {BUILTIN_TITLES[FormVariant.BuiltIn(builtin)]}",
            created_by=by if getattr(by, "pk", None) else None,
            published_at=timezone.now(),
            published_by=by if getattr(by, "pk", None) else None,
        )
        version.save()
        _audit(
            council=council,
            actor=by,
            actor_role="platform",
            subject=AuditEvent.Subject.FORM_VERSION,
            subject_id=version.pk,
            summary=f"Form '{variant.title}': version {version.number} published by the platform (built-in)",
        )
    return BuiltinPublished(council=council, version=version, published=True)


def builtin_publish_to_councils(*, builtin: str, councils: Iterable[Council], by=None) -> list[BuiltinPublished]:
    return [builtin_publish(council=council, builtin=builtin, by=by) for council in councils if not council.is_platform]


def builtin_ensure(*, council: Council, builtin: str) -> FormVersion:
    """The council's form based on the built-in, with a published version (the demo
    councils): published from the built-in only when it has none yet."""
    variant = FormVariant.objects.filter(council=council, based_on=builtin).order_by("pk").first()
    if variant is not None:
        latest = variant.versions.filter(published_at__isnull=False).order_by("-number").first()
        if latest is not None:
            return latest
    return builtin_publish(council=council, builtin=builtin).version
