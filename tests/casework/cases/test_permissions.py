"""Every case URL by who is asking → the status they get. Nothing of one council is
reachable from the other's host: without a session there it is the sign-in page; with a
session there, the other council's ids are simply not found."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from casework.models import AuditEvent, CaseKind, Milestone, PlanComment, PlanVersion, StaffRole
from casework.services.cases import advice_request_record, case_open, milestone_record
from casework.services.plans import plan_start

from .conftest import TODAY, make_account, make_child

pytestmark = pytest.mark.django_db

CASEWORK_ONLY = {"caseworker": 200, "team manager": 200, "council admin": 200}
DASHBOARD_ONLY = {"caseworker": 403, "team manager": 200, "council admin": 200}

# name, arguments (from the objects made below), whether it is about one case or child, who may
URLS = [
    ("staff:caseload", (), False, CASEWORK_ONLY),
    ("staff:dashboard", (), False, DASHBOARD_ONLY),
    ("staff:dashboard-csv", ("table",), False, DASHBOARD_ONLY),
    ("staff:case", ("case",), True, CASEWORK_ONLY),
    ("staff:case-step", ("case",), True, CASEWORK_ONLY),
    ("staff:case-step-correct", ("case", "milestone"), True, DASHBOARD_ONLY),  # team managers and admins
    ("staff:case-exception", ("case",), True, CASEWORK_ONLY),
    ("staff:case-advice", ("case",), True, CASEWORK_ONLY),
    ("staff:case-advice-ask", ("case",), True, CASEWORK_ONLY),
    ("staff:case-advice-received", ("case", "advice"), True, CASEWORK_ONLY),
    ("staff:case-caseworker", ("case",), True, CASEWORK_ONLY),
    ("staff:case-new", ("child",), True, CASEWORK_ONLY),
    ("staff:case-plan", ("case",), True, CASEWORK_ONLY),
    ("staff:case-plan-section", ("case", "section"), True, CASEWORK_ONLY),
    ("staff:case-plan-issue", ("case",), True, CASEWORK_ONLY),
    ("staff:case-plan-pdf", ("case", "number"), True, CASEWORK_ONLY),
    ("staff:case-plan-comment", ("case", "comment"), True, CASEWORK_ONLY),
]
WHO = [
    "anonymous",
    "family",
    "caseworker",
    "team manager",
    "council admin",
    "other council's staff on their own host",  # no session on this council's host
    "other council's staff asking for this council's ids",  # on their own host, with its session
]
ROLES = {
    "caseworker": StaffRole.CASEWORKER,
    "team manager": StaffRole.TEAM_MANAGER,
    "council admin": StaffRole.COUNCIL_ADMIN,
}


@pytest.fixture
def objects(cumbria, in_council):
    with in_council(cumbria):
        worker = make_account()
        child = make_child()
        case = case_open(
            child=child, kind=CaseKind.ASSESSMENT, started_on=TODAY - timedelta(days=3), actor=worker, today=TODAY
        )
        milestone = milestone_record(
            case=case, key="decided_whether_to_assess", occurred_on=TODAY, outcome="yes", actor=worker, today=TODAY
        )
        advice = advice_request_record(case=case, adviser="the EP", requested_on=TODAY, actor=worker, today=TODAY)
        plan = plan_start(case=case, actor=worker, actor_role=StaffRole.CASEWORKER)
        draft = PlanVersion.objects.create(plan=plan, number=1, kind="draft", content={}, revision=1, issued_on=TODAY)
        comment = PlanComment.objects.create(version=draft, section="A", text="More about trains, please.")
    return {
        "case": case.pk,
        "child": child.pk,
        "advice": advice.pk,
        "milestone": milestone.pk,
        "table": "plans",
        "section": "F",
        "comment": comment.pk,
        "number": draft.number,
    }


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(("name", "args", "about_one", "allowed"), URLS, ids=[u[0] for u in URLS])
def test_case_pages_permission_matrix(
    who, name, args, about_one, allowed, objects, cumbria, somerset, staff_client, cumbria_client
):
    path = reverse(name, urlconf="config.urls_council", args=[objects[a] for a in args])
    if who == "anonymous":
        answer = cumbria_client.get(path)
        expected = "sign-in"
    elif who == "family":
        answer = staff_client(cumbria, None).get(path)
        expected = 403
    elif who in ROLES:
        answer = staff_client(cumbria, ROLES[who]).get(path)
        expected = allowed[who]
    elif who == "other council's staff on their own host":
        # Signed in with two-step on Somerset's site, the same browser asks Cumbria's host.
        answer = staff_client(somerset, StaffRole.COUNCIL_ADMIN).get(path, HTTP_HOST="cumbria.localhost")
        expected = "sign-in"
    else:
        answer = staff_client(somerset, StaffRole.COUNCIL_ADMIN).get(path)
        expected = 404 if about_one else 200  # their own caseload and dashboard

    if expected == "sign-in":
        assert answer.status_code == 302
        assert answer["Location"].startswith("/sign-in/?next=")
    else:
        assert answer.status_code == expected, answer.content.decode()[:500]
        if expected == 403:
            assert "You do not have access" in answer.content.decode()


@pytest.mark.parametrize(
    ("name", "args", "data"),
    [
        (
            "staff:case-step",
            ("case",),
            {"key": "draft_served", "occurred_on_day": "15", "occurred_on_month": "6", "occurred_on_year": "2026"},
        ),
        ("staff:case-new", ("child",), {"started_on_day": "1", "started_on_month": "6", "started_on_year": "2026"}),
        ("staff:case-step-correct", ("case", "milestone"), {"action": "withdraw", "reason": "A mistake"}),
        ("staff:case-plan-section", ("case", "section"), {"revision": "1", "provisions-0-what": "Therapy"}),
        ("staff:case-plan-issue", ("case",), {"kind": "final"}),
        ("staff:case-plan-comment", ("case", "comment"), {"answer": "changed"}),
    ],
)
def test_writes_by_someone_without_a_role_change_nothing(name, args, data, objects, cumbria, staff_client, in_council):
    path = reverse(name, urlconf="config.urls_council", args=[objects[a] for a in args])
    with in_council(cumbria):
        before = (Milestone.objects.count(), AuditEvent.objects.count())
    family = staff_client(cumbria, None)
    assert family.post(path + "?kind=assessment", data).status_code == 403
    anonymous = Client(HTTP_HOST="cumbria.localhost")
    assert anonymous.post(path + "?kind=assessment", data).status_code == 302
    with in_council(cumbria):
        assert (Milestone.objects.count(), AuditEvent.objects.count()) == before
