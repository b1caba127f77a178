"""A case's documents on S3, through the staff pages, against moto's server mode (a real
S3 HTTP API on 127.0.0.1): stored under the council's schema, encrypted and private,
downloaded as a stream through the portal, and a store that refuses the write explained
to the member of staff with no document row left behind."""

from __future__ import annotations

import pytest

from casework.models import AuditEvent, Document, StaffRole
from tests.casework.documents.conftest import pdf_bytes, upload
from tests.platform import test_s3_storage as on_s3
from tests.platform.test_s3_storage import deny_writes, keys

# moto's S3 server and a bucket of the test's own, as the storage tests use them.
s3_endpoint, s3, bucket, s3_storage = on_s3.s3_endpoint, on_s3.s3, on_s3.bucket, on_s3.s3_storage

pytestmark = pytest.mark.django_db


def _upload_through_the_page(client, case, content: bytes):
    return client.post(
        f"/staff/cases/{case.pk}/documents/upload/",
        {"document-kind": "draft_plan", "document-title": "Draft plan", "document-file": upload("Plan.pdf", content)},
    )


def test_a_document_uploaded_by_staff_lands_under_the_council_encrypted_and_streams_back(
    s3_storage, s3, bucket, cumbria, in_council, make_case, staff_client
):
    with in_council(cumbria):
        case = make_case()
    client = staff_client(cumbria, StaffRole.CASEWORKER)
    content = pdf_bytes("Draft EHC plan for the case file")

    response = _upload_through_the_page(client, case, content)

    assert response.status_code == 302
    with in_council(cumbria):
        document = Document.objects.get(case=case)
    assert document.file.name.startswith(f"cumbria/documents/{case.pk}/")
    assert keys(s3, bucket) == [document.file.name]
    assert s3.head_object(Bucket=bucket, Key=document.file.name)["ServerSideEncryption"] == "AES256"

    download = client.get(f"/staff/documents/{document.pk}/download/")
    assert download.status_code == 200 and download.streaming
    assert b"".join(download.streaming_content) == content
    with in_council(cumbria):
        assert AuditEvent.objects.filter(action="downloaded", subject="document", subject_id=document.pk).exists()


def test_a_store_refusing_the_write_is_explained_and_leaves_no_document(
    s3_storage, s3, bucket, somerset, in_council, make_case, staff_client
):
    with in_council(somerset):
        case = make_case()
    client = staff_client(somerset, StaffRole.CASEWORKER)
    deny_writes(s3, bucket)

    response = _upload_through_the_page(client, case, pdf_bytes())

    assert response.status_code == 200
    assert "The file could not be stored just now, so nothing has been saved." in response.content.decode()
    with in_council(somerset):
        assert not Document.objects.exists()
        assert not AuditEvent.objects.filter(subject="document").exists()
    assert keys(s3, bucket) == []
