"""A council's own site: families and the SEND team, on the council's host."""

from django.conf import settings
from django.urls import include, path

from citizen import views as citizen_views
from config.security_headers import csp_report

urlpatterns = [
    path("", citizen_views.home, name="home"),
    path("branding.css", citizen_views.branding_css, name="branding-css"),
    path(settings.CSP_REPORT_PATH.lstrip("/"), csp_report, name="csp-report"),
    path("send/", citizen_views.send_home, name="send-home"),
    path("send/", include("citizen.urls")),  # the family's SEND area (namespace "family")
    path("send/forms/", include("citizen.runner.urls")),  # the form runner (namespace "runner")
    path("branding/logo", citizen_views.branding_logo, name="branding-logo"),
    path("", include("citizen.accounts.urls")),
    path("staff/settings/api-clients/", include("api.staff_urls")),  # council admins' API clients
    path("staff/", include("casework.urls")),
    path("api/", include("api.urls")),  # the REST API for council systems
    path("dev/", include("casework.dev_urls")),  # 404 unless DEBUG (casework.dev_views)
]
