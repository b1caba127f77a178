"""Organisations and their people: a council admin registers an organisation and invites
its first admin; that admin invites colleagues, who join with a new account or their
existing one (two-step set up next); removing someone hands what they had taken to a
colleague (or back to the tray) in the same step; the last admin cannot be removed."""

from __future__ import annotations

import pytest

from casework.models import AdviceRequest, AuditEvent, Organisation, OrganisationMembership, StaffRole
from casework.services.advice import advice_ask, advice_take
from tests.casework.conftest import PASSWORD, make_account, signed_in_client
from tests.casework.team.test_invitations import UNUSABLE

from .conftest import emails_to, link_path

pytestmark = pytest.mark.django_db


def test_a_council_admin_registers_an_organisation_and_invites_its_admin_who_joins_with_a_new_account(
    site, staff_client, post, in_council
):
    admin = staff_client(site.council, StaffRole.COUNCIL_ADMIN)
    missing = post(admin, "/staff/organisations/add/", {"name": "Oak Academy", "contact_email": "not an email"})
    page = missing.content.decode()
    assert "Select what kind of organisation it is" in page and "Oak Academy" in page

    added = post(
        admin,
        "/staff/organisations/add/",
        {"name": " Oak  Academy ", "kind": "school", "contact_email": "SENCO@oak.example"},
    )
    with in_council(site.council):
        organisation = Organisation.objects.get(name="Oak Academy")
    assert added["Location"] == f"/staff/organisations/{organisation.pk}/"
    assert organisation.contact_email == "senco@oak.example"
    post(
        admin,
        f"/staff/organisations/{organisation.pk}/",
        {"action": "invite", "invite-email": "head@oak.example", "invite-is_admin": "on"},
    )

    (email,) = emails_to(site.council, in_council, "head@oak.example")
    assert "Oak Academy" in email.subject and "as an admin" in email.body
    link = link_path(email, "/professionals/invitations/")
    invited = signed_in_client  # noqa: F841 (the invitee has no account yet)
    from django.test import Client

    newcomer = Client(HTTP_HOST=site.domain)
    joined = post(
        newcomer,
        link,
        {"first_name": "Hana", "last_name": "Head", "password": PASSWORD, "password_confirm": PASSWORD},
    )
    assert joined.status_code == 302 and "two-step" in joined["Location"] and "professionals" in joined["Location"]
    with in_council(site.council):
        membership = OrganisationMembership.objects.get(organisation=organisation)
        assert AuditEvent.objects.filter(subject="organisation_membership", subject_id=membership.pk).exists()
    assert membership.is_admin and membership.account.email == "head@oak.example"
    assert "Account already" not in newcomer.get(link).content.decode()
    assert UNUSABLE in newcomer.get(link).content.decode()  # a link works once


def test_an_organisation_admin_invites_a_colleague_who_accepts_with_their_existing_account(world, post, in_council):
    colleague = make_account("lee@example.org", first_name="Lee", last_name="Jones")
    sam = world.client("sam")

    invited = post(sam, f"/professionals/organisations/{world.school.pk}/people/", {"email": "Lee@Example.org"})
    assert invited.status_code == 302
    link = link_path(emails_to(world.council, in_council, "lee@example.org")[0], "/professionals/invitations/")
    client = signed_in_client(world.council, colleague)
    accepted = post(client, link, {})

    assert accepted.status_code == 302
    with in_council(world.council):
        membership = OrganisationMembership.objects.get(organisation=world.school, account=colleague)
    assert (membership.is_active, membership.is_admin) == (True, False)
    assert "Lee Jones" in sam.get(f"/professionals/organisations/{world.school.pk}/people/").content.decode()


def test_inviting_someone_already_in_the_organisation_is_refused_with_their_address(world, post):
    answer = post(
        world.client("sam"),
        f"/professionals/organisations/{world.school.pk}/people/",
        {"email": world.accounts["kim"].email},
    )
    assert f"{world.accounts['kim'].email} is already in Greenfield Primary School" in answer.content.decode()


def _taken_by(world, in_council, name):
    with in_council(world.council):
        (advice,) = advice_ask(
            case=world.case,
            organisations=[world.school],
            kind="educational",
            cover="Reading",
            family_consent=True,
            actor=world.accounts["worker"],
            actor_role="caseworker",
        )
        member = world.school.memberships.get(account=world.accounts[name])
        advice_take(advice=advice, membership=member)
    return advice, member


def test_removing_a_leaver_hands_their_requests_to_a_colleague_in_one_step(world, post, in_council):
    advice, kim = _taken_by(world, in_council, "kim")
    with in_council(world.council):
        sam = world.school.memberships.get(account=world.accounts["sam"])

    answer = post(
        world.client("sam"),
        f"/professionals/organisations/{world.school.pk}/people/{kim.pk}/remove/",
        {"hand_to": str(sam.pk)},
    )

    assert answer.status_code == 302
    with in_council(world.council):
        advice = AdviceRequest.objects.get(pk=advice.pk)
        kim = OrganisationMembership.objects.get(pk=kim.pk)
    assert (advice.status, advice.taken_by_id) == ("taken", world.accounts["sam"].pk)
    assert not kim.is_active and kim.ended_at is not None


def test_removing_a_leaver_with_nobody_to_take_over_puts_their_requests_back_on_the_tray(world, post, in_council):
    advice, kim = _taken_by(world, in_council, "kim")

    post(
        world.client("sam"), f"/professionals/organisations/{world.school.pk}/people/{kim.pk}/remove/", {"hand_to": ""}
    )

    with in_council(world.council):
        advice = AdviceRequest.objects.get(pk=advice.pk)
    assert (advice.status, advice.taken_by_id) == ("open", None)
    assert "Nobody yet" in world.client("sam").get("/professionals/").content.decode()


def test_the_last_admin_cannot_be_removed(world, in_council):
    from casework.services.organisations import MemberChangeRefused, organisation_member_remove

    with in_council(world.council):
        pat = world.service.memberships.get()
        with pytest.raises(MemberChangeRefused, match="only admin"):
            organisation_member_remove(
                membership=pat, hand_to=None, actor=world.accounts["worker"], actor_role="council_admin"
            )
        assert OrganisationMembership.objects.get(pk=pat.pk).is_active


def test_a_professional_signs_in_to_their_tray_with_two_step(world):
    from django.test import Client

    client = Client(HTTP_HOST=world.site.domain)
    answer = client.get("/professionals/")
    assert answer.status_code == 302 and answer["Location"].startswith("/sign-in/")
    assert world.client("kim").get("/professionals/").status_code == 200


def test_an_organisation_no_longer_registered_is_not_offered_and_its_people_lose_access(
    world, post, in_council, staff_client
):
    from .test_advice import ask

    ask(world, post, world.school)
    admin = staff_client(world.council, StaffRole.COUNCIL_ADMIN)
    changed = post(
        admin,
        f"/staff/organisations/{world.school.pk}/",
        {
            "action": "details",
            "details-name": world.school.name,
            "details-kind": "school",
            "details-contact_email": world.school.contact_email,
        },
    )

    assert changed.status_code == 302
    with in_council(world.council):
        assert not Organisation.objects.get(pk=world.school.pk).is_active
        assert AdviceRequest.objects.get(organisation=world.school).status == "open"  # on its case still
    assert world.client("kim").get("/professionals/").status_code == 403
    asking = world.client("worker").get(f"/staff/cases/{world.case.pk}/advice/ask/").content.decode()
    assert "Greenfield Primary School" not in asking and "Educational Psychology Service" in asking
