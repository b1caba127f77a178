"""The caseload's rows are drawn in Python (casework/views/caseload_table.py) for speed:
they must be what the template drew, markup and escaping alike."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.template import engines

from casework.models import Case, CaseKind, Child
from casework.selectors.cases import caseload_rows
from casework.views.caseload_table import caseload_rows_html
from citizen.accounts.models import Account

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 17)

# The row as casework/staff/cases/caseload.html drew it before (stop 32).
TEMPLATE_ROW = """{% for row in rows %}{% with case=row.case %}
<tr class="govuk-table__row" role="row">
  <td class="govuk-table__cell portal-nowrap" role="cell" data-label="Reference"><a class="govuk-link" href="{% url 'staff:case' case.pk %}">{{ case.reference }}</a></td>
  <td class="govuk-table__cell" role="cell" data-label="Child">{{ case.child.full_name }}{% if case.child.known_as %}<br><span class="govuk-body-s">known as {{ case.child.known_as }}</span>{% endif %}<br><span class="govuk-body-s">born {{ case.child.date_of_birth|long_date }}</span></td>
  <td class="govuk-table__cell" role="cell" data-label="Kind">{{ row.kind }}</td>
  <td class="govuk-table__cell" role="cell" data-label="Stage">{{ row.stage }}</td>
  <td class="govuk-table__cell" role="cell" data-label="Next deadline">{% if case.next_deadline %}{{ case.next_deadline|long_date }}<br><strong class="govuk-tag {% if row.overdue %}govuk-tag--red{% elif row.days_left <= 7 %}govuk-tag--yellow{% else %}govuk-tag--grey{% endif %}">{{ row.deadline_text }}</strong>{% else %}None{% endif %}</td>
  <td class="govuk-table__cell" role="cell" data-label="Caseworker">{{ row.caseworker|default:"Not assigned" }}</td>
</tr>
{% endwith %}{% endfor %}"""  # noqa: E501 - the template's own lines


def _between_tags(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


def _cases() -> list[Case]:
    worker = Account(first_name="Casey <b>", last_name="O'Neil & Co", email="casey@example.org")
    children = [
        Child(pk=1, legal_first_name="Amira", legal_last_name="Okafor", date_of_birth=date(2014, 3, 7)),
        Child(
            pk=2, legal_first_name="<script>", legal_last_name='"Ben"', known_as="B&B", date_of_birth=date(2016, 11, 30)
        ),
    ]
    shapes = [  # (days to the deadline or None, stage, kind, caseworker)
        (-3, "final_plan", CaseKind.ASSESSMENT, None),
        (0, "decision_to_assess", CaseKind.ASSESSMENT, worker),
        (1, "review_meeting", CaseKind.ANNUAL_REVIEW, None),
        (7, "phase_transfer", CaseKind.PHASE_TRANSFER, worker),
        (8, "draft_plan", CaseKind.ASSESSMENT, None),
        (None, "finished", CaseKind.ASSESSMENT, worker),
    ]
    cases = []
    for number, (days, stage, kind, caseworker) in enumerate(shapes, start=1):
        case = Case(
            pk=number * 11,
            child=children[number % 2],
            kind=kind,
            reference=f"EHC-<{number}>&",
            stage=stage,
            next_deadline=None if days is None else TODAY + timedelta(days=days),
            caseworker=caseworker,
        )
        cases.append(case)
    return cases


def _values(case: Case) -> tuple:
    """A case as the caseload reads it (casework.selectors.cases.CASELOAD_VALUES)."""
    child, worker = case.child, case.caseworker
    return (
        *(case.pk, case.reference, case.kind, case.stage, case.next_deadline),
        *(child.legal_first_name, child.legal_last_name, child.known_as, child.date_of_birth),
        *((worker.first_name, worker.last_name, worker.email) if worker else (None, None, None)),
    )


def test_the_rows_are_what_the_template_drew(cumbria, in_council):
    cases = _cases()
    with in_council(cumbria):
        rows = caseload_rows([_values(case) for case in cases], today=TODAY)
        # The template's rows read the case itself, and the row's words.
        old_rows = [
            {
                "case": case,
                "kind": row.kind,
                "stage": row.stage,
                "caseworker": row.caseworker,
                "overdue": row.overdue,
                "days_left": row.days_left,
                "deadline_text": row.deadline_text,
            }
            for case, row in zip(cases, rows, strict=True)
        ]
        expected = engines["django"].from_string(TEMPLATE_ROW).render({"rows": old_rows})
        drawn = caseload_rows_html(rows)
    assert _between_tags(drawn) == _between_tags(expected)
    assert "&lt;script&gt;" in drawn and "<script>" not in drawn  # escaped, as the template did
    assert "known as B&amp;B" in drawn and "Casey &lt;b&gt; O&#x27;Neil &amp; Co" in drawn
    assert drawn.count("<tr ") == 6
    assert "govuk-tag--red" in drawn and "govuk-tag--yellow" in drawn and "govuk-tag--grey" in drawn
    assert 'href="/staff/cases/11/"' in drawn and 'href="/staff/cases/66/"' in drawn


def test_no_rows_draw_nothing(cumbria, in_council):
    with in_council(cumbria):
        assert caseload_rows_html([]) == ""
