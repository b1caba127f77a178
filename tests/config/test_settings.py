"""Production refuses to start without a secret key, allowed hosts and a real database."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "DJANGO_SECRET_KEY": "k" * 50,
    "DJANGO_ALLOWED_HOSTS": ".send-portal.example",
    "DATABASE_URL": "postgres://portal@db.internal:5432/portal",
}


def start_production(env: dict[str, str], script: str = "print(settings.DEBUG)") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); from django.conf import settings; {script}"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.production", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_starts_with_its_secrets_set():
    result = start_production(GOOD)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("missing", sorted(GOOD))
def test_production_refuses_to_start_without(missing):
    result = start_production({k: v for k, v in GOOD.items() if k != missing})
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_a_short_secret_key():
    result = start_production(GOOD | {"DJANGO_SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "at least 32 random characters" in result.stderr


# Django's own session and CSRF middleware answering one request under the production
# settings (only the session store swapped for signed cookies: no database here).
SET_COOKIES = """
import json
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.test import RequestFactory
settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
def view(request):
    get_token(request)
    request.session["signed_in"] = True
    return HttpResponse()
response = SessionMiddleware(CsrfViewMiddleware(view))(RequestFactory().get("/", secure=True))
print(json.dumps({name: morsel.OutputString() for name, morsel in response.cookies.items()}))
"""


def test_production_cookies_carry_the_host_prefix_and_meet_its_rules():
    """A __Host- cookie is only kept by a browser when it is Secure, for Path=/ and
    without a Domain (issue 18): so no other site under a parent domain can set or
    shadow the session or CSRF cookie."""
    result = start_production(GOOD, SET_COOKIES)
    assert result.returncode == 0, result.stderr
    cookies = json.loads(result.stdout)
    assert sorted(cookies) == ["__Host-csrftoken", "__Host-sessionid"]
    for header in cookies.values():
        attributes = [part.strip() for part in header.split(";")]
        assert "Secure" in attributes, header
        assert "Path=/" in attributes, header
        assert not any(part.lower().startswith("domain=") for part in attributes), header
        assert "HttpOnly" in attributes and "SameSite=Lax" in attributes, header
