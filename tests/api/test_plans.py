"""The EHC plan as data through the API (issue 15, item 7): a council system writes a whole
plan in the template's shape from the revision it read, reads it back with what a reader
would flag, and cannot overwrite a save made meanwhile. Content that is not a plan is
refused, every problem named by its JSON path."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from api.models import Scope
from casework.models import AuditEvent, CaseKind, Plan, PlanVersion
from casework.services.cases import case_open
from tests.casework.test_plan_findings import GOOD

from .conftest import api_client_make, case_make

pytestmark = pytest.mark.django_db


def test_a_plan_is_written_whole_then_read_back_with_its_findings(site, api):
    with tenant_context(site.council):
        case = case_make()
    path = f"/api/v1/cases/{case.pk}/plan/"
    assert api.call.get(path).status_code == 404  # no plan yet

    vague = copy.deepcopy(GOOD)
    vague["F"]["provisions"][0]["how_often"] = "As required"
    saved = api.call.put(path, {"revision": 0, "content": vague})

    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert (body["case"], body["template"], body["revision"]) == (case.pk, "national", 1)
    assert [(f["rule"], f["section"], f["item"]) for f in body["findings"]] == [("vague", "F", "f1")]
    assert "“As required”" in body["findings"][0]["message"]
    read = api.call.get(path).json()
    assert read["content"] == vague and read["revision"] == 1
    with tenant_context(site.council):
        plan = Plan.objects.get(case=case)
        assert plan.content["F"]["provisions"][0]["how_often"] == "As required"
        assert AuditEvent.objects.filter(subject="plan", action="changed", actor_role="api").count() == 1
        assert AuditEvent.objects.filter(subject="plan", action="viewed", case=case).count() == 1


def test_a_save_made_meanwhile_is_never_overwritten(site, api):
    with tenant_context(site.council):
        case = case_make()
    path = f"/api/v1/cases/{case.pk}/plan/"
    api.call.put(path, {"revision": 0, "content": GOOD})
    changed = copy.deepcopy(GOOD)
    changed["A"]["views"] = "Changed by the first system."
    assert api.call.put(path, {"revision": 1, "content": changed}).status_code == 200

    stale = api.call.put(path, {"revision": 1, "content": GOOD})

    assert stale.status_code == 409
    assert "saved since revision 1: it is at revision 2 now" in stale.json()["message"]
    assert api.call.get(path).json()["content"]["A"]["views"] == "Changed by the first system."


def test_content_that_is_not_a_plan_is_refused_with_each_problem_by_path(site, api):
    with tenant_context(site.council):
        case = case_make()
    broken = copy.deepcopy(GOOD)
    broken["F"]["provisions"][0]["needs"] = ["b9"]
    broken["Z"] = {}

    answer = api.call.put(f"/api/v1/cases/{case.pk}/plan/", {"revision": 0, "content": broken})

    assert answer.status_code == 400
    problems = answer.json()["errors"]["content"]
    assert any(p.startswith("$: ") and "'Z'" in p for p in problems)
    with tenant_context(site.council):
        assert not Plan.objects.exists()


def test_reading_needs_the_read_scope_and_writing_the_write_scope(site, api_for):
    with tenant_context(site.council):
        case = case_make()
    _client, token = api_client_make(site.council, scopes=[Scope.READ])
    reader = api_for(site.domain, token)

    assert reader.put(f"/api/v1/cases/{case.pk}/plan/", {"revision": 0, "content": GOOD}).status_code == 403
    assert reader.get(f"/api/v1/cases/{case.pk}/plan/").status_code == 404


def test_another_councils_case_is_not_found(site, api):
    with tenant_context(site.other):
        case = case_make()
    # Its id means nothing on this council's host, which has no case at all.
    assert api.call.put(f"/api/v1/cases/{case.pk}/plan/", {"revision": 0, "content": GOOD}).status_code == 404
    with tenant_context(site.other):
        assert not Plan.objects.exists()


def test_an_annual_review_reads_and_writes_the_plan_it_amends(site, api):
    """On a review, the plan is the child's plan in force (issued on the assessment); a
    review of a child with no plan written here is refused, and no second plan is made."""
    with tenant_context(site.council):
        assessment = case_make()
        review = case_open(
            child=assessment.child,
            kind=CaseKind.ANNUAL_REVIEW,
            started_on=timezone.localdate() - timedelta(days=300),
            actor=None,
        )
    path = f"/api/v1/cases/{review.pk}/plan/"
    assert api.call.get(path).status_code == 404
    refused = api.call.put(path, {"revision": 0, "content": GOOD})
    assert refused.status_code == 400 and "nothing for this annual review to amend" in refused.content.decode()
    api.call.put(f"/api/v1/cases/{assessment.pk}/plan/", {"revision": 0, "content": GOOD})
    with tenant_context(site.council):
        plan = Plan.objects.get()
        PlanVersion.objects.create(
            plan=plan, case=assessment, number=1, kind="final", content=GOOD, revision=1, issued_on=timezone.localdate()
        )

    read = api.call.get(path)

    assert read.status_code == 200 and read.json()["case"] == assessment.pk
    changed = copy.deepcopy(GOOD)
    changed["A"]["views"] = "Amended after the review."
    assert api.call.put(path, {"revision": 1, "content": changed}).status_code == 200
    with tenant_context(site.council):
        assert Plan.objects.get().content["A"]["views"] == "Amended after the review."
