"""A council's own version of the EHC plan template (issue 15, item 1), on both councils:
its admin edits the national template as JSON, told every problem by its path with
nothing typed lost; a version that drops a list the findings rely on is refused;
published, new plans start on it (its extra section is drafted, shown to the family,
checked by the API) while a plan already started keeps the national template, and a
published version never changes."""

from __future__ import annotations

import copy
import json

import pytest
from django_tenants.utils import tenant_context

from casework.models import Plan, StaffRole
from casework.plans.template import NATIONAL, template_definition, template_problems
from tenants.models import FrozenVersion, PlanTemplateVersion
from tests.api.conftest import api, case_make  # noqa: F401 (api: a fixture)

from .conftest import fields, plan_path

pytestmark = pytest.mark.django_db

PAGE = "/staff/settings/plan-template/"


def ours() -> dict:
    definition = template_definition(NATIONAL)
    definition["title"] = "Our EHC plan"
    definition["sections"][0]["parts"].insert(0, {"key": "one_page_profile", "label": "One-page profile"})
    definition["sections"].append(
        {"key": "L", "title": "Preparing for adulthood", "parts": [{"key": "plans", "label": "Their plans at 16+"}]}
    )
    return definition


def test_the_national_template_round_trips_and_a_variant_must_keep_its_lists():
    assert template_problems(template_definition(NATIONAL)) == []
    assert template_problems(ours()) == []
    dropped = copy.deepcopy(ours())
    dropped["sections"] = [s for s in dropped["sections"] if s["key"] != "F"]
    twice = copy.deepcopy(ours())
    twice["sections"].append(twice["sections"][1])
    bad_kind = copy.deepcopy(ours())
    bad_kind["sections"][0]["parts"][0]["kind"] = "wish"

    assert [str(p) for p in template_problems(dropped)] == [
        "$.sections: Section F must keep its provision (provisions, a list of provisions): findings, comments and "
        "the API rely on it"
    ]
    assert "Section B is there twice" in str(template_problems(twice))
    assert "$.sections[0].parts[0].kind" in str(template_problems(bad_kind))


def test_an_admin_is_told_every_problem_and_keeps_what_they_typed(site, staff_client):
    admin = staff_client(site.council, StaffRole.COUNCIL_ADMIN)
    page = admin.get(PAGE).content.decode()
    assert "New plans start on the national template" in page and "&quot;key&quot;: &quot;H1&quot;" in page

    not_json = admin.post(PAGE, {"definition": '{"title": "Ours",', "publish": ""}).content.decode()
    assert "This is not valid JSON: Expecting property name enclosed in double quotes (line 1, column 18)" in not_json
    assert "{&quot;title&quot;: &quot;Ours&quot;," in not_json
    dropped = ours()
    dropped["sections"] = [s for s in dropped["sections"] if s["key"] != "E"]
    refused = admin.post(PAGE, {"definition": json.dumps(dropped), "publish": ""}).content.decode()
    assert "Section E must keep its outcomes" in refused
    with tenant_context(site.council):
        assert not PlanTemplateVersion.objects.exists()


def test_new_plans_start_on_the_published_version_and_old_ones_keep_theirs(drafting, site, staff_client, api):  # noqa: F811
    case, worker, _ = drafting
    admin = staff_client(site.council, StaffRole.COUNCIL_ADMIN)
    with tenant_context(site.council):
        other = case_make()
    worker.post(plan_path(other))  # started on the national template

    saved = admin.post(PAGE, {"definition": json.dumps(ours()), "save": ""}, follow=True).content.decode()
    assert "Version 1 is saved as a draft. Plans still start on the template in use." in saved
    published = admin.post(PAGE, {"definition": json.dumps(ours()), "publish": ""}, follow=True).content.decode()
    assert "Version 1 is published: new plans start on it." in published

    worker.post(plan_path(case))
    with tenant_context(site.council):
        plan = Plan.objects.get(case=case)
        version = PlanTemplateVersion.objects.get()
    assert (plan.template, plan.template_version) == ("council", 1)
    overview = worker.get(plan_path(case)).content.decode()
    assert "L: Preparing for adulthood" in overview and "One-page profile" in overview
    form = fields(worker.get(plan_path(case, "L")).content.decode())
    assert worker.post(plan_path(case, "L"), form | {"plans": "College, then an apprenticeship."}).status_code == 302
    with tenant_context(site.council):
        assert Plan.objects.get(case=case).content["L"] == {"plans": "College, then an apprenticeship."}
    assert worker.get(plan_path(other, "L")).status_code == 404  # the national template has no L
    api_path = f"/api/v1/cases/{other.pk}/plan/"
    refused = api.call.put(api_path, {"revision": 1, "content": {"L": {"plans": "No"}}})
    assert refused.status_code == 400
    version.definition = {"title": "Changed after publishing", "sections": []}
    with pytest.raises(FrozenVersion), tenant_context(site.council):
        version.save()
