"""Virus scanning of stored documents (casework.services.scanning, tenants.virus_scan)
against the suite's real clamd: a scanner that is down delays a file and never lets it
through; the sweep finds what waits; a scan is safe to run twice and runs in the council
it was enqueued from; a share made while a file waits is announced once it is clean."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from casework.models import ChildAccess, Document, Relationship, StaffRole
from casework.services.documents import document_share, document_upload
from casework.services.scanning import LOST_AFTER, SWEEP_GRACE, document_scan, documents_rescan_due
from casework.tasks import scan_upload
from tenants.enqueue import enqueue_on_commit
from tenants.virus_scan import ScannerUnavailable, Verdict, scan_stream

from .conftest import make_account, pdf_bytes, upload
from .hostile import EICAR, pdf

pytestmark = pytest.mark.django_db

EICAR_PDF = pdf(b"<< /Length %d >>\nstream\n" % len(EICAR) + EICAR + b"\nendstream")


@pytest.fixture
def scanner_down(settings, tmp_path):
    """clamd's socket points nowhere (the daemon is down, or its pod restarting); call
    the fixture's value to bring it back."""
    running = settings.CLAMD_SOCKET
    settings.VIRUS_SCANNER = "clamd"  # scanning is on, even in a session without clamd
    settings.CLAMD_SOCKET = str(tmp_path / "no-clamd.sock")

    def back() -> None:
        settings.CLAMD_SOCKET = running

    return back


def _upload(case, actor, *, content=None, kind=Document.Kind.ADVICE, title="Advice from the therapist"):
    return document_upload(
        case=case,
        kind=kind,
        title=title,
        upload=upload("advice.pdf", pdf_bytes() if content is None else content),
        actor=actor,
        actor_role=StaffRole.CASEWORKER,
    )


def test_the_client_finds_the_eicar_test_file_and_passes_a_clean_one(clamd):
    import io

    assert scan_stream(io.BytesIO(pdf_bytes())) == Verdict(clean=True)
    found = scan_stream(io.BytesIO(EICAR))
    assert not found.clean and found.threat.startswith("Eicar-Test-Signature")


def test_a_scanner_that_is_down_raises_rather_than_passing_the_file(scanner_down):
    import io

    with pytest.raises(ScannerUnavailable):
        scan_stream(io.BytesIO(pdf_bytes()))


def test_a_scanner_that_is_down_delays_the_file_and_the_sweep_scans_it_once_it_is_back(
    cumbria, in_council, make_case, clamd, scanner_down, staff_client
):
    staff = make_account()
    with in_council(cumbria):
        document = _upload(make_case(), staff)

        assert document.scan_status == Document.ScanStatus.SCANNING
        assert document.scan_attempts == 1
        first_due = document.scan_due_at
        assert first_due > timezone.now()
        again = document_scan(document_id=document.pk)  # still down: a longer wait, still not passed
        assert again.scan_status == Document.ScanStatus.SCANNING
        assert again.scan_attempts == 2 and again.scan_due_at - timezone.now() > first_due - document.created_at
        assert documents_rescan_due() == []  # not due yet

    caseworker = staff_client(cumbria)
    assert caseworker.get(reverse("staff:document-download", args=[document.pk])).status_code == 404
    assert (
        "Advice from the therapist"
        not in caseworker.get(reverse("staff:case", args=[document.case_id])).content.decode()
    )

    scanner_down()  # clamd is back
    with in_council(cumbria):
        later = again.scan_due_at + SWEEP_GRACE + timedelta(seconds=1)
        assert documents_rescan_due(now=later) == [document.pk]
        document.refresh_from_db()
    assert document.scan_status == Document.ScanStatus.CLEAN
    assert caseworker.get(reverse("staff:document-download", args=[document.pk])).status_code == 200


def test_the_sweep_sends_again_a_scan_whose_task_was_lost(cumbria, in_council, make_case, clamd):
    with in_council(cumbria):
        document = _upload(make_case(), make_account())
        Document.objects.filter(pk=document.pk).update(scan_status=Document.ScanStatus.SCANNING, scan_due_at=None)

        assert documents_rescan_due() == []  # just uploaded: its own task has it
        assert documents_rescan_due(now=timezone.now() + LOST_AFTER + timedelta(seconds=1)) == [document.pk]
        document.refresh_from_db()
    assert document.scan_status == Document.ScanStatus.CLEAN


def test_a_scan_is_safe_to_run_twice(cumbria, in_council, make_case, clamd):
    with in_council(cumbria):
        document = _upload(make_case(), make_account())
        scanned_at = document.scanned_at

        assert document_scan(document_id=document.pk) is None
        document.refresh_from_db()
    assert document.scan_status == Document.ScanStatus.CLEAN
    assert document.scanned_at == scanned_at


@pytest.mark.scan_on_commit
def test_the_scan_runs_in_the_council_it_was_enqueued_from(
    cumbria, somerset, in_council, make_case, clamd, django_capture_on_commit_callbacks
):
    with in_council(somerset):
        document = _upload(make_case(), make_account())
        assert document.scan_status == Document.ScanStatus.SCANNING
    with in_council(cumbria), django_capture_on_commit_callbacks(execute=False) as published:
        enqueue_on_commit(scan_upload, "document", document.pk)  # enqueued from the other council: not found there
    with in_council(somerset), django_capture_on_commit_callbacks(execute=False) as published_here:
        enqueue_on_commit(scan_upload, "document", document.pk)

    connection.set_schema_to_public()  # on_commit callbacks often run after the council's context is left
    for publish in [*published, *published_here]:
        publish()

    with in_council(somerset):
        document.refresh_from_db()
    assert document.scan_status == Document.ScanStatus.CLEAN


@pytest.mark.scan_on_commit
def test_a_share_made_while_the_file_is_checked_is_announced_once_it_is_clean(
    cumbria, in_council, make_case, clamd, outbox, django_capture_on_commit_callbacks
):
    staff, parent = make_account(), make_account()
    with in_council(cumbria):
        case = make_case()
        ChildAccess.objects.create(child=case.child, account=parent, relationship=Relationship.PARENT)
        with django_capture_on_commit_callbacks(execute=False) as scans:
            document = _upload(case, staff, kind=Document.Kind.DECISION_LETTER, title="Decision")
            document_share(document=document, actor=staff, actor_role=StaffRole.CASEWORKER)
        assert not [e for e in outbox(cumbria) if "shared" in e.subject]

        for scan in scans:
            scan()
        document.refresh_from_db()
    assert document.scan_status == Document.ScanStatus.CLEAN
    (email,) = [e for e in outbox(cumbria) if "shared" in e.subject]
    assert email.to == [parent.email]


def test_a_document_with_a_virus_cannot_be_shared(cumbria, in_council, make_case, clamd):
    from django.core.exceptions import ValidationError

    staff = make_account()
    with in_council(cumbria):
        document = _upload(make_case(), staff, content=EICAR_PDF)
        assert document.scan_status == Document.ScanStatus.INFECTED
        with pytest.raises(ValidationError, match="A virus was found in this document"):
            document_share(document=document, actor=staff, actor_role=StaffRole.CASEWORKER)


def test_the_staff_page_shows_the_uploader_what_is_checked_and_what_had_a_virus(
    cumbria, in_council, make_case, clamd, staff_client, settings, tmp_path
):
    uploader, colleague = staff_client(cumbria), staff_client(cumbria)
    with in_council(cumbria):
        case = make_case()
        _upload(case, uploader.account, content=EICAR_PDF, title="Infected letter")
        settings.CLAMD_SOCKET = str(tmp_path / "down.sock")
        _upload(case, uploader.account, title="Waiting letter")
    case_page = reverse("staff:case", args=[case.pk])

    own = uploader.get(case_page).content.decode()
    theirs = colleague.get(case_page).content.decode()

    assert "Being checked" in own and "Waiting letter" in own
    assert "Our virus check found a virus in this file (Eicar-Test-Signature" in own
    assert "Waiting letter" not in theirs and "Infected letter" not in theirs


def test_scanning_can_be_turned_off_only_by_saying_so(cumbria, in_council, make_case, settings, caplog):
    settings.VIRUS_SCANNER = "none"
    with in_council(cumbria):
        document = _upload(make_case(), make_account())
    assert document.scan_status == Document.ScanStatus.CLEAN
    assert "passed unscanned (VIRUS_SCANNER=none)" in caplog.text


def test_with_no_scanner_configured_files_wait(cumbria, in_council, make_case, settings):
    settings.VIRUS_SCANNER = "clamd"  # scanning is on, even in a session without clamd
    settings.CLAMD_SOCKET, settings.CLAMD_HOST = "", ""
    with in_council(cumbria):
        document = _upload(make_case(), make_account())
    assert document.scan_status == Document.ScanStatus.SCANNING


def test_start_up_warns_when_no_scanner_is_configured(settings):
    from casework.checks import virus_scanner_check

    settings.VIRUS_SCANNER = "clamd"  # scanning is on, even in a session without clamd
    settings.CLAMD_SOCKET, settings.CLAMD_HOST = "", ""
    (warning,) = virus_scanner_check(None)
    assert warning.id == "casework.W001"
    assert "never be shown" in warning.msg

    settings.VIRUS_SCANNER = "none"
    assert virus_scanner_check(None) == []


def test_the_sweep_task_runs_in_a_council_and_refuses_the_public_schema(cumbria, in_council, make_case, clamd, caplog):
    from casework.tasks import rescan_waiting_uploads

    connection.set_schema_to_public()
    assert rescan_waiting_uploads.apply().get() == 0
    assert "ran in the public schema" in caplog.text
    with in_council(cumbria):
        document = _upload(make_case(), make_account())
        Document.objects.filter(pk=document.pk).update(
            scan_status=Document.ScanStatus.SCANNING, scan_due_at=timezone.now() - SWEEP_GRACE - timedelta(seconds=5)
        )
        assert rescan_waiting_uploads.apply().get() == 1
        document.refresh_from_db()
    assert document.scan_status == Document.ScanStatus.CLEAN
