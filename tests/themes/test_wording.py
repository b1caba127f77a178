"""Labels inside sentences read as a person writes them (issue 19, items 6 and 14)."""

from __future__ import annotations

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
