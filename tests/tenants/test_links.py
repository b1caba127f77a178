"""Emailed links come from the council's stored primary domain and the PUBLIC_URL_*
settings, never from the Host header the request arrived with (issue 18, item 6).

A request to `www.cumbria.localhost:9999` (served, as django-tenants drops `www.`, and
allowed by ALLOWED_HOSTS' `.localhost`) must send links to `cumbria.localhost` on the
configured port: activation, reset, two-step, email change, undo, invitation."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_tenants.utils import tenant_context

from casework.models import StaffMembership, StaffRole
from citizen.accounts.models import Account
from tenants.links import council_url, public_base_url
from tenants.models import Domain
from tenants.outbox.models import OutboundEmail

pytestmark = pytest.mark.django_db

PASSWORD = "Kestrel-Meadow-42!"
ODD_HOST = "www.cumbria.localhost:9999"
LINK = re.compile(r"https?://[^\s\"'<>]+")


def links_emailed(council, to: tuple[str, ...]) -> list[str]:
    """Every link in the emails sent to `to` (the demo seed sent others, from no request)."""
    with tenant_context(council):
        bodies = OutboundEmail.objects.filter(to__overlap=list(to)).values_list("body", flat=True)
        return [link for body in bodies for link in LINK.findall(body)]


def code_emailed(council, to: str) -> str:
    with tenant_context(council):
        body = OutboundEmail.objects.filter(to=[to], subject__contains="security code").latest("id").body
    return re.search(r"^(\d{6})$", body, re.MULTILINE).group(1)


def link_to(council, to: str, path: str) -> str:
    with tenant_context(council):
        bodies = OutboundEmail.objects.filter(to=[to]).order_by("-id").values_list("body", flat=True)
    for body in bodies:
        if match := re.search(rf"https?://[^/\s]+({re.escape(path)}\S*)", body):
            return match.group(1)
    raise AssertionError(f"no {path} link to {to}")


# The helper -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "port", "expected"),
    [
        ("http", "8000", "http://cumbria.localhost:8000/sign-in/"),
        ("https", "", "https://cumbria.localhost/sign-in/"),
        ("https", "443", "https://cumbria.localhost/sign-in/"),
        ("https", "8443", "https://cumbria.localhost:8443/sign-in/"),
    ],
)
def test_a_link_is_the_primary_domain_with_the_configured_scheme_and_port(cumbria, settings, scheme, port, expected):
    settings.PUBLIC_URL_SCHEME, settings.PUBLIC_URL_PORT = scheme, port
    Domain.objects.create(domain="www.cumbria.localhost", tenant=cumbria, is_primary=False)

    assert council_url(council=cumbria, path="/sign-in/") == expected


def test_a_council_without_a_primary_domain_uses_its_own_other_one(cumbria, somerset):
    Domain.objects.filter(tenant=cumbria).update(is_primary=False)
    assert council_url(council=cumbria, path="/") == public_base_url(domain="cumbria.localhost") + "/"
    assert "somerset" not in council_url(council=cumbria, path="/")


# Every emailed link, for a request that came in on an odd Host --------------------------


def test_links_in_every_account_email_ignore_the_host_header(cumbria, settings, django_capture_on_commit_callbacks):
    settings.PUBLIC_URL_SCHEME, settings.PUBLIC_URL_PORT = "http", "8000"
    expected = "http://cumbria.localhost:8000/"
    odd = Client(HTTP_HOST=ODD_HOST)

    # Registering (activation link), asking again, and a forgotten password.
    registered = odd.post(
        reverse("accounts:register"),
        {
            "email": "new@example.org",
            "email_confirm": "new@example.org",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
            "first_name": "Sam",
            "last_name": "Rivers",
            "address_line_1": "1 Castle Street",
            "town": "Carlisle",
            "postcode": "CA3 8QG",
        },
    )
    assert registered.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):  # both are looked up in a task after the request
        odd.post(reverse("accounts:activation-resend"), {"email": "new@example.org"})
    odd.get(link_to(cumbria, "new@example.org", "/activate/"))
    with django_capture_on_commit_callbacks(execute=True):
        odd.post(reverse("accounts:password-reset"), {"email": "new@example.org"})

    # Two-step set-up, "Confirm it is you", an email change (confirm link, notice, undo
    # link) and a password change notice.
    assert odd.post(reverse("accounts:sign-in"), {"email": "new@example.org", "password": PASSWORD}).status_code == 302
    odd.post(reverse("accounts:two-step-set-up"))
    odd.post(reverse("accounts:two-step-verify"), {"code": code_emailed(cumbria, "new@example.org")})
    odd.get(reverse("accounts:reverify"))
    odd.post(reverse("accounts:reverify"), {"code": code_emailed(cumbria, "new@example.org")})
    changed = odd.post(
        reverse("accounts:change-email"),
        {"email": "newer@example.org", "email_confirm": "newer@example.org", "current_password": PASSWORD},
    )
    assert changed.status_code == 302
    odd.post(link_to(cumbria, "newer@example.org", "/account/email/confirm/"))
    assert Account.objects.filter(email="newer@example.org").exists()

    links = links_emailed(cumbria, ("new@example.org", "newer@example.org"))
    for path in (
        "/activate/",  # registration and the resend
        "/password/reset/",  # a forgotten password
        "/password/forgotten/",  # in the two-step code emails, and the notices
        "/account/email/confirm/",  # to the new address
        "/account/password/",  # the notice to the current address
        "/account/email/undo/",  # to the old address, once changed
    ):
        assert any(path in link for link in links), path
    assert [link for link in links if not link.startswith(expected)] == []


def test_an_invitation_sent_from_an_odd_host_links_to_the_stored_domain(cumbria, settings):
    settings.PUBLIC_URL_SCHEME, settings.PUBLIC_URL_PORT = "https", "8443"
    admin = Account.objects.create_user("admin@example.org", PASSWORD, is_active=True)
    with tenant_context(cumbria):
        StaffMembership.objects.create(account=admin, role=StaffRole.COUNCIL_ADMIN)
    odd = Client(HTTP_HOST=ODD_HOST)
    odd.post(reverse("accounts:sign-in"), {"email": "admin@example.org", "password": PASSWORD})
    odd.post(reverse("accounts:two-step-set-up"))
    odd.post(reverse("accounts:two-step-verify"), {"code": code_emailed(cumbria, "admin@example.org")})

    invited = odd.post(reverse("staff:team-invite"), {"email": "worker@example.org", "role": StaffRole.CASEWORKER})

    assert invited.status_code == 302
    with tenant_context(cumbria):
        [invitation] = OutboundEmail.objects.filter(to=["worker@example.org"])
    assert LINK.findall(invitation.body) == [
        f"https://cumbria.localhost:8443{link_to(cumbria, 'worker@example.org', '/staff/invitations/')}"
    ]
    with tenant_context(cumbria):
        code_email = OutboundEmail.objects.filter(to=["admin@example.org"]).latest("id")
    assert LINK.findall(code_email.body) == ["https://cumbria.localhost:8443/password/forgotten/"]
