"""A SENCO with thirty requests: the professionals' tray, a request's page and the
organisation's people page cost the same queries for 3 rows as for 30."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from casework.models import AdviceRequest, OrganisationMembership
from tests.casework.conftest import make_account

from .conftest import case_waiting_for_advice

pytestmark = pytest.mark.django_db

_names = itertools.count(1)


def requests_for(world, n: int) -> AdviceRequest:
    """`n` open requests of the school, on cases of their own, and `n` people in it."""
    today = timezone.localdate()
    made = []
    for i in range(n):
        case = case_waiting_for_advice(world.accounts["worker"], first=f"Child{next(_names)}", last="Tray")
        made.append(
            AdviceRequest.objects.create(
                case=case,
                adviser=world.school.name,
                organisation=world.school,
                kind="educational",
                cover="Learning",
                family_consent=True,
                requested_on=today - timedelta(days=i % 40),
                taken_by=world.accounts["kim"] if i % 2 else None,
                status="taken" if i % 2 else "open",
            )
        )
        OrganisationMembership.objects.create(organisation=world.school, account=make_account())
    return made[0]


def queries(client, path: str, real_queries) -> int:
    client.get(path)  # warm: the council's configuration is read once a process
    with real_queries() as counted:
        assert client.get(path).status_code == 200
    return counted.count


def test_the_tray_a_request_and_the_people_cost_the_same_for_3_and_for_30(world, in_council, real_queries):
    counts = {}
    for n in (3, 30):
        with in_council(world.council):
            AdviceRequest.objects.filter(organisation=world.school).delete()
            first = requests_for(world, n)
        sam = world.client("sam")
        counts[n] = [
            queries(sam, path, real_queries)
            for path in (
                "/professionals/",
                f"/professionals/advice/{first.pk}/",
                f"/professionals/organisations/{world.school.pk}/people/",
            )
        ]
    assert counts[3] == counts[30], counts
