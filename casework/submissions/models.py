"""Families' drafts and submissions of a council's forms (tenant schema).

Answers are stored keyed by question id (a repeating group's answer is a list of items,
each keyed by its own questions' ids), exactly as the definition names them, so that the
API and the PDF read them the same way. A draft and its submission point at the exact
`tenants.FormVersion` they were made with: publishing a new version never changes them.

The foreign keys to the public schema's variants and versions do nothing on delete in
Django (its collector would look for these tenant tables in the public schema); the
database's own constraint still refuses to delete a version a draft points at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import models

from casework.models import AccessRequest, AdviceRequest, Case, Child, Relationship, VirusScanned
from casework.submissions.flow import whose_words


def form_file_upload_to(instance: FormFile, filename: str) -> str:
    from tenants.storage import council_path

    return council_path("forms", f"draft-{instance.draft_id}", filename)


def submission_pdf_upload_to(instance: FormSubmission, filename: str) -> str:
    from tenants.storage import council_path

    return council_path("forms", "submissions", filename)


@dataclass(frozen=True)
class RequestedChild:
    """Who a form is about before the SEND team has verified the family: the names and
    date of birth given in the access request, as the form's pages and PDF show them."""

    legal_first_name: str
    legal_last_name: str
    date_of_birth: date
    known_as: str = ""
    pk: None = None

    @property
    def full_name(self) -> str:
        return f"{self.legal_first_name} {self.legal_last_name}"

    @classmethod
    def of(cls, access_request: AccessRequest) -> RequestedChild:
        return cls(
            legal_first_name=access_request.child_first_name,
            legal_last_name=access_request.child_last_name,
            date_of_birth=access_request.child_date_of_birth,
        )


class AboutChild:
    """`about`: the child a draft or submission is about, or, while its access request
    waits for the SEND team, the child the family named (issue 19, item 10)."""

    child: Child | None
    access_request: AccessRequest | None

    @property
    def about(self) -> Child | RequestedChild:
        if self.child is not None:
            return self.child
        assert self.access_request is not None
        return RequestedChild.of(self.access_request)


# A request for an assessment may be sent while the family's access request waits for
# the SEND team: the draft and submission then name the request, not yet a child, and
# the submission feeds no case until the request is approved.
CHILD_OR_REQUEST = models.Q(child__isnull=False) | models.Q(access_request__isnull=False)


class FormDraft(AboutChild, models.Model):
    """A form being filled in for a child by one family member, saved page by page (or,
    for a request for an assessment, for the child of an access request still waiting)."""

    child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.CASCADE, related_name="form_drafts")
    access_request = models.ForeignKey(
        AccessRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="form_drafts"
    )
    # A professional's advice form: the request it answers (the child is the case's).
    advice_request = models.ForeignKey(
        AdviceRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="form_drafts"
    )
    # A school's or setting's annual review report: the review it reports on.
    review_case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="review_report_drafts"
    )
    variant = models.ForeignKey("tenants.FormVariant", on_delete=models.DO_NOTHING, related_name="+")
    version = models.ForeignKey("tenants.FormVersion", on_delete=models.DO_NOTHING, related_name="+")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    answers = models.JSONField(default=dict, blank=True)
    # Pages saved with "Save and continue" (their answers complete): a section is
    # complete when every page it shows is here.
    pages_done = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["account", "child", "submitted_at"])]
        constraints = [models.CheckConstraint(condition=CHILD_OR_REQUEST, name="form_draft_child_or_request")]

    def __str__(self) -> str:
        return f"Draft {self.pk} of {self.variant_id} for child {self.child_id}"


class FormSubmission(AboutChild, models.Model):
    """A form a family member sent: its answers (copied from the draft, only those the
    family was shown), the case it fed, and a PDF of it for the case file. A request for
    an assessment sent with an access request still waiting has no child or case yet:
    approving the request attaches the child and opens the case, its clock counting from
    the day this was sent (casework.submissions.services.request_submissions_attach)."""

    class Feeds(models.TextChoices):
        NEW_REQUEST = "new_request", "A new request for an EHC needs assessment"
        CONTRIBUTION = "contribution", "A contribution to an EHC needs assessment"
        ANNUAL_REVIEW = "annual_review", "An annual-review contribution"
        ADVICE = "advice", "A professional's advice"
        REVIEW_REPORT = "review_report", "An annual review report from the school or setting"

    reference = models.CharField(max_length=40, unique=True)
    draft = models.OneToOneField(FormDraft, on_delete=models.PROTECT, related_name="submission")
    child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.PROTECT, related_name="form_submissions")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="form_submissions")
    access_request = models.ForeignKey(
        AccessRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="form_submissions"
    )
    variant = models.ForeignKey("tenants.FormVariant", on_delete=models.DO_NOTHING, related_name="+")
    version = models.ForeignKey("tenants.FormVersion", on_delete=models.DO_NOTHING, related_name="+")
    feeds = models.CharField(max_length=20, choices=Feeds.choices)
    answers = models.JSONField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # Who is speaking: the submitter's relationship to the child when they sent it (the
    # young person themself, or a parent or carer on the child's behalf).
    # Empty for a professional's advice or review report (the organisation is on its
    # advice request, or the review's case).
    speaking_as = models.CharField(max_length=20, choices=Relationship.choices, blank=True)
    pdf = models.FileField(upload_to=submission_pdf_upload_to, max_length=300, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    submitted_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["case", "submitted_at"]), models.Index(fields=["child", "submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False) | models.Q(access_request__isnull=False),
                name="form_submission_case_or_request",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    def whose_words(self, definition) -> str:
        """Whose words the answers are, as the family answered the form's own question
        (Section A's "Who is writing these answers?"), or "" when the form does not ask."""
        return whose_words(definition, self.answers)

    @property
    def speaking_as_text(self) -> str:
        if self.feeds == self.Feeds.REVIEW_REPORT:
            return "The school or setting running the annual review"
        if not self.speaking_as:
            return "A professional the SEND team asked for advice"
        if self.speaking_as == Relationship.YOUNG_PERSON:
            return "The young person, for themself"
        if self.speaking_as == Relationship.TRUSTED:
            return "Someone the family trusts, on the family's behalf"
        return f"A {self.get_speaking_as_display().lower()}, on the child's behalf"


class FormFile(VirusScanned):
    """A file a family uploaded in answer to a file question, checked by its content.
    It belongs to the draft while it is filled in; on submission, the files the answers
    still name are attached to the submission and the rest are removed."""

    draft = models.ForeignKey(FormDraft, on_delete=models.CASCADE, related_name="files")
    submission = models.ForeignKey(
        FormSubmission, null=True, blank=True, on_delete=models.PROTECT, related_name="files"
    )
    question_id = models.CharField(max_length=60)
    file = models.FileField(upload_to=form_file_upload_to, max_length=300, blank=True)
    name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["scan_due_at"], name="form_file_scan_waiting", condition=models.Q(scan_status="scanning")
            )
        ]

    def __str__(self) -> str:
        return self.name
