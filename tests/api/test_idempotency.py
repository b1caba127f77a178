"""Writes safe to retry: the same POST sent again with its Idempotency-Key answers the
first answer and changes nothing, even when the repeats arrive at the same moment."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from api.models import ApiCall, ApiClient, IdempotencyKey
from casework.demo import CUMBRIA
from casework.models import AuditEvent, Case, Child, Document, Message, Milestone
from citizen.accounts.models import Account
from tenants.models import Council
from tests.casework.documents.conftest import pdf_bytes, upload
from tests.e2e.test_staff_journey import CommittedDatabase

from .conftest import api_client_make, case_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(site):
    with tenant_context(site.council):
        return case_make()


def test_a_message_posted_three_times_with_one_key_is_sent_once(site, api, case, django_capture_on_commit_callbacks):
    key = str(uuid.uuid4())
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            api.call.post(
                f"/api/v1/cases/{case.pk}/messages/", {"body": "We will visit on Monday."}, HTTP_IDEMPOTENCY_KEY=key
            )
            for _ in range(3)
        ]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert answers[0].json() == answers[1].json() == answers[2].json()
    assert "Idempotent-Replayed" not in answers[0]
    assert answers[1]["Idempotent-Replayed"] == answers[2]["Idempotent-Replayed"] == "true"
    with tenant_context(site.council):
        assert Message.objects.filter(case=case).count() == 1
        assert AuditEvent.objects.filter(subject="message", actor_role="api").count() == 1
        assert IdempotencyKey.objects.count() == 1
        assert ApiCall.objects.filter(client=api.client, method="POST").count() == 3  # every call is recorded


def test_an_upload_retried_three_times_stores_one_document(site, api, case, tmp_path):
    key = str(uuid.uuid4())
    answers = [
        api.call.post(
            f"/api/v1/cases/{case.pk}/documents/",
            {"kind": "draft_plan", "title": "Draft plan", "file": upload("draft.pdf", pdf_bytes("Draft"))},
            content_type=None,
            HTTP_IDEMPOTENCY_KEY=key,
        )
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert len({a.json()["id"] for a in answers}) == 1
    assert answers[1]["Location"] == f"/api/v1/documents/{answers[0].json()['id']}/"
    with tenant_context(site.council):
        assert Document.objects.filter(case=case).count() == 1
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 1  # one file stored


def test_a_step_retried_records_once_and_without_a_key_is_refused_the_second_time(site, api, case):
    step = {"key": "decided_whether_to_assess", "occurred_on": timezone.localdate().isoformat(), "outcome": "yes"}
    path = f"/api/v1/cases/{case.pk}/steps/"
    with_key = [api.call.post(path, step, HTTP_IDEMPOTENCY_KEY="step-1") for _ in range(3)]
    assert [a.status_code for a in with_key] == [201, 201, 201]
    # Without a key a repeat is a new request, which the clock refuses.
    again = api.call.post(path, step)
    assert again.status_code == 400
    assert again.json()["errors"] == {"key": ["Decision whether to assess has already been recorded."]}
    with tenant_context(site.council):
        assert Milestone.objects.filter(case=case).count() == 1


def test_the_same_key_with_a_different_request_is_refused_and_changes_nothing(site, api, case):
    path = f"/api/v1/cases/{case.pk}/messages/"
    assert api.call.post(path, {"body": "First"}, HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    answer = api.call.post(path, {"body": "Second"}, HTTP_IDEMPOTENCY_KEY="k")
    assert answer.status_code == 422
    assert answer.json()["code"] == "idempotency_key_reused"
    with tenant_context(site.council):
        assert list(Message.objects.filter(case=case).values_list("body", flat=True)) == ["First"]


def test_a_refused_request_is_not_remembered_so_the_corrected_one_can_use_the_key(site, api, case):
    path = f"/api/v1/cases/{case.pk}/messages/"
    refused = api.call.post(path, {"body": ""}, HTTP_IDEMPOTENCY_KEY="k")
    assert refused.status_code == 400
    assert api.call.post(path, {"body": "Now with words"}, HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    with tenant_context(site.council):
        assert Message.objects.filter(case=case).count() == 1


def test_keys_are_per_client(site, api, case):
    _, other_token = api_client_make(site.council)
    path = f"/api/v1/cases/{case.pk}/messages/"
    assert api.call.post(path, {"body": "From the first system"}, HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    other = Client(HTTP_HOST=site.domain)
    answer = other.post(
        path,
        {"body": "From the second"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {other_token}",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert answer.status_code == 201
    with tenant_context(site.council):
        assert Message.objects.filter(case=case).count() == 2


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "tab\there", " padded", "two words", "caf\u00e9"])
def test_a_key_that_cannot_be_one_is_refused(key, site, api, case):
    answer = api.call.post(f"/api/v1/cases/{case.pk}/messages/", {"body": "Hello"}, HTTP_IDEMPOTENCY_KEY=key)
    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == ["Idempotency-Key"]


# --- At the same moment -------------------------------------------------------------------------------


def _committed_case_and_client() -> tuple[int, str, int]:
    """A case and a client of Cumbria, committed; and the last account id before them."""
    last_account = Account.objects.order_by("-id").values_list("id", flat=True).first() or 0
    council = Council.objects.get(slug=CUMBRIA.slug)
    _, token = api_client_make(council, name=f"Concurrent {uuid.uuid4().hex[:8]}")
    with tenant_context(council):
        case = case_make()
    return case.pk, token, last_account


def _committed_remove(case_id: int, token: str, last_account: int) -> int:
    """Everything the test committed; answers how many messages the case had."""
    with tenant_context(Council.objects.get(slug=CUMBRIA.slug)):
        case = Case.objects.get(pk=case_id)
        messages = Message.objects.filter(case=case).count()
        AuditEvent.objects.filter(case=case).delete()
        client = ApiClient.objects.get(key_id=token.partition(".")[0])
        AuditEvent.objects.filter(subject="api_client", subject_id=client.pk).delete()
        client.delete()  # its calls and keys with it
        case.delete()
        Child.objects.filter(pk=case.child_id).delete()
        for account in Account.objects.filter(id__gt=last_account):  # in the council: its memberships go too
            account.delete()
    return messages


def test_three_repeats_at_the_same_moment_make_one_message(db):
    """Each repeat on its own connection, committed: the unique key row makes the second
    and third wait for the first, then replay its answer."""
    committed = CommittedDatabase()
    case_id, token, last_account = committed(_committed_case_and_client)
    try:
        start = threading.Barrier(3)
        answers: list = [None] * 3

        def post(i: int) -> None:
            try:
                start.wait()
                answers[i] = Client(HTTP_HOST=CUMBRIA.domain).post(
                    f"/api/v1/cases/{case_id}/messages/",
                    {"body": "Sent three times at once"},
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {token}",
                    HTTP_IDEMPOTENCY_KEY="same-moment",
                )
            finally:
                connection.close()

        threads = [threading.Thread(target=post, args=(i,)) for i in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert [a.status_code for a in answers] == [201, 201, 201]
        assert len({a.json()["id"] for a in answers}) == 1
        assert sorted(a.get("Idempotent-Replayed", "first") for a in answers) == ["first", "true", "true"]
    finally:
        messages = committed(_committed_remove, case_id, token, last_account)
        committed.close()
    assert messages == 1
