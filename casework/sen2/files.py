"""The SEN2 return's files: the XML the DfE's COLLECT accepts (its elements in the
specification's order, SEN2_2027.xsd beside this file says it), and for checking, one
CSV a module (0 to 5c, as COLLECT's own export splits them), zipped."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from xml.etree import ElementTree as ET

from casework.models import Placement
from casework.selectors.sen2 import ActivePlan, Assessment, NamedPlan, Person, Request
from casework.sen2 import spec
from casework.sen2.spec import Collection


def _text(parent: ET.Element, tag: str, value: object) -> None:
    """An element with its value, or nothing when there is no value (every optional
    element is left out, never sent empty)."""
    if value is None or value == "":
        return
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, date):
        value = value.isoformat()
    ET.SubElement(parent, tag).text = str(value)


def sen2_xml(people: list[Person], collection: Collection, *, la_number: str, serial: int, now: datetime) -> bytes:
    message = ET.Element("Message")
    header = ET.SubElement(message, "Header")
    details = ET.SubElement(header, "CollectionDetails")
    _text(details, "Collection", spec.COLLECTION)
    _text(details, "Year", collection.year)
    _text(details, "ReferenceDate", collection.census_date)
    source = ET.SubElement(header, "Source")
    _text(source, "SourceLevel", spec.SOURCE_LEVEL)
    _text(source, "LEA", la_number)
    _text(source, "SoftwareCode", spec.SOFTWARE_CODE)
    _text(source, "Release", spec.RELEASE)
    _text(source, "SerialNo", f"{serial:03d}")
    _text(source, "DateTime", now.replace(microsecond=0, tzinfo=None).isoformat())
    persons = ET.SubElement(message, "Persons")
    for person in people:
        _person(ET.SubElement(persons, "Person"), person)
    ET.indent(message)
    return ET.tostring(message, encoding="utf-8", xml_declaration=True)


def _person(element: ET.Element, person: Person) -> None:
    child = person.child
    _text(element, "Surname", child.legal_last_name)
    _text(element, "Forename", child.legal_first_name)
    _text(element, "PersonBirthDate", child.date_of_birth)
    _text(element, "Sex", child.sex)
    _text(element, "Ethnicity", child.ethnicity)
    _text(element, "PostCode", child.postcode.upper().strip())
    _text(element, "UPN", child.upn)
    _text(element, "UniqueLearnerNumber", child.uln)
    _text(element, "UPNunknown", child.upn_unknown)
    for request in person.requests:
        _request(ET.SubElement(element, "Requests"), request)


def _request(element: ET.Element, request: Request) -> None:
    _text(element, "ReceivedDate", request.received)
    _text(element, "RequestOutcomeDate", request.outcome_date)
    _text(element, "RequestOutcome", request.outcome)
    if request.assessment is not None:
        _assessment(ET.SubElement(element, "Assessment"), request.assessment)
    if request.active is not None:
        _active(ET.SubElement(element, "ActivePlans"), request.active)


def _assessment(element: ET.Element, assessment: Assessment) -> None:
    _text(element, "AssessmentOutcome", assessment.outcome)
    _text(element, "AssessmentOutcomeDate", assessment.outcome_date)
    _text(element, "Week20", assessment.week20)
    if assessment.plan is not None:
        _plan(ET.SubElement(element, "NamedPlan"), assessment.plan)


def _setting(element: ET.Element, placement: Placement) -> None:
    _text(element, "URN", placement.urn)
    _text(element, "UKPRN", placement.ukprn)
    _text(element, "SENSetting", placement.sen_setting)


def _plan(element: ET.Element, plan: NamedPlan) -> None:
    _text(element, "StartDate", plan.start_date)
    for placement in plan.placements:
        detail = ET.SubElement(element, "PlanDetail")
        _setting(detail, placement)
        _text(detail, "PlacementRank", placement.rank)
        _text(detail, "SENunitIndicator", placement.sen_unit)
        _text(detail, "ResourcedProvisionIndicator", placement.resourced_provision)
    _text(element, "CeaseDate", plan.cease_date)
    _text(element, "CeaseReason", plan.cease_reason)


def _active(element: ET.Element, active: ActivePlan) -> None:
    for placement in active.placements:
        detail = ET.SubElement(element, "PlacementDetail")
        _setting(detail, placement)
        _text(detail, "PlacementRank", placement.rank)
        _text(detail, "EntryDate", placement.entry_date)
        _text(detail, "LeavingDate", placement.leaving_date)
        _text(detail, "SENunitIndicator", placement.sen_unit)
        _text(detail, "ResourcedProvisionIndicator", placement.resourced_provision)
    for code, rank in active.needs:
        need = ET.SubElement(element, "SENneed")
        _text(need, "SENtype", code)
        _text(need, "SENtypeRank", rank)
    _text(element, "ReviewMeeting", active.review_meeting)
    _text(element, "ReviewOutcome", active.review_outcome)
    _text(element, "LastReview", active.last_review)


# --- CSV, one file a module, rows joined by the person's and request's numbers.

_MODULES = {
    "1_person.csv": [
        "PersonID", "Surname", "Forename", "PersonBirthDate", "Sex", "Ethnicity", "PostCode", "UPN",
        "UniqueLearnerNumber", "UPNunknown", "CouncilReference",
    ],
    "2_requests.csv": [
        "PersonID", "RequestID", "CaseReference", "ReceivedDate", "RequestOutcomeDate", "RequestOutcome",
    ],
    "3_assessment.csv": ["PersonID", "RequestID", "AssessmentOutcome", "AssessmentOutcomeDate", "Week20"],
    "4a_named_plan.csv": ["PersonID", "RequestID", "StartDate", "CeaseDate", "CeaseReason"],
    "4b_plan_detail.csv": [
        "PersonID", "RequestID", "Setting", "URN", "UKPRN", "SENSetting", "PlacementRank", "SENunitIndicator",
        "ResourcedProvisionIndicator",
    ],
    "5a_active_plans.csv": ["PersonID", "RequestID", "ReviewMeeting", "ReviewOutcome", "LastReview"],
    "5b_placement_detail.csv": [
        "PersonID", "RequestID", "Setting", "URN", "UKPRN", "SENSetting", "PlacementRank", "EntryDate",
        "LeavingDate", "SENunitIndicator", "ResourcedProvisionIndicator",
    ],
    "5c_sen_need.csv": ["PersonID", "RequestID", "SENtype", "SENtypeRank"],
}  # fmt: skip


def _cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one that starts like a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _rows(people: list[Person]) -> dict[str, list[Iterable[object]]]:
    rows: dict[str, list[Iterable[object]]] = {name: [] for name in _MODULES}
    request_id = 0
    for person_id, person in enumerate(people, start=1):
        c = person.child
        rows["1_person.csv"].append(
            [person_id, c.legal_last_name, c.legal_first_name, c.date_of_birth, c.sex, c.ethnicity, c.postcode,
             c.upn, c.uln, c.upn_unknown, c.council_reference]
        )  # fmt: skip
        for request in person.requests:
            request_id += 1
            ids = [person_id, request_id]
            reference = request.case.reference if request.case else ""
            rows["2_requests.csv"].append([*ids, reference, request.received, request.outcome_date, request.outcome])
            a = request.assessment
            if a is not None:
                rows["3_assessment.csv"].append([*ids, a.outcome, a.outcome_date, a.week20])
                if a.plan is not None:
                    rows["4a_named_plan.csv"].append([*ids, a.plan.start_date, a.plan.cease_date, a.plan.cease_reason])
                    for p in a.plan.placements:
                        rows["4b_plan_detail.csv"].append(
                            [*ids, p.name, p.urn, p.ukprn, p.sen_setting, p.rank, p.sen_unit, p.resourced_provision]
                        )
            active = request.active
            if active is not None:
                rows["5a_active_plans.csv"].append(
                    [*ids, active.review_meeting, active.review_outcome, active.last_review]
                )
                for p in active.placements:
                    rows["5b_placement_detail.csv"].append(
                        [*ids, p.name, p.urn, p.ukprn, p.sen_setting, p.rank, p.entry_date, p.leaving_date,
                         p.sen_unit, p.resourced_provision]
                    )  # fmt: skip
                for code, rank in active.needs:
                    rows["5c_sen_need.csv"].append([*ids, code, rank])
    return rows


def sen2_csv_zip(people: list[Person]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, module_rows in _rows(people).items():
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(_MODULES[name])
            writer.writerows([_cell(value) for value in row] for row in module_rows)
            archive.writestr(name, text.getvalue())
    return buffer.getvalue()
