"""The platform operators' screens for councils and their configuration."""

from django.contrib import admin

from .models import Council, CouncilLink, Domain, FormVariant, ServiceArea, SignInPolicy, Tile


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
            {"fields": ["otp_lifetime_minutes", "otp_max_attempts", "otp_resend_cooldown_seconds"]},
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
    model = FormVariant
    extra = 0


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "schema_name", "is_active", "created_at"]
    search_fields = ["name", "slug"]
    readonly_fields = ["schema_name", "created_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "schema_name", "is_active", "created_at"]}),
        ("Branding", {"fields": ["service_name", "logo", "primary_colour"]}),
        (
            "Emails and contacts",
            {"fields": ["sender_name", "sender_email", "contact_email", "contact_phone", "contact_address"]},
        ),
        ("Families", {"fields": ["feedback_questionnaire_url"]}),
    ]
    inlines = [DomainInline, ServiceAreaInline, SignInPolicyInline, TileInline, CouncilLinkInline, FormVariantInline]

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(schema_name="public")

    def has_add_permission(self, request):
        # A council is provisioned by `manage.py create_council` (schema, domain, first admin).
        return False
