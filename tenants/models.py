"""Councils (tenants), their domains and every per-council setting. Public schema."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django_tenants.models import DomainMixin, TenantMixin

from .encryption import seal, unseal
from .storage import council_path

SLUG_PATTERN = r"^[a-z][a-z0-9-]{1,39}$"
RESERVED_SLUGS = {"public", "platform", "admin", "www", "api", "static", "media", "pg-catalog"}

hex_colour = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", "Enter a colour as # followed by six hexadecimal digits, for example #1d70b8."
)


def contrast_with_white(colour: str) -> float:
    """WCAG 2 contrast ratio of white text on `colour` (#rrggbb)."""

    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 1.05 / (luminance + 0.05)


def validate_council_slug(value: str) -> None:
    if not re.match(SLUG_PATTERN, value):
        raise ValidationError(
            "A council's short name must be 2 to 40 characters: lower-case letters, digits and "
            "hyphens, starting with a letter (for example 'north-yorkshire')."
        )
    if value in RESERVED_SLUGS:
        raise ValidationError(f"'{value}' is reserved by the platform; choose another short name.")


LOGO_MAX_BYTES = 1024 * 1024
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def logo_content_type(head: bytes) -> str | None:
    return next((kind for magic, kind in LOGO_TYPES.items() if head.startswith(magic)), None)


def validate_logo(upload) -> None:
    """A logo is a PNG or JPEG by its content (not its name), 1 MB at most. SVG is
    refused: served from the council's own site, it could carry script."""
    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError(f"The logo must be 1 MB or smaller; this file is {upload.size / 1024 / 1024:.1f} MB.")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if logo_content_type(head) is None:
        raise ValidationError("The logo must be a PNG or JPEG image.")


def logo_upload_to(instance: Council, filename: str) -> str:
    return council_path("branding", filename, schema_name=instance.schema_name)


def validate_notify_api_key(value: str) -> None:
    """A GOV.UK Notify API key: "<key name>-<service id>-<secret>", both ids UUIDs (the
    client reads them from the last 73 characters)."""
    try:
        uuid.UUID(value[-73:-37])
        uuid.UUID(value[-36:])
    except ValueError:
        valid = False
    else:
        valid = len(value) >= 73 and value[-37] == "-"
    if not valid:
        raise ValidationError(
            "Enter the whole GOV.UK Notify API key, as Notify shows it when it is created: "
            "its name followed by two long codes (for example my_key-26785a09-…-…)."
        )


class Council(TenantMixin):
    """A council that runs its SEND Citizen Portal on the platform.

    The platform itself is the row whose schema is `public` (its own domain serves
    the operators' admin); every other row is a council with a schema of its own.
    """

    class EmailProvider(models.TextChoices):
        PLATFORM = "platform", "Platform default"
        NOTIFY = "notify", "GOV.UK Notify"

    name = models.CharField(max_length=120, help_text="The council's name, e.g. 'Cumbria County Council'.")
    slug = models.SlugField(
        max_length=40, unique=True, validators=[validate_council_slug], help_text="Short name; also the schema name."
    )
    service_name = models.CharField(
        max_length=80, default="SEND Citizen Portal", help_text="Shown in the header of every page."
    )
    logo = models.FileField(upload_to=logo_upload_to, blank=True, validators=[validate_logo])
    primary_colour = models.CharField(max_length=7, default="#1d70b8", validators=[hex_colour])
    sender_email = models.EmailField(
        blank=True, help_text="The address families' emails come from (codes, alerts). Required for a council."
    )
    sender_name = models.CharField(max_length=80, blank=True)
    contact_email = models.EmailField(blank=True, help_text="The SEND service's general contact address.")
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_address = models.TextField(blank=True)
    feedback_questionnaire_url = models.URLField(
        blank=True, help_text="Shown to families once a final EHC plan has been issued."
    )
    privacy_notice_url = models.URLField(
        blank=True, help_text="The council's privacy notice, linked from every form's declaration."
    )
    # The family's SEND area (citizen/): how large a file a family may upload, and whether
    # "who has seen my child's records" names members of staff or only their team and role.
    family_upload_max_mb = models.PositiveSmallIntegerField(
        "Largest file a family may upload (MB)",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    show_staff_names_to_families = models.BooleanField(
        default=False,
        help_text="Show families the names of staff who viewed their child's records (otherwise the team and role).",
    )
    # Someone a family trusts (issue 16): whether the SEND team approves each grant first.
    TRUSTED_APPROVAL_CHOICES = [
        ("not_family", "Approve everyone except another parent or carer"),
        ("everyone", "Approve everyone"),
        ("nobody", "Approve nobody: a grant works once the person accepts it"),
    ]
    trusted_people_approval = models.CharField(
        "Which grants the SEND team approves", max_length=12, choices=TRUSTED_APPROVAL_CHOICES, default="not_family"
    )
    # Professionals (casework/professionals/): how long an organisation still sees a child
    # after its advice request or review closes, and whether advice goes to the family at once.
    professional_access_days = models.PositiveSmallIntegerField(
        "Days an organisation keeps access after its request closes",
        default=28,
        validators=[MaxValueValidator(365)],
    )
    advice_shared_at_once = models.BooleanField(
        "Share advice with the family as soon as it arrives",
        default=False,
        help_text="Otherwise the SEND team shares each piece of advice when it is ready.",
    )
    dfe_la_number = models.CharField(
        "DfE local authority number",
        max_length=3,
        blank=True,
        validators=[RegexValidator(r"^\d{3}$", "Enter the council's 3-digit DfE number, like 909.")],
        help_text="The 3 digits the DfE's returns know the council by (in SEN2, the LEA).",
    )
    publish_waiting_times = models.BooleanField(
        "Publish how long EHC needs assessments are taking",
        default=False,
        help_text="On the council's public pages, worked out each night from the casework.",
    )
    settings_open_reviews = models.BooleanField(
        "Schools and settings may open a child's annual review themselves",
        default=False,
        help_text="Otherwise the SEND team opens every review and gives it to the setting to run.",
    )
    # How the council's emails are delivered: the platform's own backend (EMAIL_URL or SES),
    # or the council's own GOV.UK Notify service (tenants.outbox.delivery.email_connection).
    email_provider = models.CharField(max_length=10, choices=EmailProvider.choices, default=EmailProvider.PLATFORM)
    # Only ever stored encrypted (tenants.encryption), and never shown again: the admin
    # shows whether it is set and its last 4 characters.
    notify_api_key_encrypted = models.TextField(blank=True, editable=False)
    notify_api_key_last4 = models.CharField(max_length=4, blank=True, editable=False)
    notify_template_id = models.UUIDField(
        null=True,
        blank=True,
        help_text="A Notify email template whose subject is ((subject)) and whose message is ((body)).",
    )
    notify_sms_template_id = models.UUIDField(
        null=True,
        blank=True,
        help_text="A Notify text message template whose message is ((body)): the council's own texts to families.",
    )
    # Families may choose texts as well as (or instead of) emails (issue 16); a council may
    # turn them off. Sent through Notify only: the council's own service, else the platform's.
    texts_enabled = models.BooleanField(
        "Send families text messages when they ask for them",
        default=True,
        help_text="Families choose email, text or both; with this off, everyone gets emails.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    auto_create_schema = True
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def create_schema(self, check_if_exists=False, sync_schema=True, verbosity=1):
        """A new council's schema is a copy of the council template, brought up to the
        code's migrations first (tenants/template.py); with no template, django-tenants
        migrates it from scratch. The platform's own row is not a council and gets none."""
        if sync_schema and not self.is_platform:
            from django.db import connection
            from django_tenants.utils import schema_exists

            from tenants.template import schema_copy, template_ready

            template = template_ready()
            if template is not None:
                if check_if_exists and schema_exists(self.schema_name):
                    return False
                connection.set_schema_to_public()
                schema_copy(template, self.schema_name)
                return None
        return super().create_schema(check_if_exists=check_if_exists, sync_schema=sync_schema, verbosity=verbosity)

    @property
    def is_platform(self) -> bool:
        return self.schema_name == "public"

    @property
    def from_address(self) -> str:
        if not self.sender_email:
            return ""
        return f"{self.sender_name} <{self.sender_email}>" if self.sender_name else self.sender_email

    @property
    def has_notify_api_key(self) -> bool:
        return bool(self.notify_api_key_encrypted)

    def set_notify_api_key(self, api_key: str) -> None:
        """Store the council's Notify API key encrypted (empty: remove it)."""
        api_key = api_key.strip()
        if api_key:
            validate_notify_api_key(api_key)
        self.notify_api_key_encrypted = seal(api_key) if api_key else ""
        self.notify_api_key_last4 = api_key[-4:]

    def notify_api_key(self) -> str:
        """The council's Notify API key in plain text, for sending only (decrypts)."""
        return unseal(self.notify_api_key_encrypted) if self.notify_api_key_encrypted else ""

    @property
    def text_service_kind(self) -> str:
        """Whose Notify service sends this council's texts: "own" (its key and a text
        template), "platform" (NOTIFY_API_KEY and NOTIFY_SMS_TEMPLATE_ID), or "" (texts
        turned off, or neither set up). Nothing is decrypted."""
        from django.conf import settings

        if not self.texts_enabled:
            return ""
        if self.has_notify_api_key and self.notify_sms_template_id:
            return "own"
        return "platform" if settings.NOTIFY_API_KEY and settings.NOTIFY_SMS_TEMPLATE_ID else ""

    @property
    def texts_offered(self) -> bool:
        """Whether families are offered texts."""
        return bool(self.text_service_kind)

    def text_service(self) -> tuple[str, str] | None:
        """How this council's texts go, as (Notify API key, text template id), for sending
        only (decrypts the council's own key); None when texts are not offered."""
        from django.conf import settings

        kind = self.text_service_kind
        if kind == "own":
            return self.notify_api_key(), str(self.notify_sms_template_id)
        if kind == "platform":
            return settings.NOTIFY_API_KEY, str(settings.NOTIFY_SMS_TEMPLATE_ID)
        return None

    @property
    def sends_with_notify(self) -> bool:
        return (
            self.email_provider == self.EmailProvider.NOTIFY
            and self.has_notify_api_key
            and self.notify_template_id is not None
        )

    def clean(self) -> None:
        super().clean()
        if not self.is_platform and not self.sender_email:
            raise ValidationError({"sender_email": "Enter the address the council's emails are sent from."})
        if re.match(r"^#[0-9a-fA-F]{6}$", self.primary_colour or "") and contrast_with_white(self.primary_colour) < 4.5:
            # The header shows white text on this colour (WCAG 2.2 1.4.3 needs 4.5:1).
            raise ValidationError(
                {
                    "primary_colour": f"White text on {self.primary_colour} has a contrast of "
                    f"{contrast_with_white(self.primary_colour):.1f}:1; choose a darker colour (at least 4.5:1)."
                }
            )
        if self.email_provider == self.EmailProvider.NOTIFY and not (
            self.has_notify_api_key and self.notify_template_id
        ):
            raise ValidationError(
                {"email_provider": "To send with GOV.UK Notify, enter the council's Notify API key and template ID."}
            )


class Domain(DomainMixin):
    """A host name that serves a council's site (or the platform's, for `public`)."""

    def __str__(self) -> str:
        return self.domain

    def clean(self) -> None:
        super().clean()
        self.domain = (self.domain or "").strip().lower()
        if not re.match(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$", self.domain):
            raise ValidationError({"domain": "Enter a host name without a scheme or port, e.g. send.cumbria.gov.uk."})


class ServiceArea(models.Model):
    """An area of the council's SEND service, with the address families' requests go to."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(max_length=80)
    contact_email = models.EmailField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint("council", Lower("name"), name="service_area_name_unique_per_council"),
        ]

    def __str__(self) -> str:
        return self.name


class SignInPolicy(models.Model):
    """How a council's families and staff sign in. Defaults follow current guidance
    (NCSC: long passwords, a block list, no composition rules, no expiry); a council
    that opts into stricter rules (Somerset's guidance) gets exactly those."""

    council = models.OneToOneField(Council, on_delete=models.CASCADE, related_name="sign_in_policy")
    password_min_length = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(8), MaxValueValidator(128)]
    )
    password_max_length = models.PositiveSmallIntegerField(
        default=128, validators=[MinValueValidator(8), MaxValueValidator(1024)]
    )
    require_uppercase = models.BooleanField(default=False)
    require_lowercase = models.BooleanField(default=False)
    require_digit = models.BooleanField(default=False)
    require_special = models.BooleanField(default=False)
    disallow_username = models.BooleanField(default=True, help_text="Refuse a password that is the email address.")
    password_history_count = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(24)], help_text="Refuse any of the last N passwords (0: off)."
    )
    disallow_simple_change = models.BooleanField(
        default=False, help_text="Refuse a small change of the previous password (Password32! → Password33!)."
    )
    password_max_age_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text="Empty: passwords never expire."
    )
    block_common_passwords = models.BooleanField(default=True)
    otp_lifetime_minutes = models.PositiveSmallIntegerField(
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="How long an emailed two-step code works (at most 60 minutes).",
    )
    otp_max_attempts = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    otp_resend_cooldown_seconds = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(10), MaxValueValidator(600)]
    )
    # On for a new council: staff see every child in the council, and an emailed code
    # sits in the same mailbox as their password reset. Councils that existed before
    # this setting keep the emailed code until an admin turns it on (migration 0007).
    staff_require_authenticator = models.BooleanField(
        "Staff must use an authenticator app",
        default=True,
        help_text=(
            "SEND team members verify with an authenticator app (or one of their backup codes), "
            "not a code by email. Families can always use the emailed code."
        ),
    )
    lockout_failure_limit = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(3), MaxValueValidator(20)]
    )
    lockout_minutes = models.PositiveSmallIntegerField(
        default=15, validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    idle_timeout_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(5), MaxValueValidator(12 * 60)]
    )

    class Meta:
        verbose_name_plural = "sign-in policies"

    def __str__(self) -> str:
        return f"Sign-in policy for {self.council}"

    def clean(self) -> None:
        super().clean()
        if (
            self.password_min_length
            and self.password_max_length
            and self.password_min_length > self.password_max_length
        ):
            raise ValidationError(
                {"password_max_length": "The longest allowed password must be at least the shortest allowed."}
            )


class Tile(models.Model):
    """A tile on the council's home page: the SEND area, or a link out (school admissions…)."""

    class Kind(models.TextChoices):
        SEND = "send", "SEND area"
        LINK = "link", "Link to another service"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="tiles")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.LINK)
    title = models.CharField(max_length=80)
    description = models.CharField(max_length=200, blank=True)
    url = models.URLField(blank=True, help_text="Where a link tile goes. Not used for the SEND tile.")
    order = models.PositiveSmallIntegerField(default=0)
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["council"], condition=models.Q(kind="send"), name="one_send_tile_per_council"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.kind == self.Kind.LINK and not self.url:
            raise ValidationError({"url": "Enter the address this tile links to."})


class CouncilLink(models.Model):
    """Help pages and guides linked from the council's footer."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(max_length=80)
    url = models.URLField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title


class FormVariant(models.Model):
    """A form the council offers families (Section A, Appendix A, or its own), as a
    series of versions (`FormVersion`): families start the latest published one, and
    every draft and submission keeps pointing at the version it was started on."""

    class BuiltIn(models.TextChoices):
        SECTION_A = "section-a", "Section A (the child's and family's views)"
        APPENDIX_A = "appendix-a", "Appendix A (request for an EHC needs assessment)"
        ANNUAL_REVIEW_VIEWS = "annual-review-views", "Annual review: the family's views"
        ADVICE_EDUCATIONAL = "advice-educational", "Educational advice (filled in by the school or psychologist asked)"
        ADVICE_HEALTH = "advice-health", "Health advice (filled in by the health professional asked)"
        ADVICE_SOCIAL_CARE = "advice-social-care", "Social care advice (filled in by the social care team asked)"
        ADVICE_SETTING = "advice-setting", "Advice from the school or setting (filled in by the setting asked)"
        ANNUAL_REVIEW_REPORT = "annual-review-report", "Annual review report (filled in by the setting running it)"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="form_variants")
    slug = models.SlugField(max_length=60, help_text="Part of the form's address on the council's site.")
    title = models.CharField(max_length=120, help_text="What the SEND team calls it; families see the version's title.")
    based_on = models.CharField(max_length=20, choices=BuiltIn.choices, blank=True)
    enabled = models.BooleanField(default=True, help_text="Families can start it (once a version is published).")
    created_at = models.DateTimeField(auto_now_add=True, null=True)
    updated_at = models.DateTimeField(auto_now=True, null=True, db_index=True)

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["council", "slug"], name="form_variant_slug_unique")]

    def __str__(self) -> str:
        return self.title


class FrozenVersion(Exception):
    """A published form version was about to change: published versions are frozen."""


class FormVersion(models.Model):
    """One version of a council's form: a definition (tenants.form_definitions) that is a
    draft while the council's admins edit it, and frozen once published."""

    variant = models.ForeignKey(FormVariant, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    copied_from = models.CharField(max_length=120, blank=True, help_text="What this version started as.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["variant", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["variant", "number"], name="form_version_number_unique"),
            models.UniqueConstraint(
                fields=["variant"], condition=models.Q(published_at__isnull=True), name="one_draft_version_per_form"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant} version {self.number}{'' if self.is_published else ' (draft)'}"

    def save(self, *args, **kwargs) -> None:
        # Drafts and submissions point at a published version and are read with it: a
        # change would alter what families answered after the fact.
        if self.pk and type(self).objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise FrozenVersion("A published form version cannot be changed; make a new draft version instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk and type(self).objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise FrozenVersion("A published form version cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class PlanTemplateVersion(models.Model):
    """A council's own version of the EHC plan template: the national template's sections
    retitled, relabelled or added to (casework.plans.template.template_problems checks it
    when saved). A draft while its admins edit it; frozen once published, since plans
    written on it are read with it. A council without one uses the national template."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="plan_templates")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["council", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["council", "number"], name="plan_template_number_unique"),
            models.UniqueConstraint(
                fields=["council"], condition=models.Q(published_at__isnull=True), name="one_draft_plan_template"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.council} plan template {self.number}{'' if self.published_at else ' (draft)'}"

    def save(self, *args, **kwargs) -> None:
        if self.pk and type(self).objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise FrozenVersion("A published plan template cannot be changed; make a new draft instead.")
        super().save(*args, **kwargs)


class StageExplanation(models.Model):
    """The council's own words for a step of a case's timeline, shown to families beside
    the statutory wording. `case_kind` is a casework.models.CaseKind value and `stage_key`
    the `Step.key` casework.clock gives that step (stable per kind of step)."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="stage_explanations")
    case_kind = models.CharField(max_length=20)
    stage_key = models.CharField(max_length=40)
    text = models.TextField(max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case_kind", "stage_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "case_kind", "stage_key"], name="one_stage_explanation_per_step"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_kind}/{self.stage_key}"


class PublishedWaitingTimes(models.Model):
    """A council's waiting times as it publishes them (casework.selectors.waiting_times):
    figures already suppressed, worked out in the background from its casework, kept here
    in the platform's schema so that its public page and the platform's page of every
    publishing council read them without touching a case."""

    council = models.OneToOneField(Council, on_delete=models.CASCADE, related_name="published_waiting_times")
    figures = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "published waiting times"

    def __str__(self) -> str:
        return f"Waiting times of {self.council_id} at {self.computed_at:%Y-%m-%d %H:%M}"
