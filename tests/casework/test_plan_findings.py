"""The EHC plan as data (issue 15, items 1 and 3): the national template, a plan's content
checked against it, and each finding rule with examples of good and vague provision.
No database: these are rules over JSON."""

from __future__ import annotations

import copy

import pytest

from casework.plans.findings import plan_findings, vague_words
from casework.plans.template import NATIONAL, content_schema, plan_problems

# A plan a tribunal would have little to say about: every need met, every provision
# specified and quantified and aimed at an outcome with a timeframe, the advice used.
GOOD = {
    "A": {"views": "I like trains and want to work with animals.", "aspirations": "To go to college."},
    "B": {
        "needs": [
            {
                "id": "b1",
                "area": "Communication and interaction",
                "text": "Finds it hard to follow spoken instructions.",
            },
            {"id": "b2", "area": "Cognition and learning", "text": "Reads two years below age."},
        ]
    },
    "C": {"needs": [{"id": "c1", "text": "Has epilepsy, controlled by medication."}]},
    "E": {
        "outcomes": [
            {
                "id": "e1",
                "text": "Follows a two-step instruction in class.",
                "timeframe": "By July 2027",
                "needs": ["b1"],
            },
            {"id": "e2", "text": "Reads at age 9 level.", "timeframe": "By the end of Year 6", "needs": ["b2"]},
        ]
    },
    "F": {
        "provisions": [
            {
                "id": "f1",
                "what": "Speech and language therapy, one to one, working on following instructions",
                "who": "A speech and language therapist",
                "how_often": "One 45-minute session each week in term time",
                "how_long": "Until the annual review in July 2027",
                "needs": ["b1"],
                "outcomes": ["e1"],
                "quotes": [{"advice": "k1", "page": 4, "text": "Weekly direct therapy is recommended."}],
            },
            {
                "id": "f2",
                "what": "A structured phonics programme in a group of no more than four",
                "who": "A teaching assistant trained in the programme",
                "how_often": "Four 20-minute sessions each week",
                "how_long": "For the whole of Year 5 and Year 6",
                "needs": ["b2"],
                "outcomes": ["e2"],
                "quotes": [{"advice": "k2"}],
            },
        ]
    },
    "G": {
        "provisions": [
            {
                "id": "g1",
                "what": "A written seizure plan, and staff trained to give rescue medication",
                "who": "The school nurse trains two named staff",
                "how_often": "Training once a year and when staff change",
                "how_long": "While they attend the school",
                "needs": ["c1"],
                "outcomes": ["e1"],
            }
        ]
    },
    "I": {"setting": "Fellside Primary School", "setting_type": "Mainstream primary"},
    "K": {
        "advice": [
            {"id": "k1", "title": "Speech and language therapy advice", "from": "NHS SaLT", "document": 12},
            {"id": "k2", "title": "Educational psychology advice", "from": "EP service", "document": 13},
        ]
    },
}


def with_changes(change) -> dict:
    plan = copy.deepcopy(GOOD)
    change(plan)
    return plan


def rules(plan: dict) -> list[tuple[str, str, str]]:
    return [(f.rule, f.section, f.item) for f in plan_findings(plan)]


def test_the_national_template_has_sections_a_to_k_and_its_schema_is_valid():
    assert [s.key for s in NATIONAL.sections] == ["A", "B", "C", "D", "E", "F", "G", "H1", "H2", "I", "J", "K"]
    assert NATIONAL.provision_for() == {"B": ("F",), "C": ("G",), "D": ("H1", "H2")}
    assert content_schema()["properties"]["F"]["properties"]["provisions"]["items"]["required"] == ["id", "what"]


def test_a_good_plan_fits_the_template_and_has_no_findings():
    assert plan_problems(GOOD) == []
    assert plan_findings(GOOD) == []


def test_content_that_is_not_the_templates_shape_is_named_by_path():
    bad = with_changes(lambda p: p["F"]["provisions"][0].update(cost="£400"))
    bad["Z"] = {}
    problems = {(p.path, p.message) for p in plan_problems(bad)}
    assert any(path == "$" and "'Z'" in message for path, message in problems)
    assert any(path == "$.F.provisions[0]" and "'cost'" in message for path, message in problems)


def test_references_to_needs_outcomes_and_advice_must_exist_and_ids_be_unique():
    def break_it(plan):
        plan["F"]["provisions"][0]["needs"] = ["b9"]
        plan["F"]["provisions"][1]["outcomes"] = ["b1"]  # a need, not an outcome
        plan["F"]["provisions"][1]["quotes"] = [{"advice": "k7"}]
        plan["G"]["provisions"][0]["id"] = "f1"

    problems = [str(p) for p in plan_problems(with_changes(break_it))]
    assert "$.F.provisions[0].needs: 'b9' is not a need in this plan" in problems
    assert "$.F.provisions[1].outcomes: 'b1' is not an outcome in this plan" in problems
    assert "$.F.provisions[1].quotes[0].advice: 'k7' is not advice in K" in problems
    assert any(p.startswith("$.G.provisions[0].id: 'f1' is used twice") for p in problems)


# --- Provision that is not specified and quantified -------------------------------------------


@pytest.mark.parametrize(
    ("field", "said"),
    [("how_often", "does not say how often"), ("how_long", "does not say for how long"), ("who", "does not say who")],
)
def test_provision_without_who_how_often_or_how_long_is_found(field, said):
    plan = with_changes(lambda p: p["F"]["provisions"][0].update({field: ""}))

    (finding,) = plan_findings(plan)

    assert (finding.rule, finding.section, finding.item) == ("unquantified", "F", "f1")
    assert said in finding.message


def test_one_finding_names_everything_missing_from_a_provision():
    plan = with_changes(lambda p: p["F"]["provisions"][0].update(who="", how_often="", how_long=""))
    (finding,) = plan_findings(plan)
    assert "does not say who will provide it, how often or for how long" in finding.message


# --- Vague words ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "vague", "word"),
    [
        ("what", "Access to a quiet space", "Access to"),
        ("how_often", "As required", "As required"),
        ("how_often", "Regular check-ins with a key adult", "Regular"),
        ("what", "Opportunities for small group work", "Opportunities for"),
        ("what", "Support from a teaching assistant where possible", "where possible"),
        ("how_long", "Ongoing", "Ongoing"),
        ("how_often", "Up to three sessions a week", "Up to"),
        ("what", "He would benefit from speech therapy", "would benefit"),
    ],
)
def test_vague_provision_is_found_and_its_words_quoted(field, vague, word):
    plan = with_changes(lambda p: p["F"]["provisions"][1].update({field: vague}))

    (finding,) = plan_findings(plan)

    assert (finding.rule, finding.item) == ("vague", "f2")
    assert f"“{word}”" in finding.message


@pytest.mark.parametrize(
    "specific",
    [
        "One 45-minute session of speech and language therapy each week",
        "A quiet room with a named adult, available at every break and lunchtime",
        "Irregular verbs practised for 10 minutes daily",  # "regular" inside a word is not "regular"
        "Accessible toilet facilities on the ground floor",  # "access" without "to"
    ],
)
def test_specific_provision_is_not_flagged_as_vague(specific):
    assert vague_words(specific) == []
    assert plan_findings(with_changes(lambda p: p["F"]["provisions"][0].update(what=specific))) == []


def test_each_vague_word_is_named_once():
    assert vague_words("Regular access to support, regularly, as required and REGULAR") == [
        "Regular",
        "access to",
        "regularly",
        "as required",
    ]


# --- Needs, outcomes and advice ------------------------------------------------------------------


def test_a_need_with_no_provision_is_found_in_its_own_section():
    plan = with_changes(lambda p: p["F"]["provisions"][1].update(needs=[]))
    assert rules(plan) == [("need_unmet", "B", "b2")]


def test_a_health_need_is_met_only_by_health_provision():
    plan = with_changes(lambda p: (p["G"]["provisions"].clear(), p["F"]["provisions"][0]["needs"].append("c1")))
    assert rules(plan) == [("need_unmet", "C", "c1")]


def test_a_social_care_need_is_met_by_h1_or_h2():
    def add(plan):
        plan["D"] = {"needs": [{"id": "d1", "text": "Needs a short break each month."}]}
        plan["H2"] = {
            "provisions": [
                {
                    "id": "h1",
                    "what": "Overnight short breaks at Oak House",
                    "who": "The council's short breaks service",
                    "how_often": "Two nights each month",
                    "how_long": "For 12 months, then reviewed",
                    "needs": ["d1"],
                    "outcomes": ["e1"],
                }
            ]
        }

    assert rules(with_changes(add)) == []
    assert rules(with_changes(lambda p: (add(p), p["H2"]["provisions"][0].update(needs=[])))) == [
        ("need_unmet", "D", "d1")
    ]


def test_provision_serving_no_outcome_is_found():
    plan = with_changes(lambda p: p["F"]["provisions"][0].update(outcomes=[]))
    assert rules(plan) == [("no_outcome", "F", "f1")]


@pytest.mark.parametrize("timeframe", ["", "   "])
def test_an_outcome_without_a_timeframe_is_found(timeframe):
    plan = with_changes(lambda p: p["E"]["outcomes"][1].update(timeframe=timeframe))
    (finding,) = plan_findings(plan)
    assert (finding.rule, finding.section, finding.item) == ("no_timeframe", "E", "e2")
    assert "by when" in finding.message


def test_advice_the_plan_never_refers_to_is_found_by_its_title():
    plan = with_changes(lambda p: p["F"]["provisions"][1].pop("quotes"))
    (finding,) = plan_findings(plan)
    assert (finding.rule, finding.section, finding.item) == ("advice_unused", "K", "k2")
    assert "“Educational psychology advice”" in finding.message


def test_findings_come_in_the_templates_order_and_fall_as_provision_is_quantified():
    def vague(plan):
        plan["F"]["provisions"][0].update(how_often="As required", how_long="")
        plan["E"]["outcomes"][0]["timeframe"] = ""

    before = rules(with_changes(vague))
    assert before == [("no_timeframe", "E", "e1"), ("unquantified", "F", "f1"), ("vague", "F", "f1")]
    quantified = with_changes(lambda p: (vague(p), p["F"]["provisions"][0].update(how_often="Weekly, 45 minutes")))
    assert len(rules(quantified)) == len(before) - 1
