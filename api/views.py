"""The API's endpoints under /api/v1/. Thin, like the staff screens' views: parse, call a
casework service or selector (the same ones the screens call), shape the answer.

Every call is recorded (ApiCall) with the client; every read or write of a child's data
is an audit event with actor_role "api" that names the client (the services write their
own for writes; reads are recorded here, one query per page)."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from api import selectors
from api.errors import error_body
from api.idempotency import HEADER as IDEMPOTENCY_HEADER
from api.idempotency import KEY_MAX_LENGTH, KEY_PATTERN, idempotent
from api.models import ApiClient, Scope
from api.serializers import (
    AccessDecisionSerializer,
    AccessRequestSerializer,
    AdviceRequestFullSerializer,
    CaseSerializer,
    ChildSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    FormDefinitionSerializer,
    FormSubmissionSerializer,
    MessagePostSerializer,
    MessageSerializer,
    NewPlacementSerializer,
    PlanSaveSerializer,
    PlanSerializer,
    ReturnDetailsSerializer,
    StepRecordSerializer,
)
from api.services import api_call_record
from api.sync import EMPTY_PARAMETER, SyncPagination
from casework.file_checks import ACCEPTED, DOCUMENT_MAX_BYTES, FileRefused
from casework.models import AccessRequest, AdviceRequest, AuditEvent, Case, CaseKind, Child, Document, Message
from casework.plans.findings import plan_findings
from casework.selectors.cases import STAGE_LABELS
from casework.selectors.plans import plan_for_case, plan_template
from casework.services import access as access_services
from casework.services import documents as document_services
from casework.services import messages as message_services
from casework.services.audit import client_address, summary_with_actor_label
from casework.services.cases import case_view_record, milestone_record
from casework.services.children import child_update, placement_add
from casework.services.plans import PlanChangedMeanwhile, plan_save
from casework.submissions import services as submission_services
from casework.submissions.models import FormSubmission
from tenants.models import FormVersion, ServiceArea

API_ROLE = "api"
# Room for the form fields and multipart boundaries around the largest file accepted.
UPLOAD_MAX_REQUEST_BYTES = DOCUMENT_MAX_BYTES + 1024 * 1024
# What a download can be: the kinds of file accepted (casework.file_checks), or bytes
# of a kind no longer known.
FILE_CONTENT_TYPES = [*(kind.content_type for kind in ACCEPTED), "application/octet-stream"]


# --- Errors, as the OpenAPI document describes them ----------------------------------------------


class ErrorSerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text="The HTTP status, again.")
    code = serializers.CharField(help_text="What went wrong, for a program: e.g. not_found, invalid, throttled.")
    message = serializers.CharField(help_text="What went wrong, for a person.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="For a request refused for what it sent: the messages for each field (non_field_errors for "
        "the request as a whole). Empty otherwise.",
    )


ERROR_TEXTS = {
    400: "The request was refused for what it sent: the messages for each field or parameter are in `errors` "
    "(a body that cannot be read as JSON: `parse_error`).",
    401: "No credential, or one that is not valid for this council (WWW-Authenticate says how to send it).",
    403: "The client does not have the scope this needs.",
    404: "No such record in this council.",
    409: "Possible duplicate children: check them, then send confirmed_not_duplicate.",
    413: "The request is too large.",
    415: "The body is not of the media type this operation takes.",
    422: "The Idempotency-Key was used before for a different request.",
    429: "Too many calls: wait for the seconds in Retry-After.",
    503: "The file store refused the file just now; nothing was saved.",
}


def error_responses(*codes: int) -> dict:
    return {code: OpenApiResponse(ErrorSerializer, description=ERROR_TEXTS[code]) for code in (401, 403, 429, *codes)}


IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    {"type": "string", "minLength": 1, "maxLength": KEY_MAX_LENGTH, "pattern": KEY_PATTERN},
    location=OpenApiParameter.HEADER,
    required=False,
    description=f"Any unique string of 1 to {KEY_MAX_LENGTH} visible ASCII characters without spaces (a UUID) to "
    "make the request safe to retry: a repeat with the same key answers what the first answered and changes "
    "nothing. Remembered for a day.",
)


def id_parameter(whose: str) -> OpenApiParameter:
    return OpenApiParameter("id", OpenApiTypes.INT, location=OpenApiParameter.PATH, description=f"The {whose} id.")


def ok(serializer, description: str) -> OpenApiResponse:
    return OpenApiResponse(serializer, description=description)


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "The request is larger than the largest file accepted."


# --- Base ---------------------------------------------------------------------------------------------


class ApiView(generics.GenericAPIView):
    """Records every call a client made, whatever it answered."""

    scope = Scope.READ
    pagination_class = SyncPagination

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        client = getattr(request, "auth", None)
        if isinstance(client, ApiClient):
            api_call_record(client=client, method=request.method, path=request.path, status_code=response.status_code)
        return response


def audit_reads(request, rows: list[tuple[str, int | None, int | None, int | None]], summary: str) -> None:
    """One audit event per record read, written in one query: (subject, subject id, child id, case id)."""
    if not rows:
        return
    text = summary_with_actor_label(summary, request)
    address = client_address(request)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=None,
            actor_role=API_ROLE,
            action=AuditEvent.Action.VIEWED,
            subject=subject,
            subject_id=subject_id,
            child_id=child_id,
            case_id=case_id,
            summary=text,
            ip_address=address,
        )
        for subject, subject_id, child_id, case_id in rows
    )


def by_case(request, rows, subject: str, summary: str) -> None:
    """One event per case whose documents or messages were read."""
    cases = {row.case_id: row.case.child_id for row in rows}
    audit_reads(request, [(subject, None, child_id, case_id) for case_id, child_id in cases.items()], summary)


# --- Filters ---------------------------------------------------------------------------------------------


class ApiFilterSet(filters.FilterSet):
    """A filter sent empty (`?status=`) is refused, as the document's types say, not read as absent."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name in self.filters:
            if self.data.get(name) == "":
                self.form.add_error(name, EMPTY_PARAMETER)
        return valid and not self.form.errors


class ChildFilter(ApiFilterSet):
    council_reference = filters.CharFilter(
        field_name="council_reference", lookup_expr="iexact", help_text="Only the child with this council reference."
    )

    class Meta:
        model = Child
        fields = ["council_reference"]


class AccessRequestFilter(ApiFilterSet):
    status = filters.ChoiceFilter(choices=AccessRequest.Status.choices, help_text="Only requests in this state.")

    class Meta:
        model = AccessRequest
        fields = ["status"]


class CaseFilter(ApiFilterSet):
    child = filters.NumberFilter(field_name="child_id", help_text="Only the cases of the child with this id.")
    kind = filters.ChoiceFilter(choices=CaseKind.choices, help_text="Only cases of this kind.")
    stage = filters.ChoiceFilter(
        choices=list(STAGE_LABELS.items()), help_text="Only cases at this stage (`finished` for finished ones)."
    )

    class Meta:
        model = Case
        fields = ["child", "kind", "stage"]


class DocumentFilter(ApiFilterSet):
    case = filters.NumberFilter(field_name="case_id", help_text="Only the documents on the case with this id.")

    class Meta:
        model = Document
        fields = ["case"]


class MessageFilter(ApiFilterSet):
    case = filters.NumberFilter(field_name="case_id", help_text="Only the messages on the case with this id.")

    class Meta:
        model = Message
        fields = ["case"]


# --- Children --------------------------------------------------------------------------------------------


@extend_schema(
    tags=["Children"],
    responses={200: ok(ChildSerializer(many=True), "A page of children."), **error_responses(400)},
)
class ChildList(ApiView, generics.ListAPIView):
    """The council's children, oldest change first."""

    serializer_class = ChildSerializer
    filterset_class = ChildFilter

    def get_queryset(self):
        return selectors.api_children()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        audit_reads(request, [(AuditEvent.Subject.CHILD, c.pk, c.pk, None) for c in page], "Read the child's details")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(
    tags=["Children"],
    parameters=[id_parameter("child's")],
    responses={200: ok(ChildSerializer, "The child."), **error_responses(404)},
)
class ChildDetail(ApiView, generics.RetrieveAPIView):
    """One child."""

    serializer_class = ChildSerializer

    def retrieve(self, request, pk: int):
        child = selectors.api_child(child_id=pk)
        audit_reads(request, [(AuditEvent.Subject.CHILD, child.pk, child.pk, None)], "Read the child's details")
        return Response(self.get_serializer(child).data)


class ChildReturnDetails(ApiView):
    """Record any of a child's details for the SEN2 return (the UPN or ULN, sex,
    ethnicity, postcode, needs, why a plan was ceased), as staff do on the child's return
    details page; those not sent stay as they are. Answers the child."""

    scope = Scope.WRITE
    serializer_class = ReturnDetailsSerializer

    @extend_schema(
        tags=["Children"],
        request=ReturnDetailsSerializer,
        responses={
            200: ok(ChildSerializer, "The child, with its details."),
            **error_responses(400, 404, 413, 415, 422),
        },
        parameters=[id_parameter("child's"), IDEMPOTENCY_PARAMETER],
    )
    @idempotent
    def post(self, request, pk: int):
        child = selectors.api_child(child_id=pk)
        details = ReturnDetailsSerializer(data=request.data)
        details.is_valid(raise_exception=True)
        child_update(child=child, actor=None, actor_role=API_ROLE, request=request, **details.validated_data)
        return Response(ChildSerializer(selectors.api_child(child_id=pk)).data)


class ChildPlacements(ApiView):
    """Record where a child is educated (SEN2's placements), as staff do on the child's
    return details page. Answers the child, with its placements."""

    scope = Scope.WRITE
    serializer_class = NewPlacementSerializer

    @extend_schema(
        tags=["Children"],
        request=NewPlacementSerializer,
        responses={
            201: ok(ChildSerializer, "The child, with the placement recorded."),
            **error_responses(400, 404, 413, 415, 422),
        },
        parameters=[id_parameter("child's"), IDEMPOTENCY_PARAMETER],
    )
    @idempotent
    def post(self, request, pk: int):
        child = selectors.api_child(child_id=pk)
        placement = NewPlacementSerializer(data=request.data)
        placement.is_valid(raise_exception=True)
        placement_add(child=child, actor=None, actor_role=API_ROLE, request=request, **placement.validated_data)
        return Response(ChildSerializer(selectors.api_child(child_id=pk)).data, status=status.HTTP_201_CREATED)


# --- Access requests -------------------------------------------------------------------------------------


@extend_schema(
    tags=["Access requests"],
    responses={200: ok(AccessRequestSerializer(many=True), "A page of requests."), **error_responses(400)},
)
class AccessRequestList(ApiView, generics.ListAPIView):
    """Families' requests to see a child's records, oldest change first."""

    serializer_class = AccessRequestSerializer
    filterset_class = AccessRequestFilter

    def get_queryset(self):
        return selectors.api_access_requests()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = [(AuditEvent.Subject.ACCESS_REQUEST, r.pk, r.child_id, None) for r in page]
        audit_reads(request, rows, "Read a request to see a child's records")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(
    tags=["Access requests"],
    parameters=[id_parameter("request's")],
    responses={200: ok(AccessRequestSerializer, "The request."), **error_responses(404)},
)
class AccessRequestDetail(ApiView, generics.RetrieveAPIView):
    """One request to see a child's records."""

    serializer_class = AccessRequestSerializer

    def retrieve(self, request, pk: int):
        access_request = selectors.api_access_request(access_request_id=pk)
        rows = [(AuditEvent.Subject.ACCESS_REQUEST, access_request.pk, access_request.child_id, None)]
        audit_reads(request, rows, "Read a request to see a child's records")
        return Response(self.get_serializer(access_request).data)


class AccessRequestDecision(ApiView):
    """Decide a request as the SEND team does on its screens: approve it (for a child
    already recorded, or a new one), ask the family for more, or decline it. The family is
    told by email, as when staff decide. A request already decided is refused (400)."""

    scope = Scope.WRITE
    serializer_class = AccessDecisionSerializer

    @extend_schema(
        tags=["Access requests"],
        request=AccessDecisionSerializer,
        responses={
            200: ok(AccessRequestSerializer, "The request, decided."),
            **error_responses(400, 404, 409, 413, 415, 422),
        },
        parameters=[id_parameter("request's"), IDEMPOTENCY_PARAMETER],
    )
    @idempotent
    def post(self, request, pk: int):
        access_request = selectors.api_access_request(access_request_id=pk)
        decision = AccessDecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        data = decision.validated_data
        who = {"actor": None, "actor_role": API_ROLE, "request": request}
        with transaction.atomic():
            if data["decision"] == "ask":
                access_services.access_request_ask(
                    access_request=access_request,
                    question=data["question"],
                    document_requested=data["document_requested"],
                    **who,
                )
            elif data["decision"] == "decline":
                access_services.access_request_decline(access_request=access_request, reason=data["reason"], **who)
            elif data.get("child") is not None:
                child = Child.objects.filter(pk=data["child"]).first()
                if child is None:
                    raise serializers.ValidationError({"child": ["No child with this id in this council."]})
                access_services.access_request_approve(access_request=access_request, child=child, **who)
            else:
                new_child = data["new_child"]
                access_services.access_request_approve_new_child(
                    access_request=access_request,
                    council_reference=new_child["council_reference"],
                    service_area=_service_area(request, new_child.get("service_area")),
                    known_as=new_child["known_as"],
                    confirmed_not_duplicate=new_child["confirmed_not_duplicate"],
                    **who,
                )
        fresh = selectors.api_access_request(access_request_id=pk)
        return Response(AccessRequestSerializer(fresh).data)


def _service_area(request, service_area_id: int | None) -> ServiceArea | None:
    if service_area_id is None:
        return None
    area = ServiceArea.objects.filter(council=request.tenant, pk=service_area_id).first()
    if area is None:
        raise serializers.ValidationError({"new_child.service_area": ["No service area with this id in this council."]})
    return area


# --- Cases ---------------------------------------------------------------------------------------------------


@extend_schema(
    tags=["Cases"], responses={200: ok(CaseSerializer(many=True), "A page of cases."), **error_responses(400)}
)
class CaseList(ApiView, generics.ListAPIView):
    """Cases with their steps and their statutory timelines (casework.clock), oldest change
    first. A timeline's statuses and days left are as of today; its dates change only
    when the case does."""

    serializer_class = CaseSerializer
    filterset_class = CaseFilter

    def get_queryset(self):
        return selectors.api_cases()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        selectors.api_cases_prepare(page, today=timezone.localdate())
        audit_reads(request, [(AuditEvent.Subject.CASE, c.pk, c.child_id, c.pk) for c in page], "Viewed the case")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(
    tags=["Cases"],
    parameters=[id_parameter("case's")],
    responses={200: ok(CaseSerializer, "The case."), **error_responses(404)},
)
class CaseDetail(ApiView, generics.RetrieveAPIView):
    """One case with its steps and statutory timeline."""

    serializer_class = CaseSerializer

    def retrieve(self, request, pk: int):
        case = selectors.api_case(case_id=pk)
        selectors.api_cases_prepare([case], today=timezone.localdate())
        case_view_record(case=case, actor=None, actor_role=API_ROLE, request=request)
        return Response(self.get_serializer(case).data)


class CaseStepRecord(ApiView):
    """Record the date a step happened on a case (and the decision, where the step is one),
    as staff do on the case page: the statutory clock checks it against the other dates,
    and the case's timeline and deadlines are computed again. Answers the case."""

    scope = Scope.WRITE
    serializer_class = StepRecordSerializer

    @extend_schema(
        tags=["Cases"],
        request=StepRecordSerializer,
        responses={
            201: ok(CaseSerializer, "The case, with the step recorded."),
            **error_responses(400, 404, 413, 415, 422),
        },
        parameters=[id_parameter("case's"), IDEMPOTENCY_PARAMETER],
    )
    @idempotent
    def post(self, request, pk: int):
        case = selectors.api_case_plain(case_id=pk)
        step = StepRecordSerializer(data=request.data)
        step.is_valid(raise_exception=True)
        milestone_record(case=case, actor=None, actor_role=API_ROLE, request=request, **step.validated_data)
        fresh = selectors.api_case(case_id=pk)
        selectors.api_cases_prepare([fresh], today=timezone.localdate())
        return Response(CaseSerializer(fresh).data, status=status.HTTP_201_CREATED)


# --- Documents ---------------------------------------------------------------------------------------------


def _document_list(view: ApiView, request, documents):
    page = view.paginate_queryset(view.filter_queryset(documents))
    by_case(request, page, "documents", "Read the list of documents")
    return view.get_paginated_response(DocumentSerializer(page, many=True).data)


class CaseDocuments(ApiView, generics.ListAPIView):
    """A case's documents (every one: shared or not, withdrawn or not), and uploading one."""

    scopes_by_method = {"GET": Scope.READ, "POST": Scope.DOCUMENTS}
    serializer_class = DocumentSerializer
    filterset_class = None

    def get_parsers(self):
        # Only a POST has a body: a file, streamed to a temporary file as it arrives.
        return [MultiPartParser()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view: no case
            return Document.objects.none()
        return selectors.api_documents(case=selectors.api_case_plain(case_id=self.kwargs["pk"]))

    @extend_schema(
        tags=["Documents"],
        parameters=[id_parameter("case's")],
        responses={
            200: ok(DocumentSerializer(many=True), "A page of the case's documents."),
            **error_responses(400, 404),
        },
    )
    def get(self, request, *args, **kwargs):
        return _document_list(self, request, self.get_queryset())

    @extend_schema(
        tags=["Documents"],
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={
            201: ok(DocumentSerializer, "The document, stored."),
            **error_responses(400, 404, 413, 415, 422, 503),
        },
        parameters=[id_parameter("case's"), IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, pk: int):
        """Upload a document to the case, checked by its content as on the staff screens.
        It stays with the SEND team until shared: send `share` to share it at once. It is
        then checked for viruses: its `status` is `scanning` until the check is done
        (`clean`, or `infected` with the file deleted); the family is told of a share,
        and the file can be downloaded, only once it is clean."""
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > UPLOAD_MAX_REQUEST_BYTES:
            raise PayloadTooLarge()  # before a byte of the body is read
        return self._upload(request, pk=pk)

    @idempotent
    def _upload(self, request, pk: int):
        case = selectors.api_case_plain(case_id=pk)
        upload = DocumentUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        who = {"actor": None, "actor_role": API_ROLE, "request": request}
        try:
            document = document_services.document_upload(
                case=case, kind=data["kind"], title=data["title"], upload=data["file"], **who
            )
        except FileRefused as refused:
            raise serializers.ValidationError({"file": [str(m) for m in refused.messages]}) from None
        if data["share"]:
            document = document_services.document_share(document=document, **who)
        response = Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)
        response["Location"] = f"/api/v1/documents/{document.pk}/"
        return response


@extend_schema(
    tags=["Documents"],
    responses={200: ok(DocumentSerializer(many=True), "A page of documents."), **error_responses(400)},
)
class DocumentList(ApiView, generics.ListAPIView):
    """Every document of the council, oldest change first: a feed to poll for new,
    shared and withdrawn documents across all cases."""

    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter

    def get_queryset(self):
        return selectors.api_documents()

    def list(self, request, *args, **kwargs):
        return _document_list(self, request, self.get_queryset())


@extend_schema(
    tags=["Documents"],
    parameters=[id_parameter("document's")],
    responses={200: ok(DocumentSerializer, "The document's details."), **error_responses(404)},
)
class DocumentDetail(ApiView, generics.RetrieveAPIView):
    """One document's details (the file itself is at `file`)."""

    serializer_class = DocumentSerializer

    def retrieve(self, request, pk: int):
        document = selectors.api_document(document_id=pk)
        by_case(request, [document], "documents", "Read a document's details")
        return Response(self.get_serializer(document).data)


class DocumentFile(ApiView):
    """The document's file, streamed as it is read from the store (never whole in
    memory); every download is an audit event, as on the staff screens."""

    scope = Scope.DOCUMENTS

    @extend_schema(
        tags=["Documents"],
        parameters=[id_parameter("document's")],
        responses={
            **{
                (200, content_type): OpenApiResponse(
                    OpenApiTypes.BINARY,
                    description="The file, as what it is (found from its content when it "
                    "was uploaded), with a name to save it as in Content-Disposition.",
                )
                for content_type in FILE_CONTENT_TYPES
            },
            **error_responses(404),
        },
    )
    def get(self, request, pk: int):
        document = selectors.api_document(document_id=pk)
        return document_services.document_download(document=document, actor=None, actor_role=API_ROLE, request=request)


class DocumentShare(ApiView):
    """Share a document with the family (each family member with access is told by email).
    Sharing again changes nothing; a withdrawn document cannot be shared (400)."""

    scope = Scope.DOCUMENTS

    @extend_schema(
        tags=["Documents"],
        request=None,
        responses={200: ok(DocumentSerializer, "The document, shared."), **error_responses(400, 404, 422)},
        parameters=[id_parameter("document's"), IDEMPOTENCY_PARAMETER],
    )
    @idempotent
    def post(self, request, pk: int):
        document = selectors.api_document(document_id=pk)
        shared = document_services.document_share(document=document, actor=None, actor_role=API_ROLE, request=request)
        return Response(DocumentSerializer(shared).data)


# --- Messages -------------------------------------------------------------------------------------------------


def _message_list(view: ApiView, request, messages):
    page = view.paginate_queryset(view.filter_queryset(messages))
    by_case(request, page, "messages", "Read the message thread")
    return view.get_paginated_response(MessageSerializer(page, many=True).data)


class CaseMessages(ApiView, generics.ListAPIView):
    """A case's message thread between the family and the SEND team, and sending a
    message to the family as the SEND team."""

    scopes_by_method = {"GET": Scope.READ, "POST": Scope.WRITE}
    serializer_class = MessageSerializer
    filterset_class = None
    sync_field = "created_at"  # messages never change

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view: no case
            return Message.objects.none()
        return selectors.api_messages(case=selectors.api_case_plain(case_id=self.kwargs["pk"]))

    @extend_schema(
        tags=["Messages"],
        parameters=[id_parameter("case's")],
        responses={200: ok(MessageSerializer(many=True), "A page of the case's thread."), **error_responses(400, 404)},
    )
    def get(self, request, *args, **kwargs):
        return _message_list(self, request, self.get_queryset())

    @extend_schema(
        tags=["Messages"],
        request=MessagePostSerializer,
        responses={201: ok(MessageSerializer, "The message, sent."), **error_responses(400, 404, 413, 415, 422)},
        parameters=[id_parameter("case's"), IDEMPOTENCY_PARAMETER],
    )
    @idempotent
    def post(self, request, pk: int):
        case = selectors.api_case_plain(case_id=pk)
        posted = MessagePostSerializer(data=request.data)
        posted.is_valid(raise_exception=True)
        message = message_services.message_post(
            case=case,
            author=None,
            from_send_team=True,
            body=posted.validated_data["body"],
            request=request,
            actor_role=API_ROLE,
        )
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["Messages"],
    responses={200: ok(MessageSerializer(many=True), "A page of messages."), **error_responses(400)},
)
class MessageList(ApiView, generics.ListAPIView):
    """Every message of the council, oldest first: a feed to poll for new messages across all cases."""

    serializer_class = MessageSerializer
    filterset_class = MessageFilter
    sync_field = "created_at"

    def get_queryset(self):
        return selectors.api_messages()

    def list(self, request, *args, **kwargs):
        return _message_list(self, request, self.get_queryset())


# --- Advice requests ---------------------------------------------------------------------------------------


class AdviceRequestFilter(ApiFilterSet):
    case = filters.NumberFilter(field_name="case_id", help_text="Only the requests on the case with this id.")
    status = filters.ChoiceFilter(choices=AdviceRequest.Status.choices, help_text="Only requests in this state.")
    organisation = filters.NumberFilter(
        field_name="organisation_id", help_text="Only the requests of the organisation with this id."
    )

    class Meta:
        model = AdviceRequest
        fields = ["case", "status", "organisation"]


def _advice_rows(rows) -> list:
    return [(AuditEvent.Subject.ADVICE_REQUEST, a.pk, a.case.child_id, a.case_id) for a in rows]


@extend_schema(
    tags=["Advice requests"],
    responses={200: ok(AdviceRequestFullSerializer(many=True), "A page of advice requests."), **error_responses(400)},
)
class AdviceRequestList(ApiView, generics.ListAPIView):
    """Advice asked of professionals (through the portal, or recorded by the SEND team),
    with its status and the advice received, oldest change first."""

    serializer_class = AdviceRequestFullSerializer
    filterset_class = AdviceRequestFilter

    def get_queryset(self):
        return selectors.api_advice_requests()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        audit_reads(request, _advice_rows(page), "Read an advice request")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(
    tags=["Advice requests"],
    parameters=[id_parameter("advice request's")],
    responses={200: ok(AdviceRequestFullSerializer, "The advice request."), **error_responses(404)},
)
class AdviceRequestDetail(ApiView, generics.RetrieveAPIView):
    """One advice request, with its status and the advice received."""

    serializer_class = AdviceRequestFullSerializer

    def retrieve(self, request, pk: int):
        advice = selectors.api_advice_request(advice_id=pk)
        audit_reads(request, _advice_rows([advice]), "Read an advice request")
        return Response(self.get_serializer(advice).data)


# --- Forms ------------------------------------------------------------------------------------------------


class FormSubmissionFilter(ApiFilterSet):
    case = filters.NumberFilter(field_name="case_id", help_text="Only the submissions that fed the case with this id.")
    child = filters.NumberFilter(field_name="child_id", help_text="Only the submissions about the child with this id.")
    access_request = filters.NumberFilter(
        field_name="access_request_id", help_text="Only the submissions sent with the access request with this id."
    )

    class Meta:
        model = FormSubmission
        fields = ["case", "child", "access_request"]


@extend_schema(
    tags=["Forms"],
    responses={200: ok(FormSubmissionSerializer(many=True), "A page of submissions."), **error_responses(400)},
)
class FormSubmissionList(ApiView, generics.ListAPIView):
    """The forms families sent, with their answers keyed by question id, oldest change first."""

    serializer_class = FormSubmissionSerializer
    filterset_class = FormSubmissionFilter

    def get_queryset(self):
        return selectors.api_form_submissions()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = [(AuditEvent.Subject.FORM_SUBMISSION, s.pk, s.child_id, s.case_id) for s in page]
        audit_reads(request, rows, "Read a form submission")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(
    tags=["Forms"],
    parameters=[id_parameter("submission's")],
    responses={200: ok(FormSubmissionSerializer, "The submission, with its answers."), **error_responses(404)},
)
class FormSubmissionDetail(ApiView, generics.RetrieveAPIView):
    """One submission, with its answers keyed by question id."""

    serializer_class = FormSubmissionSerializer

    def retrieve(self, request, pk: int):
        submission = selectors.api_form_submission(submission_id=pk)
        submission_services.submission_view_record(
            submission=submission, actor=None, actor_role=API_ROLE, request=request
        )
        return Response(self.get_serializer(submission).data)


PDF_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY, description="The submission as the PDF kept on the case file.")


class FormSubmissionPdf(ApiView):
    """The submission's PDF, streamed; every download is an audit event."""

    scope = Scope.DOCUMENTS

    @extend_schema(
        tags=["Forms"],
        parameters=[id_parameter("submission's")],
        responses={(200, "application/pdf"): PDF_RESPONSE, **error_responses(404)},
    )
    def get(self, request, pk: int):
        submission = selectors.api_form_submission(submission_id=pk)
        return submission_services.submission_pdf_download(
            submission=submission, actor=None, actor_role=API_ROLE, request=request
        )


class FormSubmissionFile(ApiView):
    """A file the family sent in answer to a file question, streamed; every download is
    an audit event."""

    scope = Scope.DOCUMENTS

    @extend_schema(
        tags=["Forms"],
        parameters=[
            id_parameter("submission's"),
            OpenApiParameter("file_id", OpenApiTypes.INT, location=OpenApiParameter.PATH, description="The file's id."),
        ],
        responses={
            **{
                (200, content_type): OpenApiResponse(OpenApiTypes.BINARY, description="The file, as what it is.")
                for content_type in FILE_CONTENT_TYPES
            },
            **error_responses(404),
        },
    )
    def get(self, request, pk: int, file_id: int):
        submission = selectors.api_form_submission(submission_id=pk)
        form_file = selectors.api_form_submission_file(submission=submission, file_id=file_id)
        return submission_services.submission_file_download(
            form_file=form_file, submission=submission, actor=None, actor_role=API_ROLE, request=request
        )


@extend_schema(
    tags=["Forms"],
    responses={200: ok(FormDefinitionSerializer(many=True), "A page of form versions."), **error_responses(400)},
)
class FormDefinitionList(ApiView, generics.ListAPIView):
    """The council's forms as families answer them: every published version, each with
    its definition (question ids, types, labels and options), oldest change first."""

    serializer_class = FormDefinitionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view: no council
            return FormVersion.objects.none()
        return selectors.api_form_definitions(council=self.request.tenant)


@extend_schema(
    tags=["Forms"],
    parameters=[id_parameter("form version's")],
    responses={200: ok(FormDefinitionSerializer, "The form version."), **error_responses(404)},
)
class FormDefinitionDetail(ApiView, generics.RetrieveAPIView):
    """One published version of one of the council's forms, with its definition."""

    serializer_class = FormDefinitionSerializer

    def retrieve(self, request, pk: int):
        version = selectors.api_form_definition(council=request.tenant, version_id=pk)
        return Response(self.get_serializer(version).data)


# --- The EHC plan as data (issue 15) ----------------------------------------------------------------------


def _plan_answer(plan) -> dict:
    plan.findings = plan_findings(plan.content, plan_template(plan))
    return PlanSerializer(plan).data


class CasePlan(ApiView):
    """A case's EHC plan as data, in the template's shape, with what a reader would flag
    in it; and saving the whole plan (a receiving council importing a family's plan, or a
    council's case-management system), from the revision read."""

    scopes_by_method = {"GET": Scope.READ, "PUT": Scope.WRITE}
    serializer_class = PlanSerializer

    @extend_schema(
        tags=["Cases"],
        responses={200: ok(PlanSerializer, "The plan, with its findings."), **error_responses(404)},
        parameters=[id_parameter("case's")],
    )
    def get(self, request, pk: int):
        case = selectors.api_case_plain(case_id=pk)
        plan = plan_for_case(case)  # on an annual review, the child's plan it amends
        if plan is None:
            raise Http404
        audit_reads(request, [(AuditEvent.Subject.PLAN, plan.pk, case.child_id, case.pk)], "Read the EHC plan")
        return Response(_plan_answer(plan))

    @extend_schema(
        tags=["Cases"],
        request=PlanSaveSerializer,
        responses={
            200: ok(PlanSerializer, "The plan as saved, with its findings."),
            409: OpenApiResponse(
                ErrorSerializer, description="The plan was saved since the revision sent: read it again."
            ),
            **error_responses(400, 404, 413, 415),
        },
        parameters=[id_parameter("case's")],
    )
    def put(self, request, pk: int):
        case = selectors.api_case_plain(case_id=pk)
        sent = PlanSaveSerializer(data=request.data)
        sent.is_valid(raise_exception=True)
        try:
            plan = plan_save(
                case=case,
                content=sent.validated_data["content"],
                revision=sent.validated_data["revision"],
                actor=None,
                actor_role=API_ROLE,
                request=request,
            )
        except PlanChangedMeanwhile as changed:
            body = error_body(status_code=409, code="conflict", message=changed.messages[0])
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(_plan_answer(plan))
