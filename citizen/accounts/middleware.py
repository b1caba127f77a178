"""Sessions end after the council's idle timeout."""

from __future__ import annotations

import time

from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from .policies import current_policy

LAST_SEEN = "last_seen"
TOUCHED = "session_touched"  # any other session's (not signed in, the platform's)
# A session is written, and its expiry moved on, at most once a minute, not on every
# request (Django's SESSION_SAVE_EVERY_REQUEST, off): that cost every page a database
# write (BEGIN, UPDATE, COMMIT) for nothing. A session may so end up to a minute before
# its timeout, which is at least 5 minutes.
TOUCH_EVERY_SECONDS = 60


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        user = getattr(request, "user", None)
        now = time.time()
        if tenant is not None and not tenant.is_platform and user is not None and user.is_authenticated:
            last_seen = request.session.get(LAST_SEEN)
            limit = current_policy(request).idle_timeout_minutes * 60
            if last_seen is not None and now - last_seen > limit:
                logout(request)
                return redirect(reverse("accounts:timed-out"))
            if last_seen is None or now - last_seen >= TOUCH_EVERY_SECONDS:
                request.session[LAST_SEEN] = now
                request.session.set_expiry(limit)
        elif hasattr(request, "session") and request.session.session_key:
            # Not signed in on a council's site, or the platform's admin: the session
            # (SESSION_COOKIE_AGE) slides while it is used, a minute at a time.
            touched = request.session.get(TOUCHED)
            if touched is None or now - touched >= TOUCH_EVERY_SECONDS:
                request.session[TOUCHED] = now
        return self.get_response(request)
