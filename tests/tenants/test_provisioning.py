"""`manage.py create_council` provisions a council; idempotent; clear errors."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from casework.models import StaffInvitation, StaffRole
from tenants.models import Council, Domain, SignInPolicy, Tile
from tenants.outbox.models import OutboundEmail

pytestmark = pytest.mark.django_db


def create_council(*args: str) -> str:
    out = StringIO()
    call_command("create_council", *args, stdout=out)
    return out.getvalue()


NORTH_YORKSHIRE = [
    "--name=North Yorkshire Council",
    "--slug=north-yorkshire",
    "--domain=send.northyorks.localhost",
    "--admin-email=Admin@NorthYorks.localhost",
]


def schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT schema_name FROM information_schema.schemata")
        return {row[0] for row in cursor.fetchall()}


def test_create_council_provisions_schema_domain_configuration_and_invitation(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        output = create_council(*NORTH_YORKSHIRE)

    assert "Created North Yorkshire Council" in output
    council = Council.objects.get(slug="north-yorkshire")
    assert council.schema_name == "north_yorkshire" and "north_yorkshire" in schemas()
    assert Domain.objects.get(domain="send.northyorks.localhost").tenant == council
    policy = SignInPolicy.objects.get(council=council)
    # Secure defaults for a new council: long passwords, block list, no composition, no expiry.
    assert policy.password_min_length == 12 and policy.block_common_passwords
    assert not (policy.require_uppercase or policy.require_special) and policy.password_max_age_days is None
    assert Tile.objects.filter(council=council, kind=Tile.Kind.SEND, enabled=True).exists()

    with tenant_context(council):
        invitation = StaffInvitation.objects.get()
        assert invitation.email == "admin@northyorks.localhost"
        assert invitation.role == StaffRole.COUNCIL_ADMIN
        email = OutboundEmail.objects.get()
        assert email.to == ["admin@northyorks.localhost"] and email.status == "sent"
        assert "http://send.northyorks.localhost:8000/staff/invitations/" in email.body
        assert email.from_address == "no-reply@send.northyorks.localhost"

    assert Client(HTTP_HOST="send.northyorks.localhost").get("/").status_code == 200


def test_create_council_twice_changes_nothing():
    create_council(*NORTH_YORKSHIRE)
    council = Council.objects.get(slug="north-yorkshire")
    with tenant_context(council):
        invitations = list(StaffInvitation.objects.values_list("id", "token_hash"))

    output = create_council(*NORTH_YORKSHIRE)

    assert "already exists; nothing changed" in output
    assert Council.objects.filter(slug="north-yorkshire").count() == 1
    with tenant_context(council):
        assert list(StaffInvitation.objects.values_list("id", "token_hash")) == invitations


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("--slug=North Yorkshire", "lower-case letters, digits and hyphens"),
        ("--slug=public", "'public' is reserved"),
        ("--slug=x", "2 to 40 characters"),
        ("--domain=cumbria.localhost", "already used by Cumbria County Council"),
        ("--domain=https://send.example.org/", "without a scheme or port"),
        ("--admin-email=not-an-email", "'not-an-email' is not an email address"),
    ],
)
def test_create_council_refuses_bad_input_with_a_clear_message(change, message):
    before = schemas()
    args = [arg for arg in NORTH_YORKSHIRE if not arg.startswith(change.split("=")[0])] + [change]

    with pytest.raises(CommandError, match=message):
        create_council(*args)

    assert not Council.objects.filter(name="North Yorkshire Council").exists()
    assert schemas() == before


def test_an_existing_short_name_on_another_domain_is_refused():
    with pytest.raises(CommandError, match=r"'cumbria' already exists, on cumbria\.localhost"):
        create_council(
            "--name=Cumbria again", "--slug=cumbria", "--domain=other.localhost", "--admin-email=a@b.localhost"
        )
