"""Waiting times in public (issue 17, item 2): the figures a council publishes are what
its cases say, worked out here by hand from the same dates; small numbers are suppressed;
the page shows only the council's own, and only once it chooses to publish them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from casework.models import StaffMembership, StaffRole
from casework.selectors.waiting_times import nearest_rank_90, waiting_times_figures
from casework.services.waiting_times import waiting_times_publish
from tenants.models import Council, PublishedWaitingTimes

from .conftest import TODAY, make_account
from .test_dashboard import assessment

pytestmark = pytest.mark.django_db

# (received, days to the decision whether to assess, days to the final plan or None)
CASES = [
    (date(2025, 10, 6), 28, 119),
    (date(2025, 10, 13), 35, 133),
    (date(2025, 10, 20), 35, 140),  # exactly 20 weeks: on time
    (date(2025, 11, 3), 42, 147),
    (date(2025, 11, 10), 49, 161),
    (date(2026, 1, 5), 70, None),  # decided; waiting for the decision whether to issue a plan
]


def make_cases(council, in_council, cases=CASES) -> None:
    actor = make_account()
    with in_council(council):
        StaffMembership.objects.create(account=actor, role=StaffRole.CASEWORKER)
        for received, decided, final in cases:
            assessment(
                actor,
                received,
                decided=received + timedelta(days=decided),
                final=received + timedelta(days=final) if final else None,
            )


def choose(council, publish: bool) -> None:
    """The council's choice, saved as its settings page saves it (every process's cached
    council is forgotten)."""
    row = Council.objects.get(pk=council.pk)
    row.publish_waiting_times = publish
    row.save(update_fields=["publish_waiting_times"])


def publish(council, in_council, today=TODAY):
    choose(council, True)
    with in_council(council):
        return waiting_times_publish(today=today)


def test_the_figures_are_what_the_cases_say(cumbria, in_council):
    make_cases(cumbria, in_council)

    with in_council(cumbria):
        figures = waiting_times_figures(today=TODAY)

    # Worked out by hand: decisions after 28, 35, 35, 42, 49 and 70 days (median 38.5 days,
    # the 90th percentile the 6th of 6); drafts 15 days before each of the five finals.
    assert (figures["period_start"], figures["period_end"]) == ("2025-06-16", "2026-06-15")
    decided, drafted, final = figures["stages"]
    assert (decided["key"], decided["count"], decided["median_weeks"], decided["p90_weeks"]) == (
        "decided_whether_to_assess",
        6,
        5.5,
        10.0,
    )
    assert (drafted["count"], drafted["median_weeks"], drafted["p90_weeks"]) == (5, 17.9, 20.9)  # 125, 146 days
    assert (final["count"], final["median_weeks"], final["p90_weeks"], final["limit_weeks"]) == (5, 20.0, 23.0, 20)
    assert figures["plans"] == {
        "count": 5,
        "within_20_weeks": 60.0,  # 119, 133 and 140 days
        "excluding_exceptions_count": 5,
        "within_20_weeks_excluding_exceptions": 60.0,
    }
    assert figures["open_by_stage"] == [{"label": "Decision whether to issue a plan", "count": None}]  # 1
    assert figures["open_total"] is None


def test_small_numbers_are_suppressed(cumbria, in_council):
    make_cases(cumbria, in_council, CASES[:3])

    with in_council(cumbria):
        figures = waiting_times_figures(today=TODAY)

    for stage in figures["stages"]:
        assert (stage["count"], stage["median_weeks"], stage["p90_weeks"]) == (None, None, None)
    assert figures["plans"]["count"] is None and figures["plans"]["within_20_weeks"] is None
    assert figures["plans"]["within_20_weeks_excluding_exceptions"] is None


def test_no_cases_are_zero_not_suppressed(cumbria, in_council):
    with in_council(cumbria):
        figures = waiting_times_figures(today=TODAY)
    assert [s["count"] for s in figures["stages"]] == [0, 0, 0]
    assert figures["plans"]["count"] == 0 and figures["open_total"] == 0


def test_the_90th_percentile_is_the_nearest_rank():
    assert nearest_rank_90([5]) == 5
    assert nearest_rank_90(list(range(1, 11))) == 9  # the 9th of 10
    assert nearest_rank_90(list(range(1, 12))) == 10  # ceil(9.9): the 10th of 11
    assert nearest_rank_90([3, 1, 2, 10, 4, 5, 6, 7, 8, 9]) == 9  # sorted first


def test_a_published_councils_page_shows_its_own_figures_and_each_council_decides_for_itself(
    cumbria, somerset, in_council, settings
):
    make_cases(cumbria, in_council)
    cumbria_domain = cumbria.domains.get(is_primary=True).domain
    somerset_domain = somerset.domains.get(is_primary=True).domain
    anonymous = Client()
    choose(cumbria, False)  # the demo councils publish theirs
    assert anonymous.get("/waiting-times/", HTTP_HOST=cumbria_domain).status_code == 404  # not published
    assert "/waiting-times/" not in anonymous.get("/", HTTP_HOST=cumbria_domain).content.decode()

    publish(cumbria, in_council)

    page = anonymous.get("/waiting-times/", HTTP_HOST=cumbria_domain)
    assert page.status_code == 200
    text = page.content.decode()
    for shown in ("5.5 weeks", "10.0 weeks", "20.0 weeks", "23.0 weeks", "60.0%", "fewer than 5", "16 June 2025"):
        assert shown in text, shown
    assert 'href="/waiting-times/"' in anonymous.get("/", HTTP_HOST=cumbria_domain).content.decode()
    elsewhere = anonymous.get("/waiting-times/", HTTP_HOST=somerset_domain)
    assert elsewhere.status_code == 200 and "5.5 weeks" not in elsewhere.content.decode()  # its own figures
    choose(somerset, False)
    assert anonymous.get("/waiting-times/", HTTP_HOST=somerset_domain).status_code == 404  # its own choice


def test_turning_publishing_off_takes_the_figures_down_at_the_next_run(cumbria, in_council):
    make_cases(cumbria, in_council)
    publish(cumbria, in_council)
    assert PublishedWaitingTimes.objects.filter(council=cumbria).exists()

    choose(cumbria, False)
    with in_council(cumbria):
        assert waiting_times_publish(today=TODAY) is None

    assert not PublishedWaitingTimes.objects.filter(council=cumbria).exists()


def test_the_platforms_page_shows_each_publishing_council_side_by_side(cumbria, somerset, in_council, platform_client):
    make_cases(cumbria, in_council)
    publish(cumbria, in_council)

    page = platform_client.get("/waiting-times/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "Cumbria" in text and "Somerset" in text  # both demo councils publish
    row = text[text.index(cumbria.name) :]
    row = row[: row.index("</tr>")]
    for shown in ("5.5 weeks", "20.0 weeks", "23.0 weeks", "60.0%", "fewer than 5"):
        assert shown in row, shown
    assert f'href="http://{cumbria.domains.get(is_primary=True).domain}/waiting-times/">{cumbria.name}' in text
    choose(somerset, False)
    assert somerset.name not in platform_client.get("/waiting-times/").content.decode()
