"""Every staff and family address on a council's site, found by walking the URLconf (so a
page added tomorrow is checked without anyone remembering to list it), refuses whoever
must not use it before its view runs:

- anyone signed out is sent to sign in (every /staff/, /professionals/ and /send/ address);
- a family member signed in without two-step verification is sent to verify first
  (every /send/ address);
- a family member verified by two-step, but with no place in the council's SEND team or
  in one of its organisations, is refused every /staff/ and /professionals/ address (403).

The per-area matrices (tests/casework/*/test_permissions.py, tests/citizen/family/,
tests/citizen/runner/, tests/api/) then say what each role may do with real records.
Ids here need not exist: the guard answers before anything is looked up."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import tenant_context

from tests.casework.conftest import make_account, signed_in_client

pytestmark = pytest.mark.django_db

# Reached from an emailed link by someone not yet signed in, by design.
PUBLIC_BY_DESIGN = {"staff:invitation", "professionals:invitation"}
CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")
SAMPLE_VALUES = {"int": "987654", "slug": "some-page", "str": "assessment", None: "assessment"}


def _routes(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}".strip(":") if pattern.namespace else namespace
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), f"{namespace}:{pattern.name}".strip(":")


def _path(route: str) -> str:
    return "/" + CONVERTER.sub(lambda match: SAMPLE_VALUES[match["kind"]], route)


ROUTES = sorted(
    (name, _path(route))
    for route, name in _routes(get_resolver("config.urls_council").url_patterns)
    if route.startswith(("staff/", "send/", "professionals/")) and name not in PUBLIC_BY_DESIGN
)
# The SEND team's and organisations' pages: both refuse anyone without a place there.
STAFF = [(name, path) for name, path in ROUTES if path.startswith(("/staff/", "/professionals/"))]
FAMILY = [(name, path) for name, path in ROUTES if path.startswith("/send/")]


def test_the_walk_finds_every_area():
    names = {name for name, _ in ROUTES}
    # One address of each area, so a change to the walk cannot quietly check nothing.
    expected = {
        "staff:caseload",
        "staff:submission",
        "api-clients:list",
        "send-home",
        "family:case",
        "runner:page",
        "professionals:tray",
        "professionals:advice",
    }
    assert expected <= names
    assert len(STAFF) > 60 and len(FAMILY) > 20


def _answers(client: Client, path: str) -> list:
    return [client.get(path), client.post(path, {})]


@pytest.mark.parametrize(("name", "path"), ROUTES, ids=[name for name, _ in ROUTES])
def test_someone_signed_out_is_sent_to_sign_in(site, name, path):
    for answer in _answers(site.client, path):
        if answer.status_code == 405:  # a GET to a POST-only action (or the reverse): nothing ran
            continue
        assert answer.status_code == 302, f"{name}: {answer.status_code}"
        assert answer["Location"].startswith("/sign-in/"), f"{name}: {answer['Location']}"


@pytest.fixture
def family_without_two_step(cumbria):
    client = Client(HTTP_HOST=cumbria.get_primary_domain().domain)
    with tenant_context(cumbria):
        client.force_login(make_account())
    return client


@pytest.mark.parametrize(("name", "path"), FAMILY, ids=[name for name, _ in FAMILY])
def test_the_send_area_asks_for_two_step_verification_first(family_without_two_step, name, path):
    for answer in _answers(family_without_two_step, path):
        if answer.status_code == 405:
            continue
        assert answer.status_code == 302, f"{name}: {answer.status_code}"
        assert answer["Location"].startswith("/two-step/"), f"{name}: {answer['Location']}"


@pytest.mark.parametrize(("name", "path"), STAFF, ids=[name for name, _ in STAFF])
def test_a_verified_family_member_is_refused_every_staff_page(somerset, name, path):
    client = signed_in_client(somerset, make_account())
    for answer in _answers(client, path):
        assert answer.status_code in (403, 405), f"{name}: {answer.status_code}"
