"""Families send documents: several files in one form, each checked by its content and
against the council's size limit (Council.family_upload_max_mb); the good ones are kept
and each bad one is explained, whether the form is posted whole (no JavaScript) or one
file at a time by the page's script (JSON). Evidence asked for on a request to see a
child's records works the same way, and the SEND team downloads it (audited)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tenants.utils import tenant_context

from casework.models import AccessEvidence, AccessRequest, AuditEvent, Document, StaffRole
from casework.services.access import access_request_ask
from citizen.accounts.models import Account

from .conftest import PNG_BYTES, pdf_bytes, signed_in_client

pytestmark = pytest.mark.django_db


def files_sent(*files):
    return [SimpleUploadedFile(name, content, content_type=kind) for name, content, kind in files]


GOOD_PDF = ("school report.pdf", pdf_bytes("School report"), "application/pdf")
GOOD_PNG = ("letter-photo.png", PNG_BYTES, "image/png")
PROGRAM = ("therapy-notes.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")


def documents_path(family) -> str:
    return reverse("family:case-documents", args=[family.case.pk])


def test_several_files_with_one_bad_keeps_the_good_and_explains_the_bad(family, post, outbox):
    client = signed_in_client(family.council, family.parent)

    response = post(client, documents_path(family), {"files": files_sent(GOOD_PDF, PROGRAM, GOOD_PNG)})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert "2 files have been sent to the SEND team. Some files could not be sent" in html
    assert "&#x27;therapy-notes.pdf&#x27; is not a PDF: it looks like a program, which we cannot accept." in html
    assert 'href="#id_files"' in html  # the error summary leads to the file input
    with tenant_context(family.council):
        kept = Document.objects.filter(kind=Document.Kind.FAMILY_UPLOAD).order_by("id")
        assert [d.title for d in kept] == ["school report.pdf", "letter-photo.png"]
        assert all(d.uploaded_by == family.parent and d.shared_with_family_at for d in kept)
        assert AuditEvent.objects.filter(subject="document", action="created", actor_role="family").count() == 2
    assert "school report.pdf" in html and "letter-photo.png" in html  # listed under "Sent by you"
    (alert,) = [e for e in outbox(family.council) if "sent 2 documents" in e.subject]
    assert alert.subject == f"A family has sent 2 documents on case {family.case.reference}"
    assert "school report" not in alert.body


def test_all_good_goes_back_to_the_documents_with_a_confirmation(family, post):
    client = signed_in_client(family.council, family.young_person)

    response = post(client, documents_path(family), {"files": files_sent(GOOD_PDF)}, follow=True)

    assert response.redirect_chain[-1][0] == documents_path(family)
    assert "Your file has been sent to the SEND team." in response.content.decode()


def test_the_script_sends_one_file_at_a_time_and_reads_each_result(family, post):
    client = signed_in_client(family.council, family.parent)
    as_json = {"HTTP_ACCEPT": "application/json"}

    good = post(client, documents_path(family), {"files": files_sent(GOOD_PNG)}, **as_json)
    bad = post(client, documents_path(family), {"files": files_sent(PROGRAM)}, **as_json)
    empty = post(client, documents_path(family), {}, **as_json)

    assert good.status_code == 200
    assert json.loads(good.content) == {
        "kept": [{"title": "letter-photo.png", "status": "clean"}],
        "refused": [],
        "errors": [],
    }
    assert json.loads(bad.content)["refused"] == [
        {
            "name": "therapy-notes.pdf",
            "messages": ["'therapy-notes.pdf' is not a PDF: it looks like a program, which we cannot accept."],
        }
    ]
    assert empty.status_code == 400
    assert json.loads(empty.content)["errors"] == ["Choose at least one file to send"]


def test_the_councils_size_limit_applies(family, post):
    family.council.family_upload_max_mb = 1
    family.council.save(update_fields=["family_upload_max_mb"])
    client = signed_in_client(family.council, family.parent)
    large = ("scan.pdf", pdf_bytes("x") + b"\n%" + b"0" * (1024 * 1024), "application/pdf")

    page = client.get(documents_path(family)).content.decode()
    response = post(client, documents_path(family), {"files": files_sent(large, GOOD_PNG)})

    assert "1 MB or smaller" in page
    assert "files must be 1 MB or smaller" in response.content.decode()
    with tenant_context(family.council):
        assert list(Document.objects.filter(kind=Document.Kind.FAMILY_UPLOAD).values_list("title", flat=True)) == [
            "letter-photo.png"
        ]


def test_no_more_than_ten_files_at_once(family, post):
    client = signed_in_client(family.council, family.parent)
    eleven = files_sent(*[(f"page-{n}.png", PNG_BYTES, "image/png") for n in range(11)])

    response = post(client, documents_path(family), {"files": eleven})

    assert "Choose 10 files or fewer at a time" in response.content.decode()
    with tenant_context(family.council):
        assert not Document.objects.filter(kind=Document.Kind.FAMILY_UPLOAD).exists()


def test_the_page_offers_several_files_at_once_and_the_progress_script(family):
    html = signed_in_client(family.council, family.parent).get(documents_path(family)).content.decode()

    assert 'type="file"' in html and " multiple" in html
    assert 'enctype="multipart/form-data"' in html
    assert 'data-module="portal-family-upload"' in html
    assert "/static/portal/family-upload.js" in html


# --- Evidence with a request to see a child's records -----------------------------------


@pytest.fixture
def asked(family):
    """The waiting family member's request, after the SEND team asked for a document."""
    with tenant_context(family.council):
        access_request_ask(
            access_request=family.waiting_request,
            question="Please send a letter that shows you are Marigold's carer.",
            document_requested=True,
            actor=family.caseworker,
        )
    return family.waiting_request


def request_path(access_request) -> str:
    return reverse("family:access-request", args=[access_request.pk])


def test_evidence_with_one_bad_file_keeps_the_good_one_and_the_answer_typed(family, asked, post):
    client = signed_in_client(family.council, family.waiting)
    answer = "Here is my letter from social care."

    response = post(client, request_path(asked), {"family_answer": answer, "files": files_sent(GOOD_PDF, PROGRAM)})

    html = response.content.decode()
    assert "Some files could not be sent. The others have been kept" in html
    assert "looks like a program" in html
    assert answer in html  # nothing typed is lost
    with tenant_context(family.council):
        assert list(AccessEvidence.objects.values_list("title", flat=True)) == ["school report.pdf"]
        asked.refresh_from_db()
        assert asked.status == AccessRequest.Status.MORE_EVIDENCE  # not answered until it all went

    done = post(client, request_path(asked), {"family_answer": answer}, follow=True)

    assert "Your answer has been sent to the SEND team." in done.content.decode()
    with tenant_context(family.council):
        asked.refresh_from_db()
        assert (asked.status, asked.family_answer) == (AccessRequest.Status.WAITING, answer)


def test_a_document_asked_for_must_be_sent_with_the_answer(family, asked, post):
    client = signed_in_client(family.council, family.waiting)

    response = post(client, request_path(asked), {"family_answer": "I have no letter"})

    assert "Choose the document the SEND team asked for" in response.content.decode()


def test_the_send_team_sees_and_downloads_the_evidence_audited(family, asked, post, staff_client):
    post(
        signed_in_client(family.council, family.waiting),
        request_path(asked),
        {"family_answer": "Attached", "files": files_sent(GOOD_PDF)},
    )
    staff = staff_client(family.council, StaffRole.CASEWORKER)
    with tenant_context(family.council):
        evidence = AccessEvidence.objects.get()

    page = staff.get(reverse("staff:access-request", args=[asked.pk])).content.decode()
    download = staff.get(reverse("staff:access-evidence-download", args=[evidence.pk]))

    assert "Documents the family sent" in page and "school report.pdf" in page
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == GOOD_PDF[1]
    assert download["Content-Disposition"].startswith("attachment;")
    with tenant_context(family.council):
        event = AuditEvent.objects.get(subject="access_evidence", action="downloaded")
        assert event.actor == staff.account
    other_family = signed_in_client(family.council, family.parent)
    assert other_family.get(reverse("staff:access-evidence-download", args=[evidence.pk])).status_code == 403


def test_another_councils_staff_cannot_download_the_evidence(family, asked, post, staff_client):
    post(
        signed_in_client(family.council, family.waiting),
        request_path(asked),
        {"family_answer": "Attached", "files": files_sent(GOOD_PDF)},
    )
    with tenant_context(family.council):
        evidence = AccessEvidence.objects.get()
    elsewhere = staff_client(family.other, StaffRole.COUNCIL_ADMIN)

    assert elsewhere.get(reverse("staff:access-evidence-download", args=[evidence.pk])).status_code == 404


def test_nobody_but_the_requester_can_answer(family, asked, post):
    for account in (family.parent, family.young_person, family.other_council_parent):
        client = signed_in_client(family.council, account)
        assert post(client, request_path(asked), {"family_answer": "me"}).status_code == 404
    with tenant_context(family.council):
        asked.refresh_from_db()
        assert asked.family_answer == ""
    assert Account.objects.filter(pk=family.waiting.pk).exists()
