"""Sessions end after the council's idle timeout."""

from __future__ import annotations

import time

from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from .policies import current_policy

LAST_SEEN = "last_seen"


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        user = getattr(request, "user", None)
        if tenant is not None and not tenant.is_platform and user is not None and user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN)
            limit = current_policy(request).idle_timeout_minutes * 60
            if last_seen is not None and now - last_seen > limit:
                logout(request)
                return redirect(reverse("accounts:timed-out"))
            request.session[LAST_SEEN] = now
            request.session.set_expiry(limit)
        return self.get_response(request)
