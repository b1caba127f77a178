"""A platform operator invites (or re-invites) a council's admin from the council's page
in the platform admin (issue 19, item 8): no need to re-run `create_council`."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from casework.models import StaffInvitation, StaffMembership, StaffRole
from tenants.outbox.models import OutboundEmail
from tests.casework.conftest import make_account
from tests.operators import operator_sign_in

pytestmark = pytest.mark.django_db


def test_an_operator_invites_and_re_invites_a_council_admin(cumbria, somerset, platform_client):
    operator_sign_in(platform_client)
    page = platform_client.get(f"/admin/tenants/council/{cumbria.pk}/change/").content.decode()
    invite = f"/admin/tenants/council/{cumbria.pk}/invite-admin/"
    assert f'href="{invite}"' in page and "Invite a council admin" in page

    refused = platform_client.post(invite, {"email": "not an address"})
    assert refused.status_code == 200 and "Enter an email address like name@example.org" in refused.content.decode()

    answer = platform_client.post(invite, {"email": "New.Admin@Cumbria.example"})
    assert answer.status_code == 302 and answer["Location"] == f"/admin/tenants/council/{cumbria.pk}/change/"
    with tenant_context(cumbria):
        first = StaffInvitation.objects.get(email="new.admin@cumbria.example")
        assert (first.role, first.accepted_at) == (StaffRole.COUNCIL_ADMIN, None)
        (email,) = OutboundEmail.objects.filter(to=["new.admin@cumbria.example"])
        assert "/staff/invitations/" in email.body and "as council admin" in email.body
    with tenant_context(somerset):
        assert not StaffInvitation.objects.filter(email="new.admin@cumbria.example").exists()
    listed = platform_client.get(f"/admin/tenants/council/{cumbria.pk}/change/").content.decode()
    waiting = listed.split("invited, not yet accepted: ", 1)[1].split(". <a", 1)[0]
    assert "new.admin@cumbria.example" in waiting  # beside any other open invitation

    # The link ran out, or the email was lost: invite again. The old link stops working.
    platform_client.post(invite, {"email": "new.admin@cumbria.example"})
    with tenant_context(cumbria):
        again = StaffInvitation.objects.get(email="new.admin@cumbria.example")
        assert again.pk != first.pk
        assert OutboundEmail.objects.filter(to=["new.admin@cumbria.example"]).count() == 2


def test_someone_already_in_the_team_is_not_invited_again(cumbria, platform_client):
    member = make_account(email="admin.already@cumbria.example")
    with tenant_context(cumbria):
        StaffMembership.objects.create(account=member, role=StaffRole.COUNCIL_ADMIN)
    operator_sign_in(platform_client)
    answer = platform_client.post(
        f"/admin/tenants/council/{cumbria.pk}/invite-admin/", {"email": "admin.already@cumbria.example"}
    )
    assert "admin.already@cumbria.example is already in the team" in answer.content.decode()


def test_only_an_operator_reaches_the_invitation(cumbria, platform_client, staff_client):
    assert platform_client.get(f"/admin/tenants/council/{cumbria.pk}/invite-admin/").status_code == 302  # sign in
    council_admin = staff_client(cumbria, StaffRole.COUNCIL_ADMIN)
    assert council_admin.get(f"/admin/tenants/council/{cumbria.pk}/invite-admin/").status_code == 404  # not here
