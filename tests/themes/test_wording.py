"""Labels inside sentences read as a person writes them (issue 19, items 6 and 14)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template

from themes.wording import in_sentence


@pytest.mark.parametrize(
    ("label", "in_a_sentence"),
    [
        ("Final EHC plan issued", "final EHC plan issued"),
        ("EHC needs assessment", "EHC needs assessment"),
        ("I have comments", "I have comments"),
        ("How I communicate", "how I communicate"),
        ("SENCO's report", "SENCO's report"),
        ("Date the request was received", "date the request was received"),
        ("", ""),
    ],
)
def test_only_the_first_letter_of_an_ordinary_word_is_lowered(label, in_a_sentence):
    assert in_sentence(label) == in_a_sentence


def test_it_is_a_filter_every_template_has():
    rendered = Template("Change<span> {{ label|in_sentence }}</span>").render(Context({"label": "How I communicate"}))
    assert rendered == "Change<span> how I communicate</span>"


def test_long_date_reads_as_the_date_filter_does():
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from themes.wording import long_date

    def as_the_date_filter(value) -> str:  # in a template, which shows a datetime in local time
        return Template('{{ value|date:"j F Y" }}').render(Context({"value": value}))

    for day in (date(2014, 3, 27), date(2026, 12, 1), date(2000, 1, 9)):
        assert long_date(day) == as_the_date_filter(day)
    late_evening = datetime(2026, 6, 30, 23, 30, tzinfo=ZoneInfo("UTC"))  # 1 July in London (BST)
    assert long_date(late_evening) == as_the_date_filter(late_evening) == "1 July 2026"
    assert long_date(None) == ""


WHEN = [
    datetime(2026, 7, 1, 23, 30, tzinfo=UTC),  # British Summer Time: 2 July, 12:30am
    datetime(2026, 12, 5, 12, 5, 9, 123456, tzinfo=UTC),  # noon in winter
    datetime(2026, 3, 29, 0, 59, tzinfo=UTC),  # the hour the clocks go forward
    datetime(2027, 1, 1, 9, 7),  # noqa: DTZ001 - naive: read as it is
    date(2014, 3, 27),
    None,
    "",
    "not a date",
]


@pytest.mark.parametrize("value", WHEN)
def test_dates_and_times_read_as_djangos_date_filter_wrote_them(value):
    """The pages' own date filters (issue 13: no localisation machinery per call) write
    what `|date:` wrote before them, in the council's time zone."""
    context = Context({"when": value})
    ours = "{{ when|long_date }}|{{ when|clock_time }}|{{ when|iso_time }}"
    django = '{{ when|date:"j F Y" }}|{{ when|date:"g:i" }}{{ when|date:"A"|lower }}|{{ when|date:"c" }}'
    if isinstance(value, date) and not isinstance(value, datetime):  # a day has no time of day
        ours, django = ours.replace("{{ when|clock_time }}", ""), django.replace('{{ when|date:"g:i" }}', "")
        django = django.replace('{{ when|date:"A"|lower }}', "")
    assert Template(ours).render(context) == Template(django).render(context)


def test_a_summer_evening_in_utc_is_the_next_morning_in_london():
    late = Template("{{ when|long_date }} at {{ when|clock_time }}").render(Context({"when": WHEN[0]}))
    assert late == "2 July 2026 at 12:30am"
