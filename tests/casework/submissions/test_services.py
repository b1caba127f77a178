"""Submitting is atomic and idempotent (casework.submissions.services.draft_submit): a
failure at any step leaves no submission, no case, no email, no stored PDF and the files
still on the draft; sending again returns the same submission. The PDF has every
answered question, the reference and the council, and copes with any characters."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from casework.models import AuditEvent, Case
from casework.submissions import services
from casework.submissions.models import FormDraft, FormFile, FormSubmission
from casework.submissions.pdf import submission_pdf
from tenants.form_definitions import builtin_definition, form_definition
from tenants.outbox.models import OutboundEmail

from .conftest import complete_everything, pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(family, everything, django_capture_on_commit_callbacks):
    """A complete draft of the test form, with a file uploaded to it."""
    draft_id = family.draft_start()
    complete_everything(family, draft_id)
    family.client.post(family.page(draft_id, "report"), {"report": upload("report.pdf", pdf_bytes("Report"))})
    with tenant_context(family.council):
        return FormDraft.objects.select_related("child", "version", "variant").get(pk=draft_id)


def stored(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def nothing_written(family, draft, files_before, root) -> None:
    with tenant_context(family.council):
        assert not FormSubmission.objects.exists()
        assert not Case.objects.exists()
        assert not OutboundEmail.objects.filter(subject__contains="received").exists()
        assert not AuditEvent.objects.filter(subject__in=["form_submission", "case"]).exists()
        assert FormDraft.objects.get(pk=draft.pk).submitted_at is None
        assert list(FormFile.objects.values_list("pk", "submission_id")) == [(pk, None) for pk in files_before]
    assert not any("submissions" in name for name in stored(root))


def test_when_the_case_step_fails_nothing_is_written(family, ready, monkeypatch, media_root):
    with tenant_context(family.council):
        files = list(FormFile.objects.values_list("pk", flat=True))

        def broken_case_open(**kwargs):
            raise RuntimeError("the case could not be opened")

        monkeypatch.setattr(services, "case_open", broken_case_open)
        with pytest.raises(RuntimeError):
            services.draft_submit(draft=ready, account=family.account)
    nothing_written(family, ready, files, media_root)


def test_when_the_pdf_fails_after_the_case_and_the_email_nothing_is_written(family, ready, monkeypatch, media_root):
    with tenant_context(family.council):
        files = list(FormFile.objects.values_list("pk", flat=True))

        def broken_pdf(**kwargs):
            raise RuntimeError("the PDF could not be made")

        monkeypatch.setattr(services, "submission_pdf", broken_pdf)
        with pytest.raises(RuntimeError):
            services.draft_submit(draft=ready, account=family.account)
    nothing_written(family, ready, files, media_root)


def test_when_the_last_write_fails_the_stored_pdf_is_removed_too(family, ready, monkeypatch, media_root):
    with tenant_context(family.council):
        files = list(FormFile.objects.values_list("pk", flat=True))

        class BrokenHash:
            @staticmethod
            def sha256(content):
                assert any("submissions" in name for name in stored(media_root))  # the PDF was stored by now
                raise RuntimeError("the last step failed")

        monkeypatch.setattr(services, "hashlib", BrokenHash)
        with pytest.raises(RuntimeError):
            services.draft_submit(draft=ready, account=family.account)
    nothing_written(family, ready, files, media_root)


def test_sending_again_returns_the_same_submission(family, ready):
    with tenant_context(family.council):
        first = services.draft_submit(draft=ready, account=family.account)
        again = services.draft_submit(draft=ready, account=family.account)
        assert again.pk == first.pk
        assert FormSubmission.objects.count() == 1 and Case.objects.count() == 1
        assert OutboundEmail.objects.filter(subject__contains="received: case").count() == 1  # the SEND team, once
        assert OutboundEmail.objects.filter(subject__contains="received: reference").count() == 1  # the sender, once
        assert FormFile.objects.get().submission_id == first.pk


def test_an_unfinished_draft_cannot_be_sent(family, everything):
    draft_id = family.draft_start()
    with tenant_context(family.council):
        draft = FormDraft.objects.get(pk=draft_id)
        with pytest.raises(ValidationError, match="complete every section"):
            services.draft_submit(draft=draft, account=family.account)


def test_only_the_drafts_own_family_member_can_send_it(family, ready):
    from tests.casework.conftest import make_account

    with tenant_context(family.council), pytest.raises(ValidationError, match="You cannot send this form"):
        services.draft_submit(draft=ready, account=make_account())


def test_the_pdf_has_every_answered_question_the_reference_and_the_council(family, ready):
    with tenant_context(family.council):
        submission = services.draft_submit(draft=ready, account=family.account)
    assert submission.pdf.name == f"{family.council.schema_name}/forms/submissions/{submission.reference}.pdf"
    reader = PdfReader(submission.pdf.open("rb"))
    words = "\n".join(page.extract_text() for page in reader.pages)
    definition = form_definition(ready.version.definition)
    for page in definition.pages:
        for question in page.questions:
            if question.id in submission.answers:
                assert question.label in words, question.label
    for answer in (
        "Ann Example",
        "27 March 2014",
        "85",
        "ann@example.org",
        "1 Castle Street",
        "CA3 8QG",
        "Blue",
        "Cat",
        "Year 2",
        "Dr Helper",
        "report.pdf",
    ):
        assert answer in words, answer
    assert submission.reference in words and family.council.name in words and "Form version" in words
    assert "Version Version" not in words and "of this form" not in words  # issue 19, item 12
    assert "A parent, on the child's behalf" in words
    assert reader.metadata.title == f"Everything {submission.reference}"


def test_the_pdf_copes_with_curly_quotes_and_other_scripts():
    definition = form_definition(builtin_definition("section-a"))
    answers = {
        "who_is_speaking": "child",
        "like_and_admire": (
            "I\N{RIGHT SINGLE QUOTATION MARK}m kind \N{EN DASH} Łukasz says so. Ŵ. Привет. 你好 \U0001f600"
        ),
        "important_to_me": "Family",
        "take_part": "Time",
        "going_well": "School",
        "not_going_well": "Sleep",
        "might_help": "Routine",
    }
    content = submission_pdf(
        council_name="Cumbria County Council",
        council_colour="#005b4f",
        definition=definition,
        version_number=3,
        reference="FS-2026-00042",
        case_reference="EHC-2026-00007",
        submitted_at=timezone.now(),
        submitted_by="Siân O\N{RIGHT SINGLE QUOTATION MARK}Brien",
        speaking_as="The young person, for themself",
        answers=answers,
    )
    words = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "I\N{RIGHT SINGLE QUOTATION MARK}m kind \N{EN DASH} Łukasz says so. Ŵ. Привет." in words
    assert "Siân O\N{RIGHT SINGLE QUOTATION MARK}Brien" in words and "FS-2026-00042" in words
