"""Fixtures for the case screens: children and cases built in a council's schema (or in
bulk for query counts). Staff clients and accounts come from tests/casework/conftest.py."""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework.models import Case, CaseKind, Child, ChildAccess, Relationship, StaffRole
from casework.submissions.models import FormDraft, FormSubmission
from tenants.models import FormVersion, ServiceArea
from tests.api.conftest import advice_make, case_make, document_make
from tests.casework.conftest import make_account, signed_in_client
from tests.factories import ChildFactory

TODAY = date(2026, 6, 15)  # a Monday

_numbers = itertools.count(1)


def make_child(
    *, first: str = "Alex", last: str = "Smith", born: date = date(2015, 3, 27), setting="Hillside Primary", **extra
) -> Child:
    return ChildFactory(legal_first_name=first, legal_last_name=last, date_of_birth=born, setting=setting, **extra)


def bulk_cases(n: int, *, today: date = TODAY, caseworker=None) -> list[Case]:
    """`n` children, each with an open assessment, in two queries (for query counts). The
    children are spread over the council's service areas, as real ones are, so a page
    that reads a child's area without joining it shows up in the count."""
    start = next(_numbers) * 10_000
    areas = list(ServiceArea.objects.filter(council=connection.tenant)) or [None]
    children = Child.objects.bulk_create(
        Child(
            legal_first_name=f"Child{i}",
            legal_last_name=f"Family{i}",
            date_of_birth=date(2015, 1, 1),
            council_reference=f"B{start + i}",
            service_area=areas[i % len(areas)],
        )
        for i in range(n)
    )
    return Case.objects.bulk_create(
        Case(
            child=child,
            kind=CaseKind.ASSESSMENT,
            reference=f"EHC-2026-B{start + i}",
            started_on=today,
            stage="decision_to_assess",
            next_deadline=date.fromordinal(today.toordinal() + 42 - (i % 60)),
            caseworker=caseworker,
        )
        for i, child in enumerate(children)
    )


# --- The EHC plan's drafting screens (test_plan_drafting.py, test_plan_issuing.py) ---

FAMILY_WORDS = {
    # Cumbria's Section A
    "important_to_me": "Being with my dog Biscuit and my friend Sam.",
    "hopes": "To work with animals.",
    "like_and_admire": "People say I am kind and funny.",
    # Somerset's Appendix A
    "parent_views": "We would like an assessment so that school understands his anxiety.",
    "child_views": "I want a quiet place to go at lunch.",
}


def family_form_send(case) -> FormSubmission:
    """The family's Section A (Cumbria) or request for an assessment (Somerset), sent."""
    version = _family_version()
    family = make_account()
    draft = FormDraft.objects.create(
        child=case.child, variant=version.variant, version=version, account=family, submitted_at=timezone.now()
    )
    return FormSubmission.objects.create(
        reference=f"F-PLAN-{case.pk}",
        draft=draft,
        child=case.child,
        case=case,
        variant=version.variant,
        version=version,
        feeds=version.definition["feeds"],
        answers=FAMILY_WORDS,
        submitted_by=family,
        speaking_as="parent",
        submitted_at=timezone.now(),
    )


def _family_version() -> FormVersion:
    from django.db import connection

    return (
        FormVersion.objects.filter(
            variant__council_id=connection.tenant.pk,
            published_at__isnull=False,
            definition__feeds__in=["contribution", "new_request"],
        )
        .select_related("variant")
        .order_by("-definition__feeds", "-number")  # Section A where the council has one
        .first()
    )


def advice_received(case, *, title: str):
    advice = advice_make(case)
    advice.received_on = timezone.localdate()
    advice.status = advice.Status.RECEIVED
    advice.save()
    document = document_make(case, title=title)
    document.advice_request = advice
    document.save(update_fields=["advice_request"])
    return advice, document


@pytest.fixture
def drafting(site, staff_client):
    """A case with the family's form and two pieces of advice received; a caseworker."""
    with tenant_context(site.council):
        case = case_make()
        family_form_send(case)
        first = advice_received(case, title="Educational psychology advice")
        second = advice_received(case, title="Speech and language advice")
    worker = staff_client(site.council, StaffRole.CASEWORKER, first_name="Casey", last_name="Worker")
    return case, worker, (first, second)


def plan_path(case, section: str | None = None) -> str:
    if section:
        return reverse("staff:case-plan-section", urlconf="config.urls_council", args=[case.pk, section])
    return reverse("staff:case-plan", urlconf="config.urls_council", args=[case.pk])


def fields(html: str) -> dict[str, str]:
    """The form's fields as a browser would post them unchanged: inputs and text areas
    with their values, ticked checkboxes."""
    posted: dict[str, str | list] = {}
    for tag in re.finditer(r"<input[^>]*>", html):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag.group(0)))
        if "name" not in attrs or attrs.get("type") == "submit":
            continue
        if attrs.get("type") == "checkbox":
            if "checked" in tag.group(0):
                posted.setdefault(attrs["name"], []).append(attrs["value"])
            continue
        posted[attrs["name"]] = attrs.get("value", "")
    for area in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>', html, re.S):
        posted[area.group(1)] = area.group(2).replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")
    return posted


def staff_path(name: str, *args) -> str:
    return reverse(f"staff:{name}", urlconf="config.urls_council", args=args)


def family_path(name: str, case, query: str = "") -> str:
    return reverse(f"family:{name}", urlconf="config.urls_council", args=[case.pk]) + query


@pytest.fixture
def written(drafting, site, post):
    """The drafting case with a plan written (one provision to quantify), and a parent."""
    case, worker, _ = drafting
    worker.post(plan_path(case))
    form = fields(worker.get(plan_path(case, "B")).content.decode())
    worker.post(plan_path(case, "B"), form | {"needs-0-text": "Finds reading hard."})
    form = fields(worker.get(plan_path(case, "F")).content.decode())
    worker.post(
        plan_path(case, "F"),
        form | {"provisions-0-what": "Daily reading with an adult", "provisions-0-how_often": "Regular"},
    )
    parent = make_account(first_name="Pat", last_name="Reader")
    with tenant_context(site.council):
        ChildAccess.objects.create(child=case.child, account=parent, relationship=Relationship.PARENT)
    return case, worker, signed_in_client(site.council, parent)
