"""Reads for the API and for the API clients' settings pages.

An API client of the host's council sees any record of that council, as a member of
its SEND team does (api.permissions has checked the client and its scope). Each lookup
by id answers "not found" (Http404) the same way for a missing record and for another
council's, whose rows are in another schema. The lists bring what their rows show in a
fixed number of queries, however many rows there are."""

from __future__ import annotations

from datetime import date

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404

from api.models import ApiCall, ApiClient
from casework.models import AccessRequest, AdviceRequest, Case, Child, Document, Message
from casework.selectors.cases import CaseRecords, case_timeline, family_replies, recorded_steps, steps_accepted
from casework.selectors.messages import thread_for_case
from casework.submissions.models import FormFile, FormSubmission
from casework.submissions.selectors import submission_file
from tenants.models import Council, FormVersion

# --- The council's records ----------------------------------------------------------------------


def _one(queryset: QuerySet, pk: int):
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


def api_children() -> QuerySet[Child]:
    return Child.objects.select_related("service_area").prefetch_related("placements")


def api_child(*, child_id: int) -> Child:
    return _one(api_children(), child_id)


def api_access_requests() -> QuerySet[AccessRequest]:
    return AccessRequest.objects.select_related("account")


def api_access_request(*, access_request_id: int) -> AccessRequest:
    return _one(api_access_requests(), access_request_id)


def api_cases() -> QuerySet[Case]:
    """Cases with everything their timelines are computed from: four queries for the
    steps, advice, exceptions and the family's replies of a whole page (case_records does three per case)."""
    return Case.objects.select_related("child", "caseworker").prefetch_related(
        "milestones", "advice_requests", "exceptions", "draft_replies"
    )


def api_case(*, case_id: int) -> Case:
    return _one(api_cases(), case_id)


def api_case_plain(*, case_id: int) -> Case:
    """A case without its records, for an endpoint about something on it."""
    return _one(Case.objects.select_related("child"), case_id)


def api_cases_prepare(cases: list[Case], *, today: date) -> list[Case]:
    """Each case's records, timeline (casework.clock, through casework's selectors) and the
    steps it accepts next, computed from the prefetched rows, for CaseSerializer."""
    for case in cases:
        records = CaseRecords(
            milestones={m.key: m for m in case.milestones.all()},
            advice=list(case.advice_requests.all()),
            exceptions=list(case.exceptions.all()),
        )
        timeline = case_timeline(case, today, records)
        case.api_records = records
        case.api_steps_recorded = recorded_steps(case, records)
        replies = family_replies(case, case.draft_replies.all())
        case.api_steps_to_record = steps_accepted(case, records, today, replies)
        case.api_timeline = {
            "as_of": today,
            "finished": timeline.finished,
            "next_deadline": timeline.next_deadline,
            "steps": timeline.steps,
        }
    return cases


# What the API sees: documents clean of viruses, and its own uploads in any state (a
# council system uploads with no account), so it can follow each one's `status`.
API_SEES = Q(scan_status=Document.ScanStatus.CLEAN) | Q(uploaded_by__isnull=True)


def api_documents(*, case: Case | None = None) -> QuerySet[Document]:
    documents = Document.objects.filter(API_SEES)
    if case is not None:
        documents = documents.filter(case=case).select_related("uploaded_by").order_by("-created_at", "-id")
    return documents.select_related("case")


def api_document(*, document_id: int) -> Document:
    return _one(Document.objects.select_related("case__child").filter(API_SEES), document_id)


def api_messages(*, case: Case | None = None) -> QuerySet[Message]:
    messages = thread_for_case(case=case) if case is not None else Message.objects.select_related("author")
    return messages.select_related("case")


def api_advice_requests() -> QuerySet[AdviceRequest]:
    """Advice requests with their organisation and the ids of the files sent with them
    (those the API may see, not withdrawn): two queries a page."""
    files = Document.objects.filter(API_SEES, withdrawn_at__isnull=True).only("id", "advice_request_id")
    return AdviceRequest.objects.select_related("case", "organisation").prefetch_related(
        Prefetch("documents", queryset=files)
    )


def api_advice_request(*, advice_id: int) -> AdviceRequest:
    return _one(api_advice_requests(), advice_id)


# --- The API clients' settings pages ------------------------------------------------------


def api_clients() -> QuerySet[ApiClient]:
    """Every client of the council: live ones first, by name; then revoked ones, latest first."""
    return ApiClient.objects.select_related("created_by").order_by(F("revoked_at").desc(nulls_first=True), "name", "id")


def api_client_for_admin(*, client_id: int) -> ApiClient:
    return _one(ApiClient.objects.select_related("created_by", "revoked_by"), client_id)


def api_client_recent_calls(*, client: ApiClient, limit: int = 20) -> list[ApiCall]:
    return list(ApiCall.objects.filter(client=client).order_by("-created_at", "-id")[:limit])


# --- Forms ------------------------------------------------------------------------------------


def api_form_submissions() -> QuerySet[FormSubmission]:
    return FormSubmission.objects.select_related("variant", "version").prefetch_related("files")


def api_form_submission(*, submission_id: int) -> FormSubmission:
    return _one(api_form_submissions().select_related("case__child"), submission_id)


def api_form_submission_file(*, submission: FormSubmission, file_id: int) -> FormFile:
    return submission_file(submission=submission, file_id=file_id)


def api_form_definitions(*, council: Council) -> QuerySet[FormVersion]:
    """The council's published form versions: what families answer (a draft version is
    the council admins' work in progress)."""
    return FormVersion.objects.filter(variant__council=council, published_at__isnull=False).select_related("variant")


def api_form_definition(*, council: Council, version_id: int) -> FormVersion:
    return _one(api_form_definitions(council=council), version_id)
