"""Which emails a family member gets from the SEND area."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from citizen.forms import AlertPreferencesForm
from citizen.services_family import alert_preferences, alert_preferences_set

from .common import send_area


@require_http_methods(["GET", "POST"])
@send_area
def alerts(request: HttpRequest) -> HttpResponse:
    current = alert_preferences(account=request.user)
    form = AlertPreferencesForm(
        request.POST if request.method == "POST" else None,
        initial={kind: getattr(current, kind) for kind in current.KINDS},
    )
    if form.is_valid():
        alert_preferences_set(account=request.user, request=request, **form.cleaned_data)
        messages.success(request, "Your choices have been saved.")
        return redirect("send-home")
    return render(request, "citizen/alerts.html", {"page_title": "Emails we send you", "form": form})
