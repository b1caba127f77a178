"""Where a new plan starts (issue 15, item 2): what the case already holds, so nobody
types again what the family and the advisers have written.

Section A is the family's own words, question by question, from the form the council
asked them to fill in (SECTION_A_FROM); section K lists the advice received, each keeping
its source document so that a quotation from it can be traced."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from casework.submissions.answers import answer_lines
from casework.submissions.flow import shown_answers
from tenants.form_definitions import FormDefinition

from .template import SECTION_A_FROM, id_prefix


def section_a_from(definition: FormDefinition, answers: Mapping[str, Any]) -> dict[str, str]:
    """Section A's parts from a form's answers: each answer under its question, in the
    order SECTION_A_FROM gives; a part the form has nothing for is left out."""
    kept = shown_answers(definition, answers)
    questions = {q.id: q for page in definition.pages for q in page.questions}
    parts: dict[str, str] = {}
    for part, question_ids in SECTION_A_FROM.items():
        blocks = []
        for question_id in question_ids:
            question = questions.get(question_id)
            lines = answer_lines(question, kept.get(question_id)) if question else []
            if lines:
                blocks.append("\n".join([question.label, *lines]))
        if blocks:
            parts[part] = "\n\n".join(blocks)
    return parts


def advice_from(received: Iterable[tuple[str, str, date | None, int | None]]) -> list[dict]:
    """Section K's items from the advice received: (title, from, received on, the
    document it came in, if any), numbered k1, k2…"""
    listed = []
    for n, (title, adviser, received_on, document) in enumerate(received, start=1):
        listed.append(
            {
                "id": f"{id_prefix('K')}{n}",
                "title": title[:500],
                "from": adviser[:500],
                "received_on": received_on.isoformat() if received_on else "",
                "document": document,
            }
        )
    return listed
