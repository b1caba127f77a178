"""Forms through the API: what families sent, with answers keyed by question id as the
exact form version names them, its PDF and files streamed; and the council's published
form definitions, so a council system can read any answer's question."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework.models import AuditEvent
from tenants.form_definitions import form_definition
from tenants.models import FormVersion
from tests.casework.documents.conftest import pdf_bytes

from .conftest import case_make, submission_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def submission(site):
    with tenant_context(site.council):
        return submission_make(case_make())


def test_a_submission_reads_with_its_answers_keyed_by_question_id(site, api, submission):
    answer = api.call.get(f"/api/v1/form-submissions/{submission.pk}/")
    assert answer.status_code == 200
    body = answer.json()
    question = form_definition(submission.version.definition).pages[0].questions[0]
    assert body["answers"] == {question.id: "An answer"}
    assert (body["reference"], body["case"], body["child"]) == (
        submission.reference,
        submission.case_id,
        submission.child_id,
    )
    assert body["form_definition"] == submission.version_id
    assert body["form"]["id"] == submission.variant_id
    assert body["pdf"] == f"/api/v1/form-submissions/{submission.pk}/pdf/"
    [sent_file] = body["files"]
    assert sent_file["file"] == f"/api/v1/form-submissions/{submission.pk}/files/{sent_file['id']}/"

    definition = api.call.get(f"/api/v1/form-definitions/{body['form_definition']}/").json()
    ids = [q["id"] for s in definition["definition"]["sections"] for p in s["pages"] for q in p["questions"]]
    assert question.id in ids  # every answer's question can be found in the version it answers

    with tenant_context(site.council):
        event = AuditEvent.objects.get(subject="form_submission", action=AuditEvent.Action.VIEWED)
    assert event.actor_role == "api" and api.client.name in event.summary
    assert event.case_id == submission.case_id


def test_the_pdf_and_files_stream_and_each_download_is_audited(site, api, submission):
    pdf = api.call.get(f"/api/v1/form-submissions/{submission.pk}/pdf/")
    assert pdf.status_code == 200
    assert pdf.streaming
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content) == pdf_bytes("Form")
    with tenant_context(site.council):
        form_file = submission.files.get()
    sent = api.call.get(f"/api/v1/form-submissions/{submission.pk}/files/{form_file.pk}/")
    assert sent.status_code == 200
    assert b"".join(sent.streaming_content) == pdf_bytes("Report")
    with tenant_context(site.council):
        downloads = set(
            AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOADED, actor_role="api").values_list(
                "subject", flat=True
            )
        )
    assert downloads == {"form_submission", "form_file"}


def test_a_file_of_another_submission_is_not_found(site, api, submission):
    with tenant_context(site.council):
        other = submission_make(case_make())
        other_file = other.files.get()
    answer = api.call.get(f"/api/v1/form-submissions/{submission.pk}/files/{other_file.pk}/")
    assert answer.status_code == 404


def test_new_submissions_come_on_the_next_poll(site, api, submission):
    first = api.call.get("/api/v1/form-submissions/").json()
    assert [s["id"] for s in first["results"]] == [submission.pk]
    with tenant_context(site.council):
        later = submission_make(case_make(), with_file=False)
    again = api.call.get("/api/v1/form-submissions/", {"cursor": first["cursor"]}).json()
    assert [s["id"] for s in again["results"]] == [later.pk]
    assert again["results"][0]["files"] == []


def test_form_definitions_are_this_councils_published_versions_only(site, api):
    published = list(
        FormVersion.objects.filter(variant__council=site.council, published_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    draft = FormVersion.objects.create(
        variant=FormVersion.objects.get(pk=published[0]).variant,
        number=99,
        definition=FormVersion.objects.get(pk=published[0]).definition,
    )
    answer = api.call.get("/api/v1/form-definitions/").json()
    assert sorted(v["id"] for v in answer["results"]) == sorted(published)
    assert api.call.get(f"/api/v1/form-definitions/{draft.pk}/").status_code == 404
    one = api.call.get(f"/api/v1/form-definitions/{published[0]}/").json()
    assert one["definition"] == FormVersion.objects.get(pk=published[0]).definition
    assert one["published_at"] is not None

    since = api.call.get("/api/v1/form-definitions/", {"updated_since": timezone.now().isoformat()}).json()
    assert since["results"] == []
