"""A signed-in browser context's session, for a new context (JavaScript off, a narrow
viewport) that should start signed in as the same person."""

from __future__ import annotations


def signed_in_state(context) -> dict:
    """The context's cookies, which hold the session; nothing else is needed. Not
    Playwright's `storage_state()`: with no page open it opens one per origin to read
    local storage, and under load that once never returned (a CI run hung 8 minutes)."""
    return {"cookies": context.cookies(), "origins": []}
