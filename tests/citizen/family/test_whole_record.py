"""The whole record to take away (issue 16, item 2), on each demo council: a parent asks,
it is made in the background, they are emailed (with no details), and they download once
a zip holding what they may see (the shared draft, never the advice not yet shared, the
messages, the case's steps) with an index page; a used or expired link is refused with
the reason; nobody else can reach it. The SEND team's tribunal bundle holds every
document in date order, and its download shows in the family's "who has seen"."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework.models import AuditEvent, RecordBundle, StaffRole
from casework.services.bundles import record_bundle_make, record_bundle_request
from casework.services.messages import message_post

from .conftest import CHILD_FIRST, CHILD_LAST, signed_in_client

pytestmark = pytest.mark.django_db


def ask(client, child_id, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # made at once, as the broker would
        asked = client.post(f"/send/children/{child_id}/records/")
    assert asked.status_code == 302
    return asked["Location"]


def download_link(page_html: str) -> str:
    return re.search(r'href="(/send/children/\d+/records/\d+/download/[^"]+/)"', page_html).group(1)


def unzip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_a_parent_takes_away_what_they_may_see_once(family, as_member, outbox, django_capture_on_commit_callbacks):
    with tenant_context(family.council):
        message_post(
            case=family.case, author=family.parent, from_send_team=False, body="Can we meet next week?",
            actor_role="family",
        )  # fmt: skip
    parent = as_member(family, family.parent)
    child_page = parent.get(f"/send/children/{family.child.pk}/").content.decode()
    assert f'href="/send/children/{family.child.pk}/records/"' in child_page

    status_page = ask(parent, family.child.pk, django_capture_on_commit_callbacks)
    html = parent.get(status_page).content.decode()
    assert "are ready: 1 file and a page listing them" in html
    response = parent.get(download_link(html))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = unzip(response)
    names = archive.namelist()
    assert "index.html" in names
    assert any(name.endswith(".pdf") and "/documents/" in name for name in names)
    index = archive.read("index.html").decode()
    assert family.case.reference in index
    assert "Draft EHC plan, June 2026" in index
    assert "Advice not yet shared" not in index  # never shared with the family
    assert "Can we meet next week?" in index
    assert "Decision whether to assess" in index and "Done 1 April 2026" in index
    assert "http" not in re.sub(r"<!DOCTYPE[^>]*>", "", index).split("<body>")[1]  # nothing fetched from outside

    again = parent.get(download_link(html))  # the same link: used
    assert again.status_code == 302
    assert "This download has been used. Ask for a new one." in parent.get(again["Location"]).content.decode()

    (email,) = [e for e in outbox(family.council) if e.to == [family.parent.email]]
    assert email.subject == "The download you asked for is ready"
    assert CHILD_FIRST not in email.body and CHILD_LAST not in email.body
    with tenant_context(family.council):
        actions = set(
            AuditEvent.objects.filter(subject="record_bundle", actor=family.parent).values_list("action", flat=True)
        )
        assert actions == {"created", "downloaded"}


def test_an_expired_link_is_refused_and_a_new_one_can_be_asked_for(
    family, as_member, django_capture_on_commit_callbacks
):
    parent = as_member(family, family.parent)
    status_page = ask(parent, family.child.pk, django_capture_on_commit_callbacks)
    link = download_link(parent.get(status_page).content.decode())
    with tenant_context(family.council):
        RecordBundle.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    refused = parent.get(link)
    assert refused.status_code == 302
    page = parent.get(refused["Location"]).content.decode()
    assert "This download has expired. Ask for a new one." in page
    assert f'href="/send/children/{family.child.pk}/records/"' in page


def test_nobody_else_reaches_a_familys_download(family, as_member, django_capture_on_commit_callbacks):
    parent = as_member(family, family.parent)
    status_page = ask(parent, family.child.pk, django_capture_on_commit_callbacks)
    link = download_link(parent.get(status_page).content.decode())
    for account in (family.young_person, family.removed_parent, family.other_child_parent):
        other = as_member(family, account)
        assert other.get(status_page).status_code == 404, account
        assert other.get(link).status_code == 404, account
    assert as_member(family, family.removed_parent).get(f"/send/children/{family.child.pk}/records/").status_code == 404
    elsewhere = signed_in_client(family.other, family.other_council_parent)
    assert elsewhere.get(link).status_code in (403, 404)
    assert "are ready" in parent.get(status_page).content.decode()  # still there, unused, for the parent


def test_access_lost_before_it_is_made_means_nothing_is_made(family):
    with tenant_context(family.council):
        bundle = record_bundle_request(
            child=family.child, account=family.parent, audience="family", actor_role="family"
        )
        family.parent_access.revoked_at = timezone.now()
        family.parent_access.save(update_fields=["revoked_at"])
        bundle = record_bundle_make(bundle.pk)
        assert (bundle.status, bundle.file.name) == ("failed", "")


def test_the_send_teams_tribunal_bundle_has_every_document_in_date_order(
    family, staff_client, as_member, django_capture_on_commit_callbacks
):
    caseworker = staff_client(family.council, StaffRole.CASEWORKER)
    with django_capture_on_commit_callbacks(execute=True):
        asked = caseworker.post(f"/staff/children/{family.child.pk}/bundle/")
    html = caseworker.get(asked["Location"]).content.decode()
    assert "Ready: 2 documents in date order" in html
    link = re.search(r'href="(/staff/children/\d+/bundles/\d+/download/[^"]+/)"', html).group(1)
    archive = unzip(caseworker.get(link))
    documents = sorted(name for name in archive.namelist() if name.startswith("documents/"))
    assert [name.split("-", 1)[0] for name in documents] == ["documents/001", "documents/002"]
    index = archive.read("index.html").decode()
    assert index.index("Draft EHC plan, June 2026") < index.index("Advice not yet shared")

    seen = as_member(family, family.parent).get(f"/send/children/{family.child.pk}/who-has-seen/").content.decode()
    assert "Downloaded every document on" in seen

    assert caseworker.get(link).status_code == 302  # once only


def test_a_family_member_cannot_make_the_tribunal_bundle(family, as_member):
    parent = as_member(family, family.parent)
    assert parent.post(f"/staff/children/{family.child.pk}/bundle/").status_code == 403


def test_the_nightly_sweep_deletes_the_files_no_one_can_use_and_keeps_the_rest(
    family, as_member, django_capture_on_commit_callbacks
):
    from casework.services.bundles import record_bundles_sweep

    parent = as_member(family, family.parent)
    ask(parent, family.child.pk, django_capture_on_commit_callbacks)
    with tenant_context(family.council):
        waiting = RecordBundle.objects.get()
        assert record_bundles_sweep() == 0  # still usable: kept
        stored = waiting.file.name
        assert waiting.file.storage.exists(stored)
        assert record_bundles_sweep(now=waiting.expires_at + timedelta(seconds=1)) == 1
        waiting.refresh_from_db()
        assert waiting.file.name == "" and not waiting.file.storage.exists(stored)
        assert waiting.status == "ready"  # the row stays: what was asked for, and when


def test_a_download_whose_task_was_lost_stops_asking_and_offers_a_new_one(family, as_member):
    with tenant_context(family.council):
        bundle = record_bundle_request(
            child=family.child, account=family.parent, audience="family", actor_role="family"
        )
        RecordBundle.objects.filter(pk=bundle.pk).update(created_at=timezone.now() - timedelta(hours=2))
    page = as_member(family, family.parent).get(f"/send/children/{family.child.pk}/records/{bundle.pk}/")
    html = page.content.decode()
    assert 'http-equiv="refresh"' not in html
    assert "We could not put" in html and f'href="/send/children/{family.child.pk}/records/"' in html
