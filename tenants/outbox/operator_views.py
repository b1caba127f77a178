"""The platform operators' view of every council's undelivered emails: /admin/outbox/ on
the platform's own site (config.urls_platform), staff only through the admin site.

A ModelAdmin cannot span schemas, so this is a plain view reading each council in turn.
It never shows a body (it may carry a two-step code or a link) or a whole address.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST
from django_tenants.utils import tenant_context

from tenants.models import Council
from tenants.outbox.selectors import emails_needing_attention_everywhere, masked_address
from tenants.outbox.services import email_retry_now


def outbox(request: HttpRequest) -> HttpResponse:
    councils = [
        {
            "council": found.council,
            "emails": [
                {
                    "id": email.id,
                    "created_at": email.created_at,
                    "subject": email.subject,
                    "to": ", ".join(masked_address(address) for address in email.to),
                    "status": email.get_status_display(),
                    "attempts": email.attempts,
                    "last_error": email.last_error,
                    "next_attempt_at": email.next_attempt_at,
                    "gave_up": email.status == email.Status.FAILED and email.next_attempt_at is None,
                }
                for email in found.emails
            ],
        }
        for found in emails_needing_attention_everywhere()
    ]
    context = admin.site.each_context(request) | {"title": "Emails not delivered", "councils": councils}
    return TemplateResponse(request, "casework/operator_outbox.html", context)


@require_POST
def retry(request: HttpRequest, council_slug: str, email_id: int) -> HttpResponse:
    council = get_object_or_404(Council.objects.exclude(schema_name="public"), slug=council_slug)
    with tenant_context(council):
        retried = email_retry_now(email_id=email_id, retried_by=request.user.get_username())
    if retried:
        messages.success(request, f"Email {email_id} of {council.name} is being sent again.")
    else:
        messages.warning(request, f"Email {email_id} of {council.name} was already sent or no longer exists.")
    return redirect("platform-outbox")
