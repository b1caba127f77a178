"""Who has seen my child's records: the council's views and downloads of the child's data
(from the audit events), with the team and role, or names when the council chooses;
"a council system" for the API, one line a day; a person's reloads of one page one line
with how many times (issue 19, item 5); never the family's own visits; a page at a time,
for the same number of queries however long the list."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework.models import AuditEvent, StaffRole
from casework.services.audit import audit_record

from .conftest import make_account, signed_in_client

pytestmark = pytest.mark.django_db


def seen_path(family) -> str:
    return reverse("family:child-seen", args=[family.child.pk])


def local_noon(*, days_ago: int) -> datetime:
    """Midday of a past day on the UK clock. `now - timedelta(days=n)` is not n calendar
    days back late in the evening across a clock change: run at 23:10 GMT, the looks 40 and
    41 days back both fell on 25 October (23:10 GMT that day, and 00:10 BST), and the list,
    which groups by the local day, showed 62 entries, not 63 (CI, 4 December 2026)."""
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(12)))


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

    assert "3 entries" in html
    assert "Team manager" in html
    assert f"Looked at your child&#x27;s case (case {family.case.reference})" in html
    assert "Downloaded a document: Draft EHC plan" in html
    assert "A council system" in html
    assert "The council&#x27;s case-management system copied these records" in html
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


def test_reloads_and_polling_do_not_flood_the_list_but_stay_in_the_audit_log(family, staff_client):
    """Within minutes an API client's polling and a caseworker's reloads filled the list
    with identical lines. People's looks stay individual (two people, two lines); one
    person's reloads of one page in a day are one line; a council system's reads are one
    line a day. The audit log keeps every event."""
    morgan = make_account(first_name="Morgan")
    sam = make_account(first_name="Sam")
    look(family, actor=morgan, role=StaffRole.CASEWORKER, n=12)  # twelve reloads
    look(family, actor=sam, role=StaffRole.TEAM_MANAGER)
    look(family, actor=None, role="api", subject="messages", n=40)  # polling
    look(family, actor=None, role="api", subject="case", n=25)
    with tenant_context(family.council):
        yesterday = AuditEvent.objects.filter(actor_role="api").order_by("id")[:5]
        AuditEvent.objects.filter(pk__in=[e.pk for e in yesterday]).update(
            created_at=timezone.now() - timedelta(days=1)
        )
        assert AuditEvent.objects.filter(child=family.child, action="viewed").count() == 78

    html = signed_in_client(family.council, family.parent).get(seen_path(family)).content.decode()

    assert "4 entries" in html  # Morgan's reloads, Sam, and the council system today and yesterday
    assert html.count("Looked at your child&#x27;s case") == 2
    assert "12 times that day, the last shown" in html
    assert html.count("The council&#x27;s case-management system copied these records") == 2
    assert "60 reads that day" in html and "5 reads that day" in html
    assert "Read the messages" not in html


def test_the_list_comes_a_page_at_a_time_for_the_same_queries_however_long(family, real_queries):
    staff = make_account()
    client = signed_in_client(family.council, family.parent)

    def looks_on_days(first: int, n: int) -> None:
        look(family, actor=staff, role=StaffRole.CASEWORKER, n=n)
        with tenant_context(family.council):
            newest = list(AuditEvent.objects.filter(actor_role=StaffRole.CASEWORKER).order_by("-id")[:n])
            for days, event in enumerate(newest, start=first):  # one a day: each its own line
                AuditEvent.objects.filter(pk=event.pk).update(created_at=local_noon(days_ago=days))

    looks_on_days(0, 3)
    client.get(seen_path(family))  # warm the session and caches
    with real_queries() as few:
        short = client.get(seen_path(family))
    looks_on_days(3, 60)
    with real_queries() as many:
        long = client.get(seen_path(family))

    assert short.status_code == long.status_code == 200
    assert many.count == few.count, many.sql
    assert "63 entries: page 1 of 3" in long.content.decode()
    assert 'rel="next"' in long.content.decode()
    assert "page 3 of 3" in client.get(seen_path(family) + "?page=3").content.decode()
