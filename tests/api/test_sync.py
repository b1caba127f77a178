"""Polling for changes: `updated_since`, then the cursor of each page, across changes made
while a client pages through. Nothing is lost and nothing repeated: a row changed after
it was read comes again in its new state (a change, not a repeat)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from api.sync import Position, cursor_encode
from casework.models import AccessRequest, Case, Child, Document
from casework.services.access import access_request_decline
from casework.services.cases import milestone_record
from casework.services.children import child_update
from casework.services.documents import document_share
from casework.services.messages import message_post

from .conftest import access_request_make, case_make, child_make, document_make, make_account

pytestmark = pytest.mark.django_db


def _poll(caller, path: str, cursor: str | None, **params) -> tuple[list[dict], str | None, int]:
    """Every page from `cursor` until has_more is false: (rows, the last cursor, pages)."""
    rows, pages = [], 0
    while True:
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        page = caller.get(path, query)
        assert page.status_code == 200, page.content
        body = page.json()
        rows += body["results"]
        cursor = body["cursor"]
        pages += 1
        if not body["has_more"]:
            return rows, cursor, pages
        assert body["next"].startswith(f"http://{caller.client.defaults['HTTP_HOST']}{path}?")


def test_children_paged_across_changes_mid_sync_lose_and_repeat_nothing(site, api):
    start = timezone.now()
    with tenant_context(site.council):
        children = [child_make() for _ in range(7)]
    caller = api.call

    first = caller.get("/api/v1/children/", {"updated_since": start.isoformat(), "limit": 3}).json()
    assert [c["id"] for c in first["results"]] == [c.pk for c in children[:3]]
    assert first["has_more"] is True

    # While the client pages: a child already read changes, one not yet read changes, one is new.
    with tenant_context(site.council):
        child_update(child=children[1], actor=None, setting="Lakeside Academy")
        child_update(child=children[4], actor=None, known_as="Bee")
        newcomer = child_make()

    rest, cursor, pages = _poll(caller, "/api/v1/children/", first["cursor"], limit=3)
    seen = first["results"] + rest

    versions = [(c["id"], c["updated_at"]) for c in seen]
    assert len(versions) == len(set(versions)), "a row was repeated in the same state"
    with tenant_context(site.council):
        current = {c.pk: c for c in Child.objects.filter(pk__in=[c["id"] for c in seen])}
    last_seen = {c["id"]: c for c in seen}
    assert set(last_seen) == {c.pk for c in children} | {newcomer.pk}, "a row was lost"
    for child_id, row in last_seen.items():  # the last state read is the state now
        assert row["setting"] == current[child_id].setting
        assert row["known_as"] == current[child_id].known_as
    assert [c["id"] for c in seen].count(children[1].pk) == 2  # read, then read again once changed
    assert [c["id"] for c in seen].count(children[4].pk) == 1  # changed before it was read: once, new state
    assert last_seen[children[1].pk]["setting"] == "Lakeside Academy"
    assert pages == 2  # after the first: 6 rows (3 unread, 2 changed, 1 new), 3 a page

    # Polling again with the last cursor: nothing, until something changes; then just that.
    assert caller.get("/api/v1/children/", {"cursor": cursor}).json()["results"] == []
    with tenant_context(site.council):
        child_update(child=children[6], actor=None, setting="Riverside School")
    again = caller.get("/api/v1/children/", {"cursor": cursor}).json()
    assert [(c["id"], c["setting"]) for c in again["results"]] == [(children[6].pk, "Riverside School")]


def test_rows_with_the_same_timestamp_are_split_across_pages_by_id(site, api):
    with tenant_context(site.council):
        children = [child_make() for _ in range(5)]
        same = timezone.now() - timedelta(minutes=5)
        Child.objects.filter(pk__in=[c.pk for c in children]).update(updated_at=same)
    rows, _, pages = _poll(api.call, "/api/v1/children/", None, limit=2, updated_since=same.isoformat())
    assert [c["id"] for c in rows] == sorted(c.pk for c in children)
    assert pages == 3


@pytest.mark.parametrize("feed", ["cases", "documents", "access-requests", "messages"])
def test_each_feed_brings_back_what_casework_services_changed(feed, site, api):
    """The services move updated_at (or, for messages, add a row), so the feed shows
    the change on the next poll."""
    with tenant_context(site.council):
        case = case_make()
        document = document_make(case)
        family = make_account()
        access_request = access_request_make(account=family)
    path = f"/api/v1/{feed}/"
    _, cursor, _ = _poll(api.call, path, None)

    with tenant_context(site.council):
        if feed == "cases":
            before = Case.objects.get(pk=case.pk).updated_at
            milestone_record(
                case=case,
                key="decided_whether_to_assess",
                occurred_on=timezone.localdate(),
                outcome="yes",
                actor=None,
                actor_role="api",
            )
            assert Case.objects.get(pk=case.pk).updated_at > before
            expected = case.pk
        elif feed == "documents":
            before = Document.objects.get(pk=document.pk).updated_at
            document_share(document=document, actor=None, actor_role="api")
            assert Document.objects.get(pk=document.pk).updated_at > before
            expected = document.pk
        elif feed == "access-requests":
            before = AccessRequest.objects.get(pk=access_request.pk).updated_at
            access_request_decline(access_request=access_request, reason="Not known", actor=None, actor_role="api")
            assert AccessRequest.objects.get(pk=access_request.pk).updated_at > before
            expected = access_request.pk
        else:
            expected = message_post(case=case, author=family, from_send_team=False, body="Hello").pk

    changed, _, _ = _poll(api.call, path, cursor)
    assert [row["id"] for row in changed] == [expected]


def test_rows_changed_within_the_settle_window_wait_until_they_have_settled(site, api, settings):
    """A transaction may commit a little after the timestamp it wrote: the cursor never
    passes a moment less than API_SYNC_SETTLE_SECONDS old, so such a row is never left
    behind it."""
    settings.API_SYNC_SETTLE_SECONDS = 10
    with tenant_context(site.council):
        settled = child_make()
        Child.objects.filter(pk=settled.pk).update(updated_at=timezone.now() - timedelta(seconds=30))
        fresh = child_make()  # as if its transaction were still committing
    first = api.call.get("/api/v1/children/").json()
    assert [c["id"] for c in first["results"]] == [settled.pk]

    with tenant_context(site.council):  # ten seconds on
        Child.objects.filter(pk=fresh.pk).update(updated_at=timezone.now() - timedelta(seconds=11))
    later = api.call.get("/api/v1/children/", {"cursor": first["cursor"]}).json()
    assert [c["id"] for c in later["results"]] == [fresh.pk]


def test_updated_since_is_inclusive_and_a_cursor_takes_its_place(site, api):
    with tenant_context(site.council):
        older, newer = child_make(), child_make()
        at = timezone.now() - timedelta(hours=1)
        Child.objects.filter(pk=older.pk).update(updated_at=at - timedelta(microseconds=1))
        Child.objects.filter(pk=newer.pk).update(updated_at=at)
    since = api.call.get("/api/v1/children/", {"updated_since": at.isoformat()}).json()
    assert [c["id"] for c in since["results"]] == [newer.pk]
    cursor = cursor_encode(Position(at=at - timedelta(days=1), id=0))
    both = api.call.get("/api/v1/children/", {"updated_since": at.isoformat(), "cursor": cursor}).json()
    assert [c["id"] for c in both["results"]] == [older.pk, newer.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": cursor_encode(Position(at=timezone.now(), id=1))[:-3]}, "cursor"),
        ({"updated_since": "last Tuesday"}, "updated_since"),
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"updated_since": ""}, "updated_since"),  # the schema says a date-time: empty is not one
        ({"cursor": ""}, "cursor"),
        ({"limit": ""}, "limit"),
        ({"kind": ""}, "kind"),  # a filter sent empty: the schema gives its values, and empty is not one
        ({"child": ""}, "child"),
        ({"cursor": cursor_encode(Position(at=timezone.now(), id=1)) + "=="}, "cursor"),  # never given out padded
    ],
)
def test_a_bad_position_is_refused_with_the_field_named(params, field, site, api):
    answer = api.call.get("/api/v1/cases/", params)
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == [field]


def test_an_empty_council_answers_no_cursor_and_no_more(site, api):
    answer = api.call.get("/api/v1/access-requests/").json()
    assert answer == {"results": [], "cursor": None, "has_more": False, "next": None}
