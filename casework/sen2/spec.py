"""The DfE's SEN2 person-level return, as data: the collection's dates, every code list
and every rule this platform checks, each with the part of the specification it comes
from. Next year's changes (a code added, a rule changed, a new census date) are an edit
to this file: the builder (casework.selectors.sen2) and the files it writes
(casework.sen2.files) read everything from here.

Source: the DfE's "Special educational needs person level survey" guide and technical
specification for the January 2026 collection (guide v1.0, modules 0-5), which the
January 2027 collection repeats. Items are cited by module and element name, as the
XML names them.

Fields the return asks for and the casework does not hold are left out rather than
guessed: RequestSource (module 2) until its code list is confirmed against the
published guide, TransferLA and the personal-budget items (modules 4a, 5a). A council
adds them in COLLECT; docs/features.md lists them. The meanings given for UPNunknown's
codes UN6 to UN10 follow the DfE's other person-level collections and should be read
against this year's guide before a council relies on the wording (the codes themselves
are the specification's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

COLLECTION = "SEN2"
SOURCE_LEVEL = "L"  # module 0: a local authority's return
SOFTWARE_CODE = "SEND Citizen Portal"
RELEASE = "2027.1"


@dataclass(frozen=True)
class Collection:
    """One year's return: the census date (the third Thursday of January) and the
    calendar year before it, the period requests, assessments and plans are counted in."""

    year: int
    census_date: date
    period_start: date
    period_end: date


def third_thursday_of_january(year: int) -> date:
    first = date(year, 1, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 14)


def collection_for(census_date: date) -> Collection:
    year = census_date.year
    return Collection(
        year=year,
        census_date=census_date,
        period_start=date(year - 1, 1, 1),
        period_end=date(year - 1, 12, 31),
    )


def next_census_date(today: date) -> date:
    """The next January census on or after today (the one a council is preparing for)."""
    this_year = third_thursday_of_january(today.year)
    return this_year if today <= this_year else third_thursday_of_january(today.year + 1)


@dataclass(frozen=True)
class CodeList:
    element: str  # the XML element the code goes in
    section: str  # where the specification defines it
    codes: dict[str, str]  # code -> what it means

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(code, f"{meaning} ({code})") for code, meaning in self.codes.items()]


SEX = CodeList("Sex", "Module 1, Person: Sex", {"M": "Male", "F": "Female", "U": "Not known"})

ETHNICITY = CodeList(
    "Ethnicity",
    "Module 1, Person: Ethnicity (the DfE's main ethnicity codes)",
    {
        "WBRI": "White British",
        "WIRI": "White Irish",
        "WIRT": "Traveller of Irish heritage",
        "WROM": "Gypsy or Roma",
        "WOTH": "Any other White background",
        "MWBC": "White and Black Caribbean",
        "MWBA": "White and Black African",
        "MWAS": "White and Asian",
        "MOTH": "Any other mixed background",
        "AIND": "Indian",
        "APKN": "Pakistani",
        "ABAN": "Bangladeshi",
        "CHNE": "Chinese",
        "AOTH": "Any other Asian background",
        "BCRB": "Black Caribbean",
        "BAFR": "Black African",
        "BOTH": "Any other Black background",
        "OOTH": "Any other ethnic group",
        "REFU": "Refused",
        "NOBT": "Information not yet obtained",
    },
)

UPN_UNKNOWN = CodeList(
    "UPNunknown",
    "Module 1, Person: UPNunknown (why neither a UPN nor a ULN is given)",
    {
        "UN1": "Child is now adopted",
        "UN2": "Child has never attended a school in England and so has never been assigned a UPN",
        "UN3": "Child is educated at home",
        "UN4": "Child is an unaccompanied asylum seeker",
        "UN5": "Sources collating UPNs reflect discrepancies for the child's name or date of birth",
        "UN6": "Child is aged under 6 and has not yet been assigned a UPN",
        "UN7": "Child is in an early years setting without a UPN",
        "UN8": "Young person is over school age and has no ULN",
        "UN9": "Young person is in a setting that does not assign a ULN",
        "UN10": "Other reason",
    },
)

REQUEST_OUTCOME = CodeList(
    "RequestOutcome",
    "Module 2, Requests: RequestOutcome",
    {
        "Y": "The council went ahead with an assessment",
        "N": "The council decided not to assess",
        "A": "The decision is not made yet",
        "W": "The request was withdrawn or ended before a decision to assess",
        "H": "Historical: decided before this collection's period",
    },
)

ASSESSMENT_OUTCOME = CodeList(
    "AssessmentOutcome",
    "Module 3, Assessment: AssessmentOutcome",
    {
        "Y": "It was decided an EHC plan would be issued",
        "N": "It was decided an EHC plan would not be issued",
        "A": "The decision is not made yet",
        "W": "The request was withdrawn or ended before a decision whether to issue",
        "H": "Historical: decided before this collection's period",
    },
)

CEASE_REASON = CodeList(
    "CeaseReason",
    "Module 4a, Named plan: CeaseReason",
    {
        "1": "Reached the maximum age",
        "2": "Ongoing education or training needs met without an EHC plan",
        "3": "Moved on to higher education",
        "4": "Moved on to paid employment, excluding apprenticeships",
        "5": "Transferred to another local authority in England",
        "6": "Young person no longer wishes to engage in education or training",
        "7": "Moved outside England",
        "8": "Deceased",
        "9": "Other",
    },
)

SEN_SETTING = CodeList(
    "SENSetting",
    "Modules 4b and 5b, Plan and placement detail: SENSetting (a setting with no URN or UKPRN)",
    {
        "OLA": "Other arrangements made by the local authority (section 61, including EOTAS)",
        "OPA": "Other arrangements made by parents or the young person (section 42(5)), not home education",
        "EHE": "Elective home education",
        "EYP": "Early years provider with no URN",
        "OTH": "Other (a type of setting is named, but no setting)",
        "NEET": "Not in education, employment or training (aged 16 to 25)",
        "NIEC": "Not in education or training: notice to cease issued",
        "NIEO": "Not in education or training: other",
    },
)

SEN_TYPE = CodeList(
    "SENtype",
    "Module 5c, SEN need: SENtype",
    {
        "SPLD": "Specific learning difficulty",
        "MLD": "Moderate learning difficulty",
        "SLD": "Severe learning difficulty",
        "PMLD": "Profound and multiple learning difficulty",
        "SEMH": "Social, emotional and mental health",
        "SLCN": "Speech, language and communication needs",
        "HI": "Hearing impairment",
        "VI": "Vision impairment",
        "MSI": "Multi-sensory impairment",
        "PD": "Physical disability",
        "ASD": "Autistic spectrum disorder",
        "DS": "Down syndrome",
        "OTH": "Other difficulty",
    },
)

REVIEW_OUTCOME = CodeList(
    "ReviewOutcome",
    "Module 5a, Active plans: ReviewOutcome (the annual review's decision)",
    {"M": "Maintain the plan as it is", "A": "Amend the plan", "C": "Cease the plan"},
)

# The casework's own words for a review's decision (casework.clock.ReviewOutcome) -> the code.
REVIEW_OUTCOME_FROM_CASEWORK = {"keep": "M", "amend": "A", "cease": "C"}

# Identifiers, as the specification shapes them.
UPN_PATTERN = r"^[A-Z]\d{11}[A-Z0-9]$"  # Module 1: a letter, 11 digits, a digit or check letter
ULN_PATTERN = r"^\d{10}$"  # Module 1: UniqueLearnerNumber
URN_PATTERN = r"^\d{6}$"  # Modules 4b and 5b: a setting's URN (Get Information about Schools)
UKPRN_PATTERN = r"^\d{8}$"  # Modules 4b and 5b: a provider's UKPRN
POSTCODE_PATTERN = r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$"
MAX_AGE = 25  # Module 1: a person over 25 on the census date cannot have a plan


@dataclass(frozen=True)
class Rule:
    code: str
    section: str
    message: str  # what is wrong, in the SEND team's words; {detail} is filled in
    fix: str  # "child": the child's return details; "case": the case page


RULES = {
    rule.code: rule
    for rule in (
        Rule(
            "person_identifier",
            "Module 1, Person: UPN, UniqueLearnerNumber and UPNunknown",
            "Has no UPN, no ULN and no reason why neither is known.",
            "child",
        ),
        Rule(
            "upn_format",
            "Module 1, Person: UPN",
            "The UPN {detail} is not a letter followed by 12 characters.",
            "child",
        ),
        Rule("uln_format", "Module 1, Person: UniqueLearnerNumber", "The ULN {detail} is not 10 digits.", "child"),
        Rule("sex_missing", "Module 1, Person: Sex", "Has no sex recorded.", "child"),
        Rule("ethnicity_missing", "Module 1, Person: Ethnicity", "Has no ethnicity recorded.", "child"),
        Rule("postcode", "Module 1, Person: PostCode", "Has no postcode, or {detail} is not a UK postcode.", "child"),
        Rule(
            "age",
            "Module 1, Person: PersonBirthDate",
            "Is over {detail} on the census date, the oldest a plan can be kept for.",
            "child",
        ),
        Rule(
            "request_outcome_date_order",
            "Module 2, Requests: RequestOutcomeDate",
            "The decision whether to assess ({detail}) is before the request was received.",
            "case",
        ),
        Rule(
            "assessment_outcome_date_order",
            "Module 3, Assessment: AssessmentOutcomeDate",
            "The assessment's outcome ({detail}) is before the request was received.",
            "case",
        ),
        Rule(
            "cease_reason",
            "Module 4a, Named plan: CeaseDate and CeaseReason",
            "The plan was ceased on {detail} with no reason recorded.",
            "child",
        ),
        Rule(
            "plan_setting_missing",
            "Module 4b, Plan detail: at least one setting named in the plan",
            "The plan issued on {detail} names no setting.",
            "child",
        ),
        Rule(
            "placement_missing",
            "Module 5b, Placement detail: at least one placement for an active plan",
            "Has a plan in force on the census date but no setting recorded for it.",
            "child",
        ),
        Rule(
            "placement_identifier",
            "Modules 4b and 5b: URN, UKPRN or SENSetting",
            "The placement at {detail} has no URN, no UKPRN and no kind of setting.",
            "child",
        ),
        Rule("urn_format", "Modules 4b and 5b: URN", "The URN {detail} is not 6 digits.", "child"),
        Rule("ukprn_format", "Modules 4b and 5b: UKPRN", "The UKPRN {detail} is not 8 digits.", "child"),
        Rule(
            "placement_dates",
            "Module 5b, Placement detail: EntryDate and LeavingDate",
            "The placement at {detail} ends before it starts.",
            "child",
        ),
        Rule(
            "placement_rank",
            "Modules 4b and 5b: PlacementRank (one main placement, at most one other)",
            "Has {detail} on the census date; there can be one main placement and one other.",
            "child",
        ),
        Rule(
            "primary_need",
            "Module 5c, SEN need: SENtype with SENtypeRank 1",
            "Has a plan in force on the census date but no primary need recorded.",
            "child",
        ),
    )
}
