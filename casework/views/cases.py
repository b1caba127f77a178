"""The SEND team's screens for cases: the caseload, a case's page, recording its steps,
exceptions and advice, opening a case for a child, and the timeliness dashboard.
Thin: parse, call a selector or a service, render."""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from casework import clock
from casework.decorators import staff_actor, staff_required
from casework.forms_cases import (
    AdviceReceivedForm,
    AdviceRequestForm,
    CaseAssignForm,
    CaseExceptionForm,
    CaseKindForm,
    CaseloadFilterForm,
    CaseOpenForm,
    StepCorrectForm,
    StepRecordForm,
)
from casework.forms_organisations import AdviceAskForm
from casework.models import CaseKind
from casework.permissions import CASEWORK, CORRECT_STEPS, DASHBOARD
from casework.plans.findings import plan_findings
from casework.selectors.access import child_for_staff
from casework.selectors.cases import (
    EXCEPTION_REASONS,
    KINDS_WITH_EXCEPTIONS,
    STARTED_ON_LABELS,
    TRANSFER_KINDS,
    advice_request_for_case,
    case_audit_trail,
    case_corrections,
    case_family_members,
    case_for_staff_page,
    case_records,
    case_timeline,
    caseload,
    caseload_rows,
    caseload_values,
    caseworker_names,
    council_service_areas,
    family_replies,
    milestone_for_case,
    recorded_steps,
    staff_caseworkers,
    stage_label,
    step_kind,
    steps_accepted,
    steps_waiting,
    timeliness_by_month,
    timeliness_summary,
)
from casework.selectors.plans import AMENDING_KINDS, plan_for_case, plan_quality_summary, plan_template, plan_versions
from casework.selectors.professionals import (
    advice_files_by_request,
    advice_forms_by_request,
    organisations_to_ask,
    overdue_advice_by_organisation,
)
from casework.services.advice import advice_ask
from casework.services.cases import (
    advice_received,
    advice_request_record,
    case_assign,
    case_exception_record,
    case_open,
    case_view_record,
    milestone_record,
)
from casework.services.corrections import milestone_correct, milestone_withdraw
from casework.services.reviews import review_setting_set
from casework.submissions.selectors import submissions_for_case
from casework.views.caseload_table import caseload_rows_html
from themes.forms import add_errors
from themes.wording import in_sentence

TEMPLATES = "casework/staff/cases"
PER_PAGE = 50


# --- The caseload ---------------------------------------------------------------------------


@require_safe
@staff_required(roles=CASEWORK)
@never_cache
def caseload_view(request: HttpRequest) -> HttpResponse:
    """Every case of the council, soonest deadline first, filtered and searched (GET)."""
    today = timezone.localdate()
    form = CaseloadFilterForm(
        request.GET or None, service_areas=list(council_service_areas()), caseworkers=caseworker_names()
    )
    cases = caseload(account=request.user, filters=form.filters(), today=today)
    page = Paginator(cases, PER_PAGE).get_page(request.GET.get("page"))  # counts the cases alone
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    rows = caseload_rows(caseload_values(page.object_list), today=today)
    return render(
        request,
        f"{TEMPLATES}/caseload.html",
        {
            "page_title": "Caseload",
            "filter_form": form,
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
            "page": page,
            "rows": rows,
            "rows_html": caseload_rows_html(rows),
            "page_links": _page_links(page),
            "query": query,
        },
    )


def _page_links(page) -> list[int | None]:
    """GOV.UK pagination: first, last, current and its neighbours; None for an ellipsis."""
    last = page.paginator.num_pages
    wanted = sorted({1, last, page.number - 1, page.number, page.number + 1} & set(range(1, last + 1)))
    links: list[int | None] = []
    for number in wanted:
        if links and number - (links[-1] or 0) > 1:
            links.append(None)
        links.append(number)
    return links


# --- A case ------------------------------------------------------------------------------------


@require_safe
@staff_required(roles=CASEWORK)
@never_cache
def case_view(request: HttpRequest, case_id: int) -> HttpResponse:
    """A case: the child and family, the timeline, what can be recorded next, exceptions,
    advice, and the audit trail. Viewing it is an audit event."""
    case = case_for_staff_page(membership=request.staff_membership, case_id=case_id)
    today = timezone.localdate()
    records = case_records(case)
    timeline = case_timeline(case, today, records)
    replies = family_replies(case)
    case_view_record(case=case, **staff_actor(request))
    through_portal = any(a.organisation_id for a in records.advice)
    advice_files = advice_files_by_request(case=case) if through_portal else {}
    advice_forms = advice_forms_by_request(case=case) if through_portal else {}
    plan = plan_for_case(case)
    return render(
        request,
        f"{TEMPLATES}/case.html",
        {
            "page_title": f"{case.get_kind_display()} {case.reference}",
            "case": case,
            "child": case.child,
            "stage": stage_label(case.stage),
            "timeline": timeline,
            "records": records,
            "started_on_label": STARTED_ON_LABELS[case.kind],
            "transfer_kind": dict(TRANSFER_KINDS).get(case.transfer_kind, ""),
            "recorded": recorded_steps(case, records),
            "advice": [
                {
                    "request": a,
                    "due": a.due_on,
                    "documents": advice_files.get(a.pk, []),
                    "form": advice_forms.get(a.pk),
                }
                for a in records.advice
            ],
            "exceptions": [{"row": e, "reason": dict(EXCEPTION_REASONS)[e.reason]} for e in records.exceptions],
            "accepted": steps_accepted(case, records, today, replies),
            "waiting": steps_waiting(case, records, today, replies),
            "may_correct": request.staff_membership.role in CORRECT_STEPS,
            "corrections": case_corrections(case),
            "exceptions_apply": case.kind in KINDS_WITH_EXCEPTIONS,
            "takes_advice": case.kind == CaseKind.ASSESSMENT,
            "review_organisations": list(organisations_to_ask()) if case.kind == CaseKind.ANNUAL_REVIEW else [],
            "family": list(case_family_members(case)),
            "audit_trail": case_audit_trail(case),
            "submissions": submissions_for_case(case=case),
            "plan": plan,
            "plan_findings": len(plan_findings(plan.content, plan_template(plan))) if plan else 0,
            "plan_versions": plan_versions(plan) if plan else [],
            "plan_amending": case.kind in AMENDING_KINDS,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required(roles=CASEWORK)
@never_cache
def case_step(request: HttpRequest, case_id: int) -> HttpResponse:
    """Record a step: first choose one of those the clock accepts next, then its date
    (and decision, where it is one)."""
    case = case_for_staff_page(membership=request.staff_membership, case_id=case_id)
    today = timezone.localdate()
    records = case_records(case)
    accepted = steps_accepted(case, records, today)
    key = request.POST.get("key") if request.method == "POST" else request.GET.get("step")
    step = step_kind(case.kind, key or "")
    context = {"case": case, "accepted": accepted}
    if step is None or step not in accepted:
        if request.method == "POST":
            messages.error(request, "That step cannot be recorded on this case now. Choose another.")
        return render(request, f"{TEMPLATES}/step_choose.html", {**context, "page_title": "Record a step"})

    form = StepRecordForm(request.POST if request.method == "POST" else None, step=step)
    if form.is_valid():
        try:
            milestone_record(
                case=case,
                key=step.key,
                occurred_on=form.cleaned_data["occurred_on"],
                outcome=form.cleaned_data.get("outcome", ""),
                note=form.cleaned_data["note"],
                today=today,
                **staff_actor(request),
            )
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, f"Recorded: {step.label}")
            return redirect("staff:case", case_id=case.pk)
    return render(
        request, f"{TEMPLATES}/step_record.html", {**context, "page_title": step.label, "form": form, "step": step}
    )


@require_http_methods(["GET", "POST"])
@staff_required(roles=CORRECT_STEPS)
@never_cache
def case_step_correct(request: HttpRequest, case_id: int, milestone_id: int) -> HttpResponse:
    """A team manager puts right a step recorded by mistake: its date or decision, or
    withdraws it, with the reason (casework.services.corrections)."""
    case = case_for_staff_page(membership=request.staff_membership, case_id=case_id)
    milestone = milestone_for_case(case=case, milestone_id=milestone_id)
    step = step_kind(case.kind, milestone.key)
    if step is None:
        raise Http404
    form = StepCorrectForm(request.POST if request.method == "POST" else None, step=step, milestone=milestone)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == StepCorrectForm.WITHDRAW:
                correction = milestone_withdraw(
                    milestone=milestone, reason=data["reason"], actor=request.user, request=request
                )
            else:
                correction = milestone_correct(
                    milestone=milestone,
                    occurred_on=data["occurred_on"],
                    outcome=data.get("outcome", "") or milestone.outcome,
                    reason=data["reason"],
                    actor=request.user,
                    request=request,
                )
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            told = " The family has been told the timeline changed." if correction.family_told else ""
            done = "Withdrawn" if data["action"] == StepCorrectForm.WITHDRAW else "Corrected"
            messages.success(request, f"{done}: {step.label}.{told}")
            return redirect("staff:case", case_id=case.pk)
    recorded = clock.long_date(milestone.occurred_on)
    return render(
        request,
        f"{TEMPLATES}/step_correct.html",
        {
            "page_title": f"Correct a step: {step.label}",
            "heading": f"Correct a step: {step.label}",
            "lede": f"Recorded as {recorded}. The timeline is worked out again from the corrected steps, and the "
            "family is told if what they see changes.",
            "case": case,
            "milestone": milestone,
            "form": form,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required(roles=CASEWORK)
@never_cache
def case_exception(request: HttpRequest, case_id: int) -> HttpResponse:
    """Record an exception to the time limits (reg 10(4))."""
    case = case_for_staff_page(membership=request.staff_membership, case_id=case_id)
    if case.kind not in KINDS_WITH_EXCEPTIONS:
        raise Http404
    form = CaseExceptionForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            case_exception_record(case=case, **form.cleaned_data, **staff_actor(request))
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, "Exception recorded: the deadlines it affects have been extended")
            return redirect("staff:case", case_id=case.pk)
    return render(
        request,
        f"{TEMPLATES}/exception.html",
        {"page_title": "Record an exception to the time limits", "case": case, "form": form},
    )


@require_http_methods(["GET", "POST"])
@staff_required(roles=CASEWORK)
@never_cache
def case_advice(request: HttpRequest, case_id: int) -> HttpResponse:
    """Record a request for advice from a professional (reg 8: 6 weeks)."""
    case = case_for_staff_page(membership=request.staff_membership, case_id=case_id)
    if case.kind != CaseKind.ASSESSMENT:
        raise Http404
    form = AdviceRequestForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            advice_request_record(case=case, **form.cleaned_data, **staff_actor(request))
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, "Advice request recorded")
            return redirect("staff:case", case_id=case.pk)
    return render(
        request, f"{TEMPLATES}/advice.html", {"page_title": "Record a request for advice", "case": case, "form": form}
    )


@require_POST
@staff_required(roles=CASEWORK)
@never_cache
def case_review_setting(request: HttpRequest, case_id: int) -> HttpResponse:
    """Give an annual review to the child's school or setting to run (or take it back)."""
    case = case_for_staff_page(membership=request.staff_membership, case_id=case_id)
    if case.kind != CaseKind.ANNUAL_REVIEW:
        raise Http404
    chosen = request.POST.get("organisation", "")
    organisation = next((o for o in organisations_to_ask() if str(o.pk) == chosen), None)
    if chosen and organisation is None:
        messages.error(request, "Choose an organisation registered with the council")
        return redirect(reverse("staff:case", args=[case.pk]) + "#review-setting")
    try:
        review_setting_set(case=case, organisation=organisation, **staff_actor(request))
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(
            request, f"{organisation.name} runs this review" if organisation else "The SEND team runs this review"
        )
    return redirect(reverse("staff:case", args=[case.pk]) + "#review-setting")


@require_http_methods(["GET", "POST"])
@staff_required(roles=CASEWORK)
@never_cache
def case_advice_ask(request: HttpRequest, case_id: int) -> HttpResponse:
    """Ask organisations for advice through the portal: each gets a request on its tray
    and an email (no names), due in 6 weeks (reg 8)."""
    case = case_for_staff_page(membership=request.staff_membership, case_id=case_id)
    if case.kind != CaseKind.ASSESSMENT:
        raise Http404
    organisations = list(organisations_to_ask())
    form = AdviceAskForm(request.POST if request.method == "POST" else None, organisations=organisations)
    if form.is_valid():
        chosen = [o for o in organisations if str(o.pk) in form.cleaned_data["organisations"]]
        try:
            asked = advice_ask(
                case=case,
                organisations=chosen,
                kind=form.cleaned_data["kind"],
                cover=form.cleaned_data["cover"],
                family_consent=form.cleaned_data["family_consent"],
                **staff_actor(request),
            )
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, f"Advice asked of {', '.join(a.adviser for a in asked)}")
            return redirect("staff:case", case_id=case.pk)
    return render(
        request,
        f"{TEMPLATES}/advice_ask.html",
        {"page_title": "Ask for advice", "case": case, "form": form, "organisations": organisations},
    )


@require_http_methods(["GET", "POST"])
@staff_required(roles=CASEWORK)
@never_cache
def case_advice_received(request: HttpRequest, case_id: int, advice_id: int) -> HttpResponse:
    case = case_for_staff_page(membership=request.staff_membership, case_id=case_id)
    advice = advice_request_for_case(case=case, advice_id=advice_id)
    form = AdviceReceivedForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            advice_received(advice_request=advice, received_on=form.cleaned_data["received_on"], **staff_actor(request))
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, f"Advice from {advice.adviser} recorded as received")
            return redirect("staff:case", case_id=case.pk)
    return render(
        request,
        f"{TEMPLATES}/advice_received.html",
        {"page_title": f"Advice from {advice.adviser} received", "case": case, "advice": advice, "form": form},
    )


@require_http_methods(["GET", "POST"])
@staff_required(roles=CASEWORK)
@never_cache
def case_caseworker(request: HttpRequest, case_id: int) -> HttpResponse:
    """Give the case to a member of the SEND team."""
    case = case_for_staff_page(membership=request.staff_membership, case_id=case_id)
    caseworkers = list(staff_caseworkers())
    form = CaseAssignForm(
        request.POST if request.method == "POST" else None,
        caseworkers=caseworkers,
        initial={"caseworker": str(case.caseworker_id or "")},
    )
    if form.is_valid():
        try:
            case_assign(case=case, caseworker=form.chosen_caseworker, **staff_actor(request))
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, "Caseworker changed")
            return redirect("staff:case", case_id=case.pk)
    return render(
        request, f"{TEMPLATES}/caseworker.html", {"page_title": "Change the caseworker", "case": case, "form": form}
    )


# --- Opening a case -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required(roles=CASEWORK)
@never_cache
def case_new(request: HttpRequest, child_id: int) -> HttpResponse:
    """Open a case for a child: the kind first (?kind=…), then its start date in that
    kind's words, the kind of move for a phase transfer, and a caseworker."""
    child = child_for_staff(membership=request.staff_membership, child_id=child_id)
    kind_form = CaseKindForm(request.GET if "kind" in request.GET else None)
    context = {"child": child, "page_title": "Open a case"}
    if not kind_form.is_valid():
        return render(request, f"{TEMPLATES}/case_kind.html", {**context, "form": kind_form})

    kind = kind_form.cleaned_data["kind"]
    caseworkers = list(staff_caseworkers())
    form = CaseOpenForm(
        request.POST if request.method == "POST" else None,
        kind=kind,
        caseworkers=caseworkers,
        initial={"caseworker": str(request.user.pk)},
    )
    if form.is_valid():
        try:
            case = case_open(
                child=child,
                kind=kind,
                started_on=form.cleaned_data["started_on"],
                transfer_kind=form.cleaned_data.get("transfer_kind", ""),
                caseworker=form.chosen_caseworker,
                **staff_actor(request),
            )
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, f"Case {case.reference} opened")
            return redirect("staff:case", case_id=case.pk)
    return render(
        request,
        f"{TEMPLATES}/case_new.html",
        {
            **context,
            "page_title": f"Open a case: {in_sentence(CaseKind(kind).label)}",
            "kind": kind,
            "kind_label": CaseKind(kind).label,
            "form": form,
            "action": f"{reverse('staff:case-new', args=[child.pk])}?{urlencode({'kind': kind})}",
        },
    )


# --- Timeliness -------------------------------------------------------------------------------------


@require_safe
@staff_required(roles=DASHBOARD)
@never_cache
def dashboard(request: HttpRequest) -> HttpResponse:
    """Timeliness over the last 12 months, open assessments by stage, overdue cases, and
    overdue advice by organisation."""
    today = timezone.localdate()
    return render(
        request,
        f"{TEMPLATES}/dashboard.html",
        {
            "page_title": "Timeliness",
            "summary": timeliness_summary(today=today),
            "months": timeliness_by_month(today=today),
            "overdue_advice": overdue_advice_by_organisation(today=today),
            "plan_quality": plan_quality_summary(today=today),
        },
    )


def _csv_cell(value) -> str:
    """A cell a spreadsheet shows as text: one that starts like a formula is quoted."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _dashboard_table(table: str, today) -> tuple[list[str], list[list]]:
    if table == "plans":
        summary = timeliness_summary(today=today)
        head = ["Measure", "Value", "Plans counted in", "Plans counted"]
        return head, [
            ["Final plans issued", summary.plans_issued, "", ""],
            *[
                [label, str(p), p.numerator, p.denominator]
                for label, p in (
                    ("Issued within 20 weeks, including exceptions", summary.within_20_weeks),
                    ("Issued within 20 weeks, excluding exceptions", summary.within_20_weeks_excluding_exceptions),
                    ("Issued by the deadline extended for exceptions", summary.within_extended_deadline),
                )
            ],
        ]
    if table == "plan-quality":
        head = ["Plans written in the portal", "Issued", "With nothing flagged", "Findings open on average"]
        return head, [[r.kind, r.issued, r.nothing_flagged, r.average] for r in plan_quality_summary(today=today)]
    if table == "plans-by-month":
        head = ["Month", "Final plans issued", "Within 20 weeks, including exceptions", "Within, excluding exceptions"]
        return head, [
            [
                m.month.strftime("%Y-%m"),
                m.plans_issued,
                str(m.within_20_weeks),
                str(m.within_20_weeks_excluding_exceptions),
            ]
            for m in timeliness_by_month(today=today)
        ]
    if table == "open-by-stage":
        return ["Stage", "Cases"], [list(row) for row in timeliness_summary(today=today).open_by_stage]
    if table == "overdue-by-kind":
        return ["Kind of case", "Overdue"], [list(row) for row in timeliness_summary(today=today).overdue_by_kind]
    if table == "overdue-advice":
        return ["Organisation", "Overdue", "Oldest asked"], [
            [row["organisation__name"], row["overdue"], row["oldest"].isoformat()]
            for row in overdue_advice_by_organisation(today=today)
        ]
    raise Http404


@require_safe
@staff_required(roles=DASHBOARD)
@never_cache
def dashboard_csv(request: HttpRequest, table: str) -> HttpResponse:
    """One of the dashboard's tables as CSV, as the page shows it today (figures only:
    no child is named)."""
    today = timezone.localdate()
    head, rows = _dashboard_table(table, today)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{request.tenant.slug}-{table}-{today.isoformat()}.csv"'
    writer = csv.writer(response)
    writer.writerow(head)
    for row in rows:
        writer.writerow([_csv_cell(cell) for cell in row])
    return response
