from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Account, AuthenticatorDevice, BackupCodeDevice


@admin.register(Account)
class AccountAdmin(UserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal details", {"fields": ["first_name", "last_name"]}),
        ("Platform access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["date_joined", "password_changed_at", "last_login"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    filter_horizontal: list[str] = []


class _TwoStepDeviceAdmin(admin.ModelAdmin):
    """Operators can see who has an authenticator app or backup codes and delete one (a
    person who lost their phone and codes): the next sign-in then asks them to set up
    again. Nothing secret is shown and nothing can be edited."""

    list_display = ["user", "name", "confirmed", "failed_attempts", "created_at"]
    search_fields = ["user__email"]
    fields = ["user", "name", "confirmed", "failed_attempts", "last_failure_at", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


admin.site.register(AuthenticatorDevice, _TwoStepDeviceAdmin)
admin.site.register(BackupCodeDevice, _TwoStepDeviceAdmin)
