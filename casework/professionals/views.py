"""The professionals' screens: the tray, one request, sending or declining advice, and an
organisation's people. Every page is behind professional_required; a request or file
that is not the person's organisation's is a 404, whatever the reason."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework.decorators import stronger_two_step
from casework.file_checks import DOCUMENT_MAX_BYTES
from casework.forms_organisations import MemberInviteForm
from casework.models import AuditEvent, OrganisationInvitation
from casework.selectors.cases import case_records, case_timeline, step_kinds, steps_accepted
from casework.selectors.professionals import (
    advice_document_for_professional,
    advice_documents,
    advice_for_professional,
    advice_recently_closed,
    advice_tray,
    organisation_for_admin,
    organisation_open_invitations,
    organisation_people,
    professional_memberships,
    review_for_professional,
    reviews_for,
    reviews_to_open,
)
from casework.services.advice import (
    advice_decline,
    advice_draft,
    advice_draft_open,
    advice_form_for,
    advice_form_send,
    advice_send,
    advice_take,
)
from casework.services.audit import audit_record
from casework.services.documents import document_download
from casework.services.organisations import (
    PROFESSIONAL,
    MemberChangeRefused,
    organisation_invitation_accept,
    organisation_invitation_accept_new_account,
    organisation_invitation_create,
    organisation_invitation_for_token,
    organisation_invitation_withdraw,
    organisation_member_remove,
)
from casework.services.reviews import (
    SETTING_STEPS,
    NotYoursToOpen,
    review_open_by_setting,
    review_report_draft,
    review_report_draft_open,
    review_report_form,
    review_report_form_send,
    review_step_record,
)
from casework.submissions.flow import progress
from casework.submissions.forms import DeclarationForm
from casework.submissions.pages import DraftStore, Runner, Urls
from casework.views.team import invitation_page
from citizen.accounts.decorators import two_step_required
from tenants.form_definitions import form_definition
from themes.forms import add_errors

from .forms import AdviceDeclineForm, AdviceGiveForm, AdviceSendForm, MemberRemoveForm, ReviewStepForm

TEMPLATES = "casework/professionals"
HOME = "/professionals/"

View = Callable[..., HttpResponse]


def professional_required(view: View) -> View:
    """Two-step verified, then an active place in one of this council's organisations
    (403 otherwise, as staff pages answer), held to staff's authenticator policy. The view
    finds the memberships at `request.professional_memberships`."""

    @wraps(view)
    @two_step_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        memberships = professional_memberships(request.user)
        if not memberships:
            return render(
                request, "accounts/sign_in/no_access.html", {"page_title": "You do not have access"}, status=403
            )
        stronger = stronger_two_step(request)
        if stronger is not None:
            return stronger
        request.professional_memberships = memberships
        return view(request, *args, **kwargs)

    return wrapper


# --- Joining ------------------------------------------------------------------------------


@sensitive_post_parameters("password", "password_confirm")
@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    invited = organisation_invitation_for_token(token)
    name = invited.organisation.name if invited else ""
    return invitation_page(
        request,
        invited=invited,
        token_url=reverse("professionals:invitation", args=[token]),
        joining=f"{name} on {request.tenant.name}'s {request.tenant.service_name}",
        accept=organisation_invitation_accept,
        accept_new_account=organisation_invitation_accept_new_account,
        joined=f"You have joined {name}",
        home=HOME,
        join_button=f"Create account and join {name}",
    )


# --- The tray and one request ---------------------------------------------------------------


@never_cache
@require_GET
@professional_required
def tray(request: HttpRequest) -> HttpResponse:
    memberships = request.professional_memberships
    today = timezone.localdate()
    return render(
        request,
        f"{TEMPLATES}/tray.html",
        {
            "page_title": "Requests for advice",
            "rows": advice_tray(memberships=memberships, today=today),
            "closed": advice_recently_closed(memberships=memberships, council=request.tenant)[:50],
            "reviews": reviews_for(memberships=memberships, council=request.tenant),
            "to_open": reviews_to_open(memberships=memberships, council=request.tenant, today=today),
            "today": today,
            "memberships": memberships,
            "several": len(memberships) > 1,
        },
    )


def _request(request: HttpRequest, advice_id: int):
    return advice_for_professional(
        memberships=request.professional_memberships, advice_id=advice_id, council=request.tenant
    )


@never_cache
@require_GET
@professional_required
def advice(request: HttpRequest, advice_id: int) -> HttpResponse:
    """One request: what is asked, by when, and the child's details needed to do the work."""
    found, membership = _request(request, advice_id)
    audit_record(
        actor=request.user,
        actor_role=PROFESSIONAL,
        action=AuditEvent.Action.VIEWED,
        subject=AuditEvent.Subject.CASE,
        subject_id=found.case_id,
        case=found.case,
        summary="Looked at a request for advice",
        request=request,
        organisation=found.organisation,
    )
    colleagues = [m for m in organisation_people(found.organisation) if m.account_id != found.taken_by_id]
    due = found.due_on
    return render(
        request,
        f"{TEMPLATES}/advice.html",
        {
            "page_title": f"Request for advice: case {found.case.reference}",
            "advice": found,
            "membership": membership,
            "child": found.case.child,
            "due": due,
            "days_left": (due - timezone.localdate()).days,
            "on_time": found.on_time,
            "documents": advice_documents(found),
            "give_form": AdviceGiveForm(colleagues=colleagues) if membership.is_admin and found.is_open else None,
            "advice_form": advice_form_for(found) if found.is_open else None,
            "advice_draft": advice_draft(found) if found.is_open else None,
        },
    )


@never_cache
@require_POST
@professional_required
def advice_take_view(request: HttpRequest, advice_id: int) -> HttpResponse:
    found, membership = _request(request, advice_id)
    to = None
    if "to" in request.POST:
        colleagues = list(organisation_people(found.organisation))
        form = AdviceGiveForm(request.POST, colleagues=colleagues)
        if not form.is_valid():
            messages.error(request, "Choose a colleague to give the request to")
            return redirect("professionals:advice", advice_id=found.pk)
        to = next(m for m in colleagues if str(m.pk) == form.cleaned_data["to"])
    try:
        advice_take(advice=found, membership=membership, to=to, request=request)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, "Request given to your colleague" if to else "You have taken this request")
    return redirect("professionals:advice", advice_id=found.pk)


@never_cache
@require_http_methods(["GET", "POST"])
@professional_required
def advice_send_view(request: HttpRequest, advice_id: int) -> HttpResponse:
    found, membership = _request(request, advice_id)
    if not found.is_open:
        return redirect("professionals:advice", advice_id=found.pk)
    form = AdviceSendForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    if request.method == "POST" and form.is_valid():
        try:
            advice_send(
                advice=found,
                membership=membership,
                note=form.cleaned_data["note"],
                files=form.cleaned_data["files"],
                request=request,
            )
        except ValidationError as refused:
            add_errors(form, refused)
        else:
            messages.success(request, "Your advice has been sent to the SEND team")
            return redirect("professionals:advice", advice_id=found.pk)
    return render(
        request,
        f"{TEMPLATES}/send.html",
        {"page_title": "Send your advice", "advice": found, "form": form, "due": found.due_on},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@professional_required
def advice_decline_view(request: HttpRequest, advice_id: int) -> HttpResponse:
    found, membership = _request(request, advice_id)
    if not found.is_open:
        return redirect("professionals:advice", advice_id=found.pk)
    form = AdviceDeclineForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            advice_decline(advice=found, membership=membership, reason=form.cleaned_data["reason"], request=request)
        except ValidationError as refused:
            add_errors(form, refused)
        else:
            messages.success(request, "You have declined the request. The SEND team has been told.")
            return redirect("professionals:tray")
    return render(
        request, f"{TEMPLATES}/decline.html", {"page_title": "Decline the request", "advice": found, "form": form}
    )


@require_GET
@professional_required
def advice_document(request: HttpRequest, advice_id: int, document_id: int) -> HttpResponse:
    found, _ = _request(request, advice_id)
    document = advice_document_for_professional(advice=found, document_id=document_id)
    return document_download(
        document=document,
        actor=request.user,
        actor_role=PROFESSIONAL,
        request=request,
        organisation=found.organisation,
    )


# --- The council's advice form (forms as data, filled in with the family's runner pages) -------------


def _runner(request: HttpRequest, draft, *, prefix: str, pk: int, speaking_for: str, leave_url: str) -> Runner:
    """The family's runner pages over a professional's form: `prefix` names the URLs
    ("professionals:<prefix>-tasks" and so on), each taking `pk` first."""

    def url(name: str, *args) -> str:
        return reverse(f"professionals:{prefix}-{name}", args=[pk, *args])

    return Runner(
        definition=form_definition(draft.version.definition),
        store=DraftStore(draft, request.user),
        urls=Urls(
            tasks=url("tasks"),
            check=url("check"),
            declaration=url("send"),
            page=lambda page_id: url("page", page_id),
            item=lambda page_id, index: url("item", page_id, index),
            item_remove=lambda page_id, index: url("item-remove", page_id, index),
        ),
        council_max_mb=DOCUMENT_MAX_BYTES // (1024 * 1024),
        context={
            "child": draft.child,
            "speaking_for": speaking_for + " Your answers are saved as you go, and your colleagues can carry on "
            "where you left off.",
            "leave_url": leave_url,
        },
    )


def _advice_runner(request: HttpRequest, found, draft) -> Runner:
    return _runner(
        request,
        draft,
        prefix="advice-form",
        pk=found.pk,
        speaking_for=f"You are giving {found.organisation.name}'s advice for case {found.case.reference}.",
        leave_url=reverse("professionals:advice", args=[found.pk]),
    )


def _open_advice_form(request: HttpRequest, advice_id: int):
    """The request and its advice form being filled in; or the way back to the request
    (it is answered, or the form is not started)."""
    found, membership = _request(request, advice_id)
    draft = advice_draft(found) if found.is_open else None
    if draft is None:
        return redirect("professionals:advice", advice_id=found.pk)
    return found, membership, draft


@never_cache
@require_POST
@professional_required
def advice_form_start(request: HttpRequest, advice_id: int) -> HttpResponse:
    found, membership = _request(request, advice_id)
    try:
        advice_draft_open(advice=found, membership=membership, request=request)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("professionals:advice", advice_id=found.pk)
    return redirect("professionals:advice-form-tasks", advice_id=found.pk)


RUNNER_PAGES = ("tasks", "page", "item", "item_remove", "check")


def _runner_pages(*, id_name: str, opened: Callable, runner: Callable) -> tuple[View, ...]:
    """The runner pages (RUNNER_PAGES, in order) of a professional's form: each finds
    its subject and draft with `opened(request, <id_name from the URL>)` (or the response
    that takes the person back) and answers with `runner(request, subject, draft)`."""

    def page(method: str) -> View:
        @never_cache
        @require_http_methods(["GET"] if method in ("tasks", "check") else ["GET", "POST"])
        @professional_required
        def view(request: HttpRequest, **where) -> HttpResponse:
            found = opened(request, where.pop(id_name))
            if isinstance(found, HttpResponse):
                return found
            subject, _, draft = found
            return getattr(runner(request, subject, draft), method)(request, **where)

        view.__name__ = f"{id_name.removesuffix('_id')}_{method}"
        return view

    return tuple(page(method) for method in RUNNER_PAGES)


advice_form_tasks, advice_form_page, advice_form_item, advice_form_item_remove, advice_form_check = _runner_pages(
    id_name="advice_id", opened=_open_advice_form, runner=_advice_runner
)


@never_cache
@require_http_methods(["GET", "POST"])
@professional_required
def advice_form_send_view(request: HttpRequest, advice_id: int) -> HttpResponse:
    """The form's declaration; confirming it sends the advice (once)."""
    opened = _open_advice_form(request, advice_id)
    if isinstance(opened, HttpResponse):
        return opened
    found, membership, draft = opened
    return _declaration(
        request,
        _advice_runner(request, found, draft),
        draft,
        send=lambda: advice_form_send(advice=found, membership=membership, request=request),
        what="the advice",
        sent="Your advice has been sent to the SEND team",
        done=reverse("professionals:advice", args=[found.pk]),
    )


def _declaration(request: HttpRequest, runner: Runner, draft, *, send, what: str, sent: str, done: str) -> HttpResponse:
    """A professional form's declaration: back to the task list until every section is
    complete; confirming it calls `send` (once), then goes to `done`."""
    definition = runner.definition
    if not progress(definition, draft.answers, draft.pages_done).complete:
        messages.info(request, f"Complete every section before you send {what}.")
        return redirect(runner.urls.tasks)
    form = DeclarationForm(
        request.POST if request.method == "POST" else None, confirmation=definition.declaration.confirmation
    )
    if request.method == "POST" and form.is_valid():
        try:
            send()
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            messages.success(request, sent)
            return redirect(done)
    return render(
        request,
        "citizen/runner/declaration.html",
        {
            **runner.context,
            "page_title": definition.declaration.heading,
            "definition": definition,
            "urls": runner.urls,
            "form": form,
            "action": request.path,
        },
    )


# --- Annual reviews run by the school or setting ------------------------------------------------


def _review(request: HttpRequest, case_id: int):
    return review_for_professional(
        memberships=request.professional_memberships, case_id=case_id, council=request.tenant
    )


@never_cache
@require_POST
@professional_required
def review_open(request: HttpRequest, child_id: int) -> HttpResponse:
    """The child's setting opens the child's next annual review (where the council lets
    it): 404 for a child whose review it may not open."""
    try:
        case = review_open_by_setting(child_id=child_id, memberships=request.professional_memberships, request=request)
    except NotYoursToOpen:
        raise Http404 from None
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("professionals:tray")
    messages.success(request, f"You have opened the annual review (case {case.reference}). The SEND team has been told")
    return redirect("professionals:review", case_id=case.pk)


@never_cache
@require_GET
@professional_required
def review(request: HttpRequest, case_id: int) -> HttpResponse:
    """An annual review the organisation runs: the child, its steps with their deadlines
    (on time or late), and the steps the setting can record now."""
    case, _ = _review(request, case_id)
    audit_record(
        actor=request.user,
        actor_role=PROFESSIONAL,
        action=AuditEvent.Action.VIEWED,
        subject=AuditEvent.Subject.CASE,
        subject_id=case.pk,
        case=case,
        summary="Looked at an annual review",
        request=request,
        organisation=case.review_organisation,
    )
    today = timezone.localdate()
    records = case_records(case)
    next_steps = [s for s in steps_accepted(case, records, today) if s.key in SETTING_STEPS]
    report_form = review_report_form()
    return render(
        request,
        f"{TEMPLATES}/review.html",
        {
            "page_title": f"Annual review: case {case.reference}",
            "case": case,
            "child": case.child,
            "timeline": case_timeline(case, today, records),
            "next": next_steps,
            "report_form": report_form,
            # The report form opens once the meeting has been held and the report is due.
            "report_form_open": report_form is not None
            and _meeting_held(records, today)
            and any(s.key == "report_sent" for s in next_steps),
            "report_draft": review_report_draft(case) if case.closed_on is None else None,
        },
    )


def _meeting_held(records, today) -> bool:
    meeting = records.milestones.get("meeting")
    return meeting is not None and meeting.occurred_on <= today


@never_cache
@require_http_methods(["GET", "POST"])
@professional_required
def review_step(request: HttpRequest, case_id: int, key: str) -> HttpResponse:
    case, membership = _review(request, case_id)
    step = next((s for s in step_kinds(case.kind) if s.key == key and key in SETTING_STEPS), None)
    if step is None:
        raise Http404
    if key == "report_sent" and review_report_form() is not None:
        return redirect("professionals:review", case_id=case.pk)  # the council's form carries the report
    form = ReviewStepForm(
        *((request.POST, request.FILES) if request.method == "POST" else ()), key=key, label=step.label
    )
    if request.method == "POST" and form.is_valid():
        try:
            review_step_record(
                case=case,
                membership=membership,
                key=key,
                occurred_on=form.cleaned_data["occurred_on"],
                report=form.cleaned_data.get("report"),
                request=request,
            )
        except ValidationError as refused:
            add_errors(form, refused)
        else:
            messages.success(request, f"Recorded: {step.label}")
            return redirect("professionals:review", case_id=case.pk)
    return render(
        request,
        f"{TEMPLATES}/review_step.html",
        {"page_title": step.label, "case": case, "step": step, "form": form},
    )


# --- The review's report through the council's form ---------------------------------------------


def _review_report_runner(request: HttpRequest, case, draft) -> Runner:
    return _runner(
        request,
        draft,
        prefix="review-report",
        pk=case.pk,
        speaking_for=f"You are writing {case.review_organisation.name}'s report of the annual review for case "
        f"{case.reference}.",
        leave_url=reverse("professionals:review", args=[case.pk]),
    )


def _open_review_report(request: HttpRequest, case_id: int):
    """The review and its report being filled in; or the way back to the review (it is
    closed, the report is sent, or it is not started)."""
    case, membership = _review(request, case_id)
    draft = review_report_draft(case) if case.closed_on is None else None
    if draft is None:
        return redirect("professionals:review", case_id=case.pk)
    return case, membership, draft


@never_cache
@require_POST
@professional_required
def review_report_start(request: HttpRequest, case_id: int) -> HttpResponse:
    case, membership = _review(request, case_id)
    if case.closed_on is not None:
        return redirect("professionals:review", case_id=case.pk)
    try:
        review_report_draft_open(case=case, membership=membership, request=request)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("professionals:review", case_id=case.pk)
    return redirect("professionals:review-report-tasks", case_id=case.pk)


review_report_tasks, review_report_page, review_report_item, review_report_item_remove, review_report_check = (
    _runner_pages(id_name="case_id", opened=_open_review_report, runner=_review_report_runner)
)


@never_cache
@require_http_methods(["GET", "POST"])
@professional_required
def review_report_send(request: HttpRequest, case_id: int) -> HttpResponse:
    """The form's declaration; confirming it sends the report (once)."""
    opened = _open_review_report(request, case_id)
    if isinstance(opened, HttpResponse):
        return opened
    case, membership, draft = opened
    return _declaration(
        request,
        _review_report_runner(request, case, draft),
        draft,
        send=lambda: review_report_form_send(case=case, membership=membership, request=request),
        what="the report",
        sent="The review report has been sent to the SEND team",
        done=reverse("professionals:review", args=[case.pk]),
    )


# --- The organisation's people (its admins) ---------------------------------------------------


def admin_only(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, organisation_id: int, *args, **kwargs) -> HttpResponse:
        request.organisation = organisation_for_admin(
            memberships=request.professional_memberships, organisation_id=organisation_id
        )
        return view(request, *args, **kwargs)

    return wrapper


def _people_page(request: HttpRequest, form: MemberInviteForm) -> HttpResponse:
    organisation = request.organisation
    return render(
        request,
        f"{TEMPLATES}/people.html",
        {
            "page_title": f"People at {organisation.name}",
            "organisation": organisation,
            "people": organisation_people(organisation),
            "invitations": organisation_open_invitations(organisation),
            "form": form,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@professional_required
@admin_only
def people(request: HttpRequest) -> HttpResponse:
    form = MemberInviteForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            organisation_invitation_create(
                organisation=request.organisation,
                email=form.cleaned_data["email"],
                is_admin=form.cleaned_data["is_admin"],
                invited_by=request.user,
                actor_role=PROFESSIONAL,
                request=request,
            )
        except ValidationError as refused:
            add_errors(form, refused)
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}")
            return redirect("professionals:people", organisation_id=request.organisation.pk)
    return _people_page(request, form)


@never_cache
@require_http_methods(["GET", "POST"])
@professional_required
@admin_only
def member_remove(request: HttpRequest, member_id: int) -> HttpResponse:
    member = organisation_people(request.organisation).filter(pk=member_id).first()
    if member is None:
        raise Http404
    colleagues = [m for m in organisation_people(request.organisation) if m.pk != member.pk]
    form = MemberRemoveForm(request.POST if request.method == "POST" else None, colleagues=colleagues)
    if form.is_valid():
        hand_to = next((m for m in colleagues if str(m.pk) == form.cleaned_data["hand_to"]), None)
        try:
            handed = organisation_member_remove(
                membership=member, hand_to=hand_to, actor=request.user, actor_role=PROFESSIONAL, request=request
            )
        except MemberChangeRefused as refused:
            form.add_error(None, str(refused))
        except ValidationError as refused:
            add_errors(form, refused)
        else:
            who = member.account.get_full_name() or member.account.email
            messages.success(request, f"{who} has been removed; {handed} request(s) handed over")
            return redirect("professionals:people", organisation_id=request.organisation.pk)
    return render(
        request,
        f"{TEMPLATES}/remove.html",
        {"page_title": "Remove someone", "organisation": request.organisation, "member": member, "form": form},
    )


@never_cache
@require_POST
@professional_required
@admin_only
def invitation_withdraw(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invited = OrganisationInvitation.objects.filter(pk=invitation_id, organisation=request.organisation).first()
    if invited is None:
        raise Http404
    organisation_invitation_withdraw(invitation=invited, actor=request.user, actor_role=PROFESSIONAL, request=request)
    messages.success(request, f"Invitation to {invited.email} withdrawn")
    return redirect("professionals:people", organisation_id=request.organisation.pk)
