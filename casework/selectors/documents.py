"""Reads of a case's documents, and the access checks in front of each one.

Like every selector here, a document that does not exist and one the caller may not
see are the same "not found" (Http404)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from casework.models import Case, Document, DraftPlanReply, StaffMembership, live_access

if TYPE_CHECKING:
    from citizen.accounts.models import Account


def seen_by(account: Account | None) -> Q:
    """Documents clean of viruses, and those `account` uploaded itself (still being
    checked, or refused for a virus): nobody else sees a file before its scan passes."""
    clean = Q(scan_status=Document.ScanStatus.CLEAN)
    if account is None or not getattr(account, "is_authenticated", False):
        return clean
    return clean | Q(uploaded_by=account)


def documents_for_case(*, case, account: Account | None = None) -> QuerySet[Document]:
    """Every document on the case, newest first, for the SEND team: shared or not,
    withdrawn or not, with who uploaded each (one query). Only clean ones, and those
    `account` uploaded (which the page marks as being checked)."""
    return (
        Document.objects.filter(seen_by(account), case=case)
        .select_related("uploaded_by")
        .order_by("-created_at", "-id")
    )


def document_for_staff(*, membership: StaffMembership | None, document_id: int) -> Document:
    """Any document of this council, for an active member of its SEND team: clean of
    viruses, or uploaded by them."""
    if membership is None or not membership.is_active:
        raise Http404
    document = (
        Document.objects.select_related("case__child").filter(seen_by(membership.account), pk=document_id).first()
    )
    if document is None:
        raise Http404
    return document


def document_for_family(*, account: Account, document_id: int) -> Document:
    """A document the SEND team shared (and has not withdrawn), clean of viruses, on a
    case about a child the account has live access to."""
    if account is None or not account.is_authenticated:
        raise Http404
    document = (
        Document.objects.select_related("case__child")
        .filter(
            live_access("case__child__accesses__"),
            pk=document_id,
            scan_status=Document.ScanStatus.CLEAN,
            shared_with_family_at__isnull=False,
            withdrawn_at__isnull=True,
            case__child__accesses__account=account,
        )
        .first()
    )
    if document is None:
        raise Http404
    return document


def draft_replies_for_case(*, case: Case) -> QuerySet[DraftPlanReply]:
    """The family's replies to the draft plan or proposed changes, oldest first, with who
    sent each (one query): the family's tracker and the SEND team's case page."""
    return DraftPlanReply.objects.filter(case=case).select_related("account").order_by("created_at", "id")
