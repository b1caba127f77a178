"""Per-council configuration: validated, editable by platform operators only."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from casework.demo import OPERATOR_EMAIL, OPERATOR_PASSWORD
from citizen.accounts.models import Account
from tenants.models import Council, ServiceArea, SignInPolicy, Tile
from tenants.storage import council_path
from tests.operators import operator_sign_in

pytestmark = pytest.mark.django_db


def test_demo_councils_have_the_configuration_from_their_guidance(cumbria, somerset):
    assert [a.name for a in ServiceArea.objects.filter(council=cumbria)] == [
        "Carlisle & Eden",
        "Allerdale & Copeland",
        "Barrow & South Lakeland",
    ]
    # The professionals' forms, sorted: four kinds of advice and a review's report.
    professional = ["advice-educational", "advice-health", "advice-setting", "advice-social-care"]
    professional += ["annual-review-report"]
    assert sorted(v.slug for v in cumbria.form_variants.all()) == [*professional, "section-a"]
    assert sorted(v.slug for v in somerset.form_variants.all()) == sorted([*professional, "appendix-a"])
    policy = SignInPolicy.objects.get(council=somerset)
    assert (policy.password_min_length, policy.password_max_length) == (10, 128)
    assert policy.require_uppercase and policy.require_lowercase and policy.require_digit and policy.require_special
    assert policy.disallow_username and policy.disallow_simple_change
    assert (policy.password_history_count, policy.password_max_age_days, policy.otp_lifetime_minutes) == (10, 60, 60)
    assert somerset.sender_email == "onlineadmissions@somerset.localhost"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("otp_lifetime_minutes", 61, "less than or equal to 60"),
        ("password_min_length", 6, "greater than or equal to 8"),
        ("password_max_length", 9, "at least the shortest allowed"),
        ("otp_max_attempts", 0, "greater than or equal to 1"),
    ],
)
def test_sign_in_policy_is_validated(somerset, field, value, message):
    policy = SignInPolicy.objects.get(council=somerset)
    setattr(policy, field, value)
    with pytest.raises(ValidationError, match=message):
        policy.full_clean()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"primary_colour": "#ffdd00"}, "choose a darker colour"),
        ({"primary_colour": "blue"}, "six hexadecimal digits"),
        ({"sender_email": ""}, "address the council's emails are sent from"),
        ({"feedback_questionnaire_url": "not a url"}, "Enter a valid URL"),
    ],
)
def test_council_branding_is_validated(cumbria, changes, message):
    for field, value in changes.items():
        setattr(cumbria, field, value)
    with pytest.raises(ValidationError, match=message):
        cumbria.full_clean()


def test_a_link_tile_needs_an_address(cumbria):
    with pytest.raises(ValidationError, match="Enter the address this tile links to"):
        Tile(council=cumbria, kind=Tile.Kind.LINK, title="Admissions").full_clean()


def test_turning_off_the_send_tile_takes_effect_at_once(cumbria, cumbria_client):
    assert "Special educational needs" in cumbria_client.get("/").content.decode()
    tile = Tile.objects.get(council=cumbria, kind=Tile.Kind.SEND)
    tile.enabled = False
    tile.save()  # as the council's settings page does
    assert "Special educational needs" not in cumbria_client.get("/").content.decode()


def test_operators_can_open_every_council_configuration_screen(platform_client, cumbria):
    operator_sign_in(platform_client)
    assert platform_client.get("/admin/tenants/council/").status_code == 200
    page = platform_client.get(f"/admin/tenants/council/{cumbria.pk}/change/").content.decode()
    for text in ["Carlisle &amp; Eden", "otp_lifetime_minutes", "Sender email", "Feedback questionnaire url"]:
        assert text in page


def test_operators_change_a_council_through_the_admin_and_see_errors(platform_client, cumbria):
    operator_sign_in(platform_client)
    url = f"/admin/tenants/council/{cumbria.pk}/change/"
    data = _form_data(platform_client.get(url).context)

    refused = platform_client.post(url, data | {"primary_colour": "#ffff00"})
    assert refused.status_code == 200
    assert "choose a darker colour" in refused.content.decode()
    cumbria.refresh_from_db()
    assert cumbria.primary_colour == "#005b4f"

    accepted = platform_client.post(
        url, data | {"primary_colour": "#003078", "sign_in_policy-0-otp_lifetime_minutes": 20}
    )
    assert accepted.status_code == 302
    cumbria.refresh_from_db()
    assert cumbria.primary_colour == "#003078"
    assert SignInPolicy.objects.get(council=cumbria).otp_lifetime_minutes == 20


def _form_data(context) -> dict:
    """What a browser would post back from the admin change page, unchanged."""
    forms = [context["adminform"].form]
    data = {}
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        data |= {bf.html_name: bf.value() for bf in formset.management_form}
        forms += formset.forms
    for form in forms:
        for bound in form:
            value = bound.value()
            unsent = value is None or value is False or getattr(bound.field.widget, "input_type", "") == "file"
            if not unsent:
                data[bound.html_name] = value
    return data


@pytest.mark.parametrize("client_fixture", ["cumbria_client", "somerset_client"])
def test_a_council_host_never_serves_the_admin(request, client_fixture):
    client = request.getfixturevalue(client_fixture)
    assert client.get("/admin/").status_code == 404


def test_operators_password_alone_does_not_open_the_admin(platform_client):
    """Was: the password alone opened the admin (issue 18, item 4). Now the second factor
    is asked for next (tests/tenants/test_platform_admin_two_step.py has the rest)."""
    response = platform_client.post(
        "/admin/login/?next=/admin/", {"username": OPERATOR_EMAIL, "password": OPERATOR_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert platform_client.get("/admin/tenants/council/")["Location"].startswith("/admin/login/")
    assert platform_client.get("/admin/login/?next=/admin/")["Location"] == "/admin/two-step/?next=%2Fadmin%2F"


def test_people_who_are_not_operators_cannot_use_the_admin(platform_client):
    platform_client.force_login(Account.objects.create_user("parent@example.org", "a long family password"))
    response = platform_client.get("/admin/tenants/council/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_cache_keys_are_prefixed_per_council(cumbria, somerset, in_council):
    with in_council(cumbria):
        cache.set("tile-count", "cumbria's")
    with in_council(somerset):
        assert cache.get("tile-count") is None
        cache.set("tile-count", "somerset's")
    with in_council(cumbria):
        assert cache.get("tile-count") == "cumbria's"


def test_files_are_stored_under_the_councils_prefix(cumbria, somerset, in_council, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with in_council(cumbria):
        name = default_storage.save(council_path("documents", "../../plan.pdf"), ContentFile(b"%PDF-1.7"))
    assert name.startswith("cumbria/documents/") and ".." not in name
    assert (tmp_path / name).exists()
    assert council_path("branding", "logo.png", schema_name=somerset.schema_name) == "somerset/branding/logo.png"


def test_the_platform_row_is_not_listed_as_a_council(platform_client):
    operator_sign_in(platform_client)
    listed = {
        council.schema_name for council in platform_client.get("/admin/tenants/council/").context["cl"].result_list
    }
    assert listed == {"cumbria", "somerset"}
    assert Council.objects.filter(schema_name="public").exists()
