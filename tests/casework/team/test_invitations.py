"""Invitations to a council's SEND team: the email comes from the council's sender with a
link that works once, for 7 days; a new account follows the council's password policy,
an existing one signs in first; either way two-step set-up comes next."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from casework.demo import CUMBRIA, SOMERSET
from casework.models import AuditEvent, StaffInvitation, StaffMembership, StaffRole
from casework.services.staff import staff_invitation_create
from citizen.accounts.models import Account, PasswordHistory
from tenants.links import public_base_url

from .conftest import PASSWORD, emails_to, invitation_link, make_account

pytestmark = pytest.mark.django_db

UNUSABLE = "This invitation has expired or been used; ask your council's SEND admin for a new one"
# Long enough for Cumbria's defaults, but with no capital, number or symbol for Somerset.
CUMBRIA_ONLY_PASSWORD = "quiet harbour lantern"


def invite(council, in_council, email: str = "new.worker@example.org", role=StaffRole.CASEWORKER) -> str:
    """Invite `email` to the council's team as the platform would; the link's path."""
    with in_council(council):
        staff_invitation_create(email=email, role=role)
    return invitation_link(emails_to(council, in_council, email)[0])


def new_account(client: Client, link: str, password: str = PASSWORD, **extra):
    data = {"first_name": "Robin", "last_name": "Hale", "password": password, "password_confirm": password}
    return client.post(link, data | extra)


# --- Sending ------------------------------------------------------------------------------


def test_an_admin_invites_by_email_from_the_councils_sender_with_a_link_that_works(
    site, staff_client, in_council, post
):
    admin = staff_client(site.council, StaffRole.COUNCIL_ADMIN)

    sent = post(admin, "/staff/team/invite/", {"email": " New.Worker@Example.org ", "role": "team_manager"})

    assert sent.status_code == 302 and sent["Location"] == "/staff/team/"
    (email,) = emails_to(site.council, in_council, "new.worker@example.org")
    assert email.from_address == site.council.from_address
    assert site.council.sender_email in email.from_address
    assert email.subject == f"You have been invited to {site.council.name}'s {site.council.service_name}"
    assert "as team manager" in email.body
    assert f"{public_base_url(domain=site.domain)}/staff/invitations/" in email.body
    with in_council(site.council):
        invitation = StaffInvitation.objects.get(email="new.worker@example.org")
        event = AuditEvent.objects.get(subject="staff_invitation", subject_id=invitation.pk)
    assert token_not_stored(email.body, invitation)
    assert event.actor_id == admin.account.pk and event.actor_role == StaffRole.COUNCIL_ADMIN
    assert "new.worker" not in event.summary  # no personal data in the summary

    page = Client(HTTP_HOST=site.domain).get(invitation_link(email))
    assert page.status_code == 200
    assert "Create your account" in page.content.decode()
    assert "new.worker@example.org" in page.content.decode()
    assert "team manager" in page.content.decode()
    # The link means nothing on the other council's site.
    elsewhere = Client(HTTP_HOST=site.other_domain).get(invitation_link(email))
    assert UNUSABLE in elsewhere.content.decode()


def token_not_stored(body: str, invitation: StaffInvitation) -> bool:
    token = body.split("/staff/invitations/")[1].split("/")[0]
    return token not in invitation.token_hash and len(invitation.token_hash) == 64


def test_the_team_page_shows_the_invitation_and_errors_in_the_invite_form(cumbria, staff_client, in_council, post):
    admin = staff_client(cumbria, StaffRole.COUNCIL_ADMIN)
    post(admin, "/staff/team/invite/", {"email": "new.worker@example.org", "role": "caseworker"})

    page = admin.get("/staff/team/").content.decode()
    assert "new.worker@example.org" in page and "Caseworker" in page

    missing = admin.post("/staff/team/invite/", {"email": "not an email"})
    assert missing.status_code == 200
    html = missing.content.decode()
    assert "There is a problem" in html
    assert "Enter an email address in the correct format, like name@example.org" in html
    assert "Select a role" in html


def test_someone_already_in_the_team_is_not_invited_again(cumbria, staff_client, in_council, post):
    admin = staff_client(cumbria, StaffRole.COUNCIL_ADMIN)
    member = staff_client(cumbria, StaffRole.CASEWORKER)

    answer = post(admin, "/staff/team/invite/", {"email": member.account.email.upper(), "role": "caseworker"})

    assert answer.status_code == 200
    assert f"{member.account.email} is already in the team" in answer.content.decode()
    assert emails_to(cumbria, in_council, member.account.email) == []


def test_inviting_again_replaces_the_earlier_link(cumbria, in_council):
    first = invite(cumbria, in_council)
    second = invite(cumbria, in_council)
    with in_council(cumbria):
        assert StaffInvitation.objects.filter(email="new.worker@example.org").count() == 1

    client = Client(HTTP_HOST=CUMBRIA.domain)
    assert UNUSABLE in client.get(first).content.decode()
    assert "Create your account" in client.get(second).content.decode()


# --- Accepting with a new account ---------------------------------------------------------


def test_a_new_account_must_meet_somersets_password_policy(somerset, in_council):
    link = invite(somerset, in_council, role=StaffRole.TEAM_MANAGER)
    client = Client(HTTP_HOST=SOMERSET.domain)

    form = client.get(link).content.decode()
    assert "include at least one capital letter, one small letter, one number" in form  # the rules, listed

    refused = new_account(client, link, password=CUMBRIA_ONLY_PASSWORD)
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "Your password must include a capital letter" in html
    assert "Your password must include a number" in html
    assert not Account.objects.filter(email="new.worker@example.org").exists()

    accepted = new_account(client, link)

    assert accepted.status_code == 302
    assert accepted["Location"] == "/two-step/set-up/?next=%2Fstaff%2F"
    set_up = client.get(accepted["Location"]).content.decode()  # staff copy, not the family's (issue 19, item 6)
    assert "The SEND team's pages hold private information about children and families" in set_up
    assert "Your SEND area" not in set_up
    account = Account.objects.get(email="new.worker@example.org")
    assert account.is_active and account.email_verified_at is not None
    assert account.get_full_name() == "Robin Hale"
    assert account.check_password(PASSWORD)
    assert PasswordHistory.objects.filter(account=account).count() == 1
    with in_council(somerset):
        membership = StaffMembership.objects.get(account=account)
        invitation = StaffInvitation.objects.get(email="new.worker@example.org")
        event = AuditEvent.objects.get(subject="staff_membership", subject_id=membership.pk)
    assert membership.role == StaffRole.TEAM_MANAGER and membership.is_active
    assert invitation.accepted_at is not None
    assert event.actor_id == account.pk and event.action == AuditEvent.Action.CREATED

    # Signed in, and two-step is set up next: no staff page opens before it.
    set_up = client.get(accepted["Location"])
    assert set_up.status_code == 200 and "Set up two-step verification" in set_up.content.decode()
    assert client.get("/staff/team/").status_code == 302

    # The link has done its work.
    assert UNUSABLE in Client(HTTP_HOST=SOMERSET.domain).get(link).content.decode()


def test_cumbria_takes_the_password_somerset_refuses(cumbria, in_council):
    link = invite(cumbria, in_council)
    accepted = new_account(Client(HTTP_HOST=CUMBRIA.domain), link, password=CUMBRIA_ONLY_PASSWORD)
    assert accepted.status_code == 302
    assert Account.objects.get(email="new.worker@example.org").check_password(CUMBRIA_ONLY_PASSWORD)


def test_a_new_account_must_give_a_name_and_type_the_password_twice(cumbria, in_council):
    link = invite(cumbria, in_council)
    answer = new_account(Client(HTTP_HOST=CUMBRIA.domain), link, first_name="", password_confirm="Other-Password-99")
    html = answer.content.decode()
    assert "Enter your first name" in html
    assert "The passwords do not match" in html
    assert not Account.objects.filter(email="new.worker@example.org").exists()


def test_an_account_registered_but_never_activated_is_taken_over_by_the_invitation(cumbria, in_council):
    """Whoever registered it never proved the address; the invitation link does."""
    squatted = make_account(email="new.worker@example.org", password="Someone-Elses-1", is_active=False)
    squatted.email_verified_at = None
    squatted.save()
    link = invite(cumbria, in_council)

    accepted = new_account(Client(HTTP_HOST=CUMBRIA.domain), link)

    assert accepted.status_code == 302
    squatted.refresh_from_db()
    assert squatted.is_active and squatted.email_verified_at is not None
    assert squatted.check_password(PASSWORD) and not squatted.check_password("Someone-Elses-1")


# --- Accepting with an existing account ---------------------------------------------------


def test_an_existing_account_signs_in_then_accepts(somerset, in_council):
    account = make_account(email="new.worker@example.org")
    link = invite(somerset, in_council, role=StaffRole.COUNCIL_ADMIN)
    client = Client(HTTP_HOST=SOMERSET.domain)

    asked = client.get(link)
    html = asked.content.decode()
    assert "Sign in to accept your invitation" in html
    assert f'href="/sign-in/?next=%2Fstaff%2Finvitations%2F{link.split("/")[3]}%2F"' in html
    assert client.post(link).status_code == 200  # nothing to accept until signed in
    with in_council(somerset):
        assert not StaffMembership.objects.filter(account=account).exists()

    signed_in = client.post("/sign-in/", {"email": account.email, "password": PASSWORD, "next": link})
    assert signed_in.status_code == 302 and signed_in["Location"] == link
    assert "Accept the invitation" in client.get(link).content.decode()

    accepted = client.post(link)

    assert accepted.status_code == 302 and accepted["Location"] == "/two-step/set-up/?next=%2Fstaff%2F"
    with in_council(somerset):
        membership = StaffMembership.objects.get(account=account)
    assert membership.role == StaffRole.COUNCIL_ADMIN and membership.is_active
    assert UNUSABLE in client.get(link).content.decode()


def test_a_former_member_is_made_active_again_with_the_invited_role(cumbria, in_council):
    account = make_account(email="new.worker@example.org")
    with in_council(cumbria):
        StaffMembership.objects.create(account=account, role=StaffRole.CASEWORKER, is_active=False)
    link = invite(cumbria, in_council, role=StaffRole.TEAM_MANAGER)
    client = Client(HTTP_HOST=CUMBRIA.domain)
    client.post("/sign-in/", {"email": account.email, "password": PASSWORD})

    client.post(link)

    with in_council(cumbria):
        membership = StaffMembership.objects.get(account=account)
    assert membership.is_active and membership.role == StaffRole.TEAM_MANAGER


def test_someone_signed_in_as_another_account_is_told_the_invitation_is_not_theirs(cumbria, in_council):
    make_account(email="someone.else@example.org")
    link = invite(cumbria, in_council)
    client = Client(HTTP_HOST=CUMBRIA.domain)
    client.post("/sign-in/", {"email": "someone.else@example.org", "password": PASSWORD})

    page = client.get(link).content.decode()
    accepted = client.post(link, {"first_name": "A", "last_name": "B", "password": PASSWORD})

    assert "This invitation is for someone else" in page
    assert "someone.else@example.org" in page
    assert accepted.status_code == 200
    assert not Account.objects.filter(email="new.worker@example.org").exists()
    with in_council(cumbria):
        assert StaffInvitation.objects.get(email="new.worker@example.org").accepted_at is None


# --- Links that no longer work ------------------------------------------------------------


@pytest.mark.parametrize("state", ["expired", "accepted", "withdrawn", "made up"])
def test_an_expired_used_or_unknown_link_says_so_clearly(cumbria, in_council, state):
    link = invite(cumbria, in_council)
    with in_council(cumbria):
        invitation = StaffInvitation.objects.get(email="new.worker@example.org")
        if state == "expired":
            invitation.expires_at = timezone.now() - timedelta(seconds=1)
            invitation.save()
        elif state == "accepted":
            invitation.accepted_at = timezone.now()
            invitation.save()
        elif state == "withdrawn":
            invitation.delete()
    if state == "made up":
        link = "/staff/invitations/not-a-real-token/"
    client = Client(HTTP_HOST=CUMBRIA.domain)

    page = client.get(link)
    posted = new_account(client, link)

    assert page.status_code == 200
    assert "This invitation has expired or been used" in page.content.decode()
    assert UNUSABLE in page.content.decode()
    assert UNUSABLE in posted.content.decode()
    assert not Account.objects.filter(email="new.worker@example.org").exists()
