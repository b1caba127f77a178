"""Staff screens for drafting a case's EHC plan as data (issue 15, items 2 and 3).

The plan page (cases/<id>/plan/) shows every section with what it says and what a
reader would flag in it; before there is a plan, one button starts it from the case's
Section A and advice. Each section has its own page (cases/<id>/plan/<section>/): the
form, and beside it the findings for that section, which fall as provision is quantified.
A save names the revision the page showed: another caseworker's save of a different
section meanwhile is merged; of the same section, refused by name with nothing lost."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from casework.decorators import staff_actor, staff_required
from casework.forms_plans import PlanCompareForm, PlanSectionForm
from casework.models import AuditEvent, PlanComment, PlanVersion
from casework.permissions import CASEWORK
from casework.plans.changes import plan_changes
from casework.plans.findings import plan_findings
from casework.plans.template import NATIONAL
from casework.selectors.cases import case_for_staff_page
from casework.selectors.plans import (
    AMENDING_KINDS,
    plan_comment_for_staff,
    plan_comments,
    plan_content_at,
    plan_for_case,
    plan_round,
    plan_sections,
    plan_template,
    plan_version,
    plan_versions,
)
from casework.services.audit import audit_record
from casework.services.plans import (
    PlanChangedMeanwhile,
    plan_comment_answer,
    plan_issue,
    plan_section_save,
    plan_start,
    plan_version_pdf,
)
from themes.forms import GovukForm, GovukRadioSelect, add_errors

TEMPLATES = "casework/staff/plans"


@require_http_methods(["GET", "POST"])
@staff_required(roles=CASEWORK)
@never_cache
def plan_view(request: HttpRequest, case_id: int) -> HttpResponse:
    """The whole plan, section by section, with its findings; or, before it is started,
    what it will start from and the button that starts it. On an annual review, the
    child's plan in force, which the review amends: the proposed amendments and the
    amended plan are issued from here, on the review's clock."""
    case = case_for_staff_page(membership=request.staff_membership, case_id=case_id)
    plan = plan_for_case(case)
    if request.method == "POST":
        if plan is None and case.kind in AMENDING_KINDS:
            return redirect("staff:case-plan", case_id=case.pk)  # nothing to start: the page says why
        plan = plan_start(case=case, **staff_actor(request))
        messages.success(request, "The plan is started. Section A holds the family's words and K the advice.")
        return redirect("staff:case-plan", case_id=case.pk)
    if plan is not None:
        audit_record(
            action=AuditEvent.Action.VIEWED,
            subject=AuditEvent.Subject.PLAN,
            subject_id=plan.pk,
            case=case,
            summary="Viewed the EHC plan",
            **staff_actor(request),
        )
    template = plan_template(plan) if plan else NATIONAL
    findings = plan_findings(plan.content, template) if plan else []
    versions = plan_versions(plan) if plan else []
    issuing = plan_round(plan, case, versions) if plan else None
    comments = plan_comments(issuing.opening) if issuing and issuing.opening else []
    before = issuing.before if issuing else None
    compare = PlanCompareForm(request.GET if "before" in request.GET else None, versions=versions)
    return render(
        request,
        f"{TEMPLATES}/plan.html",
        {
            "page_title": f"EHC plan: {case.reference}",
            "case": case,
            "plan": plan,
            "sections": plan_sections(plan.content, findings, template) if plan else [],
            "findings": findings,
            "versions": versions,
            "issuing": issuing,
            "amending": case.kind in AMENDING_KINDS,
            "comments": comments,
            "unanswered": sum(1 for c in comments if not c.answer),
            # Since the draft (or, on a review, the plan as it was): what the final (or
            # amended) plan changed, or what the drafting has changed so far.
            "before": before,
            "changes": plan_changes(before.content, (issuing.closing or plan).content, template)
            if issuing and before
            else [],
            "compare_form": compare,
            "comparison": compare.compared(template) if compare.is_bound else None,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required(roles=CASEWORK)
@never_cache
def plan_section(request: HttpRequest, case_id: int, section: str) -> HttpResponse:
    """One section's form, with its findings beside it."""
    case = case_for_staff_page(membership=request.staff_membership, case_id=case_id)
    plan = plan_for_case(case)
    if plan is None:
        raise Http404
    template = plan_template(plan)
    template_section = template.section(section)
    if template_section is None:
        raise Http404
    if request.method == "POST":
        # The form is drawn from the revision the page showed, so each item's fields
        # line up with what the caseworker saw, whatever was saved since.
        try:
            revision = int(request.POST.get("revision", ""))
        except ValueError:
            revision = plan.revision
        form = PlanSectionForm(
            request.POST, section=template_section, content=plan_content_at(plan, revision), template=template
        )
        autosave = "application/json" in request.headers.get("Accept", "")
        if autosave and not form.is_valid():
            return JsonResponse({"message": "Not saved yet: select Save to see what needs changing."}, status=400)
        if form.is_valid():
            try:
                plan = plan_section_save(
                    case=case,
                    section=section,
                    parts=form.section_parts(),
                    revision=None if form.cleaned_data["replace"] else form.cleaned_data["revision"],
                    **staff_actor(request),
                )
            except PlanChangedMeanwhile as changed:
                if autosave:
                    return JsonResponse({"message": f"Not saved: {changed.messages[0]}"}, status=409)
                add_errors(form, changed)
                form.data = form.data.copy()
                form.data["replace"] = "1"  # they have been told: saving again replaces theirs
            except ValidationError as refusal:
                add_errors(form, refusal)
            else:
                if autosave:
                    saved_at = timezone.localtime(plan.updated_at).strftime("%-I:%M%p").lower()
                    return JsonResponse({"revision": plan.revision, "saved_at": saved_at})
                messages.success(request, f"Section {section} saved.")
                return redirect(reverse("staff:case-plan-section", args=[case.pk, section]) + "#findings")
        plan = plan_for_case(case)
        assert plan is not None
    else:
        form = PlanSectionForm(
            section=template_section, content=plan.content, template=template, initial={"revision": plan.revision}
        )
    findings = [f for f in plan_findings(plan.content, template) if f.section == section]
    keys = [s.key for s in template.sections]
    at = keys.index(section)
    return render(
        request,
        f"{TEMPLATES}/section.html",
        {
            "page_title": f"Section {section}: {template_section.title}",
            "case": case,
            "plan": plan,
            "section": template_section,
            "form": form,
            "findings": findings,
            "previous": template.sections[at - 1] if at else None,
            "next": template.sections[at + 1] if at + 1 < len(keys) else None,
        },
    )


class IssueForm(GovukForm):
    kind = forms.ChoiceField(choices=PlanVersion.Kind.choices, widget=forms.HiddenInput)


class AnswerForm(GovukForm):
    answer = forms.ChoiceField(
        label="Did you change the plan?",
        choices=[
            (PlanComment.Answer.CHANGED.value, "Yes, the plan is changed"),
            (PlanComment.Answer.NOT_CHANGED.value, "No, it is not changed"),
        ],
        widget=GovukRadioSelect,
        error_messages={"required": "Select whether you changed the plan"},
    )
    answer_text = forms.CharField(
        label="What you changed, or why you did not (the family will read this)",
        help_text="Needed if you did not change it.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": "Your answer must be 5,000 characters or fewer"},
    )


@require_http_methods(["GET", "POST"])
@staff_required(roles=CASEWORK)
@never_cache
def plan_issue_view(request: HttpRequest, case_id: int) -> HttpResponse:
    """Issue the draft (or, after it, the final plan; on an annual review, the proposed
    amendments and then the amended plan): what will happen, how many findings are still
    open (they never stop it), and the button."""
    case = case_for_staff_page(membership=request.staff_membership, case_id=case_id)
    plan = plan_for_case(case)
    if plan is None:
        raise Http404
    versions = plan_versions(plan)
    issuing = plan_round(plan, case, versions)
    kind = issuing.next_kind or issuing.closing_kind
    form = IssueForm(request.POST if request.method == "POST" else None, initial={"kind": kind})
    if form.is_valid():
        try:
            version = plan_issue(case=case, kind=form.cleaned_data["kind"], **staff_actor(request))
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            done = (
                "The proposed amendments are sent"
                if version.kind == PlanVersion.Kind.PROPOSED
                else f"The {version.get_kind_display().lower()} is issued"
            )
            messages.success(request, f"{done}. The family has been told.")
            return redirect("staff:case-plan", case_id=case.pk)
    return render(
        request,
        f"{TEMPLATES}/issue.html",
        {
            "page_title": f"Issue the {PlanVersion.Kind(kind).label.lower()}",
            "case": case,
            "plan": plan,
            "kind": kind,
            "label": PlanVersion.Kind(kind).label.lower(),
            "issuing": issuing,
            "form": form,
            "done": issuing.next_kind is None,
            "findings": plan_findings(plan.content, plan_template(plan)),
            "unanswered": sum(1 for c in plan_comments(issuing.opening) if not c.answer) if issuing.opening else 0,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required(roles=CASEWORK)
@never_cache
def plan_comment(request: HttpRequest, case_id: int, comment_id: int) -> HttpResponse:
    """A family's comment on the draft, and the team's answer to it."""
    case = case_for_staff_page(membership=request.staff_membership, case_id=case_id)
    comment = plan_comment_for_staff(plan=plan_for_case(case), comment_id=comment_id)
    initial = {"answer": comment.answer, "answer_text": comment.answer_text}
    form = AnswerForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        try:
            plan_comment_answer(comment=comment, **form.cleaned_data, **staff_actor(request))
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, "Answered. The family can read your answer.")
            return redirect(reverse("staff:case-plan", args=[case.pk]) + f"#section-{comment.section}")
    return render(
        request,
        f"{TEMPLATES}/comment.html",
        {"page_title": f"Answer the comment on {comment.on}", "case": case, "comment": comment, "form": form},
    )


@require_safe
@staff_required(roles=CASEWORK)
@never_cache
def plan_pdf(request: HttpRequest, case_id: int, number: int) -> HttpResponse:
    """An issued version as a PDF."""
    case = case_for_staff_page(membership=request.staff_membership, case_id=case_id)
    version = plan_version(plan=plan_for_case(case), number=number)
    audit_record(
        action=AuditEvent.Action.DOWNLOADED,
        subject=AuditEvent.Subject.PLAN,
        subject_id=version.plan_id,
        case=case,
        summary=f"Downloaded the {version.get_kind_display().lower()} as a PDF",
        **staff_actor(request),
    )
    response = HttpResponse(plan_version_pdf(version=version), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ehc-plan-{case.reference}-{version.kind}.pdf"'
    return response
