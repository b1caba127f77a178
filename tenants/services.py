"""Writes to councils and their configuration."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from .links import public_base_url
from .models import Council, Domain, SignInPolicy, Tile, validate_council_slug


def council_base_url(*, domain: str) -> str:
    """The address a council's emails link to (scheme and port from the settings);
    tenants.links.council_url finds the council's domain itself."""
    return public_base_url(domain=domain)


def council_row_create(
    *, name: str, slug: str, domain: str, admin_email: str, sender_email: str | None = None
) -> tuple[Council, bool]:
    """A council's row, schema, domain and default configuration, and whether it was
    created now (False: it existed, with this domain). Its first admin is invited from
    above, by casework.services.councils.council_create, which calls this."""
    slug, domain, admin_email = slug.strip(), domain.strip().lower(), admin_email.strip().lower()
    validate_council_slug(slug)
    Domain(domain=domain).clean_fields(exclude=["tenant"])
    Domain(domain=domain).clean()
    try:
        validate_email(admin_email)
    except ValidationError:
        raise ValidationError(f"'{admin_email}' is not an email address; give the first admin's email.") from None

    owner = Domain.objects.select_related("tenant").filter(domain=domain).first()
    existing = Council.objects.filter(slug=slug).first()
    if owner is not None and owner.tenant.slug != slug:
        raise ValidationError(f"The domain {domain} is already used by {owner.tenant.name} ({owner.tenant.slug}).")
    if existing is not None and owner is None:
        current = ", ".join(existing.domains.values_list("domain", flat=True)) or "no domain"
        raise ValidationError(
            f"A council with the short name '{slug}' already exists, on {current}; "
            "add a domain to it in the platform admin instead."
        )

    with transaction.atomic():
        created = existing is None
        if created:
            council = Council(
                name=name.strip(),
                slug=slug,
                schema_name=slug.replace("-", "_"),
                sender_email=sender_email or f"no-reply@{domain}",
                contact_email=admin_email,
            )
            council.full_clean()
            council.save()  # creates and migrates the council's schema
            Domain.objects.create(domain=domain, tenant=council, is_primary=True)
            SignInPolicy.objects.create(council=council)
            Tile.objects.create(
                council=council,
                kind=Tile.Kind.SEND,
                title="Special educational needs and disabilities (SEND)",
                description="Follow an EHC needs assessment, complete forms, read plans and messages.",
            )
        else:
            council = existing
    return council, created


def platform_ensure(*, domain: str) -> Council:
    """The platform's own row (schema `public`) and its domain, for the operators' admin."""
    with transaction.atomic():
        platform, _ = Council.objects.get_or_create(
            schema_name="public", defaults={"name": "SEND Citizen Portal platform", "slug": "platform"}
        )
        Domain.objects.get_or_create(domain=domain, defaults={"tenant": platform, "is_primary": True})
    return platform
