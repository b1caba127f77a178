"""Reads about children and who may see them: possible duplicates, the verification
queue, a child's accesses and cases, and what a case page shows of its family.

Matching is deliberately simple, so staff can explain it, and never attaches anything by
itself: with the same date of birth, the same first name (or name known by) and last name
is "the same name"; a first and last name each within a letter or two (Jon and John,
Smith and Smyth, Sam and Samuel), or the same first name with another last name (a new
surname), is a "possible" match, with the differences shown. The same birthday and last
name with another first name (a twin, a sibling) is not a match. Capitals, accents, spaces
and punctuation are ignored."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Min, Q, QuerySet
from django.http import Http404

from casework.models import AccessRequest, Case, Child, ChildAccess, StaffMembership, live_access
from casework.selectors.cases import child_search_q
from casework.steps import FINISHED
from tenants.form_definitions import FEEDS_NEW_REQUEST

PENDING = (AccessRequest.Status.WAITING, AccessRequest.Status.MORE_EVIDENCE)
SEARCH_LIMIT = 20


def name_key(name: str) -> str:
    """A name as compared for duplicates: "Zoë O'Brien-Smith" → "zoeobriensmith"."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    return "".join(c for c in decomposed if c.isalnum()).casefold()


def _edits(a: str, b: str) -> int:
    """Letters to change, add or remove to turn one name into the other (Levenshtein)."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def _similar(a: str, b: str) -> bool:
    """Two name keys that may be one name: within a letter (two for longer names), or one
    a short form of the other (Sam, Samuel)."""
    if not a or not b:
        return False
    if a == b or (min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a))):
        return True
    return _edits(a, b) <= (1 if max(len(a), len(b)) <= 6 else 2)


@dataclass(frozen=True)
class NameMatch:
    """Why a recorded child was suggested: "same" name, or a "possible" one, with what
    differs between the name asked about and the name recorded."""

    strength: str  # "same" or "possible"
    reasons: tuple[str, ...]


def name_match(*, first_name: str, last_name: str, child: Child) -> NameMatch | None:
    """How the name asked about matches the child's (with the same date of birth), or None."""
    first, last = name_key(first_name), name_key(last_name)
    child_last = name_key(child.legal_last_name)
    firsts = {name_key(child.legal_first_name): child.legal_first_name, name_key(child.known_as): child.known_as}
    firsts.pop("", None)
    same_first = first in firsts
    if same_first and last == child_last:
        return NameMatch("same", ("Same name and date of birth",))
    similar_first = next((shown for key, shown in firsts.items() if _similar(first, key)), None)
    differences = []
    if not same_first and similar_first:
        differences.append(f"First name: {first_name.strip()} asked about, {similar_first} recorded")
    if last != child_last and _similar(last, child_last):
        differences.append(f"Last name: {last_name.strip()} asked about, {child.legal_last_name} recorded")
    if similar_first and (last == child_last or _similar(last, child_last)):
        return NameMatch("possible", ("Same date of birth; the names differ slightly", *differences))
    if same_first and last != child_last:
        return NameMatch(
            "possible",
            (
                "Same first name and date of birth, another last name (a new surname?)",
                f"Last name: {last_name.strip()} asked about, {child.legal_last_name} recorded",
            ),
        )
    return None


def _names_match(*, first_name: str, last_name: str, child: Child) -> bool:
    return name_match(first_name=first_name, last_name=last_name, child=child) is not None


def child_possible_duplicates(
    *, first_name: str, last_name: str, date_of_birth: date, exclude_id: int | None = None
) -> list[Child]:
    """Children who may be the one described: the same date of birth and the same or a
    possible name (`name_match`, the module's rule), the same names first. Each carries
    `match` (its NameMatch: why it was suggested). One query; the names are compared
    here, so accents are ignored whatever the database collation."""
    if date_of_birth is None:
        return []
    same_birthday = Child.objects.filter(date_of_birth=date_of_birth)
    if exclude_id is not None:
        same_birthday = same_birthday.exclude(pk=exclude_id)
    found = []
    for child in same_birthday.order_by("legal_last_name", "legal_first_name", "id"):
        match = name_match(first_name=first_name, last_name=last_name, child=child)
        if match is not None:
            child.match = match  # type: ignore[attr-defined]  # shown beside the child
            found.append(child)
    return sorted(found, key=lambda c: c.match.strength != "same")  # type: ignore[attr-defined]


def children_search(*, text: str) -> list[Child]:
    """Children matching what was typed (child_search_q: a date of birth, every word of
    a name, or the council reference), at most SEARCH_LIMIT, by name."""
    text = (text or "").strip()
    if not text:
        return []
    return list(
        Child.objects.filter(child_search_q(text)).order_by("legal_last_name", "legal_first_name", "id")[:SEARCH_LIMIT]
    )


def children_list(*, search: str = "") -> QuerySet[Child]:
    """Every child recorded in the council, by name, with their service area and how many
    open cases each has (one query a page): the SEND team's way to a child with no case
    yet. `search` is a name (every word), a council reference, or a date of birth typed
    as on the caseload (27/3/2015)."""
    children = Child.objects.select_related("service_area").annotate(
        open_cases=Count("cases", filter=~Q(cases__stage=FINISHED))
    )
    if (search or "").strip():
        children = children.filter(child_search_q(search))
    return children.order_by("legal_last_name", "legal_first_name", "id")


# --- Access requests -----------------------------------------------------------------------


def access_requests_pending() -> QuerySet[AccessRequest]:
    """The verification queue: every request waiting for the SEND team or for more from
    the family, with the family member's account (one query per page). Requests that came
    with a request for an assessment come first, oldest first, since that clock is already
    running (`assessment_requested_at`, issue 19, item 10); then the rest, oldest first."""
    return (
        AccessRequest.objects.filter(status__in=PENDING)
        .select_related("account")
        .annotate(
            assessment_requested_at=Min(
                "form_submissions__submitted_at", filter=Q(form_submissions__feeds=FEEDS_NEW_REQUEST)
            )
        )
        .order_by(F("assessment_requested_at").asc(nulls_last=True), "created_at", "id")
    )


def access_request_for_staff(*, membership: StaffMembership | None, access_request_id: int) -> AccessRequest:
    """Any access request of this council, for an active member of its SEND team."""
    if membership is None or not membership.is_active:
        raise Http404
    access_request = (
        AccessRequest.objects.select_related("account", "child", "decided_by").filter(pk=access_request_id).first()
    )
    if access_request is None:
        raise Http404
    return access_request


def access_request_matches(*, access_request: AccessRequest) -> list[Child]:
    """Children who may be the one a family asked about (as `child_possible_duplicates`)."""
    return child_possible_duplicates(
        first_name=access_request.child_first_name,
        last_name=access_request.child_last_name,
        date_of_birth=access_request.child_date_of_birth,
    )


def access_requests_waiting_for_child(*, child: Child) -> list[AccessRequest]:
    """Pending requests that name this child: linked to it, or with its date of birth and
    a matching name (as `child_possible_duplicates`). One query."""
    pending = access_requests_pending().filter(Q(child=child) | Q(child_date_of_birth=child.date_of_birth))
    return [
        access_request
        for access_request in pending
        if access_request.child_id == child.pk
        or _names_match(
            first_name=access_request.child_first_name, last_name=access_request.child_last_name, child=child
        )
    ]


# --- A child's accesses and cases ----------------------------------------------------------


def child_accesses(*, child: Child) -> tuple[list[ChildAccess], list[ChildAccess]]:
    """The child's live accesses (oldest first) and revoked ones (most recent first),
    with the accounts involved. One query."""
    accesses = list(
        ChildAccess.objects.filter(child=child)
        .select_related("account", "granted_by", "revoked_by")
        .order_by("granted_at", "id")
    )
    live = [access for access in accesses if access.revoked_at is None]
    revoked = sorted((a for a in accesses if a.revoked_at is not None), key=lambda a: a.revoked_at, reverse=True)  # type: ignore[arg-type,return-value]  # revoked: set
    return live, revoked


def child_access_for_staff(*, child: Child, access_id: int) -> ChildAccess:
    access = ChildAccess.objects.select_related("account", "child").filter(child=child, pk=access_id).first()
    if access is None:
        raise Http404
    return access


def child_cases(*, child: Child) -> QuerySet[Case]:
    """The child's cases, next deadline first, with their caseworkers."""
    return child.cases.select_related("caseworker")


@dataclass(frozen=True)
class CaseFamily:
    """What a case page shows of the child's family: who can see the records, and who
    is waiting to."""

    accesses: list[ChildAccess]
    waiting: list[AccessRequest]


def case_family(*, case: Case) -> CaseFamily:
    """The case's child's live accesses and the access requests waiting for that child.
    Two queries, however many family members or requests there are."""
    child = case.child
    live = list(
        ChildAccess.objects.filter(live_access(), child=child).select_related("account").order_by("granted_at", "id")
    )
    return CaseFamily(accesses=live, waiting=access_requests_waiting_for_child(child=child))
