from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from tenants.selectors import council_tiles


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "citizen/home.html", {"tiles": council_tiles(council=request.tenant)})


@require_GET
@cache_control(public=True, max_age=3600)
def branding_css(request: HttpRequest) -> HttpResponse:
    """The council's colour as a stylesheet, so pages carry no inline style."""
    return HttpResponse(f":root {{ --council-colour: {request.tenant.primary_colour}; }}\n", content_type="text/css")
