"""The caseload's rows, drawn in Python rather than by the template language.

Fifty rows a page, each some twenty template nodes (variables, tags, filters), cost the
caseload about 15 ms of a 30 ms page on a Kent-sized council (issue 13, bench/caseload.py):
the Django template language spends microseconds on every variable it resolves. Here
each row is one format string, every value escaped, as themes.forms.GovukSelect draws
its options. The table around the rows, its header and its caption stay in the template
(casework/staff/cases/caseload.html); tests/casework/cases/test_caseload_table.py holds
these rows to what that template drew.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from casework.selectors.cases import CaseloadRow
from themes.wording import long_date

_ROW = (
    '<tr class="govuk-table__row" role="row">'
    '<td class="govuk-table__cell portal-nowrap" role="cell" data-label="Reference">'
    '<a class="govuk-link" href="{url}">{reference}</a></td>'
    '<td class="govuk-table__cell" role="cell" data-label="Child">{name}{known_as}'
    '<br><span class="govuk-body-s">born {born}</span></td>'
    '<td class="govuk-table__cell" role="cell" data-label="Kind">{kind}</td>'
    '<td class="govuk-table__cell" role="cell" data-label="Stage">{stage}</td>'
    '<td class="govuk-table__cell" role="cell" data-label="Next deadline">{deadline}</td>'
    '<td class="govuk-table__cell" role="cell" data-label="Caseworker">{caseworker}</td>'
    "</tr>\n"
)
_KNOWN_AS = '<br><span class="govuk-body-s">known as {}</span>'
_DEADLINE = '{}<br><strong class="govuk-tag {}">{}</strong>'
_MARKER = 2_147_483_647  # stands for the case's id in its address, reversed once a page


def _tag(row: CaseloadRow) -> str:
    if row.overdue:
        return "govuk-tag--red"
    return "govuk-tag--yellow" if row.days_left is not None and row.days_left <= 7 else "govuk-tag--grey"


def caseload_rows_html(rows: Iterable[CaseloadRow]) -> SafeString:
    """The rows of the caseload's table, as its template wrote them."""
    address = reverse("staff:case", args=[_MARKER])
    drawn = []
    for row in rows:
        drawn.append(
            _ROW.format(
                url=escape(address.replace(str(_MARKER), str(row.case_id))),
                reference=escape(row.reference),
                name=escape(row.child_name),
                known_as=_KNOWN_AS.format(escape(row.known_as)) if row.known_as else "",
                born=long_date(row.born),
                kind=escape(row.kind),
                stage=escape(row.stage),
                deadline=(
                    _DEADLINE.format(long_date(row.next_deadline), _tag(row), escape(row.deadline_text))
                    if row.next_deadline
                    else "None"
                ),
                caseworker=escape(row.caseworker or "Not assigned"),
            )
        )
    return mark_safe("".join(drawn))  # noqa: S308 - every value above is escaped
