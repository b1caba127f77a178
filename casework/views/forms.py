"""Staff screens for forms.

Council admins (COUNCIL_SETTINGS) manage the council's forms under council settings:
the list; a new form copied from a built-in; each form's versions; a new draft version
copied from a version or a built-in; the draft's JSON, by upload or in the browser
(checked as it is saved, and as it is typed where JavaScript runs, through a JSON
endpoint); a preview that is exactly the family's pages, with answers kept in the
session and never saved; publishing, which freezes the version.

The SEND team (CASEWORK) reads a submission: its answers by question, its files and its
PDF, each view and download audited.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework.decorators import staff_required
from casework.permissions import CASEWORK, COUNCIL_SETTINGS
from casework.services import forms as form_services
from casework.submissions import services as submission_services
from casework.submissions.flow import answers_by_section
from casework.submissions.selectors import submission_file, submission_files, submission_for_staff
from tenants.form_definitions import (
    MAX_DEFINITION_BYTES,
    DefinitionInvalid,
    definition_from_text,
    form_definition,
)
from tenants.models import FormVariant, FormVersion
from themes.forms import GovukFileField, GovukForm, GovukRadioSelect, add_errors

TEMPLATES = "casework/staff/forms"
admin_only = staff_required(roles=COUNCIL_SETTINGS)
casework_only = staff_required(roles=CASEWORK)


def _who(request: HttpRequest) -> dict:
    return {"by": request.user, "actor_role": request.staff_membership.role, "request": request}


def _crumbs(*pairs: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Council settings", reverse("staff:settings")), ("Forms", reverse("staff:settings-forms")), *pairs]


def _variant(request: HttpRequest, variant_id: int) -> FormVariant:
    """One of this council's forms: another council's id is not found, like a missing one."""
    variant = FormVariant.objects.filter(council=request.tenant, pk=variant_id).first()
    if variant is None:
        raise Http404
    return variant


def admin_form_version(request: HttpRequest, variant_id: int, version_id: int) -> FormVersion:
    variant = _variant(request, variant_id)
    version = FormVersion.objects.filter(variant=variant, pk=version_id).select_related("variant").first()
    if version is None:
        raise Http404
    return version


def _form_url(variant: FormVariant) -> str:
    return reverse("staff:settings-form", args=[variant.pk])


# --- Forms ----------------------------------------------------------------------------


class NewFormForm(GovukForm):
    builtin = forms.ChoiceField(
        label="Start from",
        choices=FormVariant.BuiltIn.choices,
        widget=GovukRadioSelect,
        error_messages={"required": "Choose which form to start from"},
    )
    title = forms.CharField(
        label="Name of the form",
        help_text="What the SEND team calls it, for example 'Section A (early years)'. "
        "Families see the form's own title.",
        max_length=120,
        error_messages={"required": "Enter a name for the form"},
    )


class DraftFromForm(GovukForm):
    source = forms.ChoiceField(
        label="Start the new version from",
        widget=GovukRadioSelect,
        error_messages={"required": "Choose what the new version starts from"},
    )

    def __init__(self, *args, versions: list[FormVersion], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [
            *((str(v.pk), f"Version {v.number}{'' if v.is_published else ' (draft)'}") for v in versions),
            *((f"builtin:{value}", f"The platform's {label}") for value, label in FormVariant.BuiltIn.choices),
        ]


class DefinitionForm(GovukForm):
    definition = forms.CharField(
        label="The form's definition (JSON)",
        required=False,
        strip=False,  # so a problem's line and column are where the admin typed it
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "autocomplete": "off"}),
    )
    upload = GovukFileField(
        label="Or upload a definition file",
        help_text=f"A .json file, {MAX_DEFINITION_BYTES // 1024} KB or smaller. It replaces what is in the box above.",
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if upload:
            if upload.size > MAX_DEFINITION_BYTES:
                self.add_error("upload", f"The file must be {MAX_DEFINITION_BYTES // 1024} KB or smaller")
                return cleaned
            try:
                cleaned["definition"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("upload", "The file must be JSON text (UTF-8)")
                return cleaned
            self.data = self.data.copy()
            self.data["definition"] = cleaned["definition"]
        text = cleaned.get("definition") or ""
        if not text.strip():
            self.add_error("definition", "Enter the form's definition, or upload a file")
            return cleaned
        data, problems = definition_from_text(text)
        for problem in problems:
            self.add_error("definition", str(problem))
        cleaned["parsed"] = data
        return cleaned


@never_cache
@require_GET
@admin_only
def forms_list(request: HttpRequest) -> HttpResponse:
    variants = list(
        FormVariant.objects.filter(council=request.tenant).prefetch_related("versions").order_by("title", "pk")
    )
    rows = []
    for variant in variants:
        versions = sorted(variant.versions.all(), key=lambda v: -v.number)
        published = next((v for v in versions if v.is_published), None)
        draft = next((v for v in versions if not v.is_published), None)
        rows.append({"variant": variant, "published": published, "draft": draft})
    return render(
        request,
        f"{TEMPLATES}/list.html",
        {"page_title": "Forms", "rows": rows, "breadcrumbs": _crumbs()[:1]},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def form_new(request: HttpRequest) -> HttpResponse:
    form = NewFormForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            version = form_services.form_variant_create(
                council=request.tenant,
                builtin=form.cleaned_data["builtin"],
                title=form.cleaned_data["title"],
                **_who(request),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, f"'{version.variant.title}' made: version 1 is a draft. Change it, then publish it."
            )
            return redirect(_form_url(version.variant))
    return render(
        request, f"{TEMPLATES}/new.html", {"page_title": "Make a new form", "form": form, "breadcrumbs": _crumbs()}
    )


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def form_detail(request: HttpRequest, variant_id: int) -> HttpResponse:
    """A form's versions, newest first, and a new draft version from one of them."""
    variant = _variant(request, variant_id)
    versions = list(variant.versions.order_by("-number"))
    draft = next((v for v in versions if not v.is_published), None)
    form = DraftFromForm(request.POST if request.method == "POST" else None, versions=versions)
    if request.method == "POST" and form.is_valid():
        source = form.cleaned_data["source"]
        try:
            if source.startswith("builtin:"):
                version = form_services.form_version_draft_create(
                    variant=variant, builtin=source.removeprefix("builtin:"), **_who(request)
                )
            else:
                chosen = next(v for v in versions if str(v.pk) == source)
                version = form_services.form_version_draft_create(variant=variant, source=chosen, **_who(request))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Version {version.number} is a new draft")
            return redirect("staff:settings-form-build", variant_id=variant.pk, version_id=version.pk)
    return render(
        request,
        f"{TEMPLATES}/form.html",
        {
            "page_title": variant.title,
            "variant": variant,
            "versions": [(v, form_definition(v.definition)) for v in versions],
            "draft": draft,
            "published": next((v for v in versions if v.is_published), None),
            "form": form,
            "breadcrumbs": _crumbs(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def form_delete(request: HttpRequest, variant_id: int) -> HttpResponse:
    """Delete a form never published nor started by a family (a preview shell)."""
    variant = _variant(request, variant_id)
    form = GovukForm(request.POST if request.method == "POST" else None)  # no fields: the refusal, if any
    if form.is_valid():
        try:
            form_services.form_variant_delete(variant=variant, **_who(request))
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(request, f"Form '{variant.title}' deleted")
            return redirect("staff:settings-forms")
    return render(
        request,
        f"{TEMPLATES}/form_delete.html",
        {
            "page_title": f"Delete {variant.title}",
            "variant": variant,
            "form": form,
            "breadcrumbs": _crumbs((variant.title, _form_url(variant))),
        },
        status=400 if form.errors else 200,
    )


@never_cache
@require_POST
@admin_only
def form_offer(request: HttpRequest, variant_id: int) -> HttpResponse:
    variant = _variant(request, variant_id)
    enabled = request.POST.get("enabled") == "yes"
    form_services.form_variant_enable(variant=variant, enabled=enabled, **_who(request))
    messages.success(request, f"Families {'can now start' if enabled else 'can no longer start'} '{variant.title}'")
    return redirect(_form_url(variant))


# --- Versions ---------------------------------------------------------------------------


@never_cache
@require_GET
@admin_only
def version_detail(request: HttpRequest, variant_id: int, version_id: int) -> HttpResponse:
    version = admin_form_version(request, variant_id, version_id)
    return render(
        request,
        f"{TEMPLATES}/version.html",
        {
            "page_title": f"{version.variant.title}: version {version.number}",
            "version": version,
            "variant": version.variant,
            "definition": form_definition(version.definition),
            "definition_text": json.dumps(version.definition, indent=2, ensure_ascii=False),
            "breadcrumbs": _crumbs((version.variant.title, _form_url(version.variant))),
        },
    )


@never_cache
@require_GET
@admin_only
def version_json(request: HttpRequest, variant_id: int, version_id: int) -> HttpResponse:
    version = admin_form_version(request, variant_id, version_id)
    response = HttpResponse(
        json.dumps(version.definition, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{version.variant.slug}-v{version.number}.json"'
    return response


def _draft(request: HttpRequest, variant_id: int, version_id: int) -> FormVersion:
    version = admin_form_version(request, variant_id, version_id)
    if version.is_published:
        raise Http404
    return version


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def version_edit(request: HttpRequest, variant_id: int, version_id: int) -> HttpResponse:
    """Change a draft's definition: typed in the box, or uploaded. Saved only when it is
    valid; otherwise every problem is listed with its path, and what was typed is kept."""
    version = _draft(request, variant_id, version_id)
    posted = request.method == "POST"
    form = DefinitionForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial={"definition": json.dumps(version.definition, indent=2, ensure_ascii=False)},
    )
    if posted and form.is_valid():
        try:
            form_services.form_version_update(version=version, definition=form.cleaned_data["parsed"], **_who(request))
        except DefinitionInvalid as invalid:
            for problem in invalid.problems:
                form.add_error("definition", str(problem))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Draft version {version.number} saved")
            return redirect(_form_url(version.variant))
    return render(
        request,
        f"{TEMPLATES}/edit.html",
        {
            "page_title": f"Change draft version {version.number}",
            "version": version,
            "variant": version.variant,
            "form": form,
            "check_url": reverse("staff:settings-form-version-check", args=[version.variant_id, version.pk]),
            "breadcrumbs": _crumbs((version.variant.title, _form_url(version.variant))),
        },
    )


@never_cache
@require_POST
@admin_only
def version_check(request: HttpRequest, variant_id: int, version_id: int) -> JsonResponse:
    """Check a definition as it is typed (the editor's script posts the box's text):
    {"valid": bool, "problems": [{"path", "message"}]}. Saves nothing."""
    _draft(request, variant_id, version_id)
    text = request.body.decode("utf-8", errors="replace")
    _, problems = definition_from_text(text)
    return JsonResponse({"valid": not problems, "problems": [{"path": p.path, "message": p.message} for p in problems]})


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def version_publish(request: HttpRequest, variant_id: int, version_id: int) -> HttpResponse:
    version = _draft(request, variant_id, version_id)
    if request.method == "POST":
        try:
            form_services.form_version_publish(version=version, **_who(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"Version {version.number} of '{version.variant.title}' is published. Families starting it now get "
                "this version; drafts already started stay on theirs.",
            )
        return redirect(_form_url(version.variant))
    return render(
        request,
        f"{TEMPLATES}/publish.html",
        {
            "page_title": f"Publish version {version.number} of {version.variant.title}",
            "version": version,
            "variant": version.variant,
            "breadcrumbs": _crumbs((version.variant.title, _form_url(version.variant))),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def version_delete(request: HttpRequest, variant_id: int, version_id: int) -> HttpResponse:
    version = _draft(request, variant_id, version_id)
    if request.method == "POST":
        form_services.form_version_delete(version=version, **_who(request))
        messages.success(request, f"Draft version {version.number} deleted")
        return redirect(_form_url(version.variant))
    return render(
        request,
        f"{TEMPLATES}/delete.html",
        {
            "page_title": f"Delete draft version {version.number} of {version.variant.title}",
            "version": version,
            "variant": version.variant,
            "breadcrumbs": _crumbs((version.variant.title, _form_url(version.variant))),
        },
    )


# --- Submissions ---------------------------------------------------------------------------


@never_cache
@require_GET
@casework_only
def submission(request: HttpRequest, submission_id: int) -> HttpResponse:
    """A submission: who sent it and who is speaking, its answers by question (files
    downloadable), and its PDF. Viewing it is an audit event."""
    membership = request.staff_membership
    sent = submission_for_staff(membership=membership, submission_id=submission_id)
    definition = form_definition(sent.version.definition)
    files = submission_files(submission=sent)
    submission_services.submission_view_record(
        submission=sent, actor=request.user, actor_role=membership.role, request=request
    )
    return render(
        request,
        f"{TEMPLATES}/submission.html",
        {
            "page_title": f"{definition.short_title} {sent.reference}",
            "submission": sent,
            "definition": definition,
            "sections": answers_by_section(definition, sent.answers),
            "whose_words": sent.whose_words(definition),
            "files": files,
            "case": sent.case,
        },
    )


@require_GET
@casework_only
def submission_pdf(request: HttpRequest, submission_id: int) -> HttpResponse:
    membership = request.staff_membership
    sent = submission_for_staff(membership=membership, submission_id=submission_id)
    return submission_services.submission_pdf_download(
        submission=sent, actor=request.user, actor_role=membership.role, request=request
    )


@require_GET
@casework_only
def submission_file_download(request: HttpRequest, submission_id: int, file_id: int) -> HttpResponse:
    membership = request.staff_membership
    sent = submission_for_staff(membership=membership, submission_id=submission_id)
    form_file = submission_file(submission=sent, file_id=file_id)
    return submission_services.submission_file_download(
        form_file=form_file, submission=sent, actor=request.user, actor_role=membership.role, request=request
    )
