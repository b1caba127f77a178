"""A value of the wrong JSON type is refused with the field named, never turned into
something else: `{"body": 123}` is not the message "123", `"yes"` is not true, `"12"` and
`12.0` are not the child 12. The OpenAPI document says each field's type; the API holds
clients to it. In form data (an upload) every value is text, so there the text forms
("true", "12") are what a client sends."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from casework.models import AccessRequest, Document, Message, Milestone
from tests.casework.documents.conftest import pdf_bytes

from .conftest import access_request_make, case_make, child_make

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"body": 123}, "body"),
        ({"body": 12.5}, "body"),
        ({"body": True}, "body"),
        ({"body": ["Hello"]}, "body"),
        ({"body": {"text": "Hello"}}, "body"),
    ],
)
def test_a_message_that_is_not_text_is_refused(body, field, site, api):
    with tenant_context(site.council):
        case = case_make()
    answer = api.call.post(f"/api/v1/cases/{case.pk}/messages/", body)
    assert answer.status_code == 400, answer.content
    assert list(answer.json()["errors"]) == [field]
    with tenant_context(site.council):
        assert not Message.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("step", "field"),
    [
        ({"key": 1}, "key"),
        ({"outcome": True}, "outcome"),
        ({"note": 42}, "note"),
        ({"occurred_on": 20260101}, "occurred_on"),
        ({"occurred_on": "2026-01-01T10:00:00"}, "occurred_on"),
    ],
)
def test_a_step_with_a_value_of_the_wrong_type_is_refused(step, field, site, api):
    with tenant_context(site.council):
        case = case_make(started_days_ago=10)
    good = {"key": "decided_whether_to_assess", "occurred_on": timezone.localdate().isoformat(), "outcome": "yes"}
    answer = api.call.post(f"/api/v1/cases/{case.pk}/steps/", good | step)
    assert answer.status_code == 400, answer.content
    assert list(answer.json()["errors"]) == [field]
    with tenant_context(site.council):
        assert not Milestone.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("decision", "field"),
    [
        (lambda child: {"decision": "approve", "child": str(child)}, "child"),
        (lambda child: {"decision": "approve", "child": float(child)}, "child"),
        (lambda child: {"decision": "approve", "child": True}, "child"),
        (lambda child: {"decision": ["approve"], "child": child}, "decision"),
        (lambda child: {"decision": "ask", "question": 7}, "question"),
        (lambda child: {"decision": "ask", "question": "A letter?", "document_requested": "yes"}, "document_requested"),
        (lambda child: {"decision": "ask", "question": "A letter?", "document_requested": 1}, "document_requested"),
        (lambda child: {"decision": "decline", "reason": False}, "reason"),
        (
            lambda child: {"decision": "approve", "new_child": {"council_reference": 12345}},
            "new_child.council_reference",
        ),
        (
            lambda child: {"decision": "approve", "new_child": {"council_reference": "N1", "known_as": 0}},
            "new_child.known_as",
        ),
        (
            lambda child: {"decision": "approve", "new_child": {"council_reference": "N1", "service_area": "1"}},
            "new_child.service_area",
        ),
        (
            lambda child: {
                "decision": "approve",
                "new_child": {"council_reference": "N1", "confirmed_not_duplicate": 1},
            },
            "new_child.confirmed_not_duplicate",
        ),
    ],
)
def test_a_decision_with_a_value_of_the_wrong_type_is_refused(decision, field, site, api):
    with tenant_context(site.council):
        request = access_request_make()
        child = child_make()
    answer = api.call.post(f"/api/v1/access-requests/{request.pk}/decision/", decision(child.pk))
    assert answer.status_code == 400, answer.content
    assert list(answer.json()["errors"]) == [field]
    with tenant_context(site.council):
        assert AccessRequest.objects.get(pk=request.pk).status == AccessRequest.Status.WAITING


def test_the_right_types_are_still_accepted(site, api):
    with tenant_context(site.council):
        request = access_request_make()
        child = child_make()
    answer = api.call.post(
        f"/api/v1/access-requests/{request.pk}/decision/", {"decision": "approve", "child": child.pk}
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["child"] == child.pk


@pytest.mark.parametrize(("share", "shared"), [("true", True), ("false", False)])
def test_an_upload_is_form_data_so_its_flag_is_text(share, shared, site, api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with tenant_context(site.council):
        case = case_make()
    upload = SimpleUploadedFile("letter.pdf", pdf_bytes("Letter"), content_type="application/pdf")
    answer = api.call.post(
        f"/api/v1/cases/{case.pk}/documents/",
        {"kind": Document.Kind.DECISION_LETTER, "title": "Letter", "file": upload, "share": share},
        content_type=None,
    )
    assert answer.status_code == 201, answer.content
    assert (answer.json()["shared_with_family_at"] is not None) is shared
