"""A council's own site: families and the SEND team, on the council's host."""

from django.conf import settings
from django.urls import include, path

from casework import urls as staff_urls
from citizen import views as citizen_views
from citizen.runner import staff_urls as staff_preview_urls
from config.security_headers import csp_report

urlpatterns = [
    path("", citizen_views.home, name="home"),
    path("branding.css", citizen_views.branding_css, name="branding-css"),
    path("waiting-times/", citizen_views.waiting_times, name="waiting-times"),
    path(settings.CSP_REPORT_PATH.lstrip("/"), csp_report, name="csp-report"),
    path("send/", citizen_views.send_home, name="send-home"),
    path("send/", include("citizen.urls")),  # the family's SEND area (namespace "family")
    path("send/forms/", include("citizen.runner.urls")),  # the form runner (namespace "runner")
    path("branding/logo", citizen_views.branding_logo, name="branding-logo"),
    path("", include("citizen.accounts.urls")),
    path("staff/settings/api-clients/", include("api.staff_urls")),  # council admins' API clients
    # The SEND team's screens (namespace "staff"), with the form preview that the family's
    # runner draws (citizen.runner): casework never imports the family area.
    path("staff/", include(([*staff_urls.urlpatterns, *staff_preview_urls.urlpatterns], "staff"))),
    path("professionals/", include("casework.professionals.urls")),  # organisations' people (advice)
    path("api/", include("api.urls")),  # the REST API for council systems
    path("dev/", include("casework.dev_urls")),  # 404 unless DEBUG (casework.dev_views)
]
