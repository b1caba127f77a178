"""The two demo councils `make run` serves, with the rules from their own guidance
(Cumbria's and Somerset's published SEND portal pages). Addresses are on .localhost so nothing real is ever mailed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework.models import Child, Organisation, Placement
from casework.services.cases import case_open, milestone_record
from casework.services.councils import Provisioned, council_create
from casework.services.forms import PROFESSIONAL_BUILTINS, builtin_ensure
from casework.services.organisations import organisation_invitation_create
from casework.services.waiting_times import waiting_times_publish
from citizen.accounts.models import Account
from tenants.current import current_council
from tenants.models import Council, CouncilLink, FormVariant, ServiceArea, SignInPolicy, Tile
from tenants.services import platform_ensure

OPERATOR_EMAIL = "operator@platform.localhost"
OPERATOR_PASSWORD = "demo-operator-password"  # noqa: S105 - printed by `make run`; demo only


@dataclass(frozen=True)
class DemoCouncil:
    name: str
    slug: str
    domain: str
    admin_email: str
    sender_email: str
    primary_colour: str
    service_areas: tuple[tuple[str, str], ...]
    form: FormVariant.BuiltIn
    links: tuple[tuple[str, str], ...]
    policy: dict
    phone: str
    # The organisations the council asks for advice: (name, kind, its admin's address).
    organisations: tuple[tuple[str, str, str], ...] = ()
    la_number: str = ""  # the DfE's number for the council (the SEN2 return's header)
    postcode: str = ""  # where its demo children live


CUMBRIA = DemoCouncil(
    name="Cumbria County Council",
    slug="cumbria",
    domain="cumbria.localhost",
    admin_email="send-admin@cumbria.localhost",
    sender_email="send-portal@cumbria.localhost",
    primary_colour="#005b4f",
    service_areas=(
        ("Carlisle & Eden", "send.carlisle-eden@cumbria.localhost"),
        ("Allerdale & Copeland", "send.allerdale-copeland@cumbria.localhost"),
        ("Barrow & South Lakeland", "send.barrow-south-lakeland@cumbria.localhost"),
    ),
    form=FormVariant.BuiltIn.SECTION_A,
    links=(
        ("How to complete Section A", "https://www.cumbria.gov.uk/"),
        ("SEND Citizen Portal registration instructions", "https://www.cumbria.gov.uk/"),
    ),
    # Staff verify by emailed code on the demo councils (the test suite's staff sign in
    # that way); a council admin turns the app on in the council's sign-in settings.
    policy={"staff_require_authenticator": False},
    phone="0300 303 2992",
    organisations=(
        ("Fellside Primary School", "school", "senco@fellside.cumbria.localhost"),
        ("Cumbria Educational Psychology Service", "educational_psychology", "ep.service@cumbria.localhost"),
        ("North Cumbria Children's Therapies (NHS)", "health", "therapies@ncic.cumbria.localhost"),
    ),
    la_number="909",
    postcode="CA1 1RD",
)

SOMERSET = DemoCouncil(
    name="Somerset Council",
    slug="somerset",
    domain="somerset.localhost",
    admin_email="send-admin@somerset.localhost",
    sender_email="onlineadmissions@somerset.localhost",
    primary_colour="#6b2c91",
    service_areas=(("SEND Assessment Hub", "send.assessment-hub@somerset.localhost"),),
    form=FormVariant.BuiltIn.APPENDIX_A,
    links=(("Completing the Education, Health and Care needs assessment", "https://www.somerset.gov.uk/"),),
    # Exactly the rules in Somerset's guidance.
    policy={
        "password_min_length": 10,
        "password_max_length": 128,
        "require_uppercase": True,
        "require_lowercase": True,
        "require_digit": True,
        "require_special": True,
        "disallow_username": True,
        "password_history_count": 10,
        "disallow_simple_change": True,
        "password_max_age_days": 60,
        "otp_lifetime_minutes": 60,
        "staff_require_authenticator": False,  # as Cumbria's, above
    },
    phone="0300 123 2224",
    organisations=(
        ("Taunton Vale Academy", "school", "senco@tauntonvale.somerset.localhost"),
        ("Somerset Educational Psychology Service", "educational_psychology", "ep.service@somerset.localhost"),
        ("Somerset Children's Social Care", "social_care", "childrens.social.care@somerset.localhost"),
    ),
    la_number="933",
    postcode="TA1 1DY",
)

DEMO_COUNCILS = (CUMBRIA, SOMERSET)


def _configure(council: Council, demo: DemoCouncil) -> None:
    council.primary_colour = demo.primary_colour
    council.sender_name = f"{council.name} SEND service"
    council.contact_phone = demo.phone
    council.feedback_questionnaire_url = f"https://forms.example.org/{demo.slug}-ehcp-feedback"
    council.publish_waiting_times = True
    council.full_clean()
    council.save()
    for order, (name, email) in enumerate(demo.service_areas):
        ServiceArea.objects.create(council=council, name=name, contact_email=email, order=order)
    for order, (title, url) in enumerate(demo.links):
        CouncilLink.objects.create(council=council, title=title, url=url, order=order)
    Tile.objects.create(
        council=council,
        kind=Tile.Kind.LINK,
        title="School admissions",
        description="Apply for a school place or follow an application.",
        url="https://www.gov.uk/schools-admissions",
        order=1,
    )
    policy = SignInPolicy.objects.get(council=council)
    for field, value in demo.policy.items():
        setattr(policy, field, value)
    policy.full_clean()
    policy.save()


def _organisations_ensure(demo: DemoCouncil) -> None:
    """The council's demo organisations, each with its admin invited (the invitation is in
    /dev/outbox/), once: a council that already has organisations keeps them as they are."""
    if Organisation.objects.exists():
        return
    for name, kind, admin_email in demo.organisations:
        organisation = Organisation.objects.create(name=name, kind=kind, contact_email=admin_email)
        organisation_invitation_create(
            organisation=organisation, email=admin_email, is_admin=True, invited_by=None, actor_role="platform"
        )


# The demo's children: (first name, their story, their SEN2 details complete or not).
DEMO_CHILDREN = (
    ("Maya", "plan issued", True),
    ("Oscar", "waiting for the decision to assess", True),
    ("Zara", "plan kept at this year's review", True),
    ("Leo", "decided and being assessed", False),  # no UPN and no reason: the SEN2 page lists it
)


def demo_casework_seed(demo: DemoCouncil, *, today: date | None = None) -> None:
    """A few made-up children at different points, so the caseload, the timeliness pages
    and the SEN2 return have something to show (call it in the council's schema). One
    child's record lacks what the SEN2 return needs, as real records do."""
    today = today or timezone.localdate()

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    council = current_council()
    council.dfe_la_number = demo.la_number
    council.save(update_fields=["dfe_la_number"])
    for number, (first, story, complete) in enumerate(DEMO_CHILDREN, start=1):
        child = Child.objects.create(
            legal_first_name=first,
            legal_last_name="Demo",
            date_of_birth=date(today.year - 8 - number, 3, number),
            council_reference=f"DEMO-{number}",
            service_area=ServiceArea.objects.filter(council=council).order_by("pk").first(),
            setting=demo.organisations[0][0],
            upn=f"A{900000000000 + number}" if complete else "",
            sex="F" if number % 2 else "M",
            ethnicity="WBRI",
            postcode=demo.postcode,
            primary_need=("ASD", "SLCN", "SEMH", "MLD")[number - 1],
        )
        Placement.objects.create(
            child=child, name=demo.organisations[0][0], urn=f"1{number:05d}", entry_date=date(today.year - 3, 9, 1)
        )
        if story == "plan kept at this year's review":
            review = case_open(child=child, kind="annual_review", started_on=ago(700), actor=None, today=today)
            for key, days, outcome in (("meeting", 60, ""), ("report_sent", 53, ""), ("decision_notified", 45, "keep")):
                milestone_record(case=review, key=key, occurred_on=ago(days), outcome=outcome, actor=None, today=today)
            continue
        received = ago({"plan issued": 180, "waiting for the decision to assess": 20}.get(story, 70))
        case = case_open(child=child, kind="assessment", started_on=received, actor=None, today=today)
        if story == "waiting for the decision to assess":
            continue
        decided = received + timedelta(days=35)
        milestone_record(
            case=case, key="decided_whether_to_assess", occurred_on=decided, outcome="yes", actor=None, today=today
        )
        if story == "plan issued":
            for key, days in (("draft_served", 55), ("final_issued", 40)):
                milestone_record(case=case, key=key, occurred_on=ago(days), actor=None, today=today)


def seed_demo(*, platform_domain: str, with_casework: bool = True) -> list[Provisioned]:
    """Create the platform row, an operator and both demo councils (with a few children
    and cases unless `with_casework` is False, as the tests ask). Idempotent: a council
    that exists is left exactly as it is."""
    platform_ensure(domain=platform_domain)
    if not Account.objects.filter(email__iexact=OPERATOR_EMAIL).exists():
        Account.objects.create_superuser(OPERATOR_EMAIL, OPERATOR_PASSWORD, first_name="Platform", last_name="Operator")
    results = []
    for demo in DEMO_COUNCILS:
        with transaction.atomic():
            result = council_create(
                name=demo.name,
                slug=demo.slug,
                domain=demo.domain,
                admin_email=demo.admin_email,
                sender_email=demo.sender_email,
            )
            if result.created:
                _configure(result.council, demo)
                if with_casework:
                    with tenant_context(result.council):
                        demo_casework_seed(demo)
            # The council's form, published from the built-in (a council seeded before
            # forms were versioned gets its first version now; otherwise nothing changes).
            builtin_ensure(council=result.council, builtin=demo.form)
            # How its organisations send each kind of advice, and a review's report.
            for professional_form in PROFESSIONAL_BUILTINS:
                builtin_ensure(council=result.council, builtin=professional_form)
            with tenant_context(result.council):
                _organisations_ensure(demo)
                waiting_times_publish()  # what `make run` shows at once; nightly after that
        results.append(result)
    return results
