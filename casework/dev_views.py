"""The dev outbox: this council's emails as kept in its outbox table (docs/architecture.md contract:
GET /dev/outbox.json → [{"to": […], "subject", "body", "sent_at"}], newest first)."""

from functools import wraps

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from tenants.outbox.selectors import outbox_emails, sent_emails


def debug_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.DEBUG:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@debug_only
def outbox(request: HttpRequest) -> HttpResponse:
    return render(request, "casework/dev_outbox.html", {"emails": outbox_emails()})


@debug_only
def outbox_json(request: HttpRequest) -> JsonResponse:
    emails = [
        {
            "to": email.to,
            "from": email.from_address,
            "subject": email.subject,
            "body": email.body,
            "sent_at": email.sent_at.isoformat(),
        }
        for email in sent_emails()
    ]
    return JsonResponse(emails, safe=False)
