"""Who may open each team and settings page, on each council's host: one matrix of
URL by {anonymous, family, caseworker, team manager, council admin, the other council's
admin} to the expected status. The other council's admin is signed in on their own host; here their
session cookie means nothing, so they are sent to sign in like anyone else."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from casework.models import Organisation, StaffInvitation, StaffMembership, StaffRole
from tenants.models import CouncilLink, ServiceArea, Tile

from .conftest import make_account

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "family", "caseworker", "team_manager", "council_admin", "other_councils_admin")
ADMIN_ONLY = {
    "anonymous": 302,
    "family": 403,
    "caseworker": 403,
    "team_manager": 403,
    "council_admin": 200,
    "other_councils_admin": 302,
}


def admin_only(admin_status: int = 200) -> dict[str, int]:
    return ADMIN_ONLY | {"council_admin": admin_status}


PUBLIC = dict.fromkeys(ROLES, 200)

# (method, path with {placeholders}, expected status by role)
PAGES = [
    ("get", "/staff/invitations/not-a-real-token/", PUBLIC),
    ("get", "/staff/team/", admin_only()),
    ("get", "/staff/team/invite/", admin_only(302)),
    ("post", "/staff/team/invite/", admin_only(200)),  # nothing posted: the form's errors
    ("get", "/staff/team/{member}/role/", admin_only()),
    ("post", "/staff/team/{member}/role/", admin_only(302)),
    ("get", "/staff/team/{member}/deactivate/", admin_only()),
    ("post", "/staff/team/{member}/deactivate/", admin_only(302)),
    ("post", "/staff/team/{member}/reactivate/", admin_only(302)),
    ("post", "/staff/team/invitations/{invitation}/withdraw/", admin_only(302)),
    ("get", "/staff/settings/", admin_only()),
    ("get", "/staff/settings/emails/", admin_only()),
    ("get", "/staff/settings/contacts/", admin_only()),
    ("post", "/staff/settings/contacts/", admin_only(302)),
    ("get", "/staff/settings/logo/", admin_only()),
    ("post", "/staff/settings/logo/remove/", admin_only(302)),
    ("get", "/staff/settings/colour/", admin_only()),
    ("get", "/staff/settings/feedback/", admin_only()),
    ("get", "/staff/settings/sign-in/", admin_only()),
    ("get", "/staff/settings/tiles/", admin_only()),
    ("get", "/staff/settings/tiles/add/", admin_only()),
    ("get", "/staff/settings/tiles/{tile}/", admin_only()),
    ("get", "/staff/settings/tiles/{tile}/remove/", admin_only()),
    ("get", "/staff/settings/service-areas/", admin_only()),
    ("get", "/staff/settings/service-areas/add/", admin_only()),
    ("get", "/staff/settings/service-areas/{area}/", admin_only()),
    ("get", "/staff/settings/service-areas/{area}/remove/", admin_only()),
    ("post", "/staff/settings/service-areas/{area}/remove/", admin_only(302)),
    ("get", "/staff/settings/help-links/", admin_only()),
    ("get", "/staff/settings/help-links/add/", admin_only()),
    ("get", "/staff/settings/help-links/{link}/", admin_only()),
    ("get", "/staff/settings/help-links/{link}/remove/", admin_only()),
    ("get", "/staff/settings/stages/", admin_only()),
    ("get", "/staff/settings/stages/assessment/final_plan/", admin_only()),
    ("post", "/staff/settings/stages/assessment/final_plan/", admin_only(302)),
    ("get", "/staff/settings/professionals/", admin_only()),
    ("get", "/staff/settings/plan-template/", admin_only()),
    ("post", "/staff/settings/plan-template/", admin_only(200)),  # nothing posted: the form's errors
    ("get", "/staff/organisations/", admin_only()),
    ("get", "/staff/organisations/add/", admin_only()),
    ("post", "/staff/organisations/add/", admin_only()),  # nothing posted: the form's errors
    ("get", "/staff/organisations/{organisation}/", admin_only()),
    ("post", "/staff/organisations/{organisation}/", admin_only()),
]


@pytest.fixture
def clients(site, staff_client):
    return {
        "anonymous": Client(HTTP_HOST=site.domain),
        "family": staff_client(site.council, None),
        "caseworker": staff_client(site.council, StaffRole.CASEWORKER),
        "team_manager": staff_client(site.council, StaffRole.TEAM_MANAGER),
        "council_admin": staff_client(site.council, StaffRole.COUNCIL_ADMIN),
        # Signed in (two-step done) on the other council's host; it asks this host.
        "other_councils_admin": staff_client(site.other, StaffRole.COUNCIL_ADMIN),
    }


@pytest.fixture
def rows(site, in_council):
    """One of each thing the pages are about, in this council."""
    with in_council(site.council):
        member = StaffMembership.objects.create(account=make_account(), role=StaffRole.CASEWORKER)
        organisation = Organisation.objects.create(name="Oak Academy", kind="school", contact_email="oak@example.org")
    return SimpleNamespace(
        member=member,
        organisation=organisation,
        council=site.council,
        area=ServiceArea.objects.filter(council=site.council).first(),
        link=CouncilLink.objects.filter(council=site.council).first(),
        tile=Tile.objects.filter(council=site.council, kind=Tile.Kind.LINK).first(),
    )


@pytest.mark.parametrize(("method", "path", "expected"), PAGES, ids=[f"{m} {p}" for m, p, _ in PAGES])
def test_who_may_open_each_page(site, clients, rows, in_council, method, path, expected):
    answers = {}
    for role in ROLES:
        with in_council(site.council):
            # A fresh invitation each time: withdrawing one is part of the matrix.
            StaffInvitation.objects.filter(email="invited@example.org").delete()
            invitation = StaffInvitation.objects.create(
                email="invited@example.org",
                role=StaffRole.CASEWORKER,
                token_hash=f"{role:x<64}"[:64],
                expires_at="2099-01-01T00:00:00Z",
            )
            StaffMembership.objects.filter(pk=rows.member.pk).update(is_active=True)
        url = path.format(
            member=rows.member.pk,
            organisation=rows.organisation.pk,
            invitation=invitation.pk,
            area=rows.area.pk,
            link=rows.link.pk,
            tile=rows.tile.pk,
        )
        data = {"role": "team_manager"} if "role" in path else {}
        response = getattr(clients[role], method)(url, data, HTTP_HOST=site.domain)
        answers[role] = response.status_code
        if response.status_code == 302 and expected[role] == 302 and role in ("anonymous", "other_councils_admin"):
            assert response["Location"].startswith("/sign-in/"), (role, response["Location"])
    assert answers == expected
