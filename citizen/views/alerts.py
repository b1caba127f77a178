"""Which emails (and, where the council offers them, texts) a family member gets from the SEND area."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from citizen.accounts.mobiles import mobile_shown
from citizen.forms import AlertPreferencesForm, TextChoiceForm
from citizen.services_family import alert_preferences, alert_preferences_set, alerts_channel_set

from .common import send_area


@require_http_methods(["GET", "POST"])
@send_area
def alerts(request: HttpRequest) -> HttpResponse:
    current = alert_preferences(account=request.user)
    posted = request.POST if request.method == "POST" else None
    form = AlertPreferencesForm(posted, initial={kind: getattr(current, kind) for kind in current.KINDS})
    texts = request.tenant.texts_offered
    channel = (
        TextChoiceForm(
            posted,
            initial={"alerts_by": request.user.alerts_by, "mobile": mobile_shown(request.user.mobile)},
        )
        if texts
        else None
    )
    if form.is_valid() and (channel is None or channel.is_valid()):
        alert_preferences_set(account=request.user, request=request, **form.cleaned_data)
        if channel is not None:
            alerts_channel_set(account=request.user, request=request, **channel.cleaned_data)
        messages.success(request, "Your choices have been saved.")
        return redirect("send-home")
    return render(
        request,
        "citizen/alerts.html",
        {
            "page_title": "Emails and texts we send you" if texts else "Emails we send you",
            "form": form,
            "channel": channel,
            "errors_elsewhere": bool(channel is not None and channel.errors),  # the title says "Error:"
        },
    )
