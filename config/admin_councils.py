"""The platform operators' screens for councils and their configuration."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django_tenants.utils import tenant_context

from casework.models import StaffInvitation, StaffMembership, StaffRole
from casework.services.forms import builtin_publish_to_councils
from casework.services.staff import staff_invitation_create
from tenants.models import Council, CouncilLink, Domain, FormVariant, ServiceArea, SignInPolicy, Tile
from tenants.storage import StorageRefused
from themes.forms import add_errors


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


class ServiceAreaInline(admin.TabularInline):
    model = ServiceArea
    extra = 0


class SignInPolicyInline(admin.StackedInline):
    model = SignInPolicy
    can_delete = False
    fieldsets = [
        (
            "Passwords",
            {
                "fields": [
                    ("password_min_length", "password_max_length"),
                    ("require_uppercase", "require_lowercase", "require_digit", "require_special"),
                    "disallow_username",
                    "password_history_count",
                    "disallow_simple_change",
                    "password_max_age_days",
                    "block_common_passwords",
                ]
            },
        ),
        (
            "Two-step verification",
            {
                "fields": [
                    "otp_lifetime_minutes",
                    "otp_max_attempts",
                    "otp_resend_cooldown_seconds",
                    "staff_require_authenticator",
                ]
            },
        ),
        ("Lockouts and sessions", {"fields": ["lockout_failure_limit", "lockout_minutes", "idle_timeout_minutes"]}),
    ]


class TileInline(admin.TabularInline):
    model = Tile
    extra = 0


class CouncilLinkInline(admin.TabularInline):
    model = CouncilLink
    extra = 0


class FormVariantInline(admin.TabularInline):
    """The council's forms; their versions are the council admins' (staff settings →
    Forms). Not deletable here: drafts and submissions point at their versions."""

    model = FormVariant
    extra = 0
    can_delete = False
    fields = ["title", "slug", "based_on", "enabled"]


def _publish_builtin(builtin: str):
    def action(modeladmin, request, queryset):
        results = builtin_publish_to_councils(builtin=builtin, councils=queryset, by=request.user)
        published = [r.council.name for r in results if r.published]
        unchanged = [r.council.name for r in results if not r.published]
        label = FormVariant.BuiltIn(builtin).label
        if published:
            modeladmin.message_user(request, f"Published {label} to: {', '.join(published)}.", messages.SUCCESS)
        if unchanged:
            modeladmin.message_user(request, f"Already up to date with {label}: {', '.join(unchanged)}.")

    action.__name__ = f"publish_{builtin.replace('-', '_')}"
    return admin.action(description=f"Publish the platform's {FormVariant.BuiltIn(builtin).label} to these councils")(
        action
    )


class CouncilAdminForm(forms.ModelForm):
    """The council form, with the Notify API key write-only: what is stored is never sent
    back to the browser, only whether a key is set and its last 4 characters."""

    notify_api_key = forms.CharField(
        label="GOV.UK Notify API key",
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    remove_notify_api_key = forms.BooleanField(label="Remove the stored Notify API key", required=False)

    class Meta:
        model = Council
        fields = ["email_provider", "notify_template_id", "notify_sms_template_id"]  # the admin adds the rest

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        council = self.instance
        if council.pk and council.has_notify_api_key:
            state = f"A key is stored (ending {council.notify_api_key_last4}). Leave this empty to keep it."
        else:
            state = "No key is stored."
        usage = "Used only when the email provider is GOV.UK Notify; stored encrypted and never shown again."
        self.fields["notify_api_key"].help_text = f"{state} {usage}"

    def clean(self):
        cleaned = super().clean()
        new_key = cleaned.get("notify_api_key", "")
        try:
            if new_key:
                self.instance.set_notify_api_key(new_key)
            elif cleaned.get("remove_notify_api_key"):
                self.instance.set_notify_api_key("")
        except forms.ValidationError as exc:
            self.add_error("notify_api_key", exc)
        return cleaned


class InviteAdminForm(forms.Form):
    email = forms.EmailField(
        label="Email address of the council's admin",
        help_text="They get an invitation to the council's site, good for 7 days. An open invitation to the same "
        "address is replaced, so this also sends a fresh link to someone whose invitation ran out.",
        error_messages={
            "required": "Enter the email address",
            "invalid": "Enter an email address like name@example.org",
        },
    )


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    form = CouncilAdminForm
    list_display = ["name", "slug", "schema_name", "is_active", "created_at"]
    search_fields = ["name", "slug"]
    readonly_fields = ["schema_name", "created_at", "council_admins"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "schema_name", "is_active", "created_at"]}),
        ("Council admins", {"fields": ["council_admins"]}),
        ("Branding", {"fields": ["service_name", "logo", "primary_colour"]}),
        (
            "Emails and contacts",
            {"fields": ["sender_name", "sender_email", "contact_email", "contact_phone", "contact_address"]},
        ),
        (
            "Email delivery",
            {
                "fields": [
                    "email_provider",
                    "notify_api_key",
                    "remove_notify_api_key",
                    "notify_template_id",
                    "notify_sms_template_id",
                    "texts_enabled",
                ]
            },
        ),
        (
            "Families",
            {
                "fields": [
                    "feedback_questionnaire_url",
                    "privacy_notice_url",
                    "family_upload_max_mb",
                    "show_staff_names_to_families",
                    "trusted_people_approval",
                ]
            },
        ),
    ]
    inlines = [DomainInline, ServiceAreaInline, SignInPolicyInline, TileInline, CouncilLinkInline, FormVariantInline]
    # Platform operators publish a built-in form to councils (casework.services.forms).
    actions = [_publish_builtin(builtin) for builtin in FormVariant.BuiltIn.values]

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(schema_name="public")

    # --- Inviting (or re-inviting) a council's admin: no need to re-run create_council ---

    def get_urls(self):
        invite = self.admin_site.admin_view(self.invite_admin_view)
        return [
            path("<int:council_id>/invite-admin/", invite, name="tenants_council_invite_admin"),
            *super().get_urls(),
        ]

    @admin.display(description="Admins")
    def council_admins(self, council: Council) -> str:
        if not council.pk:
            return "-"
        with tenant_context(council):
            admins = list(
                StaffMembership.objects.filter(role=StaffRole.COUNCIL_ADMIN, is_active=True).values_list(
                    "account__email", flat=True
                )
            )
            waiting = list(
                StaffInvitation.objects.filter(role=StaffRole.COUNCIL_ADMIN, accepted_at__isnull=True).values_list(
                    "email", flat=True
                )
            )
        active = ", ".join(admins) or "none yet"
        pending = f"; invited, not yet accepted: {', '.join(waiting)}" if waiting else ""
        link = reverse("admin:tenants_council_invite_admin", args=[council.pk])
        return format_html('Active: {}{}. <a href="{}">Invite a council admin</a>', active, pending, link)

    def invite_admin_view(self, request, council_id: int):
        council = get_object_or_404(self.get_queryset(request), pk=council_id)
        if not self.has_change_permission(request, council):
            raise PermissionDenied
        form = InviteAdminForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                with tenant_context(council):
                    staff_invitation_create(
                        email=form.cleaned_data["email"], role=StaffRole.COUNCIL_ADMIN, invited_by=request.user
                    )
            except ValidationError as refusal:
                add_errors(form, refusal)
            else:
                self.message_user(request, f"Invitation sent to {form.cleaned_data['email']}.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:tenants_council_change", args=[council.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Invite a council admin to {council.name}",
            "council": council,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/platform/invite_admin.html", context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The admin saves inside a transaction: when storage refuses the logo the whole
        # change is rolled back; say so on the page instead of a server error.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StorageRefused as refused:
            self.message_user(request, str(refused), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def has_add_permission(self, request):
        # A council is provisioned by `manage.py create_council` (schema, domain, first admin).
        return False
