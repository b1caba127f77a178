"""Drafting the EHC plan in the portal (issue 15, items 2 and 3), on both councils: the
plan starts from the family's own words and the advice received; each section is its own
page with what a reader would flag beside it, falling as provision is quantified; bad
input is named and nothing typed is lost; two caseworkers saving different sections both
keep their work, and one who saved the same section meanwhile is named, never silently
overwritten."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_tenants.utils import tenant_context

from casework.models import AuditEvent, Plan, PlanRevision, StaffRole

from .conftest import fields, plan_path

pytestmark = pytest.mark.django_db


def test_the_plan_starts_from_the_familys_words_and_the_advice_received(drafting, site):
    case, worker, ((_, first_doc), (_, second_doc)) = drafting
    before = worker.get(plan_path(case))
    assert "Nobody has started this plan yet" in before.content.decode()

    started = worker.post(plan_path(case), follow=True)

    html = started.content.decode()
    with tenant_context(site.council):
        plan = Plan.objects.get(case=case)
        assert plan.revision == 1 and PlanRevision.objects.filter(plan=plan).count() == 1
        assert AuditEvent.objects.filter(subject="plan", action="changed", case=case).count() == 1
    views = plan.content["A"]["views"]
    if site.council.slug == "cumbria":
        assert "What is important to me now and in the future\nBeing with my dog Biscuit" in views
        assert plan.content["A"]["aspirations"].endswith("To work with animals.")
        assert plan.content["A"]["interests"].endswith("People say I am kind and funny.")
    else:
        assert "We would like an assessment so that school understands his anxiety." in views
        assert "I want a quiet place to go at lunch." in views
    assert [(a["id"], a["document"]) for a in plan.content["K"]["advice"]] == [
        ("k1", first_doc.pk),
        ("k2", second_doc.pk),
    ]
    assert "2 things a reader would flag" in html  # both pieces of advice, not yet used
    assert html.count("is listed but the plan never refers to it") == 2
    assert reverse("staff:document-download", urlconf="config.urls_council", args=[first_doc.pk]) in html
    # Pressing it again (another tab, or a colleague) starts nothing new.
    worker.post(plan_path(case))
    with tenant_context(site.council):
        assert Plan.objects.get(case=case).revision == 1


def test_findings_fall_as_provision_is_quantified_and_linked(drafting, site):
    case, worker, _ = drafting
    worker.post(plan_path(case))
    form = fields(worker.get(plan_path(case, "B")).content.decode())
    form |= {
        "needs-0-area": "Communication and interaction",
        "needs-0-text": "Finds it hard to follow spoken instructions.",
    }
    assert worker.post(plan_path(case, "B"), form).status_code == 302
    form = fields(worker.get(plan_path(case, "E")).content.decode())
    form |= {"outcomes-0-text": "Follows a two-step instruction in class.", "outcomes-0-needs": ["b1"]}
    worker.post(plan_path(case, "E"), form)

    form = fields(worker.get(plan_path(case, "F")).content.decode())
    form |= {"provisions-0-what": "Access to speech and language therapy as required", "provisions-0-needs": ["b1"]}
    vague = worker.post(plan_path(case, "F"), form, follow=True).content.decode()

    aside = vague.split('id="findings"')[1]
    assert "does not say who will provide it, how often or for how long" in aside
    assert "says “Access to” and “as required”, which commits nobody" in aside
    assert "is not linked to any outcome" in aside
    e_page = worker.get(plan_path(case, "E")).content.decode().split('id="findings"')[1]
    assert "Outcome e1 has no timeframe" in e_page

    form = fields(vague)
    form |= {
        "provisions-0-what": "Speech and language therapy, following the therapist's programme",
        "provisions-0-who": "A speech and language therapist",
        "provisions-0-how_often": "One 45-minute session a week",
        "provisions-0-how_long": "Until the annual review in July 2027",
        "provisions-0-outcomes": ["e1"],
    }
    quantified = worker.post(plan_path(case, "F"), form, follow=True).content.decode()

    assert "Nothing in this section, as saved." in quantified.split('id="findings"')[1]
    whole = worker.get(plan_path(case)).content.decode()
    assert "3 things a reader would flag" in whole  # the timeframe, and two pieces of advice unused
    case_page = worker.get(reverse("staff:case", urlconf="config.urls_council", args=[case.pk])).content.decode()
    assert "3 things a reader would flag" in case_page


def test_bad_input_is_named_and_nothing_typed_is_lost(drafting, site):
    case, worker, _ = drafting
    worker.post(plan_path(case))
    form = fields(worker.get(plan_path(case, "F")).content.decode())
    form |= {
        "provisions-0-who": "A teaching assistant",
        "provisions-0-how_often": "Daily",
        "provisions-0-quote_page": "three",
    }

    refused = worker.post(plan_path(case, "F"), form)

    html = refused.content.decode()
    assert refused.status_code == 200
    assert "There is a problem" in html
    assert "Enter what will be provided for the new provision, or leave all of it empty" in html
    assert "Enter the page as a number, like 3" in html
    assert 'value="A teaching assistant"' in html and 'value="Daily"' in html
    with tenant_context(site.council):
        assert Plan.objects.get(case=case).revision == 1


def test_two_caseworkers_saving_different_sections_both_keep_their_work(drafting, site, staff_client):
    case, worker, _ = drafting
    worker.post(plan_path(case))
    colleague = staff_client(site.council, StaffRole.CASEWORKER, first_name="Robin", last_name="Mills")
    mine = fields(worker.get(plan_path(case, "B")).content.decode())
    theirs = fields(colleague.get(plan_path(case, "I")).content.decode())

    colleague.post(plan_path(case, "I"), theirs | {"setting": "Hillside Primary School"})
    saved = worker.post(plan_path(case, "B"), mine | {"needs-0-text": "Needs help with reading."})

    assert saved.status_code == 302
    with tenant_context(site.council):
        content = Plan.objects.get(case=case).content
    assert content["I"]["setting"] == "Hillside Primary School"
    assert content["B"]["needs"] == [{"id": "b1", "text": "Needs help with reading."}]


def test_a_colleagues_save_of_the_same_section_is_named_not_overwritten(drafting, site, staff_client):
    case, worker, _ = drafting
    worker.post(plan_path(case))
    colleague = staff_client(site.council, StaffRole.CASEWORKER, first_name="Robin", last_name="Mills")
    mine = fields(worker.get(plan_path(case, "I")).content.decode())
    theirs = fields(colleague.get(plan_path(case, "I")).content.decode())
    colleague.post(plan_path(case, "I"), theirs | {"setting": "Hillside Primary School"})

    refused = worker.post(plan_path(case, "I"), mine | {"setting": "Oak Tree Academy"})

    html = refused.content.decode()
    assert refused.status_code == 200
    assert "Robin Mills saved section I at" in html and "Your changes are below and have not been saved" in html
    assert "Oak Tree Academy" in html  # what I typed, still there
    with tenant_context(site.council):
        assert Plan.objects.get(case=case).content["I"]["setting"] == "Hillside Primary School"

    again = worker.post(plan_path(case, "I"), fields(html))

    assert again.status_code == 302
    with tenant_context(site.council):
        assert Plan.objects.get(case=case).content["I"]["setting"] == "Oak Tree Academy"


def test_advice_quoted_with_its_page_and_a_removed_need_unlinks_its_provision(drafting, site):
    case, worker, _ = drafting
    worker.post(plan_path(case))
    form = fields(worker.get(plan_path(case, "B")).content.decode())
    worker.post(plan_path(case, "B"), form | {"needs-0-text": "Anxious in crowded places."})
    form = fields(worker.get(plan_path(case, "F")).content.decode())
    worker.post(
        plan_path(case, "F"), form | {"provisions-0-what": "A quiet room at lunch", "provisions-0-needs": ["b1"]}
    )

    form = fields(worker.get(plan_path(case, "B")).content.decode())
    form |= {"needs-0-quote_advice": "k1", "needs-0-quote_page": "4", "needs-0-quote_text": "She avoids the hall."}
    quoted = worker.post(plan_path(case, "B"), form, follow=True).content.decode()

    assert "Quotes k1, page 4: “She avoids the hall.”" in quoted
    k_page = worker.get(plan_path(case, "K")).content.decode().split('id="findings"')[1]
    assert k_page.count("is listed but the plan never refers to it") == 1  # k2 only

    form = fields(worker.get(plan_path(case, "B")).content.decode())
    worker.post(plan_path(case, "B"), form | {"needs-0-remove": "on"})

    with tenant_context(site.council):
        content = Plan.objects.get(case=case).content
    assert "B" not in content
    assert content["F"]["provisions"][0]["needs"] == []


def test_another_councils_case_and_a_section_that_is_not_there_are_not_found(drafting, site, staff_client):
    case, worker, _ = drafting
    worker.post(plan_path(case))
    assert worker.get(plan_path(case, "Z")).status_code == 404
    elsewhere = staff_client(site.other, StaffRole.COUNCIL_ADMIN)
    assert elsewhere.get(plan_path(case)).status_code == 404
    assert elsewhere.get(plan_path(case, "A")).status_code == 404


def test_autosave_keeps_a_new_item_once_and_says_when_it_cannot_save(drafting, site, staff_client):
    """What the page's script sends (the form, as JSON wanted): saved with the new
    revision; a new provision saved by one autosave is the same provision in the next,
    not a second; a colleague's save of the section meanwhile, and a field to fix, are
    said, and nothing is saved."""
    case, worker, _ = drafting
    worker.post(plan_path(case))
    form = fields(worker.get(plan_path(case, "F")).content.decode())
    json = {"HTTP_ACCEPT": "application/json"}

    first = worker.post(plan_path(case, "F"), form | {"provisions-0-what": "Speech thera"}, **json)
    assert first.status_code == 200 and first.json()["revision"] == 2 and "saved_at" in first.json()
    second = worker.post(
        plan_path(case, "F"), form | {"provisions-0-what": "Speech therapy weekly", "revision": "2"}, **json
    )
    assert second.json()["revision"] == 3
    with tenant_context(site.council):
        assert [p["what"] for p in Plan.objects.get(case=case).content["F"]["provisions"]] == ["Speech therapy weekly"]

    colleague = staff_client(site.council, StaffRole.CASEWORKER, first_name="Robin", last_name="Mills")
    theirs = fields(colleague.get(plan_path(case, "F")).content.decode())
    colleague.post(plan_path(case, "F"), theirs | {"provisions-0-who": "A therapist"})
    stale = worker.post(plan_path(case, "F"), form | {"provisions-0-what": "Mine", "revision": "3"}, **json)
    assert stale.status_code == 409 and "Not saved: Robin Mills saved section F" in stale.json()["message"]
    bad = worker.post(plan_path(case, "F"), form | {"provisions-0-quote_page": "x", "revision": "4"}, **json)
    assert bad.status_code == 400 and "select Save to see" in bad.json()["message"]
    with tenant_context(site.council):
        plan = Plan.objects.get(case=case)
    assert plan.revision == 4 and plan.content["F"]["provisions"][0]["what"] == "Speech therapy weekly"
