"""Advice requests for councils' case-management systems: each with its organisation,
status, due date and the advice received (on time or late, its files), filterable by
status, case and organisation; every read audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework.models import AuditEvent, Organisation, OrganisationMembership, StaffMembership, StaffRole
from casework.services.advice import advice_ask, advice_decline, advice_send
from tests.casework.conftest import make_account
from tests.casework.documents.conftest import pdf_bytes, upload
from tests.casework.professionals.conftest import case_waiting_for_advice

from .conftest import api_client_make

pytestmark = pytest.mark.django_db


def test_a_case_management_system_reads_advice_requests_and_the_advice_received(site, api_for):
    worker = make_account()
    with tenant_context(site.council):
        StaffMembership.objects.create(account=worker, role=StaffRole.CASEWORKER)
        case = case_waiting_for_advice(worker)
        school = Organisation.objects.create(name="Oak School", kind="school", contact_email="oak@example.org")
        service = Organisation.objects.create(
            name="EP Service", kind="educational_psychology", contact_email="ep@example.org"
        )
        member = OrganisationMembership.objects.create(organisation=school, account=make_account())
        ep = OrganisationMembership.objects.create(organisation=service, account=make_account(), is_admin=True)
        sent, declined = advice_ask(
            case=case,
            organisations=[school, service],
            kind="educational",
            cover="Learning",
            family_consent=True,
            actor=worker,
            actor_role="caseworker",
        )
        advice_send(advice=sent, membership=member, note="Needs a quiet space", files=[upload("a.pdf", pdf_bytes())])
        advice_decline(advice=declined, membership=ep, reason="Not known to us")
    _, token = api_client_make(site.council)
    caller = api_for(site.domain, token)
    later = {"updated_since": (timezone.now() - timedelta(hours=1)).isoformat()}

    received = caller.get("/api/v1/advice-requests/", {"status": "received", **later}).json()["results"]
    one = caller.get(f"/api/v1/advice-requests/{declined.pk}/").json()

    (row,) = received
    assert (row["id"], row["case"], row["organisation"], row["status"], row["on_time"]) == (
        sent.pk,
        case.pk,
        school.pk,
        "received",
        True,
    )
    assert row["organisation_details"]["name"] == "Oak School" and row["advice_note"] == "Needs a quiet space"
    assert len(row["documents"]) == 1 and row["due_on"] == (sent.requested_on + timedelta(weeks=6)).isoformat()
    assert (one["status"], one["decline_reason"], one["on_time"]) == ("declined", "Not known to us", None)
    with tenant_context(site.council):
        assert AuditEvent.objects.filter(actor_role="api", subject="advice_request").count() == 2
