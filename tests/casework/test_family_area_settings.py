"""The family area's two council settings (Council.family_upload_max_mb and
show_staff_names_to_families): council admins set them on the staff settings screens,
checked and audited by field name; operators set them in the platform admin."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from casework.models import AuditEvent, StaffRole
from tenants.models import Council
from tests.operators import operator_sign_in

pytestmark = pytest.mark.django_db

PATH = "/staff/settings/family-area/"


def test_a_council_admin_sets_the_file_size_and_staff_names(site, staff_client):
    client = staff_client(site.council, StaffRole.COUNCIL_ADMIN)
    hub = client.get("/staff/settings/").content.decode()
    assert f'href="{PATH}"' in hub and "Files up to 10 MB" in hub

    page = client.get(PATH).content.decode()
    assert "Which people families invite does the SEND team approve first?" in page
    response = client.post(
        PATH,
        {"family_upload_max_mb": "25", "show_staff_names_to_families": "on", "trusted_people_approval": "everyone"},
        follow=True,
    )

    assert "Your changes have been saved" in response.content.decode()
    council = Council.objects.get(pk=site.council.pk)
    assert (council.family_upload_max_mb, council.show_staff_names_to_families) == (25, True)
    assert council.trusted_people_approval == "everyone"
    assert client.post(PATH, {"family_upload_max_mb": "25", "trusted_people_approval": "anyone"}).status_code == 200
    assert Council.objects.get(pk=site.council.pk).trusted_people_approval == "everyone"
    assert Council.objects.get(pk=site.other.pk).family_upload_max_mb == 10
    with tenant_context(site.council):
        event = AuditEvent.objects.get(subject="council_settings")
    assert event.summary.startswith("Families' SEND area: changed")
    assert "25" not in event.summary


@pytest.mark.parametrize("size", ["0", "51", "ten", ""])
def test_the_file_size_must_be_from_1_to_50(cumbria, staff_client, size):
    client = staff_client(cumbria, StaffRole.COUNCIL_ADMIN)

    response = client.post(PATH, {"family_upload_max_mb": size})

    assert response.status_code == 200
    assert "Enter a whole number from 1 to 50" in response.content.decode()
    assert Council.objects.get(pk=cumbria.pk).family_upload_max_mb == 10


@pytest.mark.parametrize("role", [StaffRole.CASEWORKER, StaffRole.TEAM_MANAGER])
def test_only_council_admins_change_it(cumbria, staff_client, role):
    client = staff_client(cumbria, role)

    assert client.post(PATH, {"family_upload_max_mb": "30"}).status_code == 403
    assert Council.objects.get(pk=cumbria.pk).family_upload_max_mb == 10


def test_operators_set_them_in_the_platform_admin(platform_client, cumbria):
    operator_sign_in(platform_client)

    page = platform_client.get(f"/admin/tenants/council/{cumbria.pk}/change/").content.decode()

    assert 'name="family_upload_max_mb"' in page
    assert 'name="show_staff_names_to_families"' in page


def test_the_privacy_notice_is_linked_from_every_forms_declaration(site, staff_client):
    """Issue 19, item 16: the declaration named the privacy notice without linking it."""
    from casework.models import ChildAccess
    from tests.casework.conftest import make_account, signed_in_client
    from tests.citizen.runner.conftest import KITCHEN_SINK, Family, complete_everything, publish
    from tests.factories import ChildFactory

    admin = staff_client(site.council, StaffRole.COUNCIL_ADMIN)
    refused = admin.post(PATH, {"family_upload_max_mb": "10", "privacy_notice_url": "not a web address"})
    assert "Enter a web address, like https://www.example.gov.uk/privacy" in refused.content.decode()
    admin.post(PATH, {"family_upload_max_mb": "10", "privacy_notice_url": "https://www.example.gov.uk/privacy/send"})
    assert Council.objects.get(pk=site.council.pk).privacy_notice_url == "https://www.example.gov.uk/privacy/send"

    publish(site.council, KITCHEN_SINK)
    parent = make_account()
    with tenant_context(site.council):
        child = ChildFactory()
        ChildAccess.objects.create(child=child, account=parent, relationship="parent")
    client = signed_in_client(site.council, parent)
    family = Family(
        council=site.council, other=site.other, domain=site.domain, account=parent, child=child, client=client
    )
    draft_id = family.draft_start()
    complete_everything(family, draft_id)
    declaration = client.get(f"/send/forms/drafts/{draft_id}/declaration/").content.decode()
    assert 'href="https://www.example.gov.uk/privacy/send"' in declaration
    assert "privacy notice</a>: how it uses and protects the information you send." in declaration


def test_a_council_admin_publishes_waiting_times_and_takes_them_down_at_once(
    site, staff_client, django_capture_on_commit_callbacks
):
    from django.test import Client

    from tenants.models import PublishedWaitingTimes

    client = staff_client(site.council, StaffRole.COUNCIL_ADMIN)
    public = Client(HTTP_HOST=site.domain)
    assert public.get("/waiting-times/").status_code == 200  # the demo councils publish theirs
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PATH, {"family_upload_max_mb": "10"})  # the box left unticked

    assert not PublishedWaitingTimes.objects.filter(council=site.council).exists()
    assert public.get("/waiting-times/").status_code == 404
    assert "Waiting times are not published" in client.get("/staff/settings/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(PATH, {"family_upload_max_mb": "10", "publish_waiting_times": "on"})

    assert PublishedWaitingTimes.objects.filter(council=site.council).exists()
    page = public.get("/waiting-times/")
    assert page.status_code == 200 and "How long EHC needs assessments are taking" in page.content.decode()
    assert PublishedWaitingTimes.objects.filter(council=site.other).exists()  # the other council's own choice
