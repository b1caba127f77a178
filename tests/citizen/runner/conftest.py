"""Fixtures for the form runner: a family member verified for a child on each council,
forms published in a council (a test form with every question type, or the built-ins
the demo councils already have), and helpers that drive the pages over HTTP."""

from __future__ import annotations

import copy
import itertools
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework.models import Case, CaseKind, Child, ChildAccess, Relationship
from casework.services.cases import case_open
from casework.submissions.models import FormDraft
from citizen.accounts.models import Account
from tenants.models import Council, FormVariant, FormVersion, ServiceArea
from tests.casework.conftest import make_account, signed_in_client, staff_account  # noqa: F401 (a fixture)
from tests.casework.documents.conftest import PNG_BYTES, outbox, pdf_bytes, upload  # noqa: F401

_numbers = itertools.count(1)

CHILD_FIRST = "Wilhelmina"
CHILD_LAST = "Quarrendon"

# A form with every question type, a condition, an optional question and a repeating
# group with a minimum and a maximum, feeding a new request (so it needs no case).
KITCHEN_SINK = {
    "title": "Everything form",
    "short_title": "Everything",
    "feeds": "new_request",
    "sections": [
        {
            "id": "basics",
            "title": "Basics",
            "pages": [
                {
                    "id": "names",
                    "title": "Names",
                    "questions": [
                        {"id": "full_name", "type": "text", "label": "Full name", "max_length": 20},
                        {"id": "nickname", "type": "text", "label": "Nickname", "required": False},
                        {"id": "story", "type": "long_text", "label": "Your story", "max_length": 50},
                    ],
                },
                {
                    "id": "when",
                    "questions": [
                        {"id": "born", "type": "date", "label": "Date of birth", "not_in_future": True},
                    ],
                },
                {
                    "id": "numbers",
                    "title": "Contact",
                    "questions": [
                        {"id": "attendance", "type": "number", "label": "Attendance", "min": 0, "max": 100},
                        {"id": "email", "type": "email", "label": "Email address"},
                        {"id": "phone", "type": "phone", "label": "Phone number"},
                        {"id": "nhs", "type": "nhs_number", "label": "NHS number", "required": False},
                    ],
                },
                {"id": "home", "questions": [{"id": "home", "type": "address", "label": "Home address"}]},
            ],
        },
        {
            "id": "choices",
            "title": "Choices",
            "pages": [
                {
                    "id": "choices",
                    "title": "Choices",
                    "questions": [
                        {
                            "id": "colour",
                            "type": "radios",
                            "label": "Favourite colour",
                            "options": [{"value": "red", "label": "Red"}, {"value": "blue", "label": "Blue"}],
                        },
                        {
                            "id": "pets",
                            "type": "checkboxes",
                            "label": "Pets",
                            "required": False,
                            "options": [{"value": "cat", "label": "Cat"}, {"value": "dog", "label": "Dog"}],
                        },
                        {
                            "id": "year",
                            "type": "select",
                            "label": "Year group",
                            "options": [{"value": "y1", "label": "Year 1"}, {"value": "y2", "label": "Year 2"}],
                        },
                    ],
                },
                {"id": "social", "questions": [{"id": "social", "type": "yes_no", "label": "Social worker?"}]},
                {
                    "id": "social_details",
                    "show_if": {"question": "social", "equals": "yes"},
                    "questions": [{"id": "worker", "type": "text", "label": "Social worker's name"}],
                },
            ],
        },
        {
            "id": "more",
            "title": "More",
            "pages": [
                {
                    "id": "report",
                    "questions": [
                        {
                            "id": "report",
                            "type": "file",
                            "label": "A report",
                            "required": False,
                            "accept": ["pdf"],
                            "max_mb": 1,
                        }
                    ],
                },
                {
                    "id": "helpers",
                    "questions": [
                        {
                            "id": "helpers",
                            "type": "group",
                            "label": "People who help",
                            "item_name": "helper",
                            "min": 1,
                            "max": 2,
                            "questions": [
                                {"id": "name", "type": "text", "label": "Their name"},
                                {
                                    "id": "letter",
                                    "type": "file",
                                    "label": "Their letter",
                                    "required": False,
                                    "accept": ["pdf", "png"],
                                },
                            ],
                        }
                    ],
                },
            ],
        },
    ],
    "declaration": {"confirmation": "I confirm this is right"},
    "what_happens_next": ["We will look at it."],
}

# Answers that complete every page of KITCHEN_SINK, as each page posts them.
KITCHEN_SINK_POSTS = {
    "names": {"full_name": "Ann Example", "story": "Once upon a time"},
    "when": {"born_day": "27", "born_month": "3", "born_year": "2014"},
    "numbers": {"attendance": "85", "email": "ann@example.org", "phone": "07700 900 982"},
    "home": {"home__line_1": "1 Castle Street", "home__town": "Carlisle", "home__postcode": "ca3 8qg"},
    "choices": {"colour": "blue", "pets": ["cat"], "year": "y2"},
    "social": {"social": "no"},
    "report": {},
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def child_make(**fields) -> Child:
    number = next(_numbers)
    defaults = {
        "legal_first_name": CHILD_FIRST,
        "legal_last_name": CHILD_LAST,
        "date_of_birth": date(2014, 3, 27),
        "council_reference": f"RUN{number:06d}",
        "service_area": ServiceArea.objects.filter(council__schema_name=_schema()).order_by("order").first(),
    }
    return Child.objects.create(**(defaults | fields))


def _schema() -> str:
    from django.db import connection

    return connection.schema_name


def publish(council: Council, definition: dict, *, slug: str = "everything", variant: FormVariant | None = None):
    """Publish `definition` as the next version of the council's form `slug` (made if need be)."""
    if variant is None:
        variant, _ = FormVariant.objects.get_or_create(council=council, slug=slug, defaults={"title": slug.title()})
    number = (variant.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return FormVersion.objects.create(
        variant=variant, number=number, definition=copy.deepcopy(definition), published_at=timezone.now()
    )


@dataclass
class Family:
    council: Council
    other: Council
    domain: str
    account: Account
    child: Child
    client: Client

    def draft_start(self, slug: str = "everything") -> int:
        answer = self.client.post(f"/send/forms/children/{self.child.pk}/{slug}/start/")
        assert answer.status_code == 302, answer.content.decode()[:2000]
        return int(re.search(r"/drafts/(\d+)/", answer["Location"]).group(1))

    def page(self, draft_id: int, page_id: str) -> str:
        return f"/send/forms/drafts/{draft_id}/pages/{page_id}/"

    def draft(self, draft_id: int) -> FormDraft:
        with tenant_context(self.council):
            return FormDraft.objects.get(pk=draft_id)


@pytest.fixture
def family(site) -> Family:
    """On each council in turn: a parent verified for a child, signed in with two-step."""
    account = make_account()
    with tenant_context(site.council):
        child = child_make()
        ChildAccess.objects.create(child=child, account=account, relationship=Relationship.PARENT)
    return Family(
        council=site.council,
        other=site.other,
        domain=site.domain,
        account=account,
        child=child,
        client=signed_in_client(site.council, account),
    )


@pytest.fixture
def everything(family) -> FormVersion:
    """The test form, published in the family's council."""
    return publish(family.council, KITCHEN_SINK)


def complete_everything(family: Family, draft_id: int, *, helper: str = "Dr Helper") -> None:
    """Fill in every page of the test form (one helper), checking each saves."""
    for page_id, data in KITCHEN_SINK_POSTS.items():
        answer = family.client.post(family.page(draft_id, page_id), data)
        assert answer.status_code == 302, (page_id, answer.content.decode()[:3000])
    answer = family.client.post(f"/send/forms/drafts/{draft_id}/pages/helpers/items/0/", {"name": helper})
    assert answer.status_code == 302, answer.content.decode()[:3000]
    answer = family.client.post(family.page(draft_id, "helpers"), {"add_another": "no"})
    assert answer.status_code == 302, answer.content.decode()[:3000]


def assessment_open(child: Child, *, actor=None) -> Case:
    """An assessment for the child; the family's "is open" email (tested in casework) is
    cleared so that these tests see only what sending a form queues."""
    from tenants.outbox.models import OutboundEmail

    case = case_open(
        child=child, kind=CaseKind.ASSESSMENT, started_on=timezone.localdate(), actor=actor, actor_role="caseworker"
    )
    OutboundEmail.objects.filter(subject__endswith=" is open").delete()
    return case
