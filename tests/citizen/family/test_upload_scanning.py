"""Every upload is scanned for viruses by a real clamd (the suite's, with the EICAR test
signature) before anyone but its uploader sees it (issue 18, item 7): the family who sent
a file sees it "being checked", nobody else sees it at all, and a file with a virus is
deleted and the family told, in plain words, on the page where they see their uploads."""

from __future__ import annotations

import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tenants.utils import tenant_context

from casework.models import AuditEvent, Document
from tests.casework.documents.hostile import EICAR, pdf

from .conftest import pdf_bytes, signed_in_client

pytestmark = pytest.mark.django_db


def eicar_pdf(*, compressed: bool) -> bytes:
    """The EICAR test file as a page's content stream: plain, or deflated (clamd unpacks it)."""
    data = zlib.compress(EICAR) if compressed else EICAR
    flate = b" /Filter /FlateDecode" if compressed else b""
    return pdf(b"<< /Length %d%s >>\nstream\n" % (len(data), flate) + data + b"\nendstream")


def documents_path(family) -> str:
    return reverse("family:case-documents", args=[family.case.pk])


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "deflated"])
def test_the_eicar_test_file_inside_a_pdf_is_found_deleted_and_the_family_told(
    family, clamd, media_root, django_capture_on_commit_callbacks, compressed
):
    client = signed_in_client(family.council, family.parent)
    sent = SimpleUploadedFile("school report.pdf", eicar_pdf(compressed=compressed), content_type="application/pdf")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(documents_path(family), {"files": [sent]})

    html = response.content.decode()
    assert "<title>Error:" in html
    assert "&#x27;school report.pdf&#x27; has a virus in it, so we deleted it" in html
    page = client.get(documents_path(family)).content.decode()
    assert "Our virus check found a virus in this file, so we deleted it" in page
    assert "Not sent" in page
    with tenant_context(family.council):
        document = Document.objects.get(title="school report.pdf")
        assert document.scan_status == Document.ScanStatus.INFECTED
        assert document.threat.startswith("Eicar-Test-Signature")
        assert not document.file
        assert AuditEvent.objects.filter(
            subject="document", subject_id=document.pk, actor_role="virus_scanner", summary__contains="virus"
        ).exists()
    assert not [p for p in media_root.rglob("*.pdf") if "school" in p.name]  # the stored file is gone
    others = signed_in_client(family.council, family.young_person).get(documents_path(family)).content.decode()
    assert "school report.pdf" not in others


def test_a_clean_file_is_listed_for_everyone_with_access(family, clamd, post):
    client = signed_in_client(family.council, family.parent)

    post(client, documents_path(family), {"files": [SimpleUploadedFile("report.pdf", pdf_bytes("Report"))]})

    with tenant_context(family.council):
        document = Document.objects.get(title="report.pdf")
    assert document.scan_status == Document.ScanStatus.CLEAN
    others = signed_in_client(family.council, family.young_person).get(documents_path(family)).content.decode()
    assert reverse("family:document-download", args=[document.pk]) in others


@pytest.mark.scan_on_commit
def test_a_file_being_checked_is_seen_by_its_sender_only_and_cannot_be_downloaded(
    family, staff_client, django_capture_on_commit_callbacks
):
    client = signed_in_client(family.council, family.parent)
    with django_capture_on_commit_callbacks(execute=False) as scans:
        client.post(documents_path(family), {"files": [SimpleUploadedFile("report.pdf", pdf_bytes("Report"))]})
    with tenant_context(family.council):
        document = Document.objects.get(title="report.pdf")
    download = reverse("family:document-download", args=[document.pk])
    staff = staff_client(family.council)
    case_page = reverse("staff:case", args=[family.case.pk])

    own = client.get(documents_path(family)).content.decode()
    assert document.scan_status == Document.ScanStatus.SCANNING
    assert "Being checked" in own and "We are checking this file for viruses" in own
    assert download not in own
    assert client.get(download).status_code == 404
    assert (
        "report.pdf"
        not in signed_in_client(family.council, family.young_person).get(documents_path(family)).content.decode()
    )
    assert "report.pdf" not in staff.get(case_page).content.decode()
    assert staff.get(reverse("staff:document-download", args=[document.pk])).status_code == 404

    for scan in scans:  # the transaction commits: the scan runs (in-process, no broker)
        scan()

    assert "Being checked" not in client.get(documents_path(family)).content.decode()
    assert (
        download in signed_in_client(family.council, family.young_person).get(documents_path(family)).content.decode()
    )
    assert client.get(download).status_code == 200
    assert "report.pdf" in staff.get(case_page).content.decode()


def test_evidence_with_a_virus_is_deleted_and_the_family_told_and_the_team_cannot_download_it(
    family, clamd, staff_client, django_capture_on_commit_callbacks
):
    from casework.models import AccessEvidence
    from casework.services.access import access_request_ask

    with tenant_context(family.council):
        access_request_ask(
            access_request=family.waiting_request,
            question="Please send a letter that shows you are the carer.",
            document_requested=True,
            actor=family.caseworker,
        )
    client = signed_in_client(family.council, family.waiting)
    path = reverse("family:access-request", args=[family.waiting_request.pk])
    sent = SimpleUploadedFile("carer letter.pdf", eicar_pdf(compressed=True), content_type="application/pdf")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, {"family_answer": "Attached", "files": [sent]})

    assert "&#x27;carer letter.pdf&#x27; has a virus in it, so we deleted it" in response.content.decode()
    assert "our virus check found a virus in it, so we deleted it" in client.get(path).content.decode()
    with tenant_context(family.council):
        evidence = AccessEvidence.objects.get()
    assert evidence.scan_status == "infected" and not evidence.file
    staff = staff_client(family.council)
    page = staff.get(reverse("staff:access-request", args=[family.waiting_request.pk])).content.decode()
    assert "Virus found: deleted" in page
    assert staff.get(reverse("staff:access-evidence-download", args=[evidence.pk])).status_code == 404
