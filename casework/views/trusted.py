"""Staff screens for the people families trust (issue 16): the queue of grants waiting
for approval, and one grant with its consent log, approved or declined there."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from casework.decorators import staff_required
from casework.models import AuditEvent
from casework.permissions import CASEWORK
from casework.selectors.trusted import trusted_grant_for_staff, trusted_grants_to_approve
from casework.services.audit import audit_record
from casework.services.trusted import trusted_approve, trusted_decline, trusted_end
from themes.forms import GovukForm, GovukRadioSelect, add_errors

TEMPLATES = "casework/staff/trusted"
PER_PAGE = 25


class DecideForm(GovukForm):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve: it works once they accept"), ("decline", "Decline")],
        widget=GovukRadioSelect,
        error_messages={"required": "Select approve or decline"},
    )
    reason = forms.CharField(
        label="If you decline, why (the family will see this)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The reason must be 2,000 characters or fewer"},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "decline" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Enter the reason, which the family will see")
        return cleaned


class EndForm(GovukForm):
    reason = forms.CharField(
        label="Why you are ending it (kept in the consent log the family sees)",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why you are ending it",
            "max_length": "The reason must be 300 characters or fewer",
        },
    )


@require_safe
@staff_required(roles=CASEWORK)
@never_cache
def trusted_queue(request: HttpRequest) -> HttpResponse:
    """Every grant waiting for the SEND team, oldest first."""
    page = Paginator(trusted_grants_to_approve(), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, f"{TEMPLATES}/queue.html", {"page_title": "People families trust: to approve", "page": page})


@require_http_methods(["GET", "POST"])
@staff_required(roles=CASEWORK)
@never_cache
def trusted_grant(request: HttpRequest, grant_id: int) -> HttpResponse:
    """One grant: who invited whom, as what, to do what and until when; its log; the
    decision (while it waits), or ending it (while it is open)."""
    membership = request.staff_membership
    grant = trusted_grant_for_staff(membership=membership, grant_id=grant_id)
    deciding = grant.open and not grant.approved
    posted = request.method == "POST"
    decide = DecideForm(request.POST if posted and "decision" in request.POST else None) if deciding else None
    end = EndForm(request.POST if posted and "end" in request.POST else None) if grant.open else None
    if decide is not None and decide.is_bound and decide.is_valid():
        try:
            if decide.cleaned_data["decision"] == "approve":
                trusted_approve(grant=grant, actor=request.user, actor_role=membership.role, request=request)
                messages.success(request, "Approved. The family has been told by email.")
            else:
                trusted_decline(
                    grant=grant,
                    reason=decide.cleaned_data["reason"],
                    actor=request.user,
                    actor_role=membership.role,
                    request=request,
                )
                messages.success(request, "Declined. The family has been told by email and can read your reason.")
        except ValidationError as refusal:
            add_errors(decide, refusal)
        else:
            return redirect("staff:trusted-grant", grant_id=grant.pk)
    if end is not None and end.is_bound and end.is_valid():
        try:
            trusted_end(
                grant=grant,
                actor=request.user,
                actor_role=membership.role,
                note=f"Ended by the SEND team: {end.cleaned_data['reason'].strip()}",
                request=request,
            )
        except ValidationError as refusal:
            add_errors(end, refusal)
        else:
            messages.success(request, "Ended. They can no longer see the records.")
            return redirect("staff:trusted-grant", grant_id=grant.pk)
    if not posted:
        audit_record(
            actor=request.user,
            actor_role=membership.role,
            action=AuditEvent.Action.VIEWED,
            subject=AuditEvent.Subject.TRUSTED_GRANT,
            subject_id=grant.pk,
            child=grant.child,
            summary="Viewed a grant to someone the family trusts",
            request=request,
        )
    return render(
        request,
        f"{TEMPLATES}/grant.html",
        {
            "page_title": f"{grant.name}: {grant.get_kind_display()}",
            "grant": grant,
            "child": grant.child,
            "decide": decide,
            "end": end,
            "errors_elsewhere": any(f is not None and f.errors for f in (decide, end)),  # the title says "Error:"
            "log": sorted(grant.events.all(), key=lambda e: (e.created_at, e.pk), reverse=True),
        },
    )
