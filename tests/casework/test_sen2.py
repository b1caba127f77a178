"""The SEN2 return (issue 17, item 1): who is in it and what each module says, worked out
here by hand from the same cases; every rule, broken one at a time; the XML against the
schema; the admin's page (problems linked to where they are fixed), a run in the
background with its files, and who may do what."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime
from xml.etree import ElementTree as ET

import pytest
import xmlschema

from casework.models import AuditEvent, Child, Milestone, Placement, Sen2Return, StaffMembership, StaffRole
from casework.selectors.sen2 import people_to_return, sen2_people, sen2_problems
from casework.sen2 import spec
from casework.sen2.files import sen2_csv_zip, sen2_xml
from casework.services.cases import case_exception_record, case_open, milestone_record
from casework.services.sen2 import sen2_return_start
from tests.casework.cases.conftest import make_account, make_child

pytestmark = pytest.mark.django_db

CENSUS = date(2027, 1, 21)  # the third Thursday of January 2027
LATER = date(2027, 1, 20)  # "today" for the services: every date below is in the past
SCHEMA = xmlschema.XMLSchema("casework/sen2/SEN2_2027.xsd")
COMPLETE = {
    "upn": "A123456789012",
    "sex": "F",
    "ethnicity": "WBRI",
    "postcode": "CA1 1AA",
    "primary_need": "ASD",
    "secondary_need": "SLCN",
}


def child(first: str, **details):
    details = COMPLETE | details
    return make_child(first=first, last="Tester", born=details.pop("date_of_birth", date(2014, 5, 1)), **details)


def school(kid, *, urn="112233", entry=date(2025, 9, 1), **extra) -> Placement:
    return Placement.objects.create(child=kid, name="Hillside Primary", urn=urn, entry_date=entry, **extra)


def step(case, key, on, outcome="", actor=None):
    milestone_record(case=case, key=key, occurred_on=on, outcome=outcome, actor=actor, today=LATER)


def assessment(kid, received, actor, *, decided=None, outcome="yes", final=None, not_to_issue=None):
    case = case_open(child=kid, kind="assessment", started_on=received, actor=actor, today=LATER)
    if decided:
        step(case, "decided_whether_to_assess", decided, outcome, actor)
    if final:
        step(case, "draft_served", date.fromordinal(final.toordinal() - 15), actor=actor)
        step(case, "final_issued", final, actor=actor)
    if not_to_issue:
        step(case, "decided_not_to_issue", not_to_issue, actor=actor)
    return case


def review(kid, plan_issued, actor, *, meeting, decided, outcome):
    case = case_open(child=kid, kind="annual_review", started_on=plan_issued, actor=actor, today=LATER)
    step(case, "meeting", meeting, actor=actor)
    step(case, "report_sent", date.fromordinal(meeting.toordinal() + 7), actor=actor)
    step(case, "decision_notified", decided, outcome, actor)
    return case


@pytest.fixture
def casework(cumbria, in_council):
    """Seven children in Cumbria, each a different story for the January 2027 return."""
    actor = make_account()
    with in_council(cumbria):
        StaffMembership.objects.create(account=actor, role=StaffRole.CASEWORKER)
        issued = child("Issued")  # a plan issued in 2026, within 20 weeks
        school(issued)
        assessment(issued, date(2026, 2, 2), actor, decided=date(2026, 3, 9), final=date(2026, 6, 15))
        waiting = child("Waiting")  # received in September, no decision yet
        assessment(waiting, date(2026, 9, 7), actor)
        refused_2025 = child("Refusedearlier")  # refused in 2025: nothing to report in 2026
        assessment(refused_2025, date(2025, 11, 3), actor, decided=date(2025, 12, 8), outcome="no")
        refused = child("Refused")
        assessment(refused, date(2026, 4, 6), actor, decided=date(2026, 5, 11), outcome="no")
        older = child("Older")  # a plan from before the platform, kept at this year's review
        school(older, urn="", ukprn="10001234", entry=date(2024, 9, 1), rank=1)
        review(older, date(2024, 3, 1), actor, meeting=date(2026, 2, 10), decided=date(2026, 3, 1), outcome="keep")
        ceased = child("Ceased", plan_cease_reason="2")
        school(ceased, entry=date(2023, 9, 1))
        review(ceased, date(2023, 5, 1), actor, meeting=date(2026, 4, 1), decided=date(2026, 4, 20), outcome="cease")
        broken = child("Broken", upn="")  # no UPN, no ULN, no reason: the seeded problem
        late = assessment(broken, date(2026, 10, 5), actor, decided=date(2026, 11, 2))
        case_exception_record(
            case=late,
            reason="setting_closed",
            start=date(2026, 11, 9),
            end=date(2026, 12, 14),
            actor=actor,
            today=LATER,
        )
    return {"actor": actor}


def people_of(council, in_council, census=CENSUS):
    collection = spec.collection_for(census)
    with in_council(council):
        people = sen2_people(people_to_return(collection), collection)
        return people, sen2_problems(people, collection), collection


def test_the_collection_is_the_calendar_year_before_the_third_thursday_of_january():
    assert spec.third_thursday_of_january(2027) == CENSUS
    assert spec.third_thursday_of_january(2026) == date(2026, 1, 15)
    assert spec.next_census_date(date(2026, 12, 4)) == CENSUS
    collection = spec.collection_for(CENSUS)
    assert (collection.year, collection.period_start, collection.period_end) == (
        2027,
        date(2026, 1, 1),
        date(2026, 12, 31),
    )


def test_the_return_holds_what_the_casework_says(casework, cumbria, in_council):
    people, _, _ = people_of(cumbria, in_council)
    by_name = {person.child.legal_first_name: person for person in people}
    assert set(by_name) == {"Issued", "Waiting", "Refused", "Older", "Ceased", "Broken"}  # not Refusedearlier

    (issued,) = by_name["Issued"].requests
    assert (issued.received, issued.outcome, issued.outcome_date) == (date(2026, 2, 2), "Y", date(2026, 3, 9))
    assert (issued.assessment.outcome, issued.assessment.outcome_date) == ("Y", date(2026, 6, 15))
    assert issued.assessment.week20 is False
    assert issued.assessment.plan.start_date == date(2026, 6, 15)
    assert [p.urn for p in issued.assessment.plan.placements] == ["112233"]
    assert [p.urn for p in issued.active.placements] == ["112233"]
    assert issued.active.needs == [("ASD", 1), ("SLCN", 2)]

    (waiting,) = by_name["Waiting"].requests
    assert (waiting.outcome, waiting.outcome_date, waiting.assessment, waiting.active) == ("A", None, None, None)
    (refused,) = by_name["Refused"].requests
    assert (refused.outcome, refused.outcome_date, refused.assessment) == ("N", date(2026, 5, 11), None)

    (older,) = by_name["Older"].requests
    assert (older.case, older.outcome, older.assessment.outcome) == (None, "H", "H")
    assert older.assessment.plan.start_date == date(2024, 3, 1)
    assert (older.active.review_meeting, older.active.review_outcome, older.active.last_review) == (
        date(2026, 2, 10),
        "M",
        date(2026, 3, 1),
    )
    (ceased,) = by_name["Ceased"].requests
    assert (ceased.assessment.plan.cease_date, ceased.assessment.plan.cease_reason) == (date(2026, 4, 20), "2")
    assert ceased.active is None  # no plan in force on the census date

    (broken,) = by_name["Broken"].requests
    assert (broken.outcome, broken.assessment.outcome, broken.assessment.week20) == ("Y", "A", True)


def test_the_seeded_broken_child_is_the_only_problem_and_fixing_it_clears_it(casework, cumbria, in_council):
    _, problems, _ = people_of(cumbria, in_council)
    assert [(p.child.legal_first_name, p.rule.code) for p in problems] == [("Broken", "person_identifier")]
    with in_council(cumbria):
        broken = problems[0].child
        broken.upn_unknown = "UN10"
        broken.save()
    assert people_of(cumbria, in_council)[1] == []


def test_the_xml_is_what_the_schema_accepts_and_says_the_same(casework, cumbria, in_council):
    people, _, collection = people_of(cumbria, in_council)
    xml = sen2_xml(people, collection, la_number="909", serial=1, now=datetime(2027, 1, 20, 9, tzinfo=UTC))
    SCHEMA.validate(xml)
    root = ET.fromstring(xml)  # noqa: S314 - the platform's own output, just written
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2027-01-21"
    assert root.findtext("Header/Source/LEA") == "909"
    persons = {p.findtext("Forename"): p for p in root.iter("Person")}
    issued = persons["Issued"]
    assert issued.findtext("Requests/Assessment/NamedPlan/StartDate") == "2026-06-15"
    assert issued.findtext("Requests/ActivePlans/PlacementDetail/URN") == "112233"
    assert [n.findtext("SENtype") for n in issued.iter("SENneed")] == ["ASD", "SLCN"]
    assert persons["Ceased"].findtext("Requests/Assessment/NamedPlan/CeaseReason") == "2"
    assert persons["Broken"].find("UPN") is None


def test_the_csv_has_a_file_a_module_with_the_same_rows(casework, cumbria, in_council):
    people, _, _ = people_of(cumbria, in_council)
    archive = zipfile.ZipFile(io.BytesIO(sen2_csv_zip(people)))
    files = {name: list(csv.DictReader(io.StringIO(archive.read(name).decode()))) for name in archive.namelist()}
    assert sorted(files) == [
        "1_person.csv", "2_requests.csv", "3_assessment.csv", "4a_named_plan.csv", "4b_plan_detail.csv",
        "5a_active_plans.csv", "5b_placement_detail.csv", "5c_sen_need.csv",
    ]  # fmt: skip
    assert len(files["1_person.csv"]) == 6
    assert sorted(row["RequestOutcome"] for row in files["2_requests.csv"]) == ["A", "H", "H", "N", "Y", "Y"]
    assert len(files["5a_active_plans.csv"]) == 2  # Issued and Older


# Each rule, broken alone on a child whose record is otherwise whole.
BREAKS = [
    ("person_identifier", {"upn": ""}, None),
    ("upn_format", {"upn": "123"}, None),
    ("uln_format", {"uln": "12ab"}, None),
    ("sex_missing", {"sex": ""}, None),
    ("ethnicity_missing", {"ethnicity": ""}, None),
    ("postcode", {"postcode": "nowhere"}, None),
    ("age", {"date_of_birth": date(2000, 1, 1)}, None),
    ("primary_need", {"primary_need": ""}, None),
    ("placement_missing", {}, "none"),
    ("placement_identifier", {}, {"urn": ""}),
    ("urn_format", {}, {"urn": "12345"}),
    ("ukprn_format", {}, {"urn": "", "ukprn": "123"}),
    ("placement_dates", {}, "backwards"),
    ("placement_rank", {}, "two mains"),
]


@pytest.mark.parametrize(("rule", "details", "placement"), BREAKS, ids=[b[0] for b in BREAKS])
def test_each_rule_catches_what_it_says(cumbria, in_council, rule, details, placement):
    actor = make_account()
    with in_council(cumbria):
        StaffMembership.objects.create(account=actor, role=StaffRole.CASEWORKER)
        kid = child("Solo", **details)
        if placement == "backwards":
            school(kid)
            school(kid, urn="445566", entry=date(2024, 9, 1), leaving_date=date(2024, 7, 1), rank=2)
        elif placement == "two mains":
            school(kid)
            school(kid, urn="445566")
        elif placement != "none":
            school(kid, **(placement or {}))
        assessment(kid, date(2026, 2, 2), actor, decided=date(2026, 3, 9), final=date(2026, 6, 15))
    codes = [problem.rule.code for problem in people_of(cumbria, in_council)[1]]
    if placement == "none":  # no setting at all: the plan names none, and none is in force
        assert codes == ["plan_setting_missing", "placement_missing"]
    else:
        assert codes == [rule]
    assert all(code in spec.RULES for code in codes)


def test_a_ceased_plan_needs_its_reason(cumbria, in_council):
    actor = make_account()
    with in_council(cumbria):
        StaffMembership.objects.create(account=actor, role=StaffRole.CASEWORKER)
        kid = child("Ended")
        school(kid, entry=date(2023, 9, 1))
        review(kid, date(2023, 5, 1), actor, meeting=date(2026, 4, 1), decided=date(2026, 4, 20), outcome="cease")
    (problem,) = people_of(cumbria, in_council)[1]
    assert (problem.rule.code, problem.message) == (
        "cease_reason",
        "The plan was ceased on 20 April 2026 with no reason recorded.",
    )


# --- The pages


def test_the_admin_sees_each_problem_linked_to_where_it_is_fixed_and_fixes_it(
    casework, cumbria, staff_client, in_council
):
    admin = staff_client(cumbria, StaffRole.COUNCIL_ADMIN)
    page = admin.get("/staff/sen2/?census=2027-01-21")
    assert page.status_code == 200
    html = page.content.decode()
    assert "6 people in the return" in html and "1 problem" in html
    with in_council(cumbria):
        broken = Child.objects.get(legal_first_name="Broken")
    fix = f"/staff/children/{broken.pk}/return-details/"
    assert f'href="{fix}"' in html
    assert "Has no UPN, no ULN and no reason why neither is known." in html

    assert admin.get(fix).status_code == 200
    saved = admin.post(
        fix, {"upn": "b123456789012", "sex": "M", "ethnicity": "WBRI", "postcode": "ca1 1aa", "primary_need": "MLD"}
    )
    assert saved.status_code == 302, saved.content.decode().split("govuk-error-summary__list")[-1][:600]
    with in_council(cumbria):
        broken.refresh_from_db()
        assert (broken.upn, broken.postcode) == ("B123456789012", "CA1 1AA")
    assert "Every rule passes." in admin.get("/staff/sen2/?census=2027-01-21").content.decode()


def test_a_bad_placement_is_refused_with_a_reason_and_nothing_is_lost(casework, cumbria, staff_client, in_council):
    caseworker = staff_client(cumbria, StaffRole.CASEWORKER)
    with in_council(cumbria):
        kid = child("Placed")
    answer = caseworker.post(
        f"/staff/children/{kid.pk}/placements/",
        {
            "name": "Beckside Academy",
            "rank": "1",
            "entry_date_day": "1",
            "entry_date_month": "9",
            "entry_date_year": "2025",
        },
    )
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "Enter the setting&#x27;s URN or UKPRN, or choose what kind of setting it is." in html
    assert 'value="Beckside Academy"' in html
    answer = caseworker.post(
        f"/staff/children/{kid.pk}/placements/",
        {
            "name": "Beckside Academy",
            "urn": "123456",
            "rank": "1",
            "entry_date_day": "1",
            "entry_date_month": "9",
            "entry_date_year": "2025",
        },
    )
    assert answer.status_code == 302
    with in_council(cumbria):
        assert list(Placement.objects.filter(child=kid).values_list("urn", flat=True)) == ["123456"]


def test_a_run_is_generated_in_the_background_and_kept_with_who_asked(
    casework, cumbria, staff_client, in_council, django_capture_on_commit_callbacks
):
    admin = staff_client(cumbria, StaffRole.COUNCIL_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):  # the task, queued when the run is saved
        started = admin.post(
            "/staff/sen2/",
            {"census_date_day": "21", "census_date_month": "1", "census_date_year": "2027", "la_number": "909"},
        )
    assert started.status_code == 302
    with in_council(cumbria):
        run = Sen2Return.objects.get()
        assert (run.status, run.people_total, run.problems) == ("done", 6, 1)
        assert StaffMembership.objects.get(account=run.requested_by).role == StaffRole.COUNCIL_ADMIN
        assert AuditEvent.objects.filter(subject="sen2_return", subject_id=run.pk, action="created").exists()
    cumbria.refresh_from_db()
    assert cumbria.dfe_la_number == "909"
    page = admin.get(started["Location"]).content.decode()
    assert "Ready" in page and "1: " in page
    xml = admin.get(f"/staff/sen2/{run.pk}/return.xml")
    assert xml["Content-Disposition"].endswith(f'SEN2-2027-01-21-{run.pk}.xml"')
    SCHEMA.validate(b"".join(xml.streaming_content) if xml.streaming else xml.content)
    assert zipfile.ZipFile(io.BytesIO(admin.get(f"/staff/sen2/{run.pk}/return.csv").content)).namelist()


def test_a_wrong_la_number_is_refused_and_the_date_kept(cumbria, staff_client, in_council):
    admin = staff_client(cumbria, StaffRole.COUNCIL_ADMIN)
    refused = admin.post(
        "/staff/sen2/",
        {"census_date_day": "21", "census_date_month": "1", "census_date_year": "2027", "la_number": "9x"},
    )
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Enter the council&#x27;s 3-digit DfE number, like 909." in html
    assert 'value="21"' in html
    with in_council(cumbria):
        assert not Sen2Return.objects.exists()


@pytest.mark.parametrize("role", [StaffRole.CASEWORKER, StaffRole.TEAM_MANAGER])
def test_only_a_council_admin_may_see_or_generate_the_return(casework, cumbria, staff_client, in_council, role):
    client = staff_client(cumbria, role)
    assert client.get("/staff/sen2/").status_code == 403
    assert client.post("/staff/sen2/", {"la_number": "909"}).status_code == 403
    with in_council(cumbria):
        run = Sen2Return.objects.create(census_date=CENSUS, status="done", xml=b"<Message/>")
    assert client.get(f"/staff/sen2/{run.pk}/").status_code == 403
    assert client.get(f"/staff/sen2/{run.pk}/return.xml").status_code == 403


def test_another_councils_admin_never_sees_a_run_or_a_child(casework, cumbria, somerset, staff_client, in_council):
    with in_council(cumbria):
        run = Sen2Return.objects.create(census_date=CENSUS, status="done", xml=b"<Message/>")
        kid_pk = Placement.objects.first().child_id
    somerset_admin = staff_client(somerset, StaffRole.COUNCIL_ADMIN)
    assert somerset_admin.get(f"/staff/sen2/{run.pk}/return.xml").status_code == 404
    assert somerset_admin.get(f"/staff/children/{kid_pk}/return-details/").status_code == 404
    assert "0 people in the return" in somerset_admin.get("/staff/sen2/?census=2027-01-21").content.decode()


def test_a_run_that_fails_says_so_and_keeps_the_reason(cumbria, in_council, monkeypatch):
    from casework.services import sen2 as service

    monkeypatch.setattr(service, "sen2_xml", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("disk full")))
    with in_council(cumbria):
        run = Sen2Return.objects.create(census_date=CENSUS)
        run = service.sen2_return_generate(run.pk)
        assert (run.status, run.error) == ("failed", "RuntimeError: disk full")


def test_starting_twice_while_one_runs_is_refused(cumbria, in_council, staff_account):
    admin = staff_account(cumbria, StaffRole.COUNCIL_ADMIN)
    with in_council(cumbria):
        Sen2Return.objects.create(census_date=CENSUS, status="running")
        membership = StaffMembership.objects.get(account=admin)
        with pytest.raises(Exception, match="being generated"):
            sen2_return_start(census_date=CENSUS, la_number="909", by=membership)


def test_the_demo_councils_return_passes_once_its_seeded_broken_child_is_fixed(cumbria, somerset, in_council):
    from casework.demo import CUMBRIA, SOMERSET, demo_casework_seed

    for council, demo in ((cumbria, CUMBRIA), (somerset, SOMERSET)):
        with in_council(council):
            demo_casework_seed(demo, today=date(2026, 12, 4))
        people, problems, collection = people_of(council, in_council)
        assert sorted(p.child.legal_first_name for p in people) == ["Leo", "Maya", "Oscar", "Zara"]
        assert [(p.child.legal_first_name, p.rule.code) for p in problems] == [("Leo", "person_identifier")]
        with in_council(council):
            leo = problems[0].child
            leo.upn_unknown = "UN10"
            leo.save()
        people, problems, collection = people_of(council, in_council)
        assert problems == []
        SCHEMA.validate(
            sen2_xml(people, collection, la_number=demo.la_number, serial=1, now=datetime(2026, 12, 4, tzinfo=UTC))
        )


def test_return_details_typed_wrong_are_refused_each_with_its_reason(cumbria, staff_client, in_council):
    caseworker = staff_client(cumbria, StaffRole.CASEWORKER)
    with in_council(cumbria):
        kid = child("Typed", upn="")
    answer = caseworker.post(
        f"/staff/children/{kid.pk}/return-details/", {"upn": "12345", "uln": "abc", "postcode": "nowhere", "sex": "F"}
    )
    html = answer.content.decode()
    assert answer.status_code == 200
    for reason in ("like A123456789012", "Enter the ULN as 10 digits", "Enter a UK postcode, like CA1 1RD"):
        assert reason in html
    assert 'value="12345"' in html  # what was typed is kept
    with in_council(cumbria):
        kid.refresh_from_db()
        assert kid.upn == ""


@pytest.mark.parametrize("key", ["decided_whether_to_assess", "final_issued"])
def test_a_decision_dated_before_the_request_is_caught(cumbria, in_council, key):
    """The services refuse such a date; a record brought in from an older system may
    still carry one, written straight to the table as an import would."""
    actor = make_account()
    with in_council(cumbria):
        StaffMembership.objects.create(account=actor, role=StaffRole.CASEWORKER)
        kid = child("Imported")
        school(kid)
        case = assessment(kid, date(2026, 2, 2), actor, decided=date(2026, 3, 9), final=date(2026, 6, 15))
        Milestone.objects.filter(case=case, key=key).update(occurred_on=date(2026, 1, 20))
    (problem,) = people_of(cumbria, in_council)[1]
    expected = {
        "decided_whether_to_assess": "request_outcome_date_order",
        "final_issued": "assessment_outcome_date_order",
    }[key]
    assert (problem.rule.code, problem.case.pk, problem.rule.fix) == (expected, case.pk, "case")
    assert "20 January 2026" in problem.message


def test_the_return_reads_the_same_number_of_queries_for_one_child_or_many(cumbria, in_council):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    actor = make_account()
    collection = spec.collection_for(CENSUS)

    def queries() -> int:
        with in_council(cumbria), CaptureQueriesContext(connection) as captured:
            sen2_problems(sen2_people(people_to_return(collection), collection), collection)
        return len(captured)

    with in_council(cumbria):
        StaffMembership.objects.create(account=actor, role=StaffRole.CASEWORKER)
        first = child("First")
        school(first)
        assessment(first, date(2026, 2, 2), actor, decided=date(2026, 3, 9), final=date(2026, 6, 15))
    one = queries()
    with in_council(cumbria):
        for number in range(6):
            kid = child(f"Many{'abcdef'[number]}")
            school(kid)
            assessment(kid, date(2026, 2, 2), actor, decided=date(2026, 3, 9), final=date(2026, 6, 15))
    assert queries() == one <= 10  # children, cases, steps, exceptions, placements, and each SET search_path


def test_a_run_whose_task_was_lost_does_not_block_the_next_for_ever(cumbria, in_council, staff_account):
    from datetime import timedelta

    from django.utils import timezone

    admin = staff_account(cumbria, StaffRole.COUNCIL_ADMIN)
    with in_council(cumbria):
        lost = Sen2Return.objects.create(census_date=CENSUS, status="queued")
        Sen2Return.objects.filter(pk=lost.pk).update(requested_at=timezone.now() - timedelta(hours=2))
        membership = StaffMembership.objects.get(account=admin)
        run = sen2_return_start(census_date=CENSUS, la_number="909", by=membership)
        lost.refresh_from_db()
        assert (lost.status, run.status) == ("failed", "queued")
        assert "did not finish" in lost.error


def test_a_census_date_typed_wrong_is_named_and_the_next_census_checked(cumbria, staff_client):
    admin = staff_client(cumbria, StaffRole.COUNCIL_ADMIN)
    html = admin.get("/staff/sen2/?census=21/01/2027").content.decode()
    assert "Enter the census date as year-month-day, like 2027-01-21 (21/01/2027 is not)" in html
    assert 'aria-describedby="census-error"' in html
    assert "Check the casework for the census on" in html
