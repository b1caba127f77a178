"""The team page: members and invitations, roles, and deactivating, which ends every
session of the member's account and takes their access away at once."""

from __future__ import annotations

import pytest

from casework.models import AuditEvent, StaffInvitation, StaffMembership, StaffRole

from .conftest import make_account, signed_in_client

pytestmark = pytest.mark.django_db


def membership(council, in_council, client) -> StaffMembership:
    with in_council(council):
        return StaffMembership.objects.get(account=client.account)


def test_the_team_page_lists_members_with_role_status_and_date(cumbria, staff_client, in_council):
    admin = staff_client(cumbria, StaffRole.COUNCIL_ADMIN, first_name="Ada", last_name="Admin")
    worker = staff_client(cumbria, StaffRole.CASEWORKER, first_name="Cass", last_name="Worker")
    gone = staff_client(cumbria, StaffRole.TEAM_MANAGER, first_name="Gil", last_name="Gone")
    with in_council(cumbria):
        StaffMembership.objects.filter(account=gone.account).update(is_active=False)

    page = admin.get("/staff/team/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Ada Admin (you)" in html
    for text in ("Cass Worker", worker.account.email, "Caseworker", "Gil Gone", "Deactivated", "Active"):
        assert text in html
    # The demo council's first admin was invited when it was provisioned.
    assert "send-admin@cumbria.localhost" in html


def test_the_team_page_costs_the_same_queries_for_3_or_30_members(cumbria, staff_client, real_queries):
    admin = staff_client(cumbria, StaffRole.COUNCIL_ADMIN)

    def queries() -> int:
        with real_queries() as counted:
            assert admin.get("/staff/team/").status_code == 200
        return counted.count

    admin.get("/staff/team/")  # the host's council cached, as in a running process
    for _ in range(2):
        staff_client(cumbria, StaffRole.CASEWORKER)
    few = queries()
    for _ in range(27):
        staff_client(cumbria, StaffRole.CASEWORKER)
    assert queries() == few


def test_deactivating_ends_the_members_sessions_and_their_access(cumbria, staff_client, in_council, post):
    admin = staff_client(cumbria, StaffRole.COUNCIL_ADMIN)
    other_admin = staff_client(cumbria, StaffRole.COUNCIL_ADMIN)
    member = membership(cumbria, in_council, other_admin)
    assert other_admin.get("/staff/team/").status_code == 200

    confirm = admin.get(f"/staff/team/{member.pk}/deactivate/")
    assert "be signed out everywhere" in confirm.content.decode()
    done = post(admin, f"/staff/team/{member.pk}/deactivate/", {})

    assert done.status_code == 302 and done["Location"] == "/staff/team/"
    member.refresh_from_db()
    assert not member.is_active
    other_admin.account.refresh_from_db()
    assert other_admin.account.session_version == 1
    # Their open session has ended: the next request is signed out.
    ended = other_admin.get("/staff/team/")
    assert ended.status_code == 302 and ended["Location"].startswith("/sign-in/")
    assert "_auth_user_id" not in other_admin.session
    # Signing in again (two-step and all) no longer opens the team's pages.
    again = signed_in_client(cumbria, other_admin.account, in_council)
    assert again.get("/staff/team/").status_code == 403
    with in_council(cumbria):
        event = AuditEvent.objects.get(subject="staff_membership", subject_id=member.pk)
    assert event.actor_id == admin.account.pk and "every session" in event.summary
    # The admin's own session carries on.
    assert admin.get("/staff/team/").status_code == 200


def test_a_council_admin_cannot_deactivate_themselves_or_change_their_own_role(cumbria, staff_client, in_council):
    admin = staff_client(cumbria, StaffRole.COUNCIL_ADMIN)
    own = membership(cumbria, in_council, admin)

    refused = admin.post(f"/staff/team/{own.pk}/deactivate/", follow=True)
    asked = admin.get(f"/staff/team/{own.pk}/deactivate/", follow=True)
    role = admin.post(f"/staff/team/{own.pk}/role/", {"role": "caseworker"}, follow=True)

    assert "You cannot deactivate yourself" in refused.content.decode()
    assert "You cannot deactivate yourself" in asked.content.decode()
    assert "You cannot change your own role" in role.content.decode()
    own.refresh_from_db()
    assert own.is_active and own.role == StaffRole.COUNCIL_ADMIN
    admin.account.refresh_from_db()
    assert admin.account.session_version == 0


def test_changing_a_role_applies_at_once_and_is_audited(cumbria, staff_client, in_council):
    admin = staff_client(cumbria, StaffRole.COUNCIL_ADMIN)
    worker = staff_client(cumbria, StaffRole.CASEWORKER)
    member = membership(cumbria, in_council, worker)
    assert worker.get("/staff/team/").status_code == 403

    form = admin.get(f"/staff/team/{member.pk}/role/").content.decode()
    changed = admin.post(f"/staff/team/{member.pk}/role/", {"role": "council_admin"})

    assert 'value="caseworker" checked' in form
    assert changed.status_code == 302
    assert worker.get("/staff/team/").status_code == 200
    with in_council(cumbria):
        event = AuditEvent.objects.get(subject="staff_membership", subject_id=member.pk)
    assert event.summary == "Role changed from caseworker to council admin"


def test_a_deactivated_member_can_be_reactivated(cumbria, staff_client, in_council):
    admin = staff_client(cumbria, StaffRole.COUNCIL_ADMIN)
    other = staff_client(cumbria, StaffRole.COUNCIL_ADMIN)
    member = membership(cumbria, in_council, other)
    admin.post(f"/staff/team/{member.pk}/deactivate/")

    assert admin.post(f"/staff/team/{member.pk}/reactivate/").status_code == 302

    member.refresh_from_db()
    assert member.is_active
    other.account.refresh_from_db()  # signed out everywhere when deactivated: a new sign-in
    assert signed_in_client(cumbria, other.account, in_council).get("/staff/team/").status_code == 200


def test_an_invitation_can_be_withdrawn(cumbria, staff_client, in_council, post):
    admin = staff_client(cumbria, StaffRole.COUNCIL_ADMIN)
    post(admin, "/staff/team/invite/", {"email": "new.worker@example.org", "role": "caseworker"})
    with in_council(cumbria):
        invitation = StaffInvitation.objects.get(email="new.worker@example.org")

    withdrawn = admin.post(f"/staff/team/invitations/{invitation.pk}/withdraw/", follow=True)

    assert "The invitation to new.worker@example.org has been withdrawn" in withdrawn.content.decode()
    with in_council(cumbria):
        assert not StaffInvitation.objects.filter(pk=invitation.pk).exists()
        assert AuditEvent.objects.filter(subject="staff_invitation", action="withdrawn").exists()
    assert admin.post(f"/staff/team/invitations/{invitation.pk}/withdraw/").status_code == 404


@pytest.mark.parametrize("action", ["role", "deactivate"])
def test_a_member_of_the_other_council_is_not_found_here(cumbria, somerset, staff_client, in_council, action):
    """Memberships live in each council's schema: an id from the other council is not one of ours."""
    admin = staff_client(cumbria, StaffRole.COUNCIL_ADMIN)
    with in_council(cumbria):
        ours = set(StaffMembership.objects.values_list("pk", flat=True))
    with in_council(somerset):
        # Each schema counts its own ids: take one of Somerset's that Cumbria does not have.
        theirs = StaffMembership.objects.create(account=make_account(), role=StaffRole.CASEWORKER)
        while theirs.pk in ours:
            theirs = StaffMembership.objects.create(account=make_account(), role=StaffRole.CASEWORKER)

    assert admin.get(f"/staff/team/{theirs.pk}/{action}/").status_code == 404
    assert admin.post(f"/staff/team/{theirs.pk}/{action}/", {"role": "caseworker"}).status_code == 404
    with in_council(somerset):
        theirs.refresh_from_db()
    assert theirs.is_active and theirs.role == StaffRole.CASEWORKER
