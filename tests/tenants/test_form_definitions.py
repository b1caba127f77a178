"""Form definitions are checked against the JSON Schema that ships with the code, then for
cross-references the schema cannot express; every refusal names the path of the problem.
Both built-in definitions pass."""

from __future__ import annotations

import copy
import json

import pytest
from jsonschema import Draft202012Validator

from tenants.form_definitions import (
    DefinitionInvalid,
    builtin_definition,
    builtin_slugs,
    definition_check,
    definition_from_text,
    definition_problems,
    form_schema,
)
from tests.citizen.runner.conftest import KITCHEN_SINK


def problems(definition) -> list[str]:
    return [str(p) for p in definition_problems(definition)]


def changed(change) -> dict:
    definition = copy.deepcopy(KITCHEN_SINK)
    change(definition)
    return definition


def test_the_schema_is_itself_a_valid_json_schema():
    Draft202012Validator.check_schema(form_schema())


@pytest.mark.parametrize("slug", ["section-a", "appendix-a"])
def test_both_built_ins_are_valid(slug):
    assert slug in builtin_slugs()
    assert problems(builtin_definition(slug)) == []
    definition = definition_check(builtin_definition(slug))
    assert definition.pages and definition.declaration.confirmation


def test_the_built_ins_have_the_headings_and_contents_the_councils_use():
    section_a = definition_check(builtin_definition("section-a"))
    labels = {q.label for page in section_a.pages for q in page.questions}
    for heading in (
        "What people like and admire about me",
        "What is important to me now and in the future",
        "How best to support me to take part in decisions and share my views",
        "What is going well",
        "What is not going so well",
        "What might help",
        "Other important things about me and my family (my story)",
        "Who is writing these answers?",
    ):
        assert heading in labels
    assert section_a.feeds == "contribution"

    appendix_a = definition_check(builtin_definition("appendix-a"))
    titles = [s.title for s in appendix_a.sections]
    assert titles == [
        "About the child or young person",
        "Everyone with parental responsibility",
        "Social care and other agencies",
        "School, college or early years setting",
        "Professionals and their reports",
        "Views",
        "Consent to share information",
    ]
    assert appendix_a.feeds == "new_request"
    types = {q.type for page in appendix_a.pages for q in page.questions} | {
        sub.type for page in appendix_a.pages for q in page.questions for sub in q.questions
    }
    assert types == {
        "text", "long_text", "date", "number", "email", "phone", "nhs_number", "address",
        "radios", "checkboxes", "select", "yes_no", "file", "group",
    }  # fmt: skip
    ids = {q.id for page in appendix_a.pages for q in page.questions}
    assert {"parental_responsibility", "professionals", "parent_views", "child_views", "share_with"} <= ids
    # A young person over 16 decides for themself: asked only when they are 16 or over.
    assert appendix_a.page("young_person_consent").show_if.question == "over_16"


def test_the_test_form_is_valid():
    assert problems(KITCHEN_SINK) == []


def test_an_unknown_question_type_is_refused_at_its_path():
    definition = changed(lambda d: d["sections"][1]["pages"][0]["questions"][0].update(type="essay"))
    (message,) = problems(definition)
    assert message.startswith("$.sections[1].pages[0].questions[0].type: 'essay' is not a question type; use one of:")
    assert "long_text" in message


def test_a_condition_on_a_missing_question_is_refused_at_its_path():
    definition = changed(lambda d: d["sections"][1]["pages"][2]["show_if"].update(question="socail"))
    assert problems(definition) == ["$.sections[1].pages[2].show_if.question: no question has the id 'socail'"]


def test_a_condition_on_a_later_or_the_same_page_is_refused():
    def later(d):
        d["sections"][0]["pages"][1]["show_if"] = {"question": "social", "equals": "yes"}
        d["sections"][1]["pages"][0]["questions"][1]["show_if"] = {"question": "colour", "equals": "red"}

    assert problems(changed(later)) == [
        "$.sections[0].pages[1].show_if.question: 'social' is on a later page: a condition can only use an answer "
        "given on an earlier page",
        "$.sections[1].pages[0].questions[1].show_if.question: 'colour' is on this same page: a condition can only "
        "use an answer given on an earlier page",
    ]


def test_duplicate_ids_are_refused_naming_both_places():
    def duplicate(d):
        d["sections"][1]["pages"][1]["id"] = "names"
        d["sections"][1]["pages"][0]["questions"][2]["id"] = "full_name"
        d["sections"][2]["id"] = "basics"

    assert problems(changed(duplicate)) == [
        "$.sections[2].id: the section id 'basics' is used twice (also at $.sections[0].id)",
        "$.sections[1].pages[0].questions[2].id: the question id 'full_name' is used twice "
        "(also at $.sections[0].pages[0].questions[0].id)",
        "$.sections[1].pages[1].id: the page id 'names' is used twice (also at $.sections[0].pages[0].id)",
    ]


def test_a_minimum_above_the_maximum_is_refused():
    def backwards(d):
        d["sections"][0]["pages"][2]["questions"][0].update(min=10, max=5)
        d["sections"][2]["pages"][1]["questions"][0].update(min=3, max=2)

    assert problems(changed(backwards)) == [
        "$.sections[0].pages[2].questions[0].min: the minimum (10) is more than the maximum (5)",
        "$.sections[2].pages[1].questions[0].min: the minimum (3) is more than the maximum (2)",
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["sections"][1]["pages"][2]["show_if"].update(equals="maybe"),
            "$.sections[1].pages[2].show_if.equals: 'maybe' is not an option of 'social'",
        ),
        (
            lambda d: d["sections"][1]["pages"][2].update(show_if={"question": "colour", "includes": "red"}),
            "$.sections[1].pages[2].show_if.includes: 'includes' works only with checkboxes; 'colour' is radios",
        ),
        (
            lambda d: d["sections"][1]["pages"][2].update(show_if={"question": "name", "answered": True}),
            "$.sections[1].pages[2].show_if.question: 'name' is inside a repeating group: a condition can only use "
            "a question outside groups",
        ),
        (
            lambda d: d["sections"][2]["pages"][1]["questions"].append({"id": "x", "type": "text", "label": "X"}),
            "$.sections[2].pages[1].questions[0]: a repeating group must be the only question on its page",
        ),
        (
            lambda d: d["sections"][0]["pages"][0].pop("title"),
            "$.sections[0].pages[0]: a page with more than one question needs a 'title' (its heading)",
        ),
        (
            lambda d: d["sections"][2]["pages"][1]["questions"][0]["questions"][0].update(
                show_if={"question": "social", "equals": "yes"}
            ),
            "$.sections[2].pages[1].questions[0].questions[0].show_if: a question inside a repeating group cannot "
            "have a condition",
        ),
        (
            lambda d: d["sections"][1]["pages"][0]["questions"][0]["options"][1].update(value="red"),
            "$.sections[1].pages[0].questions[0].options[1].value: the option 'red' is given twice",
        ),
        (
            lambda d: d["sections"][0]["pages"][0]["questions"][0].update(options=[]),
            "$.sections[0].pages[0].questions[0]: Unevaluated properties are not allowed ('options' was unexpected)",
        ),
        (
            lambda d: d["sections"][1]["pages"][0]["questions"][0].pop("options"),
            "$.sections[1].pages[0].questions[0]: 'options' is a required property",
        ),
        (
            lambda d: d["sections"][0]["pages"][0]["questions"][0].update(id="Full Name"),
            "$.sections[0].pages[0].questions[0].id: 'Full Name' is not an id: use lower-case letters, digits and "
            "underscores, starting with a letter",
        ),
        (
            lambda d: d.update(feeds="everything"),
            "$.feeds: 'everything' is not something a form can feed; use one of: new_request, contribution, "
            "annual_review, advice, review_report",
        ),
        (lambda d: d.pop("declaration"), "$: 'declaration' is a required property"),
        (
            lambda d: d["sections"][2]["pages"][0]["questions"][0].update(accept=["exe"]),
            "$.sections[2].pages[0].questions[0].accept[0]: 'exe' is not one of "
            "['pdf', 'word', 'excel', 'odt', 'png', 'jpeg']",
        ),
    ],
    ids=[
        "equals-not-an-option",
        "includes-on-radios",
        "condition-inside-group",
        "group-not-alone",
        "page-without-title",
        "group-question-with-condition",
        "option-twice",
        "options-on-text",
        "radios-without-options",
        "bad-id",
        "unknown-feeds",
        "no-declaration",
        "unknown-file-kind",
    ],
)
def test_each_refusal_names_its_path(change, expected):
    assert expected in problems(changed(change))


def test_definition_check_raises_with_every_problem():
    definition = changed(lambda d: d["sections"][1]["pages"][0]["questions"][0].update(type="essay"))
    with pytest.raises(DefinitionInvalid) as refused:
        definition_check(definition)
    assert [p.path for p in refused.value.problems] == ["$.sections[1].pages[0].questions[0].type"]


def test_json_text_that_does_not_parse_says_where():
    data, found = definition_from_text('{"title": "x",\n  "feeds": }')
    assert data is None
    assert [str(p) for p in found] == ["$: This is not valid JSON: Expecting value (line 2, column 12)."]
    data, found = definition_from_text(json.dumps(KITCHEN_SINK))
    assert data == KITCHEN_SINK and found == []


def test_appendix_a_has_a_place_for_any_supporting_document():
    """Issue 19, item 11: Somerset promises families can "upload important documents and
    information safely", but only a report per professional could be added."""
    appendix_a = definition_check(builtin_definition("appendix-a"))
    page = appendix_a.page("other_documents")
    (group,) = page.questions
    assert (group.type, group.min, group.max, group.item_name) == ("group", 0, 10, "document")
    files = [q for q in group.questions if q.type == "file"]
    assert len(files) == 1 and set(files[0].accept) == {"pdf", "word", "png", "jpeg"}
    assert appendix_a.section("professionals").pages[-1].id == "other_documents"
