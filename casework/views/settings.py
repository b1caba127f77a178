"""Council settings (council admins only): a hub, and one page per section. Views parse
and render; casework.services.settings validates, saves and audits."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.conf import settings as django_settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework.decorators import staff_required
from casework.forms_settings import (
    POLICY_GROUPS,
    ColourForm,
    ContactsForm,
    FamilyAreaForm,
    FeedbackForm,
    GovukModelForm,
    HelpLinkForm,
    LinkTileForm,
    LogoForm,
    ProfessionalsForm,
    SenderForm,
    SendTileForm,
    ServiceAreaForm,
    SignInPolicyForm,
    StageExplanationForm,
    TextsForm,
)
from casework.models import CaseKind
from casework.permissions import COUNCIL_SETTINGS
from casework.plans.template import NATIONAL, template_definition
from casework.selectors.settings import (
    council_fresh,
    council_help_links,
    council_service_areas,
    council_sign_in_policy,
    council_tiles_all,
    stage_explanations,
    stage_step,
    stage_steps,
    texts_examples,
)
from casework.services import settings as services
from casework.services.plan_templates import plan_template_save
from citizen.accounts.passwords import policy_rules
from tenants.models import CouncilLink, PlanTemplateVersion, ServiceArea, Tile
from tenants.outbox.selectors import texts_usage
from tenants.storage import StorageRefused
from themes.forms import GovukForm, add_errors

TEMPLATES = "casework/staff/settings"
SAVED = "Your changes have been saved. Families see them on the site straight away."
NOTHING_CHANGED = "Nothing was changed"

admin_only = staff_required(roles=COUNCIL_SETTINGS)


def _data(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _crumbs(*pairs: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Council settings", reverse("staff:settings")), *pairs]


def _saved(request: HttpRequest, changed: bool, to: str = "staff:settings") -> HttpResponse:
    if changed:
        messages.success(request, SAVED)
    else:
        messages.info(request, NOTHING_CHANGED)
    return redirect(to)


# --- The hub ------------------------------------------------------------------------------


@never_cache
@require_GET
@admin_only
def hub(request: HttpRequest) -> HttpResponse:
    council = council_fresh(council=request.tenant)
    tiles = council_tiles_all(council=council)
    policy = council_sign_in_policy(council=council)
    return render(
        request,
        f"{TEMPLATES}/hub.html",
        {
            "page_title": "Council settings",
            "settings_council": council,
            "service_areas": council_service_areas(council=council),
            "help_links": council_help_links(council=council),
            "send_tile": next((t for t in tiles if t.kind == Tile.Kind.SEND), None),
            "link_tiles": [t for t in tiles if t.kind == Tile.Kind.LINK],
            "policy": policy,
            "explanations_count": len(stage_explanations(council=council)),
        },
    )


# --- Sections on the council's own row ----------------------------------------------------


def _council_section(
    request: HttpRequest, form_class: type[GovukModelForm], *, section: str, intro: str = ""
) -> HttpResponse:
    council = council_fresh(council=request.tenant)
    form = form_class(_data(request), instance=council)
    if form.is_valid():
        values = {name: form.cleaned_data[name] for name in form._meta.fields}
        try:
            changed = services.council_settings_update(
                council=council, values=values, section=section, by=request.staff_membership, request=request
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _saved(request, bool(changed))
    return render(
        request,
        f"{TEMPLATES}/form.html",
        {"page_title": section, "form": form, "intro": intro, "breadcrumbs": _crumbs()},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def sender(request: HttpRequest) -> HttpResponse:
    return _council_section(
        request,
        SenderForm,
        section="Emails to families and staff",
        intro="Every email the service sends comes from this name and address.",
    )


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def contacts(request: HttpRequest) -> HttpResponse:
    return _council_section(
        request,
        ContactsForm,
        section="Contact details",
        intro="How families can contact the SEND service. These are shown in the footer of every page; "
        "each service area's address is shown there too.",
    )


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def colour(request: HttpRequest) -> HttpResponse:
    return _council_section(request, ColourForm, section="Main colour")


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def feedback(request: HttpRequest) -> HttpResponse:
    return _council_section(request, FeedbackForm, section="Feedback questionnaire")


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def family_area(request: HttpRequest) -> HttpResponse:
    return _council_section(
        request,
        FamilyAreaForm,
        section="Families' SEND area",
        intro="How families' files are accepted, what families are told about who looked at their child's records, "
        "and where your privacy notice is.",
    )


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def texts(request: HttpRequest) -> HttpResponse:
    """Texts on or off, whose Notify service sends them, what each kind of text says with
    its length and cost, and what the last 30 days' texts cost."""
    council = council_fresh(council=request.tenant)
    form = TextsForm(_data(request), instance=council)
    if form.is_valid():
        changed = services.council_settings_update(
            council=council,
            values={"texts_enabled": form.cleaned_data["texts_enabled"]},
            section="Text messages",
            by=request.staff_membership,
            request=request,
        )
        return _saved(request, bool(changed))
    return render(
        request,
        f"{TEMPLATES}/texts.html",
        {
            "page_title": "Text messages",
            "form": form,
            "settings_council": council,
            "own_service": council.text_service_kind == "own",
            "examples": texts_examples(council=council),
            "usage": texts_usage(days=30),
            "pence": django_settings.NOTIFY_SMS_PENCE_PER_FRAGMENT,
            "breadcrumbs": _crumbs(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def professionals(request: HttpRequest) -> HttpResponse:
    return _council_section(
        request,
        ProfessionalsForm,
        section="Advice from professionals",
        intro="What families see of the advice organisations send through the portal, how long an "
        "organisation can still see a child's request after it answers, and whether schools may open annual reviews.",
    )


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def logo(request: HttpRequest) -> HttpResponse:
    council = council_fresh(council=request.tenant)
    form = LogoForm(_data(request), request.FILES if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.council_logo_replace(
                council=council, logo=form.cleaned_data["logo"], by=request.staff_membership, request=request
            )
        except ValidationError as error:
            add_errors(form, ValidationError({"logo": error.messages}))
        except StorageRefused as refused:
            form.add_error("logo", str(refused))
        else:
            return _saved(request, True)
    return render(
        request,
        f"{TEMPLATES}/logo.html",
        {"page_title": "Logo", "form": form, "settings_council": council, "breadcrumbs": _crumbs()},
    )


@never_cache
@require_POST
@admin_only
def logo_remove(request: HttpRequest) -> HttpResponse:
    council = council_fresh(council=request.tenant)
    services.council_logo_remove(council=council, by=request.staff_membership, request=request)
    messages.success(request, "The logo has been removed. The header shows the council's name instead.")
    return redirect("staff:settings")


# --- Rows of the council: service areas, help links, link tiles ---------------------------


@dataclass(frozen=True)
class RowSection:
    """One list of the council's rows, with its add, change and remove pages."""

    url_name: str  # "settings-service-area" → …-areas (list), -add, -change, -remove
    title: str  # "Service areas"
    singular: str  # "service area"
    form_class: type[GovukModelForm]
    rows: Callable  # (council) → queryset of this council's rows
    new_row: Callable  # (council, position) → unsaved row
    save: Callable  # (council, row|None, data, by, request) → row
    remove: Callable  # (council, row, by, request) → None
    intro: str
    label: Callable[[models.Model], str]


SERVICE_AREAS = RowSection(
    url_name="settings-service-area",
    title="Service areas",
    singular="service area",
    form_class=ServiceAreaForm,
    rows=lambda council: ServiceArea.objects.filter(council=council),
    new_row=lambda council, position: ServiceArea(council=council, order=position),
    save=lambda council, row, data, by, request: services.service_area_save(
        council=council, area=row, by=by, request=request, **data
    ),
    remove=lambda council, row, by, request: services.service_area_remove(
        council=council, area=row, by=by, request=request
    ),
    intro="The areas of your SEND service. Each has the email address its families' requests go to, "
    "shown in the footer of every page.",
    label=lambda row: row.name,
)
HELP_LINKS = RowSection(
    url_name="settings-help-link",
    title="Help links",
    singular="help link",
    form_class=HelpLinkForm,
    rows=lambda council: CouncilLink.objects.filter(council=council),
    new_row=lambda council, position: CouncilLink(council=council, order=position),
    save=lambda council, row, data, by, request: services.help_link_save(
        council=council, link=row, by=by, request=request, **data
    ),
    remove=lambda council, row, by, request: services.help_link_remove(
        council=council, link=row, by=by, request=request
    ),
    intro="Guides and help pages listed in the footer of every page, under “Help and guides”.",
    label=lambda row: row.title,
)
LINK_TILES = RowSection(
    url_name="settings-tile",
    title="Link tiles",
    singular="link tile",
    form_class=LinkTileForm,
    rows=lambda council: Tile.objects.filter(council=council, kind=Tile.Kind.LINK),
    new_row=lambda council, position: Tile(council=council, kind=Tile.Kind.LINK, order=position + 1),
    save=lambda council, row, data, by, request: services.link_tile_save(
        council=council, tile=row, by=by, request=request, **data
    ),
    remove=lambda council, row, by, request: services.link_tile_remove(
        council=council, tile=row, by=by, request=request
    ),
    intro="Tiles on the home page that link to the council's other services.",
    label=lambda row: row.title,
)


def _row(section: RowSection, council, row_id: int):
    """One of this council's rows: another council's id is not found, like a missing one."""
    row = section.rows(council).filter(pk=row_id).first()
    if row is None:
        raise Http404
    return row


def _list_url(section: RowSection) -> str:
    return "staff:settings-tiles" if section is LINK_TILES else f"staff:{section.url_name}s"


@never_cache
@require_GET
@admin_only
def rows_list(request: HttpRequest, section: RowSection) -> HttpResponse:
    return render(
        request,
        f"{TEMPLATES}/rows.html",
        {
            "page_title": section.title,
            "section": section,
            "rows": [(row, section.label(row)) for row in section.rows(request.tenant)],
            "add_url": reverse(f"staff:{section.url_name}-add"),
            "change_name": f"staff:{section.url_name}-change",
            "remove_name": f"staff:{section.url_name}-remove",
            "breadcrumbs": _crumbs(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def row_edit(request: HttpRequest, section: RowSection, row_id: int | None = None) -> HttpResponse:
    council = request.tenant
    row = _row(section, council, row_id) if row_id is not None else None
    instance = row or section.new_row(council, section.rows(council).count())
    form = section.form_class(_data(request), instance=instance)
    if form.is_valid():
        data = {name: form.cleaned_data[name] for name in form._meta.fields}
        try:
            section.save(council, row, data, request.staff_membership, request)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _saved(request, True if row is None else form.has_changed(), to=_list_url(section))
    title = f"Add a {section.singular}" if row is None else f"Change {section.label(row)}"
    return render(
        request,
        f"{TEMPLATES}/form.html",
        {
            "page_title": title,
            "form": form,
            "breadcrumbs": _crumbs((section.title, reverse(_list_url(section)))),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def row_remove(request: HttpRequest, section: RowSection, row_id: int) -> HttpResponse:
    council = request.tenant
    row = _row(section, council, row_id)
    label = section.label(row)
    if request.method == "POST":
        section.remove(council, row, request.staff_membership, request)
        messages.success(request, f"{label} has been removed")
        return redirect(_list_url(section))
    return render(
        request,
        f"{TEMPLATES}/remove.html",
        {
            "page_title": f"Remove {label}?",
            "section": section,
            "label": label,
            "cancel_url": reverse(_list_url(section)),
            "breadcrumbs": _crumbs((section.title, reverse(_list_url(section)))),
        },
    )


# --- Tiles --------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def tiles(request: HttpRequest) -> HttpResponse:
    """The SEND tile turned on or off, and the link tiles with their own pages."""
    council = request.tenant
    all_tiles = council_tiles_all(council=council)
    send_tile = next((t for t in all_tiles if t.kind == Tile.Kind.SEND), None)
    initial = {"enabled": "yes" if send_tile is None or send_tile.enabled else "no"}
    form = SendTileForm(_data(request), initial=initial)
    if form.is_valid():
        before = send_tile is not None and send_tile.enabled
        services.send_tile_set(
            council=council, enabled=form.cleaned_data["enabled"], by=request.staff_membership, request=request
        )
        return _saved(request, before != form.cleaned_data["enabled"], to="staff:settings-tiles")
    return render(
        request,
        f"{TEMPLATES}/tiles.html",
        {
            "page_title": "Home page tiles",
            "form": form,
            "send_tile": send_tile,
            "rows": [(t, t.title) for t in all_tiles if t.kind == Tile.Kind.LINK],
            "breadcrumbs": _crumbs(),
        },
    )


# --- Sign-in policy -----------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def sign_in(request: HttpRequest) -> HttpResponse:
    council = request.tenant
    policy = council_sign_in_policy(council=council)
    form = SignInPolicyForm(_data(request), instance=policy)
    if form.is_valid():
        values = {name: form.cleaned_data[name] for _, names in POLICY_GROUPS for name in names}
        try:
            changed = services.sign_in_policy_update(
                council=council, values=values, by=request.staff_membership, request=request
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _saved(request, bool(changed))
    return render(
        request,
        f"{TEMPLATES}/sign_in.html",
        {
            "page_title": "Signing in and passwords",
            "form": form,
            "rules": policy_rules(council_sign_in_policy(council=council)),
            "breadcrumbs": _crumbs(),
        },
    )


# --- Stage explanations -------------------------------------------------------------------


@never_cache
@require_GET
@admin_only
def stage_explanation_list(request: HttpRequest) -> HttpResponse:
    council = request.tenant
    own = stage_explanations(council=council)
    kinds = [
        (kind, [(step, own.get((kind.value, step.key), "")) for step in stage_steps(case_kind=kind.value)])
        for kind in CaseKind
    ]
    return render(
        request,
        f"{TEMPLATES}/stages.html",
        {"page_title": "Explanations of each stage", "kinds": kinds, "breadcrumbs": _crumbs()},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def stage_explanation_edit(request: HttpRequest, case_kind: str, stage_key: str) -> HttpResponse:
    step = stage_step(case_kind=case_kind, key=stage_key)
    if step is None:
        raise Http404
    council = request.tenant
    current = stage_explanations(council=council, case_kind=case_kind).get((case_kind, stage_key), "")
    form = StageExplanationForm(_data(request), initial={"text": current})
    if form.is_valid():
        services.stage_explanation_set(
            council=council,
            case_kind=case_kind,
            stage_key=stage_key,
            text=form.cleaned_data["text"],
            by=request.staff_membership,
            request=request,
        )
        return _saved(request, form.cleaned_data["text"].strip() != current, to="staff:settings-stages")
    return render(
        request,
        f"{TEMPLATES}/stage.html",
        {
            "page_title": f"{CaseKind(case_kind).label}: {step.title}",
            "step": step,
            "kind_label": CaseKind(case_kind).label,
            "form": form,
            "breadcrumbs": _crumbs(("Explanations of each stage", reverse("staff:settings-stages"))),
        },
    )


class PlanTemplateForm(GovukForm):
    definition = forms.CharField(
        label="The template, as JSON",
        help_text="Sections (key, title, parts), each part a key, a label and, for a list, its kind: need, outcome, "
        "provision (with the sections whose needs it meets) or advice. Keep every list the national template has; "
        "retitle, relabel, reorder and add as you need.",
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false"}),
        error_messages={"required": "Enter the template"},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def plan_template(request: HttpRequest) -> HttpResponse:
    """The council's EHC plan template: which one new plans start on, its versions, and
    the draft to edit (starting from the template in use) and publish."""
    council = request.tenant
    versions = list(PlanTemplateVersion.objects.filter(council=council).order_by("-number"))
    draft = next((v for v in versions if v.published_at is None), None)
    in_use = next((v for v in versions if v.published_at is not None), None)
    start = draft.definition if draft else (in_use.definition if in_use else template_definition(NATIONAL))
    form = PlanTemplateForm(_data(request), initial={"definition": json.dumps(start, indent=2, ensure_ascii=False)})
    if form.is_valid():
        publish = "publish" in request.POST
        try:
            saved = plan_template_save(
                council=council,
                text=form.cleaned_data["definition"],
                publish=publish,
                actor=request.user,
                actor_role=request.staff_membership.role,
                request=request,
            )
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            messages.success(
                request,
                f"Version {saved.number} is published: new plans start on it."
                if publish
                else f"Version {saved.number} is saved as a draft. Plans still start on the template in use.",
            )
            return redirect("staff:settings-plan-template")
    return render(
        request,
        "casework/staff/settings/plan_template.html",
        {
            "page_title": "EHC plan template",
            "form": form,
            "versions": versions,
            "draft": draft,
            "in_use": in_use,
        },
    )
