"""The staff preview of a form version (council admins, COUNCIL_SETTINGS): exactly the
family's runner pages (casework.submissions.pages), with answers kept in the session and
never saved. Routed under /staff/ in the "staff" namespace (config/urls_council.py
adds staff_urls to casework's); it lives here, with the runner, because the SEND
domain (casework) never imports the family area."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from casework.submissions.forms import DeclarationForm
from casework.submissions.pages import Runner, Urls
from casework.views.forms import admin_form_version, admin_only
from tenants.form_definitions import Question, form_definition
from tenants.models import FormVersion

# --- The preview -----------------------------------------------------------------------


class PreviewStore:
    """A preview's answers, in the session only: what a family's draft would hold."""

    def __init__(self, request: HttpRequest, version: FormVersion):
        self.session = request.session
        self.key = f"form-preview:{version.pk}"
        self.data = self.session.get(self.key) or {"answers": {}, "pages_done": []}

    @property
    def answers(self) -> dict:
        return self.data["answers"]

    @property
    def pages_done(self) -> list[str]:
        return self.data["pages_done"]

    def _save(self) -> None:
        self.session[self.key] = self.data
        self.session.modified = True

    def save_page(self, page_id: str, answers: dict, *, done: bool) -> None:
        for question_id, value in answers.items():
            if value is None:
                self.answers.pop(question_id, None)
            else:
                self.answers[question_id] = value
        self.data["pages_done"] = [p for p in self.pages_done if p != page_id] + ([page_id] if done else [])
        self._save()

    def save_item(self, group: Question, index: int, item: dict) -> None:
        items = list(self.answers.get(group.id) or [])
        kept = {key: value for key, value in item.items() if value is not None}
        if index < len(items):
            items[index] = kept
        elif len(items) < group.group_max:
            items.append(kept)
        self.answers[group.id] = items
        self._save()

    def remove_item(self, group: Question, index: int) -> None:
        items = list(self.answers.get(group.id) or [])
        if 0 <= index < len(items):
            items.pop(index)
        self.answers[group.id] = items
        self._save()

    def store_file(self, question: Question, upload, checked) -> dict:
        # Checked like a family's file, but never stored.
        return {"file_id": None, "name": checked.name, "size": checked.size, "content_type": checked.content_type}

    def known_file(self, file_id: str, question: Question) -> dict | None:
        return None


def _preview_runner(request: HttpRequest, version: FormVersion) -> Runner:
    args = [version.variant_id, version.pk]
    return Runner(
        definition=form_definition(version.definition),
        store=PreviewStore(request, version),
        urls=Urls(
            tasks=reverse("staff:settings-form-preview", args=args),
            check=reverse("staff:settings-form-preview-check", args=args),
            declaration=reverse("staff:settings-form-preview-declaration", args=args),
            page=lambda page_id: reverse("staff:settings-form-preview-page", args=[*args, page_id]),
            item=lambda page_id, index: reverse("staff:settings-form-preview-item", args=[*args, page_id, index]),
            item_remove=lambda page_id, index: reverse(
                "staff:settings-form-preview-item-remove", args=[*args, page_id, index]
            ),
        ),
        preview=True,
        council_max_mb=request.tenant.family_upload_max_mb,
        context={"preview": _preview_banner(version)},
    )


def _preview_banner(version: FormVersion) -> dict:
    args = [version.variant_id, version.pk]
    return {
        "title": version.variant.title,
        "number": version.number,
        "published": version.is_published,
        "exit_url": reverse("staff:settings-form", args=[version.variant_id]),
        "restart_url": reverse("staff:settings-form-preview-restart", args=args),
    }


@never_cache
@require_GET
@admin_only
def preview_tasks(request: HttpRequest, variant_id: int, version_id: int) -> HttpResponse:
    return _preview_runner(request, admin_form_version(request, variant_id, version_id)).tasks(request)


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def preview_page(request: HttpRequest, variant_id: int, version_id: int, page_id: str) -> HttpResponse:
    return _preview_runner(request, admin_form_version(request, variant_id, version_id)).page(request, page_id)


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def preview_item(request: HttpRequest, variant_id: int, version_id: int, page_id: str, index: int) -> HttpResponse:
    return _preview_runner(request, admin_form_version(request, variant_id, version_id)).item(request, page_id, index)


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def preview_item_remove(
    request: HttpRequest, variant_id: int, version_id: int, page_id: str, index: int
) -> HttpResponse:
    return _preview_runner(request, admin_form_version(request, variant_id, version_id)).item_remove(
        request, page_id, index
    )


@never_cache
@require_GET
@admin_only
def preview_check(request: HttpRequest, variant_id: int, version_id: int) -> HttpResponse:
    return _preview_runner(request, admin_form_version(request, variant_id, version_id)).check(request)


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def preview_declaration(request: HttpRequest, variant_id: int, version_id: int) -> HttpResponse:
    """The declaration as a family sees it; confirming shows the confirmation page, but
    sends nothing."""
    version = admin_form_version(request, variant_id, version_id)
    runner = _preview_runner(request, version)
    definition = runner.definition
    form = DeclarationForm(
        request.POST if request.method == "POST" else None, confirmation=definition.declaration.confirmation
    )
    if request.method == "POST" and form.is_valid():
        return render(
            request,
            "citizen/runner/confirmation.html",
            {**runner.context, "page_title": f"{definition.short_title} sent", "definition": definition},
        )
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
            "problem": "",
        },
    )


@never_cache
@require_GET
@admin_only
def preview_restart(request: HttpRequest, variant_id: int, version_id: int) -> HttpResponse:
    version = admin_form_version(request, variant_id, version_id)
    request.session.pop(f"form-preview:{version.pk}", None)
    return redirect("staff:settings-form-preview", variant_id=version.variant_id, version_id=version.pk)
