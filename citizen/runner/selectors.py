"""Reads for the form runner (citizen/runner) and the family's SEND area."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.urls import reverse

from casework.models import AccessRequest, ChildAccess, live_access
from casework.selectors.access import acting_relationship
from casework.selectors.children import PENDING
from casework.submissions.flow import progress
from casework.submissions.models import FormDraft, FormSubmission
from casework.submissions.selectors import forms_offered
from tenants.form_definitions import FEEDS_NEW_REQUEST, form_definition


@dataclass(frozen=True)
class StartableForm:
    slug: str
    title: str
    short_title: str
    description: str  # its first paragraph
    url: str


@dataclass(frozen=True)
class DraftSummary:
    draft_id: int
    title: str
    short_title: str
    version_number: int
    updated_at: datetime
    sections_completed: int
    sections_total: int
    url: str


@dataclass(frozen=True)
class SubmittedSummary:
    submission_id: int
    reference: str
    title: str
    short_title: str
    submitted_at: datetime
    url: str
    pdf_url: str


@dataclass(frozen=True)
class ChildForms:
    """What the family's SEND area shows under a child: the forms this account can start
    for the child, its drafts of them (newest first) and what it has sent (newest first)."""

    startable: list[StartableForm] = field(default_factory=list)
    drafts: list[DraftSummary] = field(default_factory=list)
    submitted: list[SubmittedSummary] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.startable or self.drafts or self.submitted)


def child_forms_summary(
    *, account, children: Iterable, accesses: Iterable[ChildAccess] | None = None
) -> dict[int, ChildForms]:
    """Per child id, the forms this account can start and its drafts and submissions, in
    a constant number of queries however many children there are (three; two when the
    caller passes the account's live `accesses` it has read already)."""
    children = list(children)
    child_ids = [child.pk for child in children]
    if not child_ids or account is None or not account.is_authenticated:
        return {child_id: ChildForms() for child_id in child_ids}
    offered = forms_offered()
    if accesses is None:
        accesses = ChildAccess.objects.filter(live_access(), account=account, child_id__in=child_ids)
    relationships = {
        a.child_id: acting_relationship(a)
        for a in accesses
        if a.account_id == account.pk and a.child_id in child_ids and a.revoked_at is None
    }
    relationships = {child_id: r for child_id, r in relationships.items() if r is not None}
    drafts: dict[int, list[FormDraft]] = defaultdict(list)
    for draft in (
        FormDraft.objects.filter(account=account, child_id__in=relationships, submitted_at__isnull=True)
        .select_related("version")
        .order_by("-updated_at", "-id")
    ):
        drafts[draft.child_id].append(draft)
    sent: dict[int, list[FormSubmission]] = defaultdict(list)
    for submission in (
        FormSubmission.objects.filter(submitted_by=account, child_id__in=relationships)
        .select_related("version")
        .order_by("-submitted_at", "-id")
    ):
        sent[submission.child_id].append(submission)

    summary = {}
    for child_id in child_ids:
        relationship = relationships.get(child_id)
        if relationship is None:
            summary[child_id] = ChildForms()
            continue
        open_variants = {d.variant_id for d in drafts[child_id]}
        startable = []
        for form in offered:
            definition = form_definition(form.version.definition)
            if relationship not in definition.who_can_start:
                continue
            if form.variant.pk in open_variants and not definition.allow_multiple_drafts:
                continue  # carry on with the draft instead
            startable.append(_startable(form, definition, reverse("runner:start", args=[child_id, form.variant.slug])))
        summary[child_id] = ChildForms(
            startable=startable,
            drafts=[_draft_summary(d) for d in drafts[child_id]],
            submitted=[_submitted_summary(s) for s in sent[child_id]],
        )
    return summary


def request_forms_summary(*, access_request: AccessRequest) -> ChildForms:
    """On the family's own access request, while the SEND team has not decided it: the
    request for an assessment they may send now rather than wait (issue 19, item 10),
    their draft of it, and what they sent with the request (four queries)."""
    drafts = []
    if access_request.status in PENDING:
        drafts = list(
            FormDraft.objects.filter(access_request=access_request, child__isnull=True, submitted_at__isnull=True)
            .select_related("version")
            .order_by("-updated_at", "-id")
        )
    sent = list(
        FormSubmission.objects.filter(access_request=access_request).select_related("version").order_by("-submitted_at")
    )
    startable = []
    if access_request.status in PENDING and not sent:
        open_variants = {d.variant_id for d in drafts}
        for form in forms_offered():
            definition = form_definition(form.version.definition)
            if definition.feeds != FEEDS_NEW_REQUEST or access_request.relationship not in definition.who_can_start:
                continue
            if form.variant.pk in open_variants:
                continue
            url = reverse("runner:request-start", args=[access_request.pk, form.variant.slug])
            startable.append(_startable(form, definition, url))
    return ChildForms(
        startable=startable,
        drafts=[_draft_summary(d) for d in drafts],
        submitted=[_submitted_summary(s) for s in sent],
    )


def _startable(form, definition, url: str) -> StartableForm:
    return StartableForm(
        slug=form.variant.slug,
        title=definition.title,
        short_title=definition.short_title,
        description=definition.description[0] if definition.description else "",
        url=url,
    )


def _submitted_summary(submission: FormSubmission) -> SubmittedSummary:
    definition = form_definition(submission.version.definition)
    return SubmittedSummary(
        submission_id=submission.pk,
        reference=submission.reference,
        title=definition.title,
        short_title=definition.short_title,
        submitted_at=submission.submitted_at,
        url=reverse("runner:confirmation", args=[submission.pk]),
        pdf_url=reverse("runner:submission-pdf", args=[submission.pk]),
    )


def _draft_summary(draft: FormDraft) -> DraftSummary:
    definition = form_definition(draft.version.definition)
    done = progress(definition, draft.answers, draft.pages_done)
    return DraftSummary(
        draft_id=draft.pk,
        title=definition.title,
        short_title=definition.short_title,
        version_number=draft.version.number,
        updated_at=draft.updated_at,
        sections_completed=done.completed_count,
        sections_total=len(done.sections),
        url=reverse("runner:tasks", args=[draft.pk]),
    )
