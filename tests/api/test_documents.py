"""Documents through the API: uploaded (checked by content, as on the staff screens) and
shared, downloaded as a stream, each download audited; and neither direction ever holds
a whole file in memory, measured with tracemalloc against a file larger than the budget."""

from __future__ import annotations

import io
import json
import tracemalloc
import uuid

import pytest
from django.test.client import ClientHandler
from django_tenants.utils import tenant_context

from api.views import UPLOAD_MAX_REQUEST_BYTES
from casework.models import AuditEvent, ChildAccess, Document, Relationship
from tests.casework.documents.conftest import pdf_bytes, upload

from .conftest import case_make, document_make, make_account

pytestmark = pytest.mark.django_db

MEMORY_BUDGET = 1024 * 1024  # bytes of Python memory a transfer may use at its peak
LARGE = 8 * 1024 * 1024  # a file eight times the budget (bench/files.py measures 50 MB through gunicorn)


@pytest.fixture
def case(site):
    with tenant_context(site.council):
        return case_make()


def _large_pdf(path) -> int:
    """A file of a little over LARGE bytes that is a real PDF (the upload checks read it through
    pypdf): a long comment after the header, then one page, written to disk in pieces."""
    body = pdf_bytes()
    header_end = body.index(b"\n", body.index(b"\n") + 1) + 1  # "%PDF-1.7" and the binary-marker line
    with open(path, "wb") as out:
        out.write(body[:header_end] + b"%")
        while (left := LARGE - out.tell()) > 0:
            out.write(b"0" * min(left, 1024 * 1024))
        out.write(b"\n")
        shift = out.tell() - header_end
        objects, xref_at = body[header_end : body.index(b"xref\n")], body.index(b"xref\n")
        out.write(objects)
        table_end = body.index(b"trailer")
        rows = body[xref_at:table_end].split(b"\n")
        moved = [row if not row.endswith(b" n ") else b"%010d 00000 n " % (int(row[:10]) + shift) for row in rows]
        out.write(b"\n".join(moved))
        trailer = body[table_end:]
        start = trailer.index(b"startxref\n") + len(b"startxref\n")
        out.write(trailer[:start] + b"%d\n%%%%EOF\n" % (xref_at + shift))
        return out.tell()


def _warm_up(api, case) -> None:
    """One small upload and download first, so that what the first request imports
    (URLconfs, views, parsers) is not counted as the transfer's memory."""
    small = api.call.post(
        f"/api/v1/cases/{case.pk}/documents/",
        {"kind": "advice", "title": "Warm-up", "file": upload("w.pdf", pdf_bytes())},
        content_type=None,
    )
    assert small.status_code == 201
    b"".join(api.call.get(f"/api/v1/documents/{small.json()['id']}/file/").streaming_content)


def _multipart_on_disk(path, file_path, *, boundary: str) -> int:
    """A multipart/form-data body with `file_path` in it, written to disk in pieces."""
    with open(path, "wb") as out:
        for name, value in (("kind", "final_plan"), ("title", "Final EHC plan"), ("share", "true")):
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="plan.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode()
        )
        with open(file_path, "rb") as source:
            while chunk := source.read(1024 * 1024):
                out.write(chunk)
        out.write(f"\r\n--{boundary}--\r\n".encode())
        return out.tell()


def test_an_upload_larger_than_the_memory_budget_streams_to_the_store(site, api, case, tmp_path):
    file_path, body_path = tmp_path / "plan.pdf", tmp_path / "body"
    size = _large_pdf(file_path)
    boundary = uuid.uuid4().hex
    length = _multipart_on_disk(body_path, file_path, boundary=boundary)
    _warm_up(api, case)
    with open(body_path, "rb") as body:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": f"/api/v1/cases/{case.pk}/documents/",
            "QUERY_STRING": "",
            "SCRIPT_NAME": "",
            "SERVER_NAME": site.domain,
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": site.domain,
            "HTTP_AUTHORIZATION": f"Bearer {api.token}",
            "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
            "CONTENT_LENGTH": str(length),
            "wsgi.input": body,  # read by Django as it parses, never whole
            "wsgi.url_scheme": "http",
            "wsgi.errors": io.StringIO(),
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        tracemalloc.start()
        try:
            response = ClientHandler(enforce_csrf_checks=False)(environ)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

    assert response.status_code == 201, response.content[:500]
    assert peak < MEMORY_BUDGET, f"the upload of {size:,} bytes peaked at {peak:,} bytes of memory"
    assert size >= 8 * MEMORY_BUDGET
    with tenant_context(site.council):
        document = Document.objects.get(pk=json.loads(response.content)["id"])
        assert document.size == size
        assert document.uploaded_by is None
        assert document.shared_with_family_at is not None  # "share": true
        assert (tmp_path / document.file.name).stat().st_size == size


def test_a_download_larger_than_the_memory_budget_is_streamed(site, api, case, tmp_path):
    file_path = tmp_path / "plan.pdf"
    size = _large_pdf(file_path)
    with tenant_context(site.council), open(file_path, "rb") as source:
        from django.core.files import File

        from casework.services.documents import document_upload

        document = document_upload(
            case=case,
            kind="final_plan",
            title="Final plan",
            upload=File(source, name="plan.pdf"),
            actor=None,
            actor_role="api",
        )
    _warm_up(api, case)

    tracemalloc.start()
    try:
        response = api.call.get(f"/api/v1/documents/{document.pk}/file/")
        received = 0
        for chunk in response.streaming_content:
            received += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        response.close()

    assert response.status_code == 200
    assert response.streaming
    assert received == size
    assert peak < MEMORY_BUDGET, f"the download of {size:,} bytes peaked at {peak:,} bytes of memory"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Final_plan.pdf"'
    assert response["Cache-Control"] == "private, no-store"


def test_each_download_is_audited_with_the_clients_name(site, api, case):
    with tenant_context(site.council):
        document = document_make(case)
    response = api.call.get(f"/api/v1/documents/{document.pk}/file/")
    assert b"".join(response.streaming_content) == pdf_bytes("We will assess")
    with tenant_context(site.council):
        event = AuditEvent.objects.filter(subject="document", action=AuditEvent.Action.DOWNLOADED).get()
    assert event.actor_id is None
    assert event.actor_role == "api"
    assert event.case_id == case.pk
    assert event.summary.endswith(
        f"(by council system \N{LEFT DOUBLE QUOTATION MARK}{api.client.name}\N{RIGHT DOUBLE QUOTATION MARK})"
    )


def test_an_upload_shared_at_once_tells_the_family_by_email_without_its_title(
    site, api, case, django_capture_on_commit_callbacks
):
    family = make_account()
    with tenant_context(site.council):
        ChildAccess.objects.create(child=case.child, account=family, relationship=Relationship.PARENT)
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.call.post(
            f"/api/v1/cases/{case.pk}/documents/",
            {
                "kind": "draft_plan",
                "title": "Draft plan for Robin",
                "file": upload("d.pdf", pdf_bytes()),
                "share": True,
            },
            content_type=None,
        )
    assert answer.status_code == 201
    body = answer.json()
    assert body["shared_with_family_at"] is not None
    assert body["file"] == f"/api/v1/documents/{body['id']}/file/"
    with tenant_context(site.council):
        from tenants.outbox.models import OutboundEmail

        emails = list(OutboundEmail.objects.filter(to=[family.email]))
    assert len(emails) == 1
    assert "Draft plan for Robin" not in emails[0].body + emails[0].subject


def test_an_upload_not_shared_stays_with_the_send_team(site, api, case):
    answer = api.call.post(
        f"/api/v1/cases/{case.pk}/documents/",
        {"kind": "advice", "title": "Notes", "file": upload("n.pdf", pdf_bytes())},
        content_type=None,
    )
    assert answer.status_code == 201
    assert answer.json()["shared_with_family_at"] is None
    shared = api.call.post(f"/api/v1/documents/{answer.json()['id']}/share/")
    assert shared.status_code == 200
    assert shared.json()["shared_with_family_at"] is not None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00" + b"\x00" * 100, "looks like a program"),
        ("page.pdf", b"<html><script>alert(1)</script></html>", "web page"),
        ("empty.pdf", b"", "The submitted file is empty."),
    ],
)
def test_a_file_refused_by_its_content_stores_nothing(name, content, message, site, api, case, tmp_path):
    answer = api.call.post(
        f"/api/v1/cases/{case.pk}/documents/",
        {"kind": "advice", "title": "Report", "file": upload(name, content)},
        content_type=None,
    )
    assert answer.status_code == 400
    body = answer.json()
    assert list(body["errors"]) == ["file"]
    assert message in body["errors"]["file"][0]
    with tenant_context(site.council):
        assert not Document.objects.filter(case=case).exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_a_request_declaring_more_than_the_largest_file_is_refused_before_it_is_read(site, api, case):
    answer = api.call.post(
        f"/api/v1/cases/{case.pk}/documents/",
        {"kind": "advice", "title": "Report", "file": upload("r.pdf", pdf_bytes())},
        content_type=None,
        CONTENT_LENGTH=str(UPLOAD_MAX_REQUEST_BYTES + 1),  # 51 MB: the largest file, and its form around it
    )
    assert answer.status_code == 413
    assert answer.json()["code"] == "too_large"


def test_a_withdrawn_document_cannot_be_shared(site, api, case):
    with tenant_context(site.council):
        from casework.services.documents import document_withdraw

        document = document_make(case)
        document_withdraw(document=document, actor=None, actor_role="api")
    answer = api.call.post(f"/api/v1/documents/{document.pk}/share/")
    assert answer.status_code == 400
    assert answer.json()["message"] == "This document has been withdrawn, so it cannot be shared."


def test_an_upload_answers_with_its_scan_status_and_the_file_waits_until_clean(site, api, case, settings, tmp_path):
    running = settings.CLAMD_SOCKET
    settings.CLAMD_SOCKET = str(tmp_path / "clamd-down.sock")  # the scanner is down

    answer = api.call.post(
        f"/api/v1/cases/{case.pk}/documents/",
        {"kind": "advice", "title": "Therapy advice", "file": upload("a.pdf", pdf_bytes())},
        content_type=None,
    )

    assert answer.status_code == 201
    document_id = answer.json()["id"]
    assert answer.json()["status"] == "scanning"
    assert api.call.get(f"/api/v1/documents/{document_id}/").json()["status"] == "scanning"
    assert api.call.get(f"/api/v1/documents/{document_id}/file/").status_code == 404
    assert [d["status"] for d in api.call.get(f"/api/v1/cases/{case.pk}/documents/").json()["results"]] == ["scanning"]

    settings.CLAMD_SOCKET = running
    with tenant_context(site.council):
        from casework.services.scanning import document_scan

        document_scan(document_id=document_id)
    assert api.call.get(f"/api/v1/documents/{document_id}/").json()["status"] == "clean"
    assert api.call.get(f"/api/v1/documents/{document_id}/file/").status_code == 200


def test_a_familys_upload_is_not_listed_to_the_api_until_it_is_clean(site, api, case, settings, tmp_path):
    settings.CLAMD_SOCKET = str(tmp_path / "clamd-down.sock")
    family = make_account()
    with tenant_context(site.council):
        from casework.services.documents import document_upload

        waiting = document_upload(
            case=case,
            kind=Document.Kind.FAMILY_UPLOAD,
            title="Report",
            upload=upload("r.pdf", pdf_bytes()),
            actor=family,
            actor_role="family",
        )

    assert api.call.get(f"/api/v1/documents/{waiting.pk}/").status_code == 404
    assert api.call.get(f"/api/v1/cases/{case.pk}/documents/").json()["results"] == []
