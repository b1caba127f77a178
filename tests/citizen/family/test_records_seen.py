"""Who has seen my child's records: the council's views and downloads of the child's data
(from the audit events), with the team and role, or names when the council chooses;
"a council system" for the API; never the family's own visits; a page at a time, for the
same number of queries however long the list."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_tenants.utils import tenant_context

from casework.models import AuditEvent, StaffRole
from casework.services.audit import audit_record

from .conftest import make_account, signed_in_client

pytestmark = pytest.mark.django_db


def seen_path(family) -> str:
    return reverse("family:child-seen", args=[family.child.pk])


def look(family, *, actor, role: str, subject: str = "case", action=AuditEvent.Action.VIEWED, summary="Viewed", n=1):
    with tenant_context(family.council):
        for _ in range(n):
            audit_record(
                actor=actor,
                actor_role=role,
                action=action,
                subject=subject,
                subject_id=family.case.pk,
                case=family.case,
                summary=summary,
            )


def test_staff_views_and_downloads_show_team_and_role_not_names(family, staff_client):
    staff = staff_client(family.council, StaffRole.TEAM_MANAGER, first_name="Morgan", last_name="Lead")
    staff.get(reverse("staff:case", args=[family.case.pk]))  # viewing the case page is audited
    staff.get(reverse("staff:document-download", args=[family.draft.pk]))
    look(family, actor=None, role="api", subject="case")
    client = signed_in_client(family.council, family.parent)
    client.get(reverse("family:document-download", args=[family.draft.pk]))  # the family's own: not listed

    html = client.get(seen_path(family)).content.decode()

    assert "3 times" in html
    assert "Team manager" in html
    assert f"Looked at your child&#x27;s case (case {family.case.reference})" in html
    assert "Downloaded a document: Draft EHC plan" in html
    assert "A council system" in html
    assert "Morgan" not in html and "Lead" not in html
    assert "Casey" not in html  # the caseworker who uploaded and shared never viewed


def test_the_council_can_choose_to_show_staff_names(family, staff_client):
    family.council.show_staff_names_to_families = True
    family.council.save(update_fields=["show_staff_names_to_families"])
    staff = staff_client(family.council, StaffRole.CASEWORKER, first_name="Morgan", last_name="Lead")
    staff.get(reverse("staff:case", args=[family.case.pk]))

    html = signed_in_client(family.council, family.young_person).get(seen_path(family)).content.decode()

    assert "Morgan Lead" in html
    assert "Caseworker, SEND team" in html
    assert "Looked at your case" in html  # the young person's own records


def test_the_list_comes_a_page_at_a_time_for_the_same_queries_however_long(family, real_queries):
    staff = make_account()
    client = signed_in_client(family.council, family.parent)
    look(family, actor=staff, role=StaffRole.CASEWORKER, n=3)
    client.get(seen_path(family))  # warm the session and caches
    with real_queries() as few:
        short = client.get(seen_path(family))
    look(family, actor=staff, role=StaffRole.CASEWORKER, n=60)
    with real_queries() as many:
        long = client.get(seen_path(family))

    assert short.status_code == long.status_code == 200
    assert many.count == few.count, many.sql
    assert "63 times: page 1 of 3" in long.content.decode()
    assert 'rel="next"' in long.content.decode()
    assert "page 3 of 3" in client.get(seen_path(family) + "?page=3").content.decode()
