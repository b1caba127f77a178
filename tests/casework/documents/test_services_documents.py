"""Uploading, sharing, withdrawing and downloading a case's documents."""

from __future__ import annotations

import hashlib
import io
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files import File
from django.http import Http404
from django.utils import timezone

from casework.file_checks import FileRefused
from casework.models import AuditEvent, Document, Relationship, StaffRole
from casework.selectors.access import documents_for_family
from casework.selectors.documents import document_for_family
from casework.services.documents import document_download, document_share, document_upload, document_withdraw
from tenants.storage import StorageRefused

from .conftest import (
    CHILD_DATE_OF_BIRTH,
    CHILD_FIRST_NAME,
    CHILD_LAST_NAME,
    make_account,
    pdf_bytes,
    stored_files,
    upload,
)

TITLE = "Zephyrine's draft plan, March"


def _upload(case, actor, *, name="plan.pdf", content=None, kind=Document.Kind.DRAFT_PLAN, **kwargs) -> Document:
    return document_upload(
        case=case,
        kind=kind,
        title=TITLE,
        upload=upload(name, pdf_bytes() if content is None else content),
        actor=actor,
        actor_role=StaffRole.CASEWORKER,
        **kwargs,
    )


def test_a_pdf_is_stored_under_the_council_prefix_with_what_it_is(site, in_council, make_case, media_root):
    actor = make_account()
    content = pdf_bytes()
    with in_council(site.council):
        case = make_case()
        document = _upload(case, actor, name="/home/parent/passwd.pdf", content=content)

        document.refresh_from_db()
        assert document.file.name == f"{site.council.schema_name}/documents/{case.pk}/passwd.pdf"
        assert (document.content_type, document.size) == ("application/pdf", len(content))
        assert document.sha256 == hashlib.sha256(content).hexdigest()
        assert document.uploaded_by == actor
        assert document.shared_with_family_at is None  # staff share it when they choose
        event = AuditEvent.objects.get(subject="document", subject_id=document.pk)
        assert (event.action, event.actor, event.case, event.child) == ("created", actor, case, case.child)
        assert TITLE not in event.summary and CHILD_FIRST_NAME not in event.summary
    assert (media_root / site.council.schema_name / "documents" / str(case.pk) / "passwd.pdf").read_bytes() == content
    assert stored_files(media_root) == [f"{site.council.schema_name}/documents/{case.pk}/passwd.pdf"]


def test_a_backslash_path_ends_up_harmless(cumbria, in_council, make_case, media_root):
    with in_council(cumbria):
        case = make_case()
        document = _upload(case, make_account(), name="C:\\fakepath\\x.pdf")

    assert document.file.name == f"cumbria/documents/{case.pk}/x.pdf"
    assert stored_files(media_root) == [f"cumbria/documents/{case.pk}/x.pdf"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"MZ\x90\x00" + b"\x00" * 200, "'report.pdf' is not a PDF: it looks like a program"),
        ("scan.pdf", b"%PDF-1.7\n" + b"0" * (51 * 1024 * 1024), "'scan.pdf' is 51 MB; files must be 50 MB or smaller."),
        ("../../etc/passwd.pdf", pdf_bytes(), "'../../etc/passwd.pdf' is a path that points outside its folder"),
        ("???", pdf_bytes(), "'???' has no letters or numbers left in its name"),
    ],
)
def test_a_refused_upload_leaves_no_record_and_no_file(
    name, content, message, cumbria, in_council, make_case, media_root
):
    with in_council(cumbria):
        case = make_case()
        with pytest.raises(FileRefused) as refused:
            document_upload(
                case=case,
                kind=Document.Kind.ADVICE,
                title="Advice",
                upload=File(io.BytesIO(content), name=name),  # not UploadedFile, which refuses '../../' itself
                actor=make_account(),
                actor_role=StaffRole.CASEWORKER,
            )
        assert message in refused.value.messages[0]
        assert not Document.objects.exists()
        assert not AuditEvent.objects.filter(subject="document").exists()
    assert stored_files(media_root) == []


def test_a_store_that_refuses_leaves_no_record(cumbria, in_council, make_case, media_root):
    with in_council(cumbria):
        case = make_case()
        with (
            mock.patch.object(Document.file.field.storage.__class__, "save", side_effect=StorageRefused(reason="x")),
            pytest.raises(StorageRefused, match="could not be stored"),
        ):
            _upload(case, make_account())
        assert not Document.objects.exists()
        assert not AuditEvent.objects.filter(subject="document").exists()
    assert stored_files(media_root) == []


def test_a_file_stored_for_a_row_that_is_then_not_written_is_removed(cumbria, in_council, make_case, media_root):
    with in_council(cumbria):
        case = make_case()
        with (
            mock.patch("casework.services.documents.audit_record", side_effect=RuntimeError("audit down")),
            pytest.raises(RuntimeError),
        ):
            _upload(case, make_account())
        assert not Document.objects.exists()
    assert stored_files(media_root) == []


def test_a_bad_kind_or_title_stores_nothing(cumbria, in_council, make_case, media_root):
    with in_council(cumbria):
        case = make_case()
        with pytest.raises(ValidationError) as invalid:
            document_upload(
                case=case,
                kind="nonsense",
                title=" ",
                upload=upload("plan.pdf", pdf_bytes()),
                actor=None,
                actor_role=StaffRole.CASEWORKER,
            )
        assert {"kind", "title"} <= set(invalid.value.message_dict)
        assert not Document.objects.exists()
    assert stored_files(media_root) == []


def test_a_family_upload_is_visible_to_the_family_at_once(cumbria, in_council, make_case, make_access, outbox):
    parent = make_account()
    with in_council(cumbria):
        case = make_case()
        make_access(child=case.child, account=parent)
        document = document_upload(
            case=case,
            kind=Document.Kind.FAMILY_UPLOAD,
            title="Speech therapy report",
            upload=upload("report.pdf", pdf_bytes()),
            actor=parent,
            actor_role="family",
        )
        assert document.shared_with_family_at is not None
        assert document_for_family(account=parent, document_id=document.pk) == document
    assert outbox(cumbria) == []


# --- Sharing ---------------------------------------------------------------------------


def test_sharing_tells_each_family_member_with_live_access_and_nobody_else(
    cumbria, in_council, make_case, make_access, outbox
):
    staff = make_account()
    parent, carer, revoked, young_person = make_account(), make_account(), make_account(), make_account()
    with in_council(cumbria):
        case = make_case()
        other_case = make_case()
        make_access(child=case.child, account=parent)
        make_access(child=case.child, account=carer, relationship=Relationship.CARER)
        make_access(child=case.child, account=young_person, relationship=Relationship.YOUNG_PERSON)
        gone = make_access(child=case.child, account=revoked)
        gone.revoked_at = timezone.now()
        gone.save()
        make_access(child=other_case.child)  # someone else's child
        document = _upload(case, staff)

        document_share(document=document, actor=staff, actor_role=StaffRole.CASEWORKER)

        document.refresh_from_db()
        assert document.shared_with_family_at is not None
        assert documents_for_family(case=case).get() == document
        emails = {tuple(e.to): e for e in outbox(cumbria)}
        event = AuditEvent.objects.get(subject="document", action="shared")
        assert (event.actor, event.actor_role, event.case) == (staff, StaffRole.CASEWORKER, case)

    assert set(emails) == {(parent.email,), (carer.email,), (young_person.email,)}
    assert emails[(parent.email,)].subject == "A new document has been shared about your child's EHC needs assessment"
    assert emails[(young_person.email,)].subject == "A new document has been shared about your EHC needs assessment"
    for email in emails.values():
        text = email.subject + email.body
        for secret in (
            CHILD_FIRST_NAME,
            CHILD_LAST_NAME,
            "Zeph",
            TITLE,
            "March",
            CHILD_DATE_OF_BIRTH.isoformat(),
            "14 September 2016",
            "14/09/2016",
            case.reference,
            case.child.council_reference,
            parent.first_name,
            staff.last_name,
        ):
            assert secret not in text
        assert "a draft EHC plan" in email.body
        assert "http://cumbria.localhost:8000/send/" in email.body or "https://cumbria.localhost/send/" in email.body


def test_sharing_twice_emails_once_and_a_withdrawn_document_cannot_be_shared(
    cumbria, in_council, make_case, make_access, outbox
):
    staff = make_account()
    with in_council(cumbria):
        case = make_case()
        make_access(child=case.child)
        shared = _upload(case, staff)
        document_share(document=shared, actor=staff, actor_role=StaffRole.CASEWORKER)
        document_share(document=shared, actor=staff, actor_role=StaffRole.CASEWORKER)
        assert len(outbox(cumbria)) == 1
        assert AuditEvent.objects.filter(action="shared").count() == 1

        withdrawn = _upload(case, staff)
        document_withdraw(document=withdrawn, actor=staff, actor_role=StaffRole.CASEWORKER)
        with pytest.raises(ValidationError, match="withdrawn"):
            document_share(document=withdrawn, actor=staff, actor_role=StaffRole.CASEWORKER)
        withdrawn.refresh_from_db()
        assert withdrawn.shared_with_family_at is None


def test_withdrawing_hides_a_shared_document_from_the_family_and_is_audited(
    cumbria, in_council, make_case, make_access
):
    staff, parent = make_account(), make_account()
    with in_council(cumbria):
        case = make_case()
        make_access(child=case.child, account=parent)
        document = _upload(case, staff)
        document_share(document=document, actor=staff, actor_role=StaffRole.TEAM_MANAGER)

        document_withdraw(document=document, actor=staff, actor_role=StaffRole.TEAM_MANAGER)
        document_withdraw(document=document, actor=staff, actor_role=StaffRole.TEAM_MANAGER)

        assert not documents_for_family(case=case).exists()
        with pytest.raises(Http404):
            document_for_family(account=parent, document_id=document.pk)
        assert AuditEvent.objects.filter(action="withdrawn", subject_id=document.pk).count() == 1
        assert Document.objects.get().file  # the file is kept for the record


# --- Downloading -----------------------------------------------------------------------


def test_a_download_streams_the_file_and_records_every_time(cumbria, in_council, make_case, rf):
    staff = make_account()
    content = pdf_bytes()
    with in_council(cumbria):
        case = make_case()
        document = _upload(case, staff, content=content)
        request = rf.get("/", REMOTE_ADDR="203.0.113.9")

        for _ in range(2):
            response = document_download(document=document, actor=staff, actor_role="caseworker", request=request)
            assert response.streaming
            assert b"".join(response.streaming_content) == content
            response.file_to_stream.close()

        events = list(AuditEvent.objects.filter(action="downloaded", subject_id=document.pk))
    assert len(events) == 2
    assert {(e.actor, e.actor_role, e.ip_address, e.case_id) for e in events} == {
        (staff, "caseworker", "203.0.113.9", case.pk)
    }
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Zephyrines_draft_plan_March.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_a_download_is_never_read_whole(cumbria, in_council, make_case):
    staff = make_account()
    content = pdf_bytes() + b"%" + b"0" * (300 * 1024)
    with in_council(cumbria):
        document = _upload(make_case(), staff, content=content)
        response = document_download(document=document, actor=staff, actor_role="caseworker", request=None)
        chunks = list(response.streaming_content)
        response.file_to_stream.close()

    assert b"".join(chunks) == content
    assert len(chunks) > 1
    assert max(len(chunk) for chunk in chunks) <= response.block_size


def test_a_missing_file_is_not_found_and_not_recorded(cumbria, in_council, make_case, media_root):
    staff = make_account()
    with in_council(cumbria):
        document = _upload(make_case(), staff)
        (media_root / document.file.name).unlink()
        with pytest.raises(Http404):
            document_download(document=document, actor=staff, actor_role="caseworker", request=None)
        assert not AuditEvent.objects.filter(action="downloaded").exists()
