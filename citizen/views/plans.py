"""The EHC plan on the family's side (issue 15, items 4 and 5): the plan as issued, as a
web page with a heading per section (not only a PDF); comments on any section or single
provision while the draft (or, after an annual review, the proposed amendments) is open,
each with the SEND team's answer; what the final (or amended) plan changed, section by
section, in words; and any two versions compared."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from casework import clock
from casework.forms_plans import PlanCompareForm
from casework.models import AuditEvent, Case, PlanVersion
from casework.plans.changes import plan_changes
from casework.plans.template import PlanTemplate
from casework.selectors.plans import (
    PlanRound,
    plan_comments,
    plan_for_case,
    plan_round,
    plan_sections,
    plan_template,
    plan_version,
    plan_versions,
)
from casework.services.audit import audit_record
from casework.services.messages import FAMILY
from casework.services.plans import plan_comment_add, plan_version_pdf
from citizen.forms import PlanCommentForm
from themes.forms import add_errors

from .cases import _case_context, _family_only, _seen_by_trusted
from .common import send_area

TEMPLATES = "citizen/cases"


def _issued(case: Case) -> tuple[list[PlanVersion], PlanRound | None]:
    """The plan's issued versions, and where this case is in issuing them."""
    plan = plan_for_case(case)
    versions = plan_versions(plan) if plan else []
    return versions, plan_round(plan, case, versions) if plan and versions else None


def _shown(issuing: PlanRound) -> PlanVersion | None:
    """The version the page shows: on the plan's own case the plan in force (or the draft
    before there is one); on an annual review, what the review issued, else the plan in force."""
    if issuing.amending:
        return issuing.closing or issuing.opening or issuing.in_force
    return issuing.in_force or issuing.opening


def _looked(request: HttpRequest, context: dict, version: PlanVersion, action: str, summary: str) -> None:
    """A family member's look at the plan is an audit event; someone they trust's is
    listed in "who has seen the records" as well."""
    if context["trusted"]:
        _seen_by_trusted(request, context, subject="plan", summary=summary)
        return
    audit_record(
        actor=request.user,
        actor_role=FAMILY,
        action=action,
        subject=AuditEvent.Subject.PLAN,
        subject_id=version.plan_id,
        case=context["case"],
        summary=summary,
        request=request,
    )


def _blocks(content: dict, comments: list, template: PlanTemplate) -> list[dict]:
    """Each section with its comments, and each item with its own: what the page draws."""
    on: dict[tuple[str, str], list] = {}
    for comment in comments:
        on.setdefault((comment.section, comment.item), []).append(comment)
    return [
        {
            "shown": shown,
            "comments": on.get((shown.section.key, ""), []),
            "listed": [
                (part, [(item, on.get((shown.section.key, item["id"]), [])) for item in listed])
                for part, listed in shown.listed
            ],
        }
        for shown in plan_sections(content, [], template)
    ]


@require_safe
@send_area
def case_plan(request: HttpRequest, case_id: int) -> HttpResponse:
    """The plan as last issued; the comments on it and their answers; what changed; any
    two versions compared."""
    context = _case_context(request, case_id)
    case = context["case"]
    versions, issuing = _issued(case)
    shown = _shown(issuing) if issuing else None
    this_round = issuing is not None and shown is not None and shown in (issuing.opening, issuing.closing)
    comments = plan_comments(issuing.opening) if this_round and issuing and issuing.opening else []
    if shown is not None:
        _looked(request, context, shown, AuditEvent.Action.VIEWED, f"Read the {shown.get_kind_display().lower()}")
    # What changed: the final plan since the draft; proposed amendments, and the amended
    # plan, since the plan as it stood before the review.
    # The draft itself has nothing before it to compare with.
    changes_from = issuing.before if this_round and issuing and (issuing.amending or shown is issuing.closing) else None
    template = plan_template(shown.plan) if shown else None
    compare = PlanCompareForm(request.GET if "before" in request.GET else None, versions=versions)
    proposed_elsewhere = next(
        (
            v
            for v in reversed(versions)
            if v.kind == PlanVersion.Kind.PROPOSED
            and v.case_id != case.pk
            and not any(later.kind == PlanVersion.Kind.AMENDMENT and later.number > v.number for later in versions)
        ),
        None,
    )
    return render(
        request,
        f"{TEMPLATES}/plan.html",
        {
            **context,
            "page_title": "The EHC plan",
            "current": "plan",
            "shown": shown,
            "blocks": _blocks(shown.content, comments, template) if shown and template else [],
            "comments": comments,
            "may_comment": bool(issuing and issuing.open_for_comments and shown is issuing.opening)
            and not context["trusted"],
            "last_day": clock.comments_close(issuing.opening.issued_on) if issuing and issuing.opening else None,
            "changes_from": changes_from,
            "changes": plan_changes(changes_from.content, shown.content, template)
            if changes_from and shown and template
            else [],
            "proposed_elsewhere": proposed_elsewhere,
            "compare_form": compare,
            "comparison": compare.compared(template) if compare.is_bound and template else None,
        },
    )


@require_http_methods(["GET", "POST"])
@send_area
def case_plan_comment(request: HttpRequest, case_id: int) -> HttpResponse:
    """Comment on one section of the draft or the proposed amendments (?on=F), or one part
    of it (?on=F.f1)."""
    context = _case_context(request, case_id)
    _family_only(context)
    case = context["case"]
    _versions, issuing = _issued(case)
    draft = issuing.opening if issuing else None
    section_key, _, item = (request.GET.get("on") or "").partition(".")
    section = plan_template(draft.plan).section(section_key) if draft else None
    if issuing is None or draft is None or section is None:
        raise Http404
    held = draft.content.get(section_key, {})
    found = [(p.kind, i) for p in section.parts if p.kind != "text" for i in held.get(p.key, []) if i["id"] == item]
    if item and not found:
        raise Http404
    kind, shown = found[0] if found else ("", None)
    on = f"{kind} {item}" if item else f"section {section_key}"
    closed = issuing.closing is not None
    form = PlanCommentForm(request.POST if request.method == "POST" and not closed else None)
    if form.is_valid():
        try:
            plan_comment_add(
                version=draft,
                account=request.user,
                section=section_key,
                item=item,
                text=form.cleaned_data["text"],
                request=request,
            )
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, f"Your comment on {on} has been sent to the SEND team.")
            return redirect(reverse("family:case-plan", args=[case.pk]) + f"#section-{section_key}")
    return render(
        request,
        f"{TEMPLATES}/plan_comment.html",
        {
            **context,
            "page_title": f"Comment on {on} of {draft.called.replace('the draft', 'the draft plan')}",
            "draft": draft,
            "form": form,
            "section": section,
            "item": shown,
            "on": on,
            "closed": closed,
        },
    )


@require_safe
@send_area
def case_plan_pdf(request: HttpRequest, case_id: int, number: int) -> HttpResponse:
    """An issued version as a PDF, with a link back to the web page."""
    context = _case_context(request, case_id)
    case = context["case"]
    version = plan_version(plan=plan_for_case(case), number=number)
    summary = f"Downloaded the {version.get_kind_display().lower()} as a PDF"
    _looked(request, context, version, AuditEvent.Action.DOWNLOADED, summary)
    page = request.build_absolute_uri(reverse("family:case-plan", args=[case.pk]))
    content = plan_version_pdf(version=version, web_address=page)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ehc-plan-{case.reference}-{version.kind}.pdf"'
    return response
