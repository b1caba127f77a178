"""A council's logo: checked by content, stored under its prefix, served on its host only."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tenants.models import LOGO_MAX_BYTES, validate_logo

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_an_uploaded_logo_is_served_on_its_council_only(cumbria, cumbria_client, somerset_client):
    cumbria.logo = SimpleUploadedFile("crest.png", PNG, content_type="image/png")
    cumbria.full_clean()
    cumbria.save()
    assert cumbria.logo.name.startswith("cumbria/branding/")

    response = cumbria_client.get("/branding/logo")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert 'src="/branding/logo?v=' in cumbria_client.get("/").content.decode()
    assert somerset_client.get("/branding/logo").status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.png", b"MZ\x90\x00 an executable", "must be a PNG or JPEG"),
        ("logo.svg", b"<svg onload='alert(1)'></svg>", "must be a PNG or JPEG"),
        ("logo.png", PNG + b"\x00" * LOGO_MAX_BYTES, "1 MB or smaller"),
    ],
)
def test_a_logo_is_checked_by_its_content(name, content, message):
    with pytest.raises(ValidationError, match=message):
        validate_logo(SimpleUploadedFile(name, content))
