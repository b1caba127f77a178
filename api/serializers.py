"""What the API sends and accepts, every field described (the OpenAPI document is built
from these). Serializers only shape data: every rule is in casework's services. What a
client sends is read with api.fields' strict fields: a value of the wrong JSON type is
refused, never converted."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import StrictBooleanField, StrictCharField, StrictChoiceField, StrictIntegerField
from casework import clock
from casework.file_checks import ACCEPTED_TEXT, DOCUMENT_MAX_BYTES, size_text
from casework.models import AccessRequest, AdviceKind, AdviceRequest, CaseKind, Document, OrganisationKind, Relationship
from casework.selectors.cases import STAGE_LABELS, TRANSFER_KINDS, stage_label
from casework.selectors.messages import author_label
from casework.sen2 import spec
from casework.services.messages import MESSAGE_MAX_LENGTH

# --- Children ---------------------------------------------------------------------------------


class ServiceAreaSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The service area's id.")
    name = serializers.CharField(help_text="The service area's name, as the council calls it.")


def _codes(code_list) -> str:
    return ", ".join(f"`{code}` {meaning}" for code, meaning in code_list.codes.items())


class PlacementSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The school, college or setting.")
    urn = serializers.CharField(help_text="Its URN (6 digits); empty when it has none.")
    ukprn = serializers.CharField(help_text="Its UKPRN (8 digits); empty when it has none.")
    sen_setting = serializers.CharField(
        help_text=f"With no URN or UKPRN, the kind of setting (SEN2's SENSetting): {_codes(spec.SEN_SETTING)}."
    )
    rank = serializers.IntegerField(help_text="1: the child's main placement; 2: another.")
    entry_date = serializers.DateField(help_text="When the child started there.")
    leaving_date = serializers.DateField(allow_null=True, help_text="When the child left; empty while they are there.")
    sen_unit = serializers.BooleanField(help_text="In a SEN unit.")
    resourced_provision = serializers.BooleanField(help_text="In resourced provision.")


class ChildSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The child's id in this council's portal.")
    council_reference = serializers.CharField(help_text="The council's own reference for the child.")
    legal_first_name = serializers.CharField(help_text="The child's legal first name.")
    legal_last_name = serializers.CharField(help_text="The child's legal last name.")
    known_as = serializers.CharField(help_text="The name the child is known by; empty when not given.")
    date_of_birth = serializers.DateField(help_text="The child's date of birth.")
    setting = serializers.CharField(help_text="The child's school or college; empty when not known.")
    service_area = ServiceAreaSerializer(
        allow_null=True, help_text="The council's service area the child belongs to; empty when not set."
    )
    upn = serializers.CharField(help_text="The unique pupil number; empty when not recorded.")
    uln = serializers.CharField(help_text="The unique learner number; empty when not recorded.")
    upn_unknown = serializers.CharField(
        help_text=f"Why neither a UPN nor a ULN is known (SEN2's UPNunknown): {_codes(spec.UPN_UNKNOWN)}; or empty."
    )
    sex = serializers.CharField(help_text=f"{_codes(spec.SEX)}; or empty when not recorded.")
    ethnicity = serializers.CharField(help_text="The DfE's ethnicity code (e.g. `WBRI`); empty when not recorded.")
    postcode = serializers.CharField(help_text="The child's home postcode; empty when not recorded.")
    primary_need = serializers.CharField(help_text=f"The primary need (SEN2's SENtype): {_codes(spec.SEN_TYPE)}.")
    secondary_need = serializers.CharField(help_text="A secondary need, from the same codes; or empty.")
    plan_cease_reason = serializers.CharField(
        help_text=f"Why the plan was ceased (SEN2's CeaseReason): {_codes(spec.CEASE_REASON)}; or empty."
    )
    placements = PlacementSerializer(many=True, help_text="Where the child is and was educated, for SEN2.")
    created_at = serializers.DateTimeField(help_text="When the child was first recorded.")
    updated_at = serializers.DateTimeField(
        help_text="When the child's details or placements last changed (what `updated_since` reads)."
    )


def _code_field(code_list, help_text: str) -> StrictChoiceField:
    return StrictChoiceField(
        choices=[("", "Not recorded"), *code_list.codes.items()],
        required=False,
        allow_blank=True,
        help_text=f"{help_text}: {_codes(code_list)}; empty to clear.",
    )


class ReturnDetailsSerializer(serializers.Serializer):
    """Any of a child's details for the SEN2 return; those not sent stay as they are."""

    upn = StrictCharField(
        required=False, allow_blank=True, max_length=13, help_text="The UPN (a letter and 12 characters)."
    )
    uln = StrictCharField(required=False, allow_blank=True, max_length=10, help_text="The ULN (10 digits).")
    upn_unknown = _code_field(spec.UPN_UNKNOWN, "Why neither a UPN nor a ULN is known")
    sex = _code_field(spec.SEX, "Sex")
    ethnicity = _code_field(spec.ETHNICITY, "The DfE's ethnicity code")
    postcode = StrictCharField(required=False, allow_blank=True, max_length=8, help_text="The home postcode.")
    primary_need = _code_field(spec.SEN_TYPE, "The primary need")
    secondary_need = _code_field(spec.SEN_TYPE, "A secondary need")
    plan_cease_reason = _code_field(spec.CEASE_REASON, "Why the plan was ceased")

    def validate_upn(self, value: str) -> str:
        return value.strip().upper()

    def validate_postcode(self, value: str) -> str:
        return " ".join(value.upper().split())


class NewPlacementSerializer(serializers.Serializer):
    name = StrictCharField(max_length=160, help_text="The school, college or setting.")
    urn = StrictCharField(required=False, allow_blank=True, default="", max_length=6, help_text="Its URN (6 digits).")
    ukprn = StrictCharField(
        required=False, allow_blank=True, default="", max_length=8, help_text="Its UKPRN (8 digits)."
    )
    sen_setting = StrictChoiceField(
        choices=[("", "It has a URN or UKPRN"), *spec.SEN_SETTING.codes.items()],
        required=False,
        allow_blank=True,
        default="",
        help_text=f"With no URN or UKPRN, the kind of setting: {_codes(spec.SEN_SETTING)}.",
    )
    rank = StrictIntegerField(min_value=1, max_value=2, default=1, help_text="1: the main placement; 2: another.")
    entry_date = serializers.DateField(help_text="When the child started there.")
    leaving_date = serializers.DateField(required=False, allow_null=True, default=None, help_text="When they left.")
    sen_unit = StrictBooleanField(required=False, default=False, help_text="In a SEN unit.")
    resourced_provision = StrictBooleanField(required=False, default=False, help_text="In resourced provision.")


# --- Access requests -----------------------------------------------------------------------


class FamilyMemberSerializer(serializers.Serializer):
    first_name = serializers.CharField(help_text="The family member's first name, as they registered it.")
    last_name = serializers.CharField(help_text="The family member's last name, as they registered it.")
    email = serializers.EmailField(help_text="The family member's email address (their sign-in).")


class AccessRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The request's id.")
    status = serializers.ChoiceField(
        choices=AccessRequest.Status.choices,
        help_text="`waiting`: for the SEND team to decide; `more_evidence`: the SEND team asked the family for "
        "more; `approved`; `declined`.",
    )
    family_member = FamilyMemberSerializer(source="account", help_text="Who asked to see the child's records.")
    relationship = serializers.ChoiceField(
        # Someone the family trusts is invited by the family, never asks: not a request's.
        choices=[choice for choice in Relationship.choices if choice[0] != Relationship.TRUSTED],
        help_text="What the family member says they are to the child.",
    )
    child_first_name = serializers.CharField(help_text="The child's first name, as the family gave it.")
    child_last_name = serializers.CharField(help_text="The child's last name, as the family gave it.")
    child_date_of_birth = serializers.DateField(help_text="The child's date of birth, as the family gave it.")
    child_setting = serializers.CharField(help_text="The child's school or college, as the family gave it.")
    family_note = serializers.CharField(help_text="What the family wrote to support their request.")
    question = serializers.CharField(help_text="What the SEND team last asked the family; empty when nothing.")
    evidence_document_requested = serializers.BooleanField(
        help_text="Whether the SEND team asked the family to send a document."
    )
    family_answer = serializers.CharField(help_text="The family's answer to the question; empty when none yet.")
    child = serializers.IntegerField(
        source="child_id", allow_null=True, help_text="The child the request was approved for; empty until then."
    )
    decided_at = serializers.DateTimeField(allow_null=True, help_text="When it was approved or declined.")
    decision_reason = serializers.CharField(help_text="Why it was declined (the family sees this); empty otherwise.")
    created_at = serializers.DateTimeField(help_text="When the family asked.")
    updated_at = serializers.DateTimeField(help_text="When the request last changed (what `updated_since` reads).")


class NewChildSerializer(serializers.Serializer):
    council_reference = StrictCharField(
        max_length=40, help_text="The council's reference for the new child record (unique in the council)."
    )
    service_area = StrictIntegerField(
        required=False, allow_null=True, help_text="The id of one of the council's service areas."
    )
    known_as = StrictCharField(
        required=False, allow_blank=True, max_length=80, default="", help_text="The name the child is known by."
    )
    confirmed_not_duplicate = StrictBooleanField(
        required=False,
        default=False,
        help_text="True once you have checked that the children with the same date of birth and a similar name "
        "(answered as 409 possible_duplicate) are not this child.",
    )


DECISIONS = (("approve", "Approve"), ("ask", "Ask the family for more"), ("decline", "Decline"))


class AccessDecisionSerializer(serializers.Serializer):
    decision = StrictChoiceField(
        choices=DECISIONS,
        help_text="`approve`: the family member may see the child's records; `ask`: ask the family for more; "
        "`decline`: refuse, with a reason the family sees.",
    )
    child = StrictIntegerField(
        required=False,
        allow_null=True,
        help_text="approve: the id of the existing child the request is about (or send `new_child`).",
    )
    new_child = NewChildSerializer(
        required=False,
        allow_null=True,
        help_text="approve: record a new child from the details the family gave, then approve for them.",
    )
    question = StrictCharField(
        required=False, allow_blank=True, default="", help_text="ask: what the family is asked (they see it)."
    )
    document_requested = StrictBooleanField(
        required=False, default=False, help_text="ask: whether the family is also asked to send a document."
    )
    reason = StrictCharField(
        required=False, allow_blank=True, default="", help_text="decline: the reason, which the family sees."
    )

    def validate(self, data: dict) -> dict:
        if data["decision"] == "approve" and (data.get("child") is None) == (data.get("new_child") is None):
            raise serializers.ValidationError({"child": ["To approve, send either `child` or `new_child`."]})
        return data


# --- Cases --------------------------------------------------------------------------------------


class CaseworkerSerializer(serializers.Serializer):
    name = serializers.CharField(source="get_full_name", help_text="The caseworker's name.")
    email = serializers.EmailField(help_text="The caseworker's email address.")


class OutcomeSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="What to send as `outcome`.")
    label = serializers.CharField(help_text="What it means.")


class StepKindSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="What to send as `key` to record this step.")
    label = serializers.CharField(help_text="The step in the SEND team's words.")
    outcomes = serializers.SerializerMethodField(help_text="The decisions the step needs (empty: none).")
    may_be_future = serializers.BooleanField(help_text="Whether its date may be still to come (a booked meeting).")

    @extend_schema_field(OutcomeSerializer(many=True))
    def get_outcomes(self, step) -> list[dict]:
        return [{"value": value, "label": label} for value, label in step.outcomes]


class RecordedStepSerializer(serializers.Serializer):
    key = serializers.CharField(source="milestone.key", help_text="Which step (the key it was recorded with).")
    label = serializers.CharField(help_text="The step in the SEND team's words.")
    occurred_on = serializers.DateField(
        source="milestone.occurred_on", help_text="The date it happened (or, for a meeting, is booked for)."
    )
    outcome = serializers.CharField(
        source="milestone.outcome", help_text="The decision, for a step that is one; empty otherwise."
    )
    outcome_label = serializers.CharField(source="outcome", help_text="The decision in the SEND team's words.")
    note = serializers.CharField(source="milestone.note", help_text="The SEND team's note; empty when none.")
    recorded_at = serializers.DateTimeField(source="milestone.recorded_at", help_text="When it was recorded.")


class AdviceRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The advice request's id.")
    adviser = serializers.CharField(help_text="Who the advice was asked of.")
    requested_on = serializers.DateField(help_text="When it was asked for.")
    due_on = serializers.SerializerMethodField(help_text="When it is due: 6 weeks after it was asked for (reg 8).")
    received_on = serializers.DateField(allow_null=True, help_text="When it arrived; empty until then.")
    organisation = serializers.IntegerField(
        source="organisation_id",
        allow_null=True,
        help_text="The organisation asked through the portal; empty for advice the SEND team recorded as asked "
        "outside it.",
    )
    kind = serializers.ChoiceField(
        choices=AdviceKind.choices,
        allow_blank=True,
        help_text="The kind of advice asked for (through the portal); empty for advice recorded as asked outside it.",
    )
    status = serializers.ChoiceField(
        choices=AdviceRequest.Status.choices,
        help_text="`open` (not started), `taken` (someone in the organisation is on it), `received` or `declined`.",
    )

    @extend_schema_field(serializers.DateField())
    def get_due_on(self, advice) -> str:
        return advice.due_on.isoformat()


class OrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The organisation's id.")
    name = serializers.CharField(help_text="Its name, as families and staff read it.")
    kind = serializers.ChoiceField(choices=OrganisationKind.choices, help_text="What kind of organisation it is.")
    contact_email = serializers.EmailField(help_text="Where requests and reminders are sent.")


class AdviceRequestFullSerializer(AdviceRequestSerializer):
    case = serializers.IntegerField(source="case_id", help_text="The id of the case the advice is for.")
    organisation_details = OrganisationSerializer(
        source="organisation", allow_null=True, help_text="The organisation asked; empty as for `organisation`."
    )
    cover = serializers.CharField(help_text="What the SEND team asked the advice to cover.")
    family_consent = serializers.BooleanField(help_text="Whether the SEND team recorded the family's consent.")
    on_time = serializers.SerializerMethodField(help_text="Whether it arrived within 6 weeks; empty until it arrives.")
    declined_on = serializers.DateField(allow_null=True, help_text="When the organisation declined; empty otherwise.")
    decline_reason = serializers.CharField(help_text="Why it declined, in its words; empty otherwise.")
    advice_note = serializers.CharField(help_text="The advice written in the portal; its files are `documents`.")
    documents = serializers.SerializerMethodField(help_text="The ids of the files sent with the advice (documents).")
    updated_at = serializers.DateTimeField(help_text="When the request last changed (what `updated_since` reads).")

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_on_time(self, advice) -> bool | None:
        return advice.on_time

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_documents(self, advice) -> list[int]:
        return [document.pk for document in advice.documents.all()]


class CaseExceptionSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The exception's id.")
    reason = serializers.ChoiceField(
        choices=[(r.value, r.value) for r in clock.ExceptionReason],
        help_text="Why the time limits did not apply (reg 10(4)).",
    )
    start = serializers.DateField(help_text="The first day of the exception.")
    end = serializers.DateField(help_text="The last day of the exception.")
    setting = serializers.CharField(help_text="The school or setting that was closed, where that is the reason.")
    details = serializers.CharField(help_text="The SEND team's note (never shown to the family).")


class TimelineStepSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The step's key (stable per kind of step; several advice steps share one).")
    title = serializers.CharField(help_text="The step in the statutory wording families see.")
    regulation = serializers.CharField(help_text="The regulation the time limit comes from.")
    deadline = serializers.DateField(allow_null=True, help_text="The date the law sets; it never moves.")
    extended_to = serializers.DateField(
        allow_null=True, help_text="The deadline after exceptions stopped the clock; empty when none applied."
    )
    done_on = serializers.DateField(allow_null=True, help_text="When it was done; empty until then.")
    status = serializers.ChoiceField(
        choices=[(s.value, s.value) for s in clock.Status],
        help_text="As of `as_of`: done, due, overdue, open (a family's window is running), closed (it ended), "
        "waiting (cannot start yet) or not_recorded (a later step made it moot).",
    )
    on_time = serializers.BooleanField(allow_null=True, help_text="For a step done: whether it was on time.")
    days_late = serializers.IntegerField(allow_null=True, help_text="Days after its deadline it was done, or is now.")
    days_left = serializers.IntegerField(allow_null=True, help_text="Days until its deadline, as of `as_of`.")


class TimelineSerializer(serializers.Serializer):
    as_of = serializers.DateField(help_text="The day the statuses and days left are counted from (today).")
    finished = serializers.BooleanField(help_text="Whether nothing is pending or waiting any more.")
    next_deadline = serializers.DateField(allow_null=True, help_text="The soonest deadline of a pending step.")
    steps = TimelineStepSerializer(many=True, help_text="Every statutory step, computed from the dates recorded.")


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The case's id.")
    reference = serializers.CharField(help_text="The case's reference, e.g. EHC-2026-00042.")
    kind = serializers.ChoiceField(choices=CaseKind.choices, help_text="What kind of statutory work the case is.")
    child = serializers.IntegerField(source="child_id", help_text="The id of the child the case is about.")
    caseworker = CaseworkerSerializer(allow_null=True, help_text="Who in the SEND team has the case; empty if nobody.")
    started_on = serializers.DateField(
        help_text="The date the clock counts from: the request received, the plan issued, the decision to "
        "re-assess, or the date of the move, as the kind needs."
    )
    transfer_kind = serializers.ChoiceField(
        choices=[("", "Not a phase transfer"), *TRANSFER_KINDS], help_text="For a phase transfer: the kind of move."
    )
    stage = serializers.ChoiceField(
        choices=[(key, label) for key, label in STAGE_LABELS.items()],
        help_text="What the case is waiting for: the key of its next step, or `finished`.",
    )
    stage_label = serializers.SerializerMethodField(help_text="The stage in the SEND team's words.")
    next_deadline = serializers.DateField(allow_null=True, help_text="The soonest deadline of a pending step.")
    closed_on = serializers.DateField(allow_null=True, help_text="When the case finished; empty while it is open.")
    created_at = serializers.DateTimeField(help_text="When the case was opened in the portal.")
    updated_at = serializers.DateTimeField(
        help_text="When the case last changed: a step, advice or exception recorded, a new caseworker, or its "
        "stage moving on (what `updated_since` reads)."
    )
    steps_recorded = RecordedStepSerializer(
        source="api_steps_recorded", many=True, help_text="The steps recorded, in date order."
    )
    steps_to_record = StepKindSerializer(
        source="api_steps_to_record", many=True, help_text="The steps that can be recorded next."
    )
    advice_requests = AdviceRequestSerializer(source="api_records.advice", many=True, help_text="Advice asked for.")
    exceptions = CaseExceptionSerializer(
        source="api_records.exceptions", many=True, help_text="Exceptions to the time limits."
    )
    timeline = TimelineSerializer(source="api_timeline", help_text="The statutory timeline, computed now.")

    def get_stage_label(self, case) -> str:
        return stage_label(case.stage)


class StepRecordSerializer(serializers.Serializer):
    key = StrictCharField(max_length=40, help_text="Which step: one of the case's `steps_to_record` keys.")
    occurred_on = serializers.DateField(help_text="The date it happened (a meeting may be booked ahead).")
    outcome = StrictCharField(
        required=False, allow_blank=True, default="", max_length=20, help_text="The decision, for a step that is one."
    )
    note = StrictCharField(
        required=False, allow_blank=True, default="", max_length=2000, help_text="A note for the SEND team."
    )


# --- Documents and messages ----------------------------------------------------------------------


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The document's id.")
    case = serializers.IntegerField(source="case_id", help_text="The id of the case it is on.")
    kind = serializers.ChoiceField(choices=Document.Kind.choices, help_text="What kind of document it is.")
    title = serializers.CharField(help_text="Its title (the family sees it once it is shared).")
    content_type = serializers.CharField(help_text="What the file is, found from its content.")
    size = serializers.IntegerField(help_text="The file's size in bytes.")
    sha256 = serializers.CharField(help_text="The SHA-256 of the file, in hex.")
    status = serializers.ChoiceField(
        source="scan_status",
        choices=Document.ScanStatus.choices,
        help_text="`scanning`: stored, being checked for viruses; nobody else sees it and its file cannot be "
        "downloaded yet. `clean`: checked. `infected`: a virus was found and the file deleted. A document "
        "uploaded through the API is listed in every state (poll it, or `updated_since`); others only once clean.",
    )
    shared_with_family_at = serializers.DateTimeField(
        allow_null=True, help_text="When it was shared with the family; empty while only the SEND team sees it."
    )
    withdrawn_at = serializers.DateTimeField(allow_null=True, help_text="When it was withdrawn; empty if it is not.")
    created_at = serializers.DateTimeField(help_text="When it was uploaded.")
    updated_at = serializers.DateTimeField(
        help_text="When it last changed: uploaded, shared or withdrawn (what `updated_since` reads)."
    )
    file = serializers.SerializerMethodField(help_text="The address to download the file from (`documents` scope).")

    def get_file(self, document) -> str:
        return f"/api/v1/documents/{document.pk}/file/"


UPLOAD_HINT = f"The file: {ACCEPTED_TEXT}, {size_text(DOCUMENT_MAX_BYTES)} or smaller, accepted by its content."


class DocumentUploadSerializer(serializers.Serializer):
    kind = StrictChoiceField(choices=Document.Kind.choices, help_text="What kind of document it is.")
    title = StrictCharField(max_length=200, help_text="Its title (the family sees it once it is shared).")
    file = serializers.FileField(help_text=UPLOAD_HINT)
    share = StrictBooleanField(
        required=False,
        default=False,
        help_text="Share it with the family at once (each family member with access is told by email).",
    )


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The message's id.")
    case = serializers.IntegerField(source="case_id", help_text="The id of the case whose thread it is in.")
    from_send_team = serializers.BooleanField(help_text="Whether the SEND team sent it (false: the family did).")
    author = serializers.SerializerMethodField(help_text="Who wrote it, as the thread shows it.")
    body = serializers.CharField(help_text="The message.")
    created_at = serializers.DateTimeField(
        help_text="When it was sent. Messages never change, so this is what `updated_since` reads."
    )

    def get_author(self, message) -> str:
        return author_label(message)


class MessagePostSerializer(serializers.Serializer):
    body = StrictCharField(
        max_length=MESSAGE_MAX_LENGTH,
        help_text="The message to the family, from the SEND team. Each family member who can see the case is "
        "told by email that there is a new message (never what it says).",
    )


# --- Forms: submissions and the council's definitions ------------------------------------------


class FormRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The form's id (the same for all its versions).")
    slug = serializers.CharField(help_text="The form's short name, as in its address on the council's site.")
    title = serializers.CharField(help_text="What the SEND team calls the form.")


class FormFileSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The file's id: the `file_id` its answer names.")
    question_id = serializers.CharField(help_text="The id of the file question it answers.")
    name = serializers.CharField(help_text="The file's name, made safe.")
    content_type = serializers.CharField(help_text="What the file is, found from its content.")
    size = serializers.IntegerField(help_text="The file's size in bytes.")
    sha256 = serializers.CharField(help_text="The SHA-256 of the file, in hex.")
    file = serializers.SerializerMethodField(help_text="The address to download it from (`documents` scope).")

    def get_file(self, form_file) -> str:
        return f"/api/v1/form-submissions/{form_file.submission_id}/files/{form_file.pk}/"


class FormSubmissionSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The submission's id.")
    reference = serializers.CharField(help_text="The reference the family was given when they sent it.")
    child = serializers.IntegerField(
        source="child_id",
        allow_null=True,
        help_text="The id of the child it is about; null for a request for an assessment sent while the family's "
        "access request waits (see `access_request`) until that is approved.",
    )
    case = serializers.IntegerField(
        source="case_id",
        allow_null=True,
        help_text="The id of the case it fed (opened or joined); null until its access request is approved.",
    )
    access_request = serializers.IntegerField(
        source="access_request_id",
        allow_null=True,
        help_text="The access request it was sent with, before the family's access was checked (null otherwise). "
        "It was received on `submitted_at`: the assessment's clock counts from that day.",
    )
    form = FormRefSerializer(source="variant", help_text="Which of the council's forms it is.")
    form_definition = serializers.IntegerField(
        source="version_id",
        help_text="The id of the exact form version it answers (see /api/v1/form-definitions/): the question ids "
        "in `answers` are that version's.",
    )
    version_number = serializers.IntegerField(source="version.number", help_text="That version's number.")
    feeds = serializers.ChoiceField(
        choices=[
            ("new_request", "new_request"),
            ("contribution", "contribution"),
            ("annual_review", "annual_review"),
            ("advice", "advice"),
            ("review_report", "review_report"),
        ],
        help_text="What it was: a new request for an assessment, a contribution to one, or to an annual review; "
        "`advice`, a professional's advice form answering an advice request (see /api/v1/advice-requests/); or "
        "`review_report`, the report of an annual review meeting from the school or setting that ran it.",
    )
    speaking_as = serializers.ChoiceField(
        choices=Relationship.choices,
        allow_blank=True,
        help_text="Who was speaking: the sender's relationship to the child when they sent it (`trusted`: someone "
        "the family invited, on the family's behalf); empty for a professional's advice or review report.",
    )
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text="The answers the family was shown, keyed by question id as the form version names them. A "
        "repeating group's answer is a list of items, each keyed by its own questions' ids; a file question's "
        "answer names its file by `file_id` (see `files`).",
    )
    files = FormFileSerializer(many=True, help_text="The files sent in answer to file questions.")
    pdf = serializers.SerializerMethodField(
        help_text="The address of the submission's PDF (`documents` scope); empty while it is being made."
    )
    submitted_at = serializers.DateTimeField(help_text="When the family sent it.")
    updated_at = serializers.DateTimeField(help_text="When it last changed (what `updated_since` reads).")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_pdf(self, submission) -> str | None:
        return f"/api/v1/form-submissions/{submission.pk}/pdf/" if submission.pdf else None


class FormDefinitionSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The form version's id.")
    form = FormRefSerializer(source="variant", help_text="Which of the council's forms it is a version of.")
    number = serializers.IntegerField(help_text="The version's number: 1, 2…")
    published_at = serializers.DateTimeField(help_text="When it was published (and frozen).")
    definition = serializers.DictField(
        child=serializers.JSONField(),
        help_text="The definition as data: sections of pages of questions, each with its id, type, label, options "
        "and conditions, and the declaration (checked against the platform's form JSON Schema).",
    )
    updated_at = serializers.DateTimeField(help_text="When it last changed (what `updated_since` reads).")


# --- The EHC plan as data (issue 15) -----------------------------------------------------------------


class PlanFindingSerializer(serializers.Serializer):
    rule = serializers.ChoiceField(
        choices=["unquantified", "vague", "need_unmet", "no_outcome", "no_timeframe", "advice_unused"],
        help_text="`unquantified`: a provision that does not say who, how often or for how long; `vague`: one "
        "that uses words that commit nobody (“as required”, “access to”); `need_unmet`: a need with no provision; "
        "`no_outcome`: a provision serving no outcome; `no_timeframe`: an outcome without one; `advice_unused`: "
        "advice in K the plan never refers to.",
    )
    section = serializers.CharField(help_text="The plan's section: A to K, H1 or H2.")
    item = serializers.CharField(help_text="The item's id in the content (`f1`), or empty for the section.")
    message = serializers.CharField(help_text="What is wrong and what would fix it, in plain English.")


class PlanSerializer(serializers.Serializer):
    case = serializers.IntegerField(source="case_id", help_text="The case's id.")
    template = serializers.CharField(help_text="The plan template: `national` (sections A to K).")
    template_version = serializers.IntegerField(help_text="The template's version the content follows.")
    revision = serializers.IntegerField(help_text="How many times it has been saved: send it back with a change.")
    updated_at = serializers.DateTimeField(help_text="When it was last saved.")
    content = serializers.JSONField(
        help_text="The plan in the template's shape: sections A to K, each with its parts; needs (B, C, D), "
        "outcomes (E), provisions (F, G, H1, H2) and advice (K) are lists of items with an `id`, linked by id "
        "(a provision's `needs` and `outcomes`; any item's `quotes` of advice)."
    )
    findings = PlanFindingSerializer(many=True, help_text="What a reader would flag, section by section.")


class PlanSaveSerializer(serializers.Serializer):
    revision = serializers.IntegerField(
        min_value=0,
        help_text="The revision you read (0 for a case with no plan yet). A plan saved since then is not "
        "overwritten: the answer is 409 and you read it again.",
    )
    content = serializers.JSONField(help_text="The whole plan, in the template's shape (see the plan's `content`).")
