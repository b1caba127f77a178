"""Walking a definition with a family's answers: which pages and questions are shown
(conditions), each section's status for the task list, where "Save and continue"
goes, what is still missing, and the answers that are sent (only those shown).

Conditions only ever name questions on earlier pages (tenants.form_definitions checks
it), so a single pass in page order decides everything: an answer on a page that is no
longer shown counts as not given, and so cannot show a later page either.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tenants.form_definitions import FormDefinition, Page, Question, Section

from .answers import AnswerRow, answer_rows, is_answered

NOT_STARTED = "Not yet started"
IN_PROGRESS = "In progress"
COMPLETED = "Completed"


def shown_answers(definition: FormDefinition, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers to questions that are shown, given the answers before them: what a
    submission keeps."""
    kept: dict[str, Any] = {}
    for page in definition.pages:
        if not page.visible(kept):
            continue
        for q in page.questions:
            if q.visible(kept) and is_answered(answers.get(q.id)):
                kept[q.id] = answers[q.id]
    return kept


def shown_questions(page: Page, answers: Mapping[str, Any]) -> list[Question]:
    kept = answers
    return [q for q in page.questions if q.visible(kept)]


def page_is_shown(definition: FormDefinition, page: Page, answers: Mapping[str, Any]) -> bool:
    return page.visible(shown_answers(definition, answers))


def page_complete(page: Page, answers: Mapping[str, Any], pages_done: Iterable[str]) -> bool:
    """Saved as done, and every required question shown has an answer (a group has at
    least its minimum of items)."""
    return page.id in set(pages_done) and page_answered(page, answers)


def page_answered(page: Page, answers: Mapping[str, Any]) -> bool:
    """Every required question the page shows has an answer (a group its minimum)."""
    for q in shown_questions(page, answers):
        value = answers.get(q.id)
        if q.type == "group":
            if len(value or []) < q.group_min:
                return False
        elif q.required and not is_answered(value):
            return False
    return True


@dataclass(frozen=True)
class SectionProgress:
    section: Section
    status: str
    pages: list[Page]  # the section's pages shown now
    next_page: Page  # where its link goes: the first page not complete, else the first

    @property
    def complete(self) -> bool:
        return self.status == COMPLETED


@dataclass(frozen=True)
class Progress:
    sections: list[SectionProgress]

    @property
    def complete(self) -> bool:
        return all(s.complete for s in self.sections)

    @property
    def completed_count(self) -> int:
        return sum(1 for s in self.sections if s.complete)


def progress(definition: FormDefinition, answers: Mapping[str, Any], pages_done: Iterable[str]) -> Progress:
    kept = shown_answers(definition, answers)
    done = set(pages_done)
    sections = []
    for section in definition.sections:
        pages = [p for p in section.pages if p.visible(kept)]
        complete = [p for p in pages if page_complete(p, kept, done)]
        touched = any(p.id in done for p in pages) or any(
            is_answered(kept.get(q.id)) for p in pages for q in p.questions
        )
        if pages and len(complete) == len(pages):
            status = COMPLETED
        elif touched:
            status = IN_PROGRESS
        else:
            status = NOT_STARTED
        first_open = next((p for p in pages if p not in complete), None)
        sections.append(
            SectionProgress(
                section=section, status=status, pages=pages, next_page=first_open or (pages or section.pages)[0]
            )
        )
    return Progress(sections=[s for s in sections if s.pages])


def next_page(definition: FormDefinition, page: Page, answers: Mapping[str, Any]) -> Page | None:
    """The next page shown in the same section after `page`, or None at its end."""
    section = definition.section(page.section_id)
    kept = shown_answers(definition, answers)
    pages = list(section.pages) if section else []
    for candidate in pages[pages.index(page) + 1 :]:
        if candidate.visible(kept):
            return candidate
    return None


def previous_page(definition: FormDefinition, page: Page, answers: Mapping[str, Any]) -> Page | None:
    """The page shown before `page` in the same section, or None at its start."""
    section = definition.section(page.section_id)
    kept = shown_answers(definition, answers)
    pages = list(section.pages) if section else []
    for candidate in reversed(pages[: pages.index(page)]):
        if candidate.visible(kept):
            return candidate
    return None


@dataclass(frozen=True)
class SectionAnswers:
    section: Section
    rows: list[AnswerRow]


def answers_by_section(definition: FormDefinition, answers: Mapping[str, Any]) -> list[SectionAnswers]:
    """Every question shown, with its answer (blank when not given), section by section."""
    kept = shown_answers(definition, answers)
    result = []
    for section in definition.sections:
        rows: list[AnswerRow] = []
        for page in section.pages:
            if page.visible(kept):
                rows += answer_rows(shown_questions(page, kept), kept, page_id=page.id)
        if rows:
            result.append(SectionAnswers(section=section, rows=rows))
    return result


WHOSE_WORDS_QUESTION = "who_is_speaking"  # a form's question on whose words the answers are


def whose_words(definition: FormDefinition, answers: Mapping[str, Any] | None) -> str:
    """The label of the option the family chose for the form's "whose words" question
    (its id is WHOSE_WORDS_QUESTION), or "" when the form has no such question."""
    value = (answers or {}).get(WHOSE_WORDS_QUESTION)
    if not value:
        return ""
    for page in definition.pages:
        for question in page.questions:
            if question.id == WHOSE_WORDS_QUESTION:
                return question.option_label(value)
    return ""
