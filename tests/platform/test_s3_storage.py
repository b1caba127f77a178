"""Files on S3 (tenants/s3.py, settings "Files on S3"): tested against moto's server
mode, a real S3 HTTP API on 127.0.0.1, so every request goes over HTTP as it would to
AWS. Each test gets a bucket of its own."""

from __future__ import annotations

import json
import logging
import runpy
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from types import SimpleNamespace

import boto3
import pytest
from botocore.config import Config
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils.functional import empty
from moto.server import ThreadedMotoServer
from storages.backends.s3 import S3Storage

from config import health
from tenants.s3 import PrivateS3Storage
from tenants.storage import StorageRefused, council_path
from tests.operators import operator_sign_in

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
REGION = "eu-west-2"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PUBLIC_GROUPS = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 on a free port of 127.0.0.1, with throwaway credentials (never a real
    profile or the instance metadata service)."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "AWS_EC2_METADATA_DISABLED": "true",
        }.items():
            patch.setenv(name, value)
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
            patch.delenv(name, raising=False)
        patch.setattr(logging.getLogger("werkzeug"), "level", logging.WARNING)  # moto's request lines
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


@pytest.fixture
def s3(s3_endpoint):
    return boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION, config=Config(signature_version="s3v4"))


@pytest.fixture
def bucket(s3) -> str:
    name = f"send-portal-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return name


S3_VARIABLES = (
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_SSE",
    "AWS_S3_SSE_KMS_KEY_ID",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
)


def base_settings(monkeypatch, **environment: str) -> dict:
    """config/settings/base.py evaluated with this environment (its S3 block has no
    side effects, so it runs in-process)."""
    for name in S3_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "config" / "settings" / "base.py"))


@pytest.fixture
def s3_storage(settings, monkeypatch, s3_endpoint, bucket):
    """The default storage as base.py configures it with AWS_STORAGE_BUCKET_NAME and
    AWS_S3_ENDPOINT_URL set (pointing at moto)."""
    configured = base_settings(monkeypatch, AWS_STORAGE_BUCKET_NAME=bucket, AWS_S3_ENDPOINT_URL=s3_endpoint)
    for name, value in configured.items():
        if name.startswith("AWS_") and not name.startswith("AWS_SES_"):  # the S3 block's settings
            setattr(settings, name, value)
    # Last: changing STORAGES makes Django drop its cached storages and default_storage
    # (django.test.signals.storages_changed), and again when the fixture restores it.
    settings.STORAGES = configured["STORAGES"]
    health.forget_storage_check()
    assert isinstance(default_storage._wrapped if default_storage._wrapped is not empty else default_storage, S3Storage)
    yield default_storage
    health.forget_storage_check()


def keys(s3, bucket: str, prefix: str = "") -> list[str]:
    return [item["Key"] for item in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])]


def empty_and_delete(s3, bucket: str) -> None:
    for key in keys(s3, bucket):
        s3.delete_object(Bucket=bucket, Key=key)
    s3.delete_bucket(Bucket=bucket)


# --- Settings --------------------------------------------------------------------------


def test_without_a_bucket_files_stay_on_the_filesystem(monkeypatch):
    configured = base_settings(monkeypatch)
    assert configured["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_a_bucket_makes_private_encrypted_s3_storage_without_a_location(monkeypatch):
    configured = base_settings(monkeypatch, AWS_STORAGE_BUCKET_NAME="send-portal-files")
    assert configured["STORAGES"]["default"]["BACKEND"] == "tenants.s3.PrivateS3Storage"
    assert issubclass(PrivateS3Storage, S3Storage)
    assert configured["AWS_DEFAULT_ACL"] is None
    assert configured["AWS_QUERYSTRING_AUTH"] is True
    assert configured["AWS_S3_OBJECT_PARAMETERS"] == {"ServerSideEncryption": "AES256"}
    assert configured["AWS_LOCATION"] == ""
    assert configured["AWS_S3_FILE_OVERWRITE"] is False
    assert configured["AWS_S3_SIGNATURE_VERSION"] == "s3v4"
    assert configured["AWS_S3_ENDPOINT_URL"] is None
    assert configured["AWS_S3_REGION_NAME"] == "eu-west-2"  # UK councils' files stay in London by default
    assert "AWS_ACCESS_KEY_ID" not in configured  # the standard AWS chain (IAM role) provides them


def test_a_kms_key_encrypts_with_that_key_in_the_configured_region(monkeypatch):
    configured = base_settings(
        monkeypatch,
        AWS_STORAGE_BUCKET_NAME="send-portal-files",
        AWS_S3_SSE_KMS_KEY_ID="alias/x",
        AWS_DEFAULT_REGION="eu-west-1",
    )
    assert configured["AWS_S3_OBJECT_PARAMETERS"] == {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": "alias/x"}
    assert configured["AWS_S3_REGION_NAME"] == "eu-west-1"


def test_encryption_cannot_be_turned_off(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="AWS_S3_SSE"):
        base_settings(monkeypatch, AWS_STORAGE_BUCKET_NAME="send-portal-files", AWS_S3_SSE="none")


# --- Storing and reading ---------------------------------------------------------------


def test_a_council_file_is_stored_under_its_schema_encrypted_and_private(
    s3_storage, s3, s3_endpoint, bucket, cumbria, in_council
):
    with in_council(cumbria):
        name = s3_storage.save(council_path("documents", "EHC plan.pdf"), ContentFile(b"%PDF-1.7 plan"))

    assert name.startswith("cumbria/documents/")
    assert keys(s3, bucket) == [name]
    assert s3.head_object(Bucket=bucket, Key=name)["ServerSideEncryption"] == "AES256"
    grants = s3.get_object_acl(Bucket=bucket, Key=name)["Grants"]
    assert not [grant for grant in grants if grant["Grantee"].get("URI") in PUBLIC_GROUPS]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_endpoint}/{bucket}/{name}", timeout=5)  # noqa: S310 - moto on 127.0.0.1
    assert refused.value.code == 403


def test_a_stored_file_is_read_as_it_arrives_not_fetched_whole(s3_storage, s3, bucket, cumbria, in_council):
    content = bytes(range(256)) * 16 * 1024  # 4 MiB
    with in_council(cumbria):
        name = s3_storage.save(council_path("documents", "annual-review.pdf"), ContentFile(content))

    handle = s3_storage.open(name)
    assert handle.size == len(content)
    first = handle.read(64 * 1024)
    assert first == content[: 64 * 1024]
    # Bytes pulled off the connection so far (urllib3's count): a chunk, not the object.
    assert handle.file._body._raw_stream.tell() < len(content) // 4
    chunks = list(handle.chunks(chunk_size=256 * 1024))  # chunks() starts again from 0
    assert len(chunks) == 16 and b"".join(chunks) == content
    handle.seek(len(content) - 10)
    assert handle.read() == content[-10:]  # a ranged GET from there
    handle.close()
    with pytest.raises(FileNotFoundError):
        s3_storage.open("cumbria/documents/missing.pdf")


def test_a_logo_saved_through_the_model_is_stored_under_branding_and_streamed(
    s3_storage, s3, bucket, cumbria, cumbria_client
):
    cumbria.logo = SimpleUploadedFile("crest.png", PNG, content_type="image/png")
    cumbria.full_clean()
    cumbria.save()

    assert cumbria.logo.name.startswith("cumbria/branding/")
    assert keys(s3, bucket, "cumbria/branding/") == [cumbria.logo.name]
    response = cumbria_client.get("/branding/logo")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "image/png" and response["Content-Length"] == str(len(PNG))
    assert b"".join(response.streaming_content) == PNG


def deny_writes(s3, bucket: str) -> None:
    statement = {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/*"}
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))


@pytest.mark.parametrize(("refusal", "reason"), [(deny_writes, "403"), (empty_and_delete, "NoSuchBucket")])
def test_a_refused_logo_changes_nothing_on_the_council(s3_storage, s3, bucket, cumbria, refusal, reason):
    cumbria.logo = SimpleUploadedFile("crest.png", PNG, content_type="image/png")
    cumbria.save()
    old_logo = cumbria.logo.name
    refusal(s3, bucket)

    cumbria.logo = SimpleUploadedFile("new-crest.png", PNG, content_type="image/png")
    # Inside atomic(), as the admin's change view is: Django marks the transaction for
    # rollback when save() raises, so the caller's whole change is undone.
    with pytest.raises(StorageRefused, match="could not be stored") as refused, transaction.atomic():
        cumbria.save()

    assert refused.value.reason == reason
    cumbria.refresh_from_db()
    assert cumbria.logo.name == old_logo
    if refusal is deny_writes:
        assert keys(s3, bucket) == [old_logo]


# --- Readiness -------------------------------------------------------------------------


def test_readiness_reports_s3_and_trusts_a_success_for_a_minute(s3_storage, s3, bucket, settings, monkeypatch):
    settings.REDIS_URL = ""
    clock = SimpleNamespace(now=1000.0)
    monkeypatch.setattr(health, "time", SimpleNamespace(monotonic=lambda: clock.now))
    probe = Client(HTTP_HOST="10.0.0.7")

    assert probe.get("/health/ready").json()["checks"]["storage"] == "ok"
    assert keys(s3, bucket) == []  # the probe's object under health/ was deleted

    empty_and_delete(s3, bucket)
    clock.now += 59
    assert probe.get("/health/ready").status_code == 200  # the success is still trusted

    clock.now += 2
    response = probe.get("/health/ready")
    assert response.status_code == 200  # storage is reported, never failing readiness (issue 18)
    assert response.json()["checks"]["storage"] == "failing: StorageRefused"
    assert response.json()["checks"]["database"] == "ok"

    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    assert probe.get("/health/ready").json()["checks"]["storage"] == "ok"  # a failure is never remembered


def test_two_overlapping_logo_downloads_each_get_the_whole_logo(s3_storage, cumbria, cumbria_client):
    """Each request's council is its own copy of the cached one (tenants.hosts), so each
    download opens, streams and closes an S3 response of its own."""
    logo = PNG + bytes(range(256)) * 80  # several of FileResponse's 4 KiB blocks
    cumbria.logo = SimpleUploadedFile("crest.png", logo, content_type="image/png")
    cumbria.save()

    first = iter(cumbria_client.get("/branding/logo").streaming_content)
    started = next(first)
    second = b"".join(cumbria_client.get("/branding/logo").streaming_content)

    assert second == logo
    assert started + b"".join(first) == logo


def test_an_operator_is_told_when_s3_refuses_a_logo_and_nothing_changes(
    s3_storage, s3, bucket, cumbria, platform_client
):
    from tests.tenants.test_configuration import _form_data

    operator_sign_in(platform_client)
    url = f"/admin/tenants/council/{cumbria.pk}/change/"
    data = _form_data(platform_client.get(url).context)
    deny_writes(s3, bucket)

    response = platform_client.post(
        url,
        data | {"logo": SimpleUploadedFile("crest.png", PNG, content_type="image/png"), "primary_colour": "#003078"},
    )

    assert response.status_code == 302 and response["Location"] == url
    page = platform_client.get(url).content.decode()
    assert "could not be stored" in page
    cumbria.refresh_from_db()
    assert not cumbria.logo and cumbria.primary_colour == "#005b4f"
