"""`manage.py create_platform`: the platform's own row and domain (a first install's
step, docs/operations.md); idempotent; a council's host is refused."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from tenants.models import Council, Domain

pytestmark = pytest.mark.django_db


def create_platform(*args: str) -> str:
    out = StringIO()
    call_command("create_platform", *args, stdout=out)
    return out.getvalue()


def test_running_it_again_changes_nothing():
    before = set(Domain.objects.values_list("domain", "tenant__schema_name"))

    output = create_platform()

    assert settings.PLATFORM_DOMAIN in output
    assert Council.objects.filter(schema_name="public").count() == 1
    assert set(Domain.objects.values_list("domain", "tenant__schema_name")) == before


def test_another_host_is_added_to_the_platform_and_served(client):
    output = create_platform("--domain=Operators.Localhost")

    assert "operators.localhost" in output
    assert Domain.objects.get(domain="operators.localhost").tenant.schema_name == "public"
    assert client.get("/admin/login/", HTTP_HOST="operators.localhost").status_code == 200


@pytest.mark.parametrize(
    ("domain", "message"),
    [("cumbria.localhost", "already serves Cumbria County Council"), ("https://x.localhost/", "without a scheme")],
)
def test_a_councils_host_or_a_malformed_one_is_refused(domain, message):
    with pytest.raises(CommandError, match=message):
        create_platform(f"--domain={domain}")
    assert not Domain.objects.filter(domain=domain, tenant__schema_name="public").exists()
