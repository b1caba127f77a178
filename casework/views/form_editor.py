"""The form editor (issue 19, item 17): screens over a draft version's definition, for a
SEND manager who does not write JSON. Council admins (COUNCIL_SETTINGS) only, and only
a draft: a published version is frozen (not found here).

- build/ : the outline of sections, pages and questions, each with change, move up and
  down, and remove; add a question to a page or group, a page to a section, a section.
- build/settings/ : the form's title, what it feeds, who may fill it in, the declaration.
- build/sections/<id>/, build/pages/<id>/, build/questions/<id>/[?group=] : change one.
- build/questions/new/?page=|group=|section=[&type=] : choose the type, then the question
  (and the new page's heading); with none of those, in a new section (and its title).
- build/remove/<kind>/<id>/[?group=] : remove, after "Are you sure?".

Every save goes through casework.services.forms.form_version_update (the same checks as
the JSON editor); a problem is shown beside its field with everything typed kept. Each
form carries the draft's revision: a save over another admin's newer change is refused,
with what was typed kept, rather than silently undoing theirs.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from casework.forms_form_editor import (
    GROUP_MEMBER_TYPES,
    TESTS,
    TYPES,
    PageForm,
    QuestionForm,
    SectionForm,
    SettingsForm,
    problems_to_fields,
)
from casework.services import form_editor as editor
from casework.services import forms as form_services
from tenants.form_definitions import DefinitionInvalid
from tenants.models import FormVersion
from themes.forms import GovukForm

from .forms import _crumbs, _draft, _form_url, _who, admin_only

TEMPLATES = "casework/staff/forms/build"
KINDS = {"section": "section", "page": "page", "question": "question"}
STALE = (
    "Another admin changed this draft while you were editing it, so your change has not been saved. "
    "What you typed is below: check the form's outline, then save again."
)


def _outline_url(version: FormVersion, anchor: str = "") -> str:
    url = reverse("staff:settings-form-build", args=[version.variant_id, version.pk])
    return f"{url}#{anchor}" if anchor else url


def _context(version: FormVersion, **extra) -> dict:
    return {
        "version": version,
        "variant": version.variant,
        "outline_url": _outline_url(version),
        "breadcrumbs": _crumbs(
            (version.variant.title, _form_url(version.variant)),
            (f"Build draft version {version.number}", _outline_url(version)),
        ),
        **extra,
    }


def _save(request: HttpRequest, version: FormVersion, form: Form, changed: dict, own: dict[str, str]) -> bool:
    """Save the changed definition; on a problem, put it on the form and say no."""
    if request.POST.get("revision") != editor.revision(version.definition):
        form.add_error(None, STALE)
        return False
    try:
        form_services.form_version_update(version=version, definition=changed, **_who(request))
    except DefinitionInvalid as invalid:
        problems_to_fields(form, invalid.problems, own=own)
        return False
    except ValidationError as refused:
        form.add_error(None, refused)
        return False
    return True


def _lookup(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except editor.NotFound as missing:
        raise Http404 from missing


# --- The outline --------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def build(request: HttpRequest, variant_id: int, version_id: int) -> HttpResponse:
    """The outline; POST moves one thing up or down (a button per row, no script)."""
    version = _draft(request, variant_id, version_id)
    if request.method == "POST":
        kind, item_id = request.POST.get("kind", ""), request.POST.get("id", "")
        step = {"up": -1, "down": 1}.get(request.POST.get("move", ""))
        if kind not in KINDS or step is None:
            raise Http404
        if request.POST.get("revision") != editor.revision(version.definition):
            messages.error(request, "Another admin changed this draft a moment ago: check the outline and try again.")
            return redirect(_outline_url(version))
        changed = _lookup(editor.move, version.definition, kind, item_id, step, group_id=request.POST.get("group", ""))
        form_services.form_version_update(version=version, definition=changed, **_who(request))
        return redirect(_outline_url(version, f"{kind}-{item_id}"))
    definition = version.definition
    return render(
        request,
        f"{TEMPLATES}/outline.html",
        _context(
            version,
            page_title=f"Build draft version {version.number}",
            definition=definition,
            sections=_outline(version),
            revision=editor.revision(definition),
            new_question_url=reverse("staff:settings-form-build-question-new", args=[version.variant_id, version.pk]),
        ),
    )


def _outline(version: FormVersion) -> list[dict]:
    """The definition as the outline shows it: each part with its words, what it is,
    when it shows, and its addresses (the template only lays it out)."""
    args = [version.variant_id, version.pk]
    labels = {q["id"]: q["label"] for _, _, page in editor.pages(version.definition) for q in page["questions"]}

    def when(show_if: dict | None) -> str:
        if not show_if:
            return ""
        asked = labels.get(show_if["question"], show_if["question"])
        if show_if.get("answered"):
            return f"Shown only when '{asked}' has been answered"
        test, value = next((k, v) for k, v in show_if.items() if k != "question")
        values = " or ".join(value) if isinstance(value, list) else value
        return f"Shown only when the answer to '{asked}' {dict(TESTS)[test]} {values}"

    def question(q: dict, group: str = "") -> dict:
        suffix = f"?group={group}" if group else ""
        return {
            "id": q["id"],
            "label": q["label"],
            "type": TYPES[q["type"]][0],
            "optional": q.get("required") is False,
            "when": when(q.get("show_if")),
            "options": [o["label"] for o in q.get("options", [])],
            "item_name": q.get("item_name", ""),
            "group": group,
            "change_url": reverse("staff:settings-form-build-question", args=[*args, q["id"]]) + suffix,
            "remove_url": reverse("staff:settings-form-build-remove", args=[*args, "question", q["id"]]) + suffix,
            "questions": [question(sub, q["id"]) for sub in q.get("questions", [])],
        }

    return [
        {
            "id": section["id"],
            "title": section["title"],
            "change_url": reverse("staff:settings-form-build-section", args=[*args, section["id"]]),
            "remove_url": reverse("staff:settings-form-build-remove", args=[*args, "section", section["id"]]),
            "pages": [
                {
                    "id": page["id"],
                    "title": page.get("title", ""),
                    "when": when(page.get("show_if")),
                    "change_url": reverse("staff:settings-form-build-page", args=[*args, page["id"]]),
                    "remove_url": reverse("staff:settings-form-build-remove", args=[*args, "page", page["id"]]),
                    "questions": [question(q) for q in page["questions"]],
                }
                for page in section["pages"]
            ],
        }
        for section in version.definition["sections"]
    ]


# --- The form's settings, a section, a page ------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def build_settings(request: HttpRequest, variant_id: int, version_id: int) -> HttpResponse:
    version = _draft(request, variant_id, version_id)
    form = SettingsForm(
        request.POST if request.method == "POST" else None, initial=SettingsForm.initial_from(version.definition)
    )
    if request.method == "POST" and form.is_valid():
        changed = editor.settings_put(version.definition, form.values())
        own = {"$": ""}
        if _save(request, version, form, changed, own):
            messages.success(request, "The form's settings are saved")
            return redirect(_outline_url(version))
    return _edit_page(request, version, form, title="The form's settings")


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def build_section(request: HttpRequest, variant_id: int, version_id: int, section_id: str) -> HttpResponse:
    version = _draft(request, variant_id, version_id)
    index = _lookup(editor.section_index, version.definition, section_id)
    section = version.definition["sections"][index]
    form = SectionForm(request.POST if request.method == "POST" else None, initial=section)
    if request.method == "POST" and form.is_valid():
        changed = editor.section_put(version.definition, section_id, **form.cleaned_data)
        if _save(request, version, form, changed, {f"$.sections[{index}]": ""}):
            messages.success(request, f"Section '{form.cleaned_data['title']}' saved")
            return redirect(_outline_url(version, f"section-{section_id}"))
    return _edit_page(request, version, form, title=f"Section: {section['title']}")


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def build_page(request: HttpRequest, variant_id: int, version_id: int, page_id: str) -> HttpResponse:
    version = _draft(request, variant_id, version_id)
    place = _lookup(editor.page_place, version.definition, page_id)
    page = version.definition["sections"][place.section]["pages"][place.page]
    earlier = editor.earlier_questions(version.definition, page_id)
    form = PageForm(
        request.POST if request.method == "POST" else None,
        earlier=earlier,
        initial={**page, **PageForm.condition_initial(page.get("show_if"))},
    )
    if request.method == "POST" and form.is_valid():
        show_if = form.show_if()
        if not form.errors:
            changed = editor.page_put(
                version.definition,
                page_id,
                title=form.cleaned_data["title"],
                hint=form.cleaned_data["hint"],
                show_if=show_if,
            )
            if _save(request, version, form, changed, {place.path: ""}):
                messages.success(request, "Page saved")
                return redirect(_outline_url(version, f"page-{page_id}"))
    title = page.get("title") or page["questions"][0]["label"]
    return _edit_page(request, version, form, title=f"Page: {title}")


# --- Questions ----------------------------------------------------------------------------


def _new_place(request: HttpRequest, definition: dict) -> tuple[editor.NewPlace, str]:
    """Where the new question goes (from the address), and what else the screen asks
    for: "page_heading" (an untitled page getting its second question), "section" (a new
    page), "new_section"."""
    data = request.GET if request.method == "GET" else request.POST
    place = editor.NewPlace(
        page=data.get("page", ""),
        group=data.get("group", ""),
        section=data.get("section", ""),
        new_section=data.get("new_section") == "1",
    )
    if place.kind == "group":
        group = _lookup(editor.question_of, definition, place.group)
        if group["type"] != "group":
            raise Http404
        return place, ""
    if place.kind == "page":
        page = _lookup(editor.page_of, definition, place.page)
        return place, "page_heading" if "title" not in page and len(page["questions"]) == 1 else ""
    if place.kind == "section":
        _lookup(editor.section_index, definition, place.section)
        return place, "section"
    return editor.NewPlace(new_section=True), "new_section"  # neither page, group nor section: a new section


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def build_question_new(request: HttpRequest, variant_id: int, version_id: int) -> HttpResponse:
    version = _draft(request, variant_id, version_id)
    definition = version.definition
    place, placement = _new_place(request, definition)
    data = request.GET if request.method == "GET" else request.POST
    question_type = data.get("type", "")
    allowed = GROUP_MEMBER_TYPES if place.kind == "group" else list(TYPES)
    if question_type not in allowed:
        chooser = GovukForm(data if "type" in data else None)  # no fields: the refusal, if any
        if "type" in data:
            chooser.add_error(None, "Choose what kind of question it is")
        return render(
            request,
            f"{TEMPLATES}/type.html",
            _context(
                version,
                page_title="What kind of question is it?",
                place=place,
                types=[(kind, *TYPES[kind]) for kind in allowed],
                form=chooser,
            ),
            status=400 if chooser.errors else 200,
        )
    earlier = editor.earlier_questions_for_new(definition, place)
    form = QuestionForm(
        request.POST if request.method == "POST" else None,
        question_type=question_type,
        earlier=earlier,
        in_group=place.kind == "group",
        placement=placement,
    )
    if question_type == "group":
        form.add_group_first_question()
    if request.method == "POST" and form.is_valid():
        values = form.values()
        if not form.errors:
            added = editor.question_add(
                definition,
                place,
                editor.question_new(values),
                page_title=form.cleaned_data.get("page_title", ""),
                section_title=form.cleaned_data.get("section_title", ""),
            )
            own = {added.question_path: "", added.page_path: "page_", added.section_path: "section_"}
            if _save(request, version, form, added.definition, own):
                messages.success(request, f"Question '{values['label']}' added")
                return redirect(_outline_url(version))
    return _edit_page(
        request,
        version,
        form,
        title=f"Add a question: {TYPES[question_type][0].lower()}",
        hidden={
            "type": question_type,
            "page": place.page,
            "group": place.group,
            "section": place.section,
            "new_section": "1" if place.new_section else "",
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def build_question(request: HttpRequest, variant_id: int, version_id: int, question_id: str) -> HttpResponse:
    version = _draft(request, variant_id, version_id)
    definition = version.definition
    group_id = (request.GET if request.method == "GET" else request.POST).get("group", "")
    question = _lookup(editor.question_of, definition, question_id, group_id)
    place = _lookup(editor.page_place_of_question, definition, group_id or question_id)
    page_id = definition["sections"][place.section]["pages"][place.page]["id"]
    form = QuestionForm(
        request.POST if request.method == "POST" else None,
        question_type=question["type"],
        earlier=editor.earlier_questions(definition, page_id),
        in_group=bool(group_id),
        initial=QuestionForm.initial_from(question),
    )
    if request.method == "POST" and form.is_valid():
        values = form.values()
        if not form.errors:
            changed = editor.question_put(definition, question_id, values, group_id=group_id)
            own = {editor.question_path(definition, question_id, group_id): "", place.path: "page_"}
            if _save(request, version, form, changed, own):
                messages.success(request, f"Question '{values['label']}' saved")
                return redirect(_outline_url(version, f"question-{question_id}"))
    return _edit_page(
        request,
        version,
        form,
        title=f"Change the question: {question['label'][:80]}",
        hidden={"group": group_id},
        about=f"{TYPES[question['type']][0]}. Its id is {question['id']}: answers are stored under it, so it "
        "and the type stay as they are (remove the question and add another to change them).",
    )


def _edit_page(
    request: HttpRequest, version: FormVersion, form: Form, *, title: str, hidden: dict | None = None, about: str = ""
) -> HttpResponse:
    return render(
        request,
        f"{TEMPLATES}/edit.html",
        _context(
            version,
            page_title=title,
            form=form,
            hidden={k: v for k, v in (hidden or {}).items() if v},
            about=about,
            revision=request.POST.get("revision") if request.method == "POST" else editor.revision(version.definition),
        ),
        status=400 if form.errors else 200,
    )


# --- Removing -----------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@admin_only
def build_remove(request: HttpRequest, variant_id: int, version_id: int, kind: str, item_id: str) -> HttpResponse:
    version = _draft(request, variant_id, version_id)
    if kind not in KINDS:
        raise Http404
    definition = version.definition
    group_id = (request.GET if request.method == "GET" else request.POST).get("group", "")
    if kind == "section":
        name = definition["sections"][_lookup(editor.section_index, definition, item_id)]["title"]
    elif kind == "page":
        page = _lookup(editor.page_of, definition, item_id)
        name = page.get("title") or page["questions"][0]["label"]
    else:
        name = _lookup(editor.question_of, definition, item_id, group_id)["label"]
    form = GovukForm(request.POST if request.method == "POST" else None)  # no fields: the refusal, if any
    if form.is_valid():
        if request.POST.get("revision") != editor.revision(definition):
            form.add_error(None, STALE)
        else:
            try:
                changed = editor.remove(definition, kind, item_id, group_id=group_id)
                form_services.form_version_update(version=version, definition=changed, **_who(request))
            except DefinitionInvalid as invalid:
                form.add_error(None, [str(problem) for problem in invalid.problems])
            except ValidationError as refused:
                form.add_error(None, refused)
            else:
                messages.success(request, f"Removed the {kind} '{name}'")
                return redirect(_outline_url(version))
    return render(
        request,
        f"{TEMPLATES}/remove.html",
        _context(
            version,
            page_title=f"Remove the {kind} '{name[:80]}'?",
            kind=kind,
            name=name,
            group=group_id,
            form=form,
            revision=editor.revision(definition),
        ),
        status=400 if form.errors else 200,
    )
