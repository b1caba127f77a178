"""One pagination template (themes/base/templates/includes/pagination.html) for every
list: the caseload's numbered pages, the access requests' current page, and the
family's "who has seen" list of newer and older entries."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.loader import render_to_string


def page(number: int, pages: int = 3):
    return Paginator(range(pages * 10), 10).page(number)


def render(**context) -> str:
    return " ".join(render_to_string("includes/pagination.html", context).split())


def test_one_page_draws_nothing():
    assert render(page=page(1, pages=1), label="Pages") == ""


def test_numbered_pages_keep_the_filters_and_mark_the_current_page():
    html = render(page=page(2, pages=9), links=[1, 2, 3, None, 9], query="search=child", label="Caseload pages")
    assert '<nav class="govuk-pagination" aria-label="Caseload pages">' in html
    assert 'href="?search=child&amp;page=1" rel="prev"' in html and 'href="?search=child&amp;page=3" rel="next"' in html
    assert 'aria-label="Page 2" aria-current="page">2</a>' in html
    assert "govuk-pagination__item--ellipses" in html and 'aria-label="Page 9">9</a>' in html


def test_without_links_only_the_current_page_is_shown_with_the_count():
    html = render(page=page(2), label="Access requests pages")
    assert 'aria-label="Page 2 of 3" aria-current="page">2</a>' in html
    assert 'aria-label="Page 1"' not in html and 'href="?page=3" rel="next"' in html


def test_the_block_form_says_newer_and_older_and_has_no_page_list():
    html = render(page=page(2), label="Pages of the list", newer="Newer", older="Older")
    assert '<nav class="govuk-pagination govuk-pagination--block" aria-label="Pages of the list">' in html
    assert "govuk-pagination__list" not in html
    assert 'Newer<span class="govuk-visually-hidden"> entries</span>' in html
    assert '<span class="govuk-pagination__link-label">Page 1 of 3</span>' in html
    assert 'Older<span class="govuk-visually-hidden"> entries</span>' in html
    assert '<span class="govuk-pagination__link-label">Page 3 of 3</span>' in html
