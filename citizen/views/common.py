"""What every page of the family's SEND area shares: who may open it, and the small
helpers its views use."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from citizen.accounts.decorators import two_step_required
from tenants.models import Tile
from tenants.selectors import council_tiles

View = Callable[..., HttpResponse]


def send_area_open(request: HttpRequest) -> bool:
    """The SEND area exists only while the council has its SEND tile turned on."""
    return any(tile.kind == Tile.Kind.SEND for tile in council_tiles(council=request.tenant))


def send_area(view: View) -> View:
    """Signed in, verified by two-step in this session, and the SEND tile on (else 404).
    Pages about a child are private: never cached by a browser or a proxy."""

    @wraps(view)
    @two_step_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not send_area_open(request):
            raise Http404
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper


def child_name(child) -> str:
    """How the family's pages call a child: the name they are known by, else their first name."""
    return child.known_as or child.legal_first_name
