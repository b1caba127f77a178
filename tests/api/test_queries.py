"""A page of 50 costs the same number of queries as a page of 5, on every list endpoint
(the rows, what they show, the audit events of the page and the call record, each in a
fixed number of queries)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework.models import AccessRequest, Case, CaseKind, Child, Document, Message, Milestone, Relationship
from casework.services.forms import PROFESSIONAL_BUILTINS
from casework.submissions.models import FormDraft, FormSubmission
from tenants.models import FormVersion

from .conftest import make_account

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


def _rows(n: int) -> Case:
    """`n` of everything, in a handful of queries; answers the case the documents and
    messages are on."""
    start = next(_numbers) * 1000
    today = timezone.localdate()
    children = Child.objects.bulk_create(
        Child(
            legal_first_name=f"Child{i}",
            legal_last_name="Bulk",
            date_of_birth=date(2014, 1, 1) + timedelta(days=i),
            council_reference=f"Q{start + i}",
        )
        for i in range(n)
    )
    cases = Case.objects.bulk_create(
        Case(
            child=child,
            kind=CaseKind.ASSESSMENT if i % 2 else CaseKind.ANNUAL_REVIEW,
            reference=f"Q-{start + i}",
            started_on=today - timedelta(days=30),
            stage="decision_to_assess",
        )
        for i, child in enumerate(children)
    )
    Milestone.objects.bulk_create(
        Milestone(case=case, key="decided_whether_to_assess", occurred_on=today, outcome="yes")
        for case in cases
        if case.kind == CaseKind.ASSESSMENT
    )
    Document.objects.bulk_create(
        Document(
            case=cases[0],
            kind=Document.Kind.ADVICE,
            title=f"Report {i}",
            file=f"x/{i}.pdf",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
            scan_status=Document.ScanStatus.CLEAN,  # scanned, as every listed document is
        )
        for i in range(n)
    )
    family = make_account()
    Message.objects.bulk_create(
        Message(case=cases[0], author=family, from_send_team=False, body=f"Message {i}") for i in range(n)
    )
    AccessRequest.objects.bulk_create(
        AccessRequest(
            account=family,
            relationship=Relationship.PARENT,
            child_first_name="Robin",
            child_last_name=f"Fell{i}",
            child_date_of_birth=date(2015, 1, 1),
        )
        for i in range(n)
    )
    FormVersion.objects.filter(variant__council_id=connection.tenant.pk, number__gte=1000).delete()
    version = (
        FormVersion.objects.filter(variant__council_id=connection.tenant.pk, published_at__isnull=False)
        .exclude(variant__based_on__in=PROFESSIONAL_BUILTINS)
        .select_related("variant")
        .order_by("number")
        .first()
    )
    drafts = FormDraft.objects.bulk_create(
        FormDraft(child=children[i], variant=version.variant, version=version, account=family) for i in range(n)
    )
    FormSubmission.objects.bulk_create(
        FormSubmission(
            reference=f"QF-{start + i}",
            draft=draft,
            child=draft.child,
            case=cases[i],
            variant=version.variant,
            version=version,
            feeds="contribution",
            answers={"a": "b"},
            submitted_by=family,
            speaking_as=Relationship.PARENT,
            submitted_at=timezone.now(),
        )
        for i, draft in enumerate(drafts)
    )
    FormVersion.objects.bulk_create(
        FormVersion(
            variant=version.variant, number=1000 + i, definition=version.definition, published_at=timezone.now()
        )
        for i in range(n - 1)
    )
    return cases[0]


LISTS = [
    "/api/v1/children/",
    "/api/v1/access-requests/",
    "/api/v1/cases/",
    "/api/v1/documents/",
    "/api/v1/messages/",
    "/api/v1/cases/{case}/documents/",
    "/api/v1/cases/{case}/messages/",
    "/api/v1/form-submissions/",
    "/api/v1/form-definitions/",  # the seeded versions and n - 1 more
]


@pytest.mark.parametrize("path", LISTS)
def test_a_list_costs_the_same_queries_for_5_rows_as_for_50(path, site, api, real_queries):
    counts = {}
    for n in (5, 50):
        with tenant_context(site.council):
            FormSubmission.objects.all().delete()
            FormDraft.objects.all().delete()
            Message.objects.all().delete()
            Document.objects.all().delete()
            AccessRequest.objects.all().delete()
            Milestone.objects.all().delete()
            Case.objects.all().delete()
            Child.objects.all().delete()
            case = _rows(n)
            # Form definitions: the council's published versions (its family form, the four
            # advice forms) and n - 1 more of the first.
            rows = FormVersion.objects.filter(variant__council=site.council, published_at__isnull=False).count()
        api.call.get(path.format(case=case.pk))  # once first: the client's last use is written
        with real_queries() as queries:
            answer = api.call.get(path.format(case=case.pk), {"limit": 100})
        assert answer.status_code == 200
        assert len(answer.json()["results"]) == (rows if "form-definitions" in path else n)
        counts[n] = queries.count
    assert counts[5] == counts[50], counts
    assert counts[50] <= 8, counts  # client, rows (+ the case, + 4 for its records and replies), audit, call
