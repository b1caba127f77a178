"""The form editor (issue 19, item 17), over HTTP on each council, as a SEND manager who
does not write JSON uses it on a new draft of the council's own form: the outline of
sections, pages and questions; adding questions of each kind (to a page, as a new page,
in a new section, a repeating group and its questions) with conditions; changing them;
moving them up and down; removing them; the form's settings. Every change is checked as
the JSON editor checks it: a problem is shown beside its field, with what was typed kept,
and nothing is saved. A save over another admin's newer change is refused. A published
version cannot be edited."""

from __future__ import annotations

import html

import pytest

from casework.forms_form_editor import options_text
from casework.models import StaffRole
from casework.services import form_editor as editor
from casework.services.forms import PROFESSIONAL_BUILTINS
from tenants.form_definitions import form_definition
from tenants.models import FormVariant, FormVersion

pytestmark = pytest.mark.django_db


def text(answer) -> str:
    return html.unescape(answer.content.decode())


class Editor:
    """A council admin's client on a new draft (version 2) of the council's own form."""

    def __init__(self, client, version: FormVersion):
        self.client = client
        self.version = version
        self.base = f"/staff/settings/forms/{version.variant_id}/versions/{version.pk}/build/"

    @property
    def definition(self) -> dict:
        self.version.refresh_from_db()
        return self.version.definition

    def revision(self) -> str:
        return editor.revision(self.definition)

    def post(self, path: str, data: dict):
        return self.client.post(f"{self.base}{path}", {"revision": self.revision(), **data})

    def add(self, where: dict, data: dict):
        return self.post("questions/new/", {**where, **data})

    def question_ids(self) -> list[str]:
        return [q["id"] for _, _, page in editor.pages(self.definition) for q in page["questions"]]


def single_question_page(definition: dict) -> dict:
    """An untitled page with one question (not a group) no condition depends on."""
    used = {
        part["show_if"]["question"]
        for _, _, page in editor.pages(definition)
        for part in [page, *page["questions"]]
        if "show_if" in part
    }
    return next(
        page
        for _, _, page in editor.pages(definition)
        if len(page["questions"]) == 1
        and "title" not in page
        and page["questions"][0]["type"] != "group"
        and page["questions"][0]["id"] not in used
    )


@pytest.fixture
def draft(site, staff_client) -> Editor:
    client = staff_client(site.council, StaffRole.COUNCIL_ADMIN)
    variant = FormVariant.objects.exclude(based_on__in=PROFESSIONAL_BUILTINS).get(council=site.council)
    published = variant.versions.get()
    answer = client.post(f"/staff/settings/forms/{variant.pk}/", {"source": str(published.pk)})
    version = variant.versions.get(number=2)
    assert answer["Location"] == f"/staff/settings/forms/{variant.pk}/versions/{version.pk}/build/"
    return Editor(client, version)


def test_the_outline_shows_every_section_page_and_question_with_its_actions(draft):
    page = text(draft.client.get(draft.base))
    definition = form_definition(draft.definition)
    for number, section in enumerate(definition.sections, start=1):
        assert f"Section {number}: {section.title}" in page
        for question in (q for p in section.pages for q in p.questions):
            assert question.label in page
    assert f'href="{draft.base}questions/new/?new_section=1"' in page
    assert "Change it as JSON" in page
    assert "/preview/" in page and "/publish/" in page
    first = definition.sections[0].pages[0].questions[0]
    assert (
        f'href="{draft.base}questions/{first.id}/"' in page
        and f'Move down<span class="govuk-visually-hidden"> question {first.label}' in page
    )


def test_a_question_added_to_a_page_gets_an_id_from_its_label_and_the_page_a_heading(draft):
    definition = draft.definition
    page = single_question_page(definition)

    where = {"page": page["id"], "type": "text"}

    chooser = text(draft.client.get(f"{draft.base}questions/new/?page={page['id']}"))
    assert "What kind of question is it?" in chooser and "Repeating group" in chooser

    refused = draft.add(where, {"label": "Your child's favourite lesson", "max_length": "80"})
    assert refused.status_code == 400
    body = text(refused)
    assert "Enter a heading for the page" in body
    assert 'value="Your child\'s favourite lesson"' in body  # what was typed is kept
    assert draft.definition == definition  # nothing saved

    answer = draft.add(where, {"label": "Your child's favourite lesson", "max_length": "80", "page_title": "School"})
    assert answer.status_code == 302, text(answer)[:3000]
    changed = editor.page_of(draft.definition, page["id"])
    assert changed["title"] == "School"
    assert changed["questions"][-1] == {
        "id": "your_childs_favourite_lesson",
        "type": "text",
        "label": "Your child's favourite lesson",
        "max_length": 80,
    }
    # The preview is the family's page, with the new question on it.
    preview = (
        f"/staff/settings/forms/{draft.version.variant_id}/versions/{draft.version.pk}/preview/pages/{page['id']}/"
    )
    assert "Your child's favourite lesson" in text(draft.client.get(preview))


def test_choices_and_a_later_page_shown_only_for_one_answer(draft):
    section = draft.definition["sections"][-1]
    answer = draft.add(
        {"section": section["id"], "type": "radios"},
        {
            "label": "Does your child travel to school by taxi?",
            "options": "Yes\nNo\nsometimes | Some days",
            "page_title": "",
        },
    )
    assert answer.status_code == 302, text(answer)[:3000]
    taxi = editor.question_of(draft.definition, "does_your_child_travel_to_school_by_taxi")
    assert taxi["options"] == [
        {"value": "yes", "label": "Yes"},
        {"value": "no", "label": "No"},
        {"value": "sometimes", "label": "Some days"},
    ]

    follow_up = {"section": section["id"], "type": "long_text"}
    wrong = {
        "label": "Tell us about the taxi",
        "condition_question": taxi["id"],
        "condition_test": "equals",
        "condition_value": "maybe",
    }
    refused = draft.add(follow_up, wrong)
    assert refused.status_code == 400
    body = text(refused)
    assert "'maybe' is not an option of 'does_your_child_travel_to_school_by_taxi'" in body
    assert 'value="maybe"' in body and "Tell us about the taxi" in body

    saved = draft.add(follow_up, {**wrong, "condition_test": "one_of", "condition_value": "yes, sometimes"})
    assert saved.status_code == 302, text(saved)[:3000]
    question = editor.question_of(draft.definition, "tell_us_about_the_taxi")
    assert question["show_if"] == {"question": taxi["id"], "one_of": ["yes", "sometimes"]}
    outline = text(draft.client.get(draft.base))
    assert (
        "Shown only when the answer to 'Does your child travel to school by taxi?' is one of yes or sometimes"
        in outline
    )


def test_a_new_section_and_a_repeating_group_with_its_questions(draft):
    sections_before = len(draft.definition["sections"])
    refused = draft.add(
        {"new_section": "1", "type": "group"}, {"label": "Clubs your child goes to", "item_name": "club"}
    )
    assert refused.status_code == 400
    body = text(refused)
    assert "Enter the new section's title" in body and "Enter the group's first question" in body

    answer = draft.add(
        {"new_section": "1", "type": "group"},
        {
            "label": "Clubs your child goes to",
            "item_name": "club",
            "max": "5",
            "section_title": "Out of school",
            "first_label": "Name of the club",
            "first_type": "text",
        },
    )
    assert answer.status_code == 302, text(answer)[:3000]
    definition = draft.definition
    assert len(definition["sections"]) == sections_before + 1
    section = definition["sections"][-1]
    assert section["title"] == "Out of school" and section["id"] == "out_of_school"
    group = section["pages"][0]["questions"][0]
    assert (group["type"], group["item_name"], group["max"]) == ("group", "club", 5)
    assert group["questions"] == [{"id": "name_of_the_club", "type": "text", "label": "Name of the club"}]

    added = draft.add({"group": group["id"], "type": "yes_no"}, {"label": "Does a helper go with them?"})
    assert added.status_code == 302, text(added)[:3000]
    assert [q["id"] for q in editor.question_of(draft.definition, group["id"])["questions"]] == [
        "name_of_the_club",
        "does_a_helper_go_with_them",
    ]
    # Inside a group: no group, and no condition (the definition's rules say so).
    chooser = text(draft.client.get(f"{draft.base}questions/new/?group={group['id']}"))
    assert "Repeating group" not in chooser
    # A group's question is changed and moved within the group.
    change = "questions/does_a_helper_go_with_them/"
    assert draft.post(change, {"group": group["id"], "label": "Does an adult go with them?"}).status_code == 302
    draft.post("", {"kind": "question", "id": "does_a_helper_go_with_them", "group": group["id"], "move": "up"})
    assert [q["label"] for q in editor.question_of(draft.definition, group["id"])["questions"]] == [
        "Does an adult go with them?",
        "Name of the club",
    ]


def test_changing_a_question_keeps_its_id_and_type(draft):
    first = draft.definition["sections"][0]["pages"][0]["questions"][0]
    path = f"questions/{first['id']}/"
    page = text(draft.client.get(f"{draft.base}{path}"))
    assert f"Its id is {first['id']}" in page and f'value="{first["label"]}"' in page
    refused = draft.post(path, {"label": ""})
    assert refused.status_code == 400 and "Enter the question families will see" in text(refused)
    kept = {"options": options_text(first["options"])} if "options" in first else {}  # as the form shows them
    answer = draft.post(
        path, {"label": "Your child's full name", "hint": "As on their birth certificate", "optional": "on", **kept}
    )
    assert answer.status_code == 302, text(answer)[:3000]
    changed = editor.question_of(draft.definition, first["id"])
    assert (changed["id"], changed["type"]) == (first["id"], first["type"])
    assert (changed["label"], changed["hint"], changed["required"]) == (
        "Your child's full name",
        "As on their birth certificate",
        False,
    )


def test_moving_up_and_down_and_staying_put_at_the_ends(draft):
    sections = [s["id"] for s in draft.definition["sections"]]
    draft.post("", {"kind": "section", "id": sections[1], "move": "up"})
    assert [s["id"] for s in draft.definition["sections"]] == [sections[1], sections[0], *sections[2:]]
    draft.post("", {"kind": "section", "id": sections[1], "move": "up"})  # already first
    assert draft.definition["sections"][0]["id"] == sections[1]

    pages = [p["id"] for p in draft.definition["sections"][0]["pages"]]
    if len(pages) > 1:
        answer = draft.post("", {"kind": "page", "id": pages[0], "move": "down"})
        assert answer["Location"].endswith(f"#page-{pages[0]}")
        assert [p["id"] for p in draft.definition["sections"][0]["pages"]][:2] == [pages[1], pages[0]]


def test_removing_asks_first_and_takes_an_emptied_page_with_it(draft):
    definition = draft.definition
    page = single_question_page(definition)

    question = page["questions"][0]
    confirm = text(draft.client.get(f"{draft.base}remove/question/{question['id']}/"))
    assert (
        f"Remove the question '{question['label'][:80]}'?" in confirm
        and "A page left with no question goes with it" in confirm
    )
    answer = draft.post(f"remove/question/{question['id']}/", {})
    assert answer.status_code == 302
    assert question["id"] not in draft.question_ids()
    assert page["id"] not in {p["id"] for _, _, p in editor.pages(draft.definition)}


def test_removing_a_question_another_depends_on_is_refused_with_the_reason(draft):
    section = draft.definition["sections"][-1]
    draft.add({"section": section["id"], "type": "yes_no"}, {"label": "Has a social worker?"})
    draft.add(
        {"section": section["id"], "type": "text"},
        {
            "label": "Their name",
            "condition_question": "has_a_social_worker",
            "condition_test": "equals",
            "condition_value": "yes",
        },
    )
    before = draft.definition
    refused = draft.post("remove/question/has_a_social_worker/", {})
    assert refused.status_code == 400
    assert "no question has the id 'has_a_social_worker'" in text(refused)
    assert draft.definition == before


def test_the_only_section_cannot_be_removed(draft):
    definition = draft.definition
    definition["sections"] = definition["sections"][:1]
    FormVersion.objects.filter(pk=draft.version.pk).update(definition=definition)
    section = definition["sections"][0]["id"]
    refused = draft.post(f"remove/section/{section}/", {})
    assert refused.status_code == 400 and "A form needs at least one section" in text(refused)


def test_the_forms_settings(draft):
    refused = draft.post("settings/", {"title": "Our request form", "feeds": "new_request", "confirmation": ""})
    assert refused.status_code == 400
    assert "Enter what the family ticks to confirm" in text(refused) and 'value="Our request form"' in text(refused)
    answer = draft.post(
        "settings/",
        {
            "title": "Our request form",
            "short_title": "Request",
            "description": "Ask us to assess.\n\nIt takes 6 weeks to decide.",
            "feeds": "new_request",
            "who_can_start": ["parent", "carer"],
            "confirmation": "I confirm this is true",
        },
    )
    assert answer.status_code == 302, text(answer)[:3000]
    definition = draft.definition
    assert definition["title"] == "Our request form" and definition["feeds"] == "new_request"
    assert definition["description"] == ["Ask us to assess.", "It takes 6 weeks to decide."]
    assert definition["who_can_start"] == ["parent", "carer"]
    assert definition["declaration"]["confirmation"] == "I confirm this is true"


def test_a_save_over_another_admins_newer_change_is_refused_and_keeps_what_was_typed(draft):
    first = draft.definition["sections"][0]
    stale = draft.revision()
    other = draft.definition
    other["sections"][0]["title"] = "Changed by someone else"
    FormVersion.objects.filter(pk=draft.version.pk).update(definition=other)
    answer = draft.client.post(f"{draft.base}sections/{first['id']}/", {"revision": stale, "title": "My title"})
    assert answer.status_code == 400
    body = text(answer)
    assert "Another admin changed this draft while you were editing it" in body and 'value="My title"' in body
    assert draft.definition["sections"][0]["title"] == "Changed by someone else"


def test_a_published_version_cannot_be_edited(draft):
    published = draft.version.variant.versions.get(number=1)
    base = f"/staff/settings/forms/{published.variant_id}/versions/{published.pk}/build/"
    assert draft.client.get(base).status_code == 404
    assert draft.client.post(f"{base}settings/", {"title": "x"}).status_code == 404
    assert draft.client.get(f"{draft.base}questions/no_such_question/").status_code == 404


def test_continuing_without_choosing_a_kind_of_question_says_so(draft):
    section = draft.definition["sections"][0]["id"]
    answer = draft.client.get(f"{draft.base}questions/new/", {"section": section, "type": ""})
    assert answer.status_code == 400
    assert "Choose what kind of question it is" in text(answer)
    assert f'name="section" value="{section}"' in text(answer)  # still adding to the same section


def test_a_new_page_in_a_section_offers_conditions_on_earlier_pages_only(draft):
    definition = draft.definition
    first, later = definition["sections"][0], definition["sections"][1]
    page = text(draft.client.get(f"{draft.base}questions/new/", {"section": first["id"], "type": "text"}))
    assert f'value="{first["pages"][0]["questions"][0]["id"]}"' in page  # its own section's pages come first
    assert f'value="{later["pages"][0]["questions"][0]["id"]}"' not in page  # a later section's never
