"""The form runner's pages, shared by the family's runner (citizen.runner, answers saved
on a draft), the council admins' preview (citizen.runner.staff_preview, answers kept in
the session and never saved), so a preview is exactly what a family sees, and the
professionals' advice forms (casework.professionals, a draft of their own).

GOV.UK patterns: a task list with each section's status; question pages with an error
summary that keep everything typed when something is wrong; "add another" for a
repeating group, with its minimum and maximum; check your answers with change links.
Every page works without JavaScript. The views stay thin: they find the draft (or the
version being previewed), make a `Runner` with a store and the addresses, and call it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from casework.submissions import services
from casework.submissions.answers import (
    ADDRESS_PARTS,
    PageForm,
    accepted_text,
    answer_lines,
    item_summary,
    max_file_mb,
    page_form,
)
from casework.submissions.flow import (
    answers_by_section,
    next_page,
    page_complete,
    page_is_shown,
    previous_page,
    progress,
    shown_answers,
)
from casework.submissions.models import FormDraft
from casework.submissions.selectors import draft_file_for_family
from tenants.form_definitions import FormDefinition, Page, Question
from tenants.storage import StorageRefused

TEMPLATES = "citizen/runner"
RETURN_TO_CHECK = "check"


class Store(Protocol):
    """Where a runner's answers live: a family's draft, or a preview's session."""

    answers: dict[str, Any]
    pages_done: list[str]

    def save_page(self, page_id: str, answers: dict[str, Any], *, done: bool) -> None: ...

    def save_item(self, group: Question, index: int, item: dict[str, Any]) -> None: ...

    def remove_item(self, group: Question, index: int) -> None: ...

    def store_file(self, question: Question, upload, checked) -> dict: ...

    def known_file(self, file_id: str, question: Question) -> dict | None: ...


@dataclass(frozen=True)
class Urls:
    tasks: str
    check: str
    declaration: str
    page: Callable[[str], str]
    item: Callable[[str, int], str]
    item_remove: Callable[[str, int], str]


@dataclass(frozen=True)
class QuestionView:
    """A question on a page, with its bound fields, for themes/…/citizen/runner/_question.html."""

    question: Question
    form: PageForm
    is_heading: bool  # the page's only question: its label is the page's <h1>
    current: Any

    @property
    def field(self):
        return self.form[self.question.id] if self.question.id in self.form.fields else None

    @property
    def parts(self) -> list[tuple[str, Any, bool, str]]:
        """An address's fields: (part, bound field, required, autocomplete)."""
        return [
            (part, self.form[f"{self.question.id}__{part}"], needed, autocomplete)
            for part, _label, needed, autocomplete in ADDRESS_PARTS
        ]

    @property
    def errors(self) -> list[str]:
        names = [self.question.id] + [f"{self.question.id}__{part}" for part, *_ in ADDRESS_PARTS]
        return [str(e) for name in names for e in self.form.errors.get(name, [])]

    @property
    def file(self) -> dict | None:
        """The file already uploaded for this question (kept from a failed attempt first)."""
        if self.question.type != "file":
            return None
        return self.form.kept_files.get(self.question.id) or (self.current if isinstance(self.current, dict) else None)

    @property
    def file_lines(self) -> list[str]:
        return answer_lines(self.question, self.file) if self.file else []

    @property
    def accepted(self) -> str:
        return accepted_text(self.question) if self.question.type == "file" else ""

    @property
    def max_mb(self) -> int:
        return max_file_mb(self.question, self.form.council_max_mb)

    @property
    def selected(self) -> list[str]:
        field = self.field
        if field is None:
            return []
        value = field.value()
        if value is None:
            return []
        return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


FIRST_OF_SEVERAL = ("radios", "yes_no", "checkboxes", "date")


def error_list(form: PageForm, questions) -> list[tuple[str, str]]:
    """The error summary's entries, in page order: (the id of the box to go to, the
    message). A date, radios or checkboxes go to their first box."""
    entries = [("main-content", str(e)) for e in form.non_field_errors()]
    for q in questions:
        names = [f"{q.id}__{part}" for part, *_ in ADDRESS_PARTS] if q.type == "address" else [q.id]
        for name in names:
            anchor = f"id_{name}_0" if q.type in FIRST_OF_SEVERAL else f"id_{name}"
            entries += [(anchor, str(e)) for e in form.errors.get(name, [])]
    return entries


class Runner:
    def __init__(
        self,
        *,
        definition: FormDefinition,
        store: Store,
        urls: Urls,
        preview: bool = False,
        council_max_mb: int | None = None,
        context: dict | None = None,
    ):
        self.definition = definition
        self.store = store
        self.urls = urls
        self.preview = preview
        self.council_max_mb = council_max_mb
        self.context = context or {}

    # --- helpers ---

    def _render(self, request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
        return render(
            request,
            f"{TEMPLATES}/{template}",
            {"runner": self, "definition": self.definition, "urls": self.urls, **self.context, **context},
            status=status,
        )

    def _page(self, page_id: str) -> Page:
        page = self.definition.page(page_id)
        if page is None:
            raise Http404
        return page

    def _form(self, questions, request: HttpRequest | None, *, current: dict, partial: bool = False) -> PageForm:
        posted = request is not None and request.method == "POST"
        return page_form(
            questions,
            data=request.POST if posted else None,
            files=request.FILES if posted else None,
            current=current,
            partial=partial,
            known_file=self.store.known_file,
            council_max_mb=self.council_max_mb,
        )

    def _after(self, request: HttpRequest, page: Page) -> str:
        """Where "Save and continue" goes: the section's next page, or back to the task
        list; from check your answers, back there (unless a newly shown page needs an
        answer first)."""
        answers = self.store.answers
        following = next_page(self.definition, page, answers)
        returning = request.GET.get("return") == RETURN_TO_CHECK
        if returning:
            if following is not None and not page_complete(following, answers, self.store.pages_done):
                return f"{self.urls.page(following.id)}?return={RETURN_TO_CHECK}"
            return self.urls.check
        return self.urls.page(following.id) if following is not None else self.urls.tasks

    def _back(self, request: HttpRequest, page: Page) -> str:
        if request.GET.get("return") == RETURN_TO_CHECK:
            return self.urls.check
        before = previous_page(self.definition, page, self.store.answers)
        return self.urls.page(before.id) if before is not None else self.urls.tasks

    def _return_query(self, request: HttpRequest) -> str:
        return f"?return={RETURN_TO_CHECK}" if request.GET.get("return") == RETURN_TO_CHECK else ""

    # --- the task list ---

    def tasks(self, request: HttpRequest) -> HttpResponse:
        done = progress(self.definition, self.store.answers, self.store.pages_done)
        return self._render(
            request,
            "tasks.html",
            {
                "page_title": self.definition.title,
                "progress": done,
                "tasks": [(section, self.urls.page(section.next_page.id)) for section in done.sections],
            },
        )

    # --- a page of questions ---

    def page(self, request: HttpRequest, page_id: str) -> HttpResponse:
        page = self._page(page_id)
        answers = self.store.answers
        if not page_is_shown(self.definition, page, answers):
            return redirect(self.urls.tasks)
        if page.group is not None:
            return self._group_page(request, page)
        kept = shown_answers(self.definition, answers)
        questions = [q for q in page.questions if q.visible(kept)]
        later = request.method == "POST" and request.POST.get("action") == "later"
        form = self._form(questions, request, current=answers, partial=later)
        if request.method == "POST":
            try:
                if form.is_valid():
                    self.store.save_page(page.id, form.answers(self.store.store_file), done=not later)
                    if later:
                        messages.success(
                            request, "Your answers have been saved. You can come back to them at any time."
                        )
                        return redirect(self.urls.tasks)
                    return redirect(self._after(request, page))
                form.keep_checked_uploads(self.store.store_file)
            except StorageRefused as refused:
                form.add_error(None, str(refused))
            except ValidationError as refused:
                form.add_error(None, refused)
        return self._render(
            request,
            "page.html",
            {
                "page_title": page.heading,
                "page": page,
                "form": form,
                "errors": error_list(form, questions),
                "questions": [
                    QuestionView(question=q, form=form, is_heading=page.single is not None, current=answers.get(q.id))
                    for q in questions
                ],
                "multipart": any(q.type == "file" for q in questions),
                "return_query": self._return_query(request),
                "back_url": self._back(request, page),
            },
        )

    # --- "add another" ---

    def _group_page(self, request: HttpRequest, page: Page) -> HttpResponse:
        group = page.group
        assert group is not None
        items = list(self.store.answers.get(group.id) or [])
        errors: list[tuple[str, str]] = []
        if request.method == "POST":
            action = request.POST.get("action", "")
            add_another = request.POST.get("add_another", "")
            if action == "later":
                return redirect(self.urls.tasks)
            if action == "add" or add_another == "yes":
                if len(items) >= group.group_max:
                    errors.append(("main-content", f"You can add up to {group.group_max} {group.items_label}"))
                else:
                    return redirect(self.urls.item(page.id, len(items)) + self._return_query(request))
            elif add_another == "no" or (action == "continue" and len(items) >= group.group_max):
                if len(items) < group.group_min:
                    errors.append(("add", f"Add at least {group.group_min} {self._items_word(group, group.group_min)}"))
                else:
                    self.store.save_page(page.id, {}, done=True)
                    return redirect(self._after(request, page))
            else:
                errors.append(("add_another_0", f"Select yes if you need to add another {group.item_name}"))
        return self._render(
            request,
            "group.html",
            {
                "page_title": group.label,
                "page": page,
                "group": group,
                "items": [
                    {
                        "summary": item_summary(group, item),
                        "change_url": self.urls.item(page.id, i),
                        "remove_url": self.urls.item_remove(page.id, i),
                    }
                    for i, item in enumerate(items)
                ],
                "back_url": self._back(request, page),
                "can_add": len(items) < group.group_max,
                "needs_more": len(items) < group.group_min,
                "errors": errors,
                "form": _Errors(errors),
                "return_query": self._return_query(request),
            },
        )

    @staticmethod
    def _items_word(group: Question, count: int) -> str:
        return group.item_name if count == 1 else group.items_label

    def _group_of(self, page_id: str) -> tuple[Page, Question, list[dict]]:
        page = self._page(page_id)
        if page.group is None or not page_is_shown(self.definition, page, self.store.answers):
            raise Http404
        return page, page.group, list(self.store.answers.get(page.group.id) or [])

    def item(self, request: HttpRequest, page_id: str, index: int) -> HttpResponse:
        page, group, items = self._group_of(page_id)
        if index > len(items) or (index == len(items) and len(items) >= group.group_max):
            return redirect(self.urls.page(page.id))
        current = items[index] if index < len(items) else {}
        form = self._form(group.questions, request, current=current)
        if request.method == "POST":
            try:
                if form.is_valid():
                    self.store.save_item(group, index, form.answers(self.store.store_file))
                    return redirect(self.urls.page(page.id) + self._return_query(request))
                form.keep_checked_uploads(self.store.store_file)
            except StorageRefused as refused:
                form.add_error(None, str(refused))
            except ValidationError as refused:
                form.add_error(None, refused)
        adding = index == len(items)
        heading = (
            f"Add a {group.item_name}"
            if adding
            else f"Change {group.item_name} {index + 1}: {item_summary(group, current)}"
        )
        return self._render(
            request,
            "item.html",
            {
                "page_title": heading,
                "heading": heading,
                "page": page,
                "group": group,
                "form": form,
                "errors": error_list(form, group.questions),
                "questions": [
                    QuestionView(question=q, form=form, is_heading=False, current=current.get(q.id))
                    for q in group.questions
                ],
                "multipart": any(q.type == "file" for q in group.questions),
                "return_query": self._return_query(request),
                "back_url": self.urls.page(page.id),
            },
        )

    def item_remove(self, request: HttpRequest, page_id: str, index: int) -> HttpResponse:
        page, group, items = self._group_of(page_id)
        if not 0 <= index < len(items):
            raise Http404
        summary = item_summary(group, items[index])
        errors: list[tuple[str, str]] = []
        if request.method == "POST":
            answer = request.POST.get("remove", "")
            if answer == "yes":
                self.store.remove_item(group, index)
                messages.success(request, f"{group.item_name.capitalize()} removed: {summary}")
                return redirect(self.urls.page(page.id))
            if answer == "no":
                return redirect(self.urls.page(page.id))
            errors.append(("remove_0", f"Select yes if you want to remove this {group.item_name}"))
        return self._render(
            request,
            "item_remove.html",
            {
                "page_title": f"Are you sure you want to remove {summary}?",
                "summary": summary,
                "back_url": self.urls.page(page.id),
                "page": page,
                "group": group,
                "errors": errors,
                "form": _Errors(errors),
            },
        )

    # --- check your answers ---

    def check(self, request: HttpRequest) -> HttpResponse:
        answers = self.store.answers
        sections = [
            {
                "section": section.section,
                "rows": [(row, f"{self.urls.page(row.page_id)}?return={RETURN_TO_CHECK}") for row in section.rows],
            }
            for section in answers_by_section(self.definition, answers)
        ]
        return self._render(
            request,
            "check.html",
            {
                "page_title": "Check your answers",
                "sections": sections,
                "progress": progress(self.definition, answers, self.store.pages_done),
            },
        )


class _Errors:
    """Enough of a form for base.html's "Error:" title prefix on pages without one."""

    def __init__(self, errors: list):
        self.errors = errors


class DraftStore:
    """The runner's answers on a draft (a family member's, or a professional's advice):
    every page saved as they go."""

    def __init__(self, draft: FormDraft, account):
        self.draft = draft
        self.account = account

    @property
    def answers(self) -> dict:
        return self.draft.answers

    @property
    def pages_done(self) -> list[str]:
        return self.draft.pages_done

    def save_page(self, page_id: str, answers: dict, *, done: bool) -> None:
        services.draft_page_save(draft=self.draft, page_id=page_id, answers=answers, done=done)

    def save_item(self, group: Question, index: int, item: dict) -> None:
        services.draft_item_save(draft=self.draft, group=group, index=index, item=item)

    def remove_item(self, group: Question, index: int) -> None:
        services.draft_item_remove(draft=self.draft, group=group, index=index)

    def store_file(self, question: Question, upload, checked) -> dict:
        return services.draft_file_store(
            draft=self.draft, question=question, upload=upload, checked=checked, account=self.account
        )

    def known_file(self, file_id: str, question: Question) -> dict | None:
        form_file = draft_file_for_family(draft=self.draft, file_id=file_id)
        if form_file is None or form_file.question_id != question.id:
            return None
        return {
            "file_id": form_file.pk,
            "name": form_file.name,
            "size": form_file.size,
            "content_type": form_file.content_type,
        }
