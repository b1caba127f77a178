"""What an organisation's people may see: their organisations, their trays, and one
request with the child's details needed to do the work and nothing more.

A professional sees a child only through an advice request of their organisation that
is open, or closed within the council's `professional_access_days`; never another
organisation's, never another council's (the schema is the council's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, Min, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from casework import clock
from casework.models import (
    AdviceRequest,
    Case,
    CaseKind,
    Child,
    Document,
    Milestone,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
)
from casework.submissions.models import FormSubmission
from citizen.accounts.models import Account
from tenants.models import Council


def professional_memberships(account: Account) -> list[OrganisationMembership]:
    """The account's active places in this council's active organisations."""
    if not getattr(account, "pk", None):
        return []
    return list(
        OrganisationMembership.objects.filter(account=account, is_active=True, organisation__is_active=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def _visible(council: Council) -> Q:
    """Open, or closed within the council's period."""
    since = timezone.now() - timedelta(days=council.professional_access_days)
    return Q(status__in=[AdviceRequest.Status.OPEN, AdviceRequest.Status.TAKEN]) | Q(closed_at__gte=since)


@dataclass(frozen=True)
class TrayRow:
    advice: AdviceRequest
    due: date
    days_left: int


def advice_tray(*, memberships: list[OrganisationMembership], today: date) -> list[TrayRow]:
    """The open requests of the person's organisations, soonest due first (one query)."""
    rows = (
        AdviceRequest.objects.filter(
            organisation__in=[m.organisation_id for m in memberships],
            status__in=[AdviceRequest.Status.OPEN, AdviceRequest.Status.TAKEN],
        )
        .select_related("case__child", "organisation", "taken_by")
        .order_by("requested_on", "id")
    )
    return [TrayRow(a, a.due_on, (a.due_on - today).days) for a in rows]


def advice_recently_closed(*, memberships: list[OrganisationMembership], council: Council) -> QuerySet[AdviceRequest]:
    since = timezone.now() - timedelta(days=council.professional_access_days)
    return (
        AdviceRequest.objects.filter(organisation__in=[m.organisation_id for m in memberships], closed_at__gte=since)
        .select_related("case", "organisation")
        .order_by("-closed_at")
    )


def advice_for_professional(
    *, memberships: list[OrganisationMembership], advice_id: int, council: Council
) -> tuple[AdviceRequest, OrganisationMembership]:
    """The request and the person's membership of its organisation, or 404 when it is not
    their organisation's or its access period has ended (nothing says which)."""
    by_organisation = {m.organisation_id: m for m in memberships}
    advice = (
        AdviceRequest.objects.filter(_visible(council), pk=advice_id, organisation__in=list(by_organisation))
        .select_related("case__child", "organisation", "taken_by", "sent_by")
        .first()
    )
    if advice is None or advice.organisation_id is None:
        raise Http404
    return advice, by_organisation[advice.organisation_id]


def advice_documents(advice: AdviceRequest) -> QuerySet[Document]:
    """The files the organisation sent with this request (only those)."""
    return Document.objects.filter(advice_request=advice, withdrawn_at__isnull=True).order_by("created_at", "id")


def advice_document_for_professional(*, advice: AdviceRequest, document_id: int) -> Document:
    document = advice_documents(advice).filter(pk=document_id).first()
    if document is None:
        raise Http404
    return document


def organisation_for_admin(*, memberships: list[OrganisationMembership], organisation_id: int) -> Organisation:
    """One of the person's organisations where they are an admin, or 404."""
    for membership in memberships:
        if membership.organisation_id == organisation_id and membership.is_admin:
            return membership.organisation
    raise Http404


def organisation_people(organisation: Organisation) -> QuerySet[OrganisationMembership]:
    return (
        OrganisationMembership.objects.filter(organisation=organisation, is_active=True)
        .select_related("account")
        .order_by("account__last_name", "account__first_name", "id")
    )


def organisation_open_invitations(organisation: Organisation) -> QuerySet[OrganisationInvitation]:
    return OrganisationInvitation.objects.filter(
        organisation=organisation, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("email")


def organisation_for_staff(*, organisation_id: int) -> Organisation:
    """One of this council's organisations (a council admin's page), or 404."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404
    return organisation


def organisations_for_council() -> QuerySet[Organisation]:
    return Organisation.objects.order_by("-is_active", "name")


def organisations_to_ask() -> QuerySet[Organisation]:
    return Organisation.objects.filter(is_active=True).order_by("kind", "name")


def overdue_advice_by_organisation(*, today: date) -> list[dict]:
    """Open requests past their 6 weeks, counted by organisation (the dashboard)."""
    return list(
        AdviceRequest.objects.filter(
            organisation__isnull=False,
            status__in=[AdviceRequest.Status.OPEN, AdviceRequest.Status.TAKEN],
            requested_on__lt=today - clock.ADVICE,
        )
        .values("organisation__name")
        .annotate(overdue=Count("id"), oldest=Min("requested_on"))
        .order_by("-overdue", "organisation__name")
    )


def advice_files_by_request(*, case) -> dict[int, list[Document]]:
    """The files organisations sent with the case's advice, by request (one query, none
    when no advice on the case came through the portal)."""
    files: dict[int, list[Document]] = {}
    for document in Document.objects.filter(
        case=case, advice_request__isnull=False, withdrawn_at__isnull=True
    ).order_by("created_at", "id"):
        if document.advice_request_id is not None:
            files.setdefault(document.advice_request_id, []).append(document)
    return files


def advice_forms_by_request(*, case) -> dict[int, FormSubmission]:
    """The advice forms organisations sent on the case, by request (one query)."""
    found: dict[int, FormSubmission] = {}
    for submission in FormSubmission.objects.filter(
        case=case, feeds=FormSubmission.Feeds.ADVICE, draft__advice_request__isnull=False
    ).select_related("draft"):
        if submission.draft.advice_request_id is not None:
            found[submission.draft.advice_request_id] = submission
    return found


def reviews_for(*, memberships: list[OrganisationMembership], council: Council) -> QuerySet[Case]:
    """The annual reviews the person's organisations run: open, or finished within the
    council's access period, soonest deadline first (one query)."""
    since = timezone.localdate() - timedelta(days=council.professional_access_days)
    return (
        Case.objects.filter(
            Q(closed_on__isnull=True) | Q(closed_on__gte=since),
            kind=CaseKind.ANNUAL_REVIEW,
            review_organisation__in=[m.organisation_id for m in memberships],
        )
        .select_related("child", "review_organisation")
        .order_by(F("next_deadline").asc(nulls_last=True), "pk")
    )


def review_for_professional(
    *, memberships: list[OrganisationMembership], case_id: int, council: Council
) -> tuple[Case, OrganisationMembership]:
    """A review the person's organisation runs, and their membership of it; or 404."""
    by_organisation = {m.organisation_id: m for m in memberships}
    case = reviews_for(memberships=memberships, council=council).filter(pk=case_id).first()
    if case is None or case.review_organisation_id is None:
        raise Http404
    return case, by_organisation[case.review_organisation_id]


# A setting may open a child's next review from this long before it is due (the meeting
# needs 2 weeks' notice and the reports 2 weeks before it; most are booked a term ahead).
REVIEW_OPENS_AHEAD = timedelta(weeks=16)


@dataclass(frozen=True)
class ReviewToOpen:
    """A child whose next annual review the setting may open: the plan's issue date and
    its last review meeting (what the new review counts from), and when it is due."""

    child: Child
    organisation: Organisation
    plan_issued: date
    last_reviewed: date | None
    due_on: date


def reviews_to_open(*, memberships: list[OrganisationMembership], council: Council, today: date) -> list[ReviewToOpen]:
    """The children at the person's organisations whose next annual review they may open
    now: only where the council lets settings open reviews, only children the SEND team
    named the organisation the setting of (by giving it a review), with no review under
    way, due within REVIEW_OPENS_AHEAD (or overdue); soonest due first (three queries)."""
    if not council.settings_open_reviews or not memberships:
        return []
    children = {
        child.pk: child
        for child in Child.objects.filter(setting_organisation__in=[m.organisation_id for m in memberships])
        .exclude(cases__kind=CaseKind.ANNUAL_REVIEW, cases__closed_on__isnull=True)
        .select_related("setting_organisation")
    }
    last = {
        case.child_id: case
        for case in Case.objects.filter(child__in=list(children), kind=CaseKind.ANNUAL_REVIEW)
        .order_by("child_id", "-started_on", "-pk")
        .distinct("child_id")
    }
    held: dict[int, dict[str, date]] = {}
    ended = set()  # the last review decided to stop maintaining the plan: no plan to review
    for case_id, key, occurred_on, outcome in Milestone.objects.filter(
        case__in=list(last.values()), key__in=("meeting", "last_reviewed", "decision_notified"), occurred_on__lte=today
    ).values_list("case_id", "key", "occurred_on", "outcome"):
        held.setdefault(case_id, {})[key] = occurred_on
        if key == "decision_notified" and outcome == clock.ReviewOutcome.CEASE:
            ended.add(case_id)
    found = []
    for child_id, case in last.items():
        child = children[child_id]
        assert child.setting_organisation is not None
        if case.pk in ended:
            continue
        dates = held.get(case.pk, {})
        last_reviewed = dates.get("meeting") or dates.get("last_reviewed")
        due_on = clock.annual_review_due(plan_issued=case.started_on, last_reviewed=last_reviewed)
        if due_on - today <= REVIEW_OPENS_AHEAD:
            found.append(ReviewToOpen(child, child.setting_organisation, case.started_on, last_reviewed, due_on))
    return sorted(found, key=lambda r: (r.due_on, r.child.pk))
