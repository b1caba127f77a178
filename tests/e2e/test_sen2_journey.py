"""The SEN2 return in a real browser, on each demo council (issue 17, item 1): a council
admin checks the casework for the January census, finds a child whose record lacks what
the return needs, follows the problem's link to the child's return details, fixes them
and records the child's school, sees the problem gone, and generates the return, which
is ready to download when the page comes back. Every page passes axe-core."""

from __future__ import annotations

from datetime import date

import pytest
from django_tenants.utils import tenant_context

from casework.demo import CUMBRIA, SOMERSET
from casework.models import Child, StaffRole
from casework.services.cases import case_open, milestone_record
from tenants.models import Council

from .axe import assert_accessible
from .test_staff_journey import (
    committed_rows_remove,
    staff_member_create,
    staff_sign_in,
    unique,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("db")]

TODAY = date(2026, 12, 4)


def child_with_a_plan_create(*, slug: str, reference: str) -> int:
    """A child whose plan was issued this year, recorded without a UPN, sex, ethnicity,
    postcode, need or school: everything the SEN2 page should ask for."""
    with tenant_context(Council.objects.get(slug=slug)):
        child = Child.objects.create(
            legal_first_name="Robin",
            legal_last_name="Census",
            date_of_birth=date(2015, 4, 2),
            council_reference=reference,
        )
        case = case_open(child=child, kind="assessment", started_on=date(2026, 3, 2), actor=None, today=TODAY)
        for key, on, outcome in (
            ("decided_whether_to_assess", date(2026, 4, 6), "yes"),
            ("draft_served", date(2026, 6, 29), ""),
            ("final_issued", date(2026, 7, 17), ""),
        ):
            milestone_record(case=case, key=key, occurred_on=on, outcome=outcome, actor=None, today=TODAY)
        return child.pk


def la_number_forget(slug: str) -> None:
    council = Council.objects.get(slug=slug)
    council.dfe_la_number = ""
    council.save(update_fields=["dfe_la_number"])


@pytest.mark.parametrize("demo", [CUMBRIA, SOMERSET], ids=lambda demo: demo.slug)
def test_an_admin_fixes_what_the_return_needs_and_generates_it(debug, committed, new_context, live_server_url, demo):
    base = live_server_url(demo.domain)
    admin_email = f"{unique('admin')}@example.org"
    reference = unique("SEN2").upper()
    try:
        committed(
            staff_member_create, slug=demo.slug, email=admin_email, role=StaffRole.COUNCIL_ADMIN,
            first_name="Sam", last_name="Returns",
        )  # fmt: skip
        child_id = committed(child_with_a_plan_create, slug=demo.slug, reference=reference)
        page = new_context().new_page()
        staff_sign_in(page, base, admin_email)

        page.get_by_role("link", name="SEN2 return").click()
        page.goto(f"{base}staff/sen2/?census=2027-01-21")
        assert_accessible(page)
        row = page.locator("#sen2-problems tr", has_text=reference)
        assert row.filter(has_text="Has no UPN, no ULN and no reason why neither is known.").count() == 1
        assert row.filter(has_text="names no setting").count() == 1
        row.first.get_by_role("link", name="Return details").click()
        assert page.url.endswith(f"/staff/children/{child_id}/return-details/")
        assert_accessible(page)

        page.fill("#id_upn", "a123456789012")
        page.select_option("#id_sex", "M")
        page.select_option("#id_ethnicity", "WBRI")
        page.fill("#id_postcode", "ta1 1dy")
        page.select_option("#id_primary_need", "ASD")
        with page.expect_navigation():
            page.get_by_role("button", name="Save the return details").click()
        assert "The return details have been saved" in page.content()
        assert page.input_value("#id_upn") == "A123456789012"

        with page.expect_navigation():
            page.get_by_role("button", name="Record the placement").click()  # empty: refused, with reasons
        assert page.locator(".govuk-error-summary").count() >= 1
        assert_accessible(page)
        page.fill("#id_name", "Hillside Primary")
        page.fill("#id_urn", "123456")
        page.fill("input[name=entry_date_day]", "1")
        page.fill("input[name=entry_date_month]", "9")
        page.fill("input[name=entry_date_year]", "2025")
        with page.expect_navigation():
            page.get_by_role("button", name="Record the placement").click()
        assert page.locator("#placements-table", has_text="URN 123456").count() == 1

        page.goto(f"{base}staff/sen2/?census=2027-01-21")
        assert page.locator("#sen2-problems tr", has_text=reference).count() == 0
        page.fill("#id_la_number", demo.la_number)
        with page.expect_navigation():
            page.get_by_role("button", name="Generate the return").click()
        assert "/staff/sen2/" in page.url and page.locator("#sen2-status").inner_text() == "Ready"
        assert_accessible(page)
        with page.expect_download() as download:
            page.get_by_role("link", name="Download the return (XML, for the DfE's COLLECT)").click()
        assert b"<Forename>Robin</Forename>" in open(download.value.path(), "rb").read()  # noqa: SIM115
    finally:
        committed(committed_rows_remove, slug=demo.slug, emails=[admin_email], references=[reference])
        committed(la_number_forget, demo.slug)
