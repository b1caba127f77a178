"""Who may see what: the access checks behind every read of a child's data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import FilteredRelation, Q, QuerySet
from django.http import Http404

from casework.models import (
    AccessEvidence,
    AccessRequest,
    Case,
    Child,
    ChildAccess,
    Document,
    ScanStatus,
    StaffMembership,
    live_access,
)

if TYPE_CHECKING:
    from citizen.accounts.models import Account


def staff_membership(*, account: Account) -> StaffMembership | None:
    """The account's active place in this council's SEND team, if any."""
    if account is None or not account.is_authenticated:
        return None
    return StaffMembership.objects.filter(account=account, is_active=True).first()


def children_for_family(*, account: Account) -> QuerySet[Child]:
    """The children this account is verified for, now (revoked access excluded)."""
    return Child.objects.filter(live_access("accesses__"), accesses__account=account).distinct()


def family_access(*, account: Account, child: Child) -> ChildAccess | None:
    return ChildAccess.objects.filter(live_access(), account=account, child=child).first()


def acting_relationship(access: ChildAccess | None) -> str | None:
    """What forms treat the access as: the family member's own relationship; for someone
    the family trusts with forms, the relationship of the family member who invited them
    (they fill forms in on the family's behalf); None when it allows no forms."""
    if access is None:
        return None
    if not access.is_trusted:
        return access.relationship
    if not access.may("forms"):
        return None
    grant = getattr(access, "trusted_grant", None)
    return grant.invited_as if grant is not None else None


def child_for_family(*, account: Account, child_id: int) -> Child:
    child = children_for_family(account=account).filter(pk=child_id).first()
    if child is None:
        raise Http404
    return child


def case_for_family(*, account: Account, case_id: int) -> tuple[Case, ChildAccess]:
    """The case, its child and the account's live access to the child, in one query (a
    join on that access, so the case and the access are read at the same moment): 404
    when the account has no live access to the case's child, the same as a case that
    does not exist."""
    own = live_access("child__accesses__") & Q(child__accesses__account=account)
    case = (
        Case.objects.annotate(access=FilteredRelation("child__accesses", condition=own))
        .filter(pk=case_id, access__isnull=False)
        .select_related("child", "access")  # type: ignore[misc]  # django-stubs knows no FilteredRelation here
        .order_by()
        .first()
    )
    if case is None:
        raise Http404
    access: ChildAccess = case.access  # the FilteredRelation's row
    access.child = case.child
    return case, access


def _shared_with_family() -> Q:
    return Q(shared_with_family_at__isnull=False, withdrawn_at__isnull=True, scan_status=Document.ScanStatus.CLEAN)


def documents_for_family(*, case: Case) -> QuerySet[Document]:
    """What staff shared with the family on this case (and have not withdrawn), once it
    is clean of viruses."""
    return case.documents.filter(_shared_with_family())


def documents_family_member_sees(*, case: Case, account) -> QuerySet[Document]:
    """What this family member may see on the case: what staff shared (clean, not
    withdrawn), and what they sent themselves, listed while it is checked for viruses and
    after one was found in it (the caller filters by scan status where it must).

    One condition on the case's documents, not a subquery of the shared ones: so a page
    of them walks the case's newest documents and stops (issue 13: 500 documents read,
    joined and sorted for the 20 a page shows)."""
    own = Q(kind=Document.Kind.FAMILY_UPLOAD, uploaded_by=account, withdrawn_at__isnull=True)
    return case.documents.filter(_shared_with_family() | own)


def case_for_staff(*, membership: StaffMembership | None, case_id: int) -> Case:
    """Any case of this council, for an active member of its SEND team."""
    if membership is None or not membership.is_active:
        raise Http404
    case = Case.objects.select_related("child").filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case


def child_for_staff(*, membership: StaffMembership | None, child_id: int) -> Child:
    if membership is None or not membership.is_active:
        raise Http404
    child = Child.objects.filter(pk=child_id).first()
    if child is None:
        raise Http404
    return child


# --- Evidence sent with a request to see a child's records ------------------------------


def access_evidence_for_request(*, access_request: AccessRequest) -> list[AccessEvidence]:
    """What the family sent with a request, oldest first (one query)."""
    return list(AccessEvidence.objects.filter(access_request=access_request).select_related("uploaded_by"))


def access_evidence_for_staff(*, membership: StaffMembership | None, evidence_id: int) -> AccessEvidence:
    """Any evidence sent to this council, for an active member of its SEND team."""
    if membership is None or not membership.is_active:
        raise Http404
    evidence = (
        AccessEvidence.objects.select_related("access_request__child")
        .filter(pk=evidence_id, scan_status=ScanStatus.CLEAN)
        .first()
    )
    if evidence is None:
        raise Http404
    return evidence
