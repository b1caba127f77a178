"""The council site's addresses plus the bench's own no-op pages (config.settings.bench
only: no other settings module routes here)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from casework.decorators import staff_required
from casework.permissions import CASEWORK
from citizen.views.common import send_area

from .urls_council import urlpatterns as council_urlpatterns


def noop(request: HttpRequest) -> HttpResponse:
    """Nothing but the middleware: the floor every page figure is measured against."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/noop/", noop, name="bench-noop"),
    # Behind what guards every family page: signed in, two-step done, the SEND tile on.
    path("bench/signed-in-noop/", send_area(noop), name="bench-signed-in-noop"),
    # Behind what guards every SEND team page: two-step done, an active caseworker.
    path("bench/staff-noop/", staff_required(roles=CASEWORK)(noop), name="bench-staff-noop"),
    *council_urlpatterns,
]
