"""The two demo councils `make run` serves, with the rules from their own guidance
(Cumbria's and Somerset's published SEND portal pages). Addresses are on .localhost so nothing real is ever mailed."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django_tenants.utils import tenant_context

from casework.models import Organisation
from casework.services.councils import Provisioned, council_create
from casework.services.forms import PROFESSIONAL_BUILTINS, builtin_ensure
from casework.services.organisations import organisation_invitation_create
from casework.services.waiting_times import waiting_times_publish
from citizen.accounts.models import Account
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


def seed_demo(*, platform_domain: str) -> list[Provisioned]:
    """Create the platform row, an operator and both demo councils. Idempotent: a
    council that exists is left exactly as it is."""
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
