"""The council's home page, branding, and the family's SEND area (its pages are in
citizen.views.children, .cases and .alerts; citizen.urls maps them)."""

from datetime import date

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from casework.selectors.trusted import invitations_for
from citizen.accounts.decorators import password_change_pending
from citizen.runner.selectors import child_forms_summary
from citizen.selectors import family_home
from tenants.selectors import council_tiles, published_waiting_times

from .common import send_area


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """What the service does and the council's tiles; signed in, the SEND tile opens the SEND area."""
    if password_change_pending(request):
        return redirect("accounts:password-change-required")
    return render(request, "citizen/home.html", {"tiles": council_tiles(council=request.tenant)})


@require_GET
def waiting_times(request: HttpRequest) -> HttpResponse:
    """How long the council's assessments are taking, where it publishes that (404 where
    it does not): anyone may read it, signed in or not."""
    published = published_waiting_times(council=request.tenant)
    if published is None:
        raise Http404
    figures = published.figures
    return render(
        request,
        "citizen/waiting_times.html",
        {
            "page_title": "How long EHC needs assessments are taking",
            "figures": figures,
            "period_start": date.fromisoformat(figures["period_start"]),
            "period_end": date.fromisoformat(figures["period_end"]),
            "computed_at": published.computed_at,
        },
    )


@require_GET
@send_area
def send_home(request: HttpRequest) -> HttpResponse:
    """The family's SEND area: their children and cases (with unread messages), their
    requests to see a child's records, and each child's forms. A fixed number of queries
    however many children and cases."""
    overview = family_home(account=request.user, today=timezone.localdate())
    children = [entry.child for entry in overview.children]
    forms = child_forms_summary(
        account=request.user, children=children, accesses=[entry.access for entry in overview.children]
    )
    return render(
        request,
        "citizen/send_home.html",
        {
            "page_title": "Your SEND area",
            "overview": overview,
            "invitations": list(invitations_for(account=request.user)),
            "entries": [(entry, forms.get(entry.child.pk)) for entry in overview.children],
        },
    )


@require_GET
@cache_control(public=True, max_age=3600)
def branding_css(request: HttpRequest) -> HttpResponse:
    """The council's colour as a stylesheet, so pages carry no inline style."""
    return HttpResponse(f":root {{ --council-colour: {request.tenant.primary_colour}; }}\n", content_type="text/css")


@require_GET
@cache_control(public=True, max_age=3600)
def branding_logo(request: HttpRequest) -> FileResponse:
    """The council's logo, streamed from storage (filesystem or S3 alike); the header
    links here with a version so a new logo shows at once."""
    from tenants.models import logo_content_type

    logo = request.tenant.logo
    if not logo:
        raise Http404
    handle = logo.open("rb")
    content_type = logo_content_type(handle.read(8)) or "application/octet-stream"
    handle.seek(0)
    return FileResponse(handle, content_type=content_type)
