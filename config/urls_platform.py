"""The platform's own site (PLATFORM_DOMAIN): the operators' admin, and every publishing council's
waiting times side by side."""

from django.conf import settings
from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from config.security_headers import csp_report
from tenants import platform_views
from tenants.outbox import operator_views

admin.site.site_header = "SEND Citizen Portal platform"
admin.site.site_title = "SEND platform"
admin.site.index_title = "Councils and platform operations"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path(settings.CSP_REPORT_PATH.lstrip("/"), csp_report, name="csp-report"),
    path("waiting-times/", platform_views.waiting_times_compared, name="waiting-times"),
    # Before admin.site.urls, whose catch-all would take "outbox/" for an app's index.
    path("admin/outbox/", admin.site.admin_view(operator_views.outbox), name="platform-outbox"),
    path(
        "admin/outbox/<slug:council_slug>/<int:email_id>/retry/",
        admin.site.admin_view(operator_views.retry),
        name="platform-outbox-retry",
    ),
    path("admin/", admin.site.urls),
]
