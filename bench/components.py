"""GOV.UK components: what drawing one through govuk-frontend-django costs, beside the
same markup written in the template. Measured in-process (no server): the same
summary list rendered both ways, alternating, as many times as fit in the round.

The figure decides where the library is used (issue 12, item 9; docs/architecture.md,
"GOV.UK components"): each component it draws builds a new Jinja environment and
compiles GOV.UK's macro again, a fixed cost per component, so it is used for the error
summary (drawn once, on a page that was refused) and not for the summary lists,
tables and buttons every page draws many times.

    .venv/bin/python bench/components.py [--size tiny|full]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Figure, report
from bench.sizes import SIZES, size_from_argv

ROWS = [("Name", "Alex Carter", "/change/name/"), ("Date of birth", "1 May 2015", "")] * 4  # a check-answers section

LIBRARY = """{% load govuk_frontend_django %}{% gds_summary_list %}{% for key, value, change in rows %}
{% gds_summary_list_row %}{% gds_summary_list_row_key text=key %}
{% gds_summary_list_row_value %}{{ value }}{% endgds_summary_list_row_value %}
{% if change %}{% gds_summary_list_row_actions %}
{% gds_summary_list_row_actions_item href=change text="Change" visuallyHiddenText=key %}
{% endgds_summary_list_row_actions %}{% endif %}
{% endgds_summary_list_row %}{% endfor %}{% endgds_summary_list %}"""

HAND_WRITTEN = """<dl class="govuk-summary-list">{% for key, value, change in rows %}
<div class="govuk-summary-list__row{% if not change %} govuk-summary-list__row--no-actions{% endif %}">
<dt class="govuk-summary-list__key">{{ key }}</dt><dd class="govuk-summary-list__value">{{ value }}</dd>
{% if change %}<dd class="govuk-summary-list__actions"><a class="govuk-link" href="{{ change }}">
Change<span class="govuk-visually-hidden"> {{ key }}</span></a></dd>{% endif %}
</div>{% endfor %}</dl>"""


def _renders_per_second(template, context, seconds: float) -> float:
    done, until = 0, time.perf_counter() + seconds
    while time.perf_counter() < until:
        template.render(context)
        done += 1
    return done / seconds


def figures(size: str) -> list[Figure]:
    from django.template import Context, Engine

    shape = SIZES[size]
    engine = Engine(
        libraries={"govuk_frontend_django": "govuk_frontend_django.templatetags.govuk_frontend_django"},
        autoescape=True,
    )
    library, hand_written = engine.from_string(LIBRARY), engine.from_string(HAND_WRITTEN)
    context = Context({"rows": ROWS})
    drawn = library.render(context)
    assert drawn.count("govuk-summary-list__row") == hand_written.render(context).count("govuk-summary-list__row")
    ratios, ours, theirs = [], [], []
    for _ in range(shape.rounds):
        a = _renders_per_second(library, context, shape.seconds)
        b = _renders_per_second(hand_written, context, shape.seconds)
        ours.append(a)
        theirs.append(b)
        ratios.append(a / b)
    detail = f"({statistics.median(ours):,.0f} vs {statistics.median(theirs):,.0f} lists/s)"
    name = "summary list of 8 rows: govuk-frontend-django vs template"
    return [Figure(name, statistics.median(ratios), None, detail)]


if __name__ == "__main__":
    from bench.data import setup_django
    from bench.harness import database_url

    setup_django(database_url())
    sys.exit(0 if report("GOV.UK components", figures(size_from_argv())) else 1)
