"""The platform's own public pages (PLATFORM_DOMAIN): every publishing council's waiting
times side by side (issue 17, item 2)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .selectors import published_waiting_times_compared


@require_GET
def waiting_times_compared(request: HttpRequest) -> HttpResponse:
    """How long EHC needs assessments are taking at each council that publishes it, as
    each council's own page shows it (already suppressed), side by side."""
    return render(
        request,
        "platform/waiting_times.html",
        {
            "page_title": "How long EHC needs assessments are taking, council by council",
            "rows": published_waiting_times_compared(),
            "scheme": "https" if request.is_secure() else "http",
            "port": f":{request.get_port()}" if request.get_port() not in ("80", "443") else "",
        },
    )
