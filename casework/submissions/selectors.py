"""Reads of forms, drafts and submissions, with the access checks in front of each.

A draft is its family member's own: another member of the family, or anyone whose
access to the child was revoked, gets "not found", the same as for a draft that does not
exist. A submission is seen by the family member who sent it and by the SEND team.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404

from casework.models import AccessRequest, Case, ScanStatus, StaffMembership, live_access
from casework.selectors.children import PENDING
from tenants.configuration import council_configuration
from tenants.models import FormVariant, FormVersion

from .models import FormDraft, FormFile, FormSubmission


@dataclass(frozen=True)
class Offered:
    """A form families can start now: the variant and its latest published version."""

    variant: FormVariant
    version: FormVersion


def forms_offered() -> list[Offered]:
    """The current council's enabled forms that have a published version, each with its
    latest published version (no query once this process has read the council's
    configuration: tenants.configuration)."""
    forms = council_configuration(council=connection.tenant).forms
    return [Offered(variant=variant, version=version) for variant, version in forms]


def form_offered(*, slug: str) -> Offered:
    offered = next((o for o in forms_offered() if o.variant.slug == slug), None)
    if offered is None:
        raise Http404
    return offered


def _sees_child_or_waits(account) -> Q:
    """A draft's or submission's child the account may still see or, before it has a
    child, the account's own access request while the SEND team has not decided it."""
    return (Q(child__accesses__account=account) & live_access("child__accesses__")) | Q(
        child__isnull=True, access_request__account=account, access_request__status__in=PENDING
    )


def _family_drafts(account) -> QuerySet[FormDraft]:
    if account is None or not account.is_authenticated:
        return FormDraft.objects.none()
    return (
        FormDraft.objects.filter(_sees_child_or_waits(account), account=account)
        .select_related("child", "version", "variant", "access_request")
        .distinct()
    )


def draft_for_family(*, account, draft_id: int) -> FormDraft:
    """The account's own draft (sent or not) of a child it may still see."""
    draft = _family_drafts(account).filter(pk=draft_id).first()
    if draft is None:
        raise Http404
    return draft


def submission_for_family(*, account, submission_id: int) -> FormSubmission:
    """A submission the account sent, about a child it may still see."""
    if account is None or not account.is_authenticated:
        raise Http404
    submission = (
        FormSubmission.objects.select_related("child", "case", "version", "variant", "access_request")
        .filter(
            # What they sent with an access request stays theirs to read, whatever the decision.
            (Q(child__accesses__account=account) & live_access("child__accesses__"))
            | Q(child__isnull=True, access_request__account=account),
            pk=submission_id,
            submitted_by=account,
        )
        .first()
    )
    if submission is None:
        raise Http404
    return submission


def draft_file_for_family(*, draft: FormDraft, file_id: str) -> FormFile | None:
    """A file uploaded to this draft (for a file kept across a failed attempt)."""
    if not str(file_id).isdigit():
        return None
    return (
        FormFile.objects.filter(draft=draft, pk=int(file_id), submission__isnull=True)
        .exclude(scan_status=ScanStatus.INFECTED)
        .first()
    )


def submissions_for_case(*, case: Case) -> list[FormSubmission]:
    """The case's submissions, newest first, with who sent each (one query)."""
    return list(
        FormSubmission.objects.filter(case=case)
        .select_related("version", "variant", "submitted_by")
        .order_by("-submitted_at", "-id")
    )


def submissions_for_access_request(*, access_request: AccessRequest) -> list[FormSubmission]:
    """What the family sent with the access request before it was decided (one query)."""
    return list(
        FormSubmission.objects.filter(access_request=access_request)
        .select_related("version", "variant", "case")
        .order_by("submitted_at", "id")
    )


def submission_for_staff(*, membership: StaffMembership | None, submission_id: int) -> FormSubmission:
    """Any submission of this council, for an active member of its SEND team."""
    if membership is None or not membership.is_active:
        raise Http404
    submission = (
        FormSubmission.objects.select_related("child", "case", "version", "variant", "submitted_by", "access_request")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        raise Http404
    return submission


def submission_file(*, submission: FormSubmission, file_id: int) -> FormFile:
    # Only a file clamd has passed can be downloaded (casework.services.scanning).
    form_file = FormFile.objects.filter(submission=submission, pk=file_id, scan_status=ScanStatus.CLEAN).first()
    if form_file is None:
        raise Http404
    return form_file


def submission_files(*, submission: FormSubmission) -> dict[int, FormFile]:
    return {f.pk: f for f in FormFile.objects.filter(submission=submission)}
