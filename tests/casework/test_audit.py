"""The audit log's subject is a choice, never free text: a report can count events by
what they were about, and a misspelt subject fails where it is written, not in a report."""

from __future__ import annotations

import pytest

from casework.models import AuditEvent
from casework.services.audit import audit_record

pytestmark = pytest.mark.django_db


def test_an_event_about_a_known_subject_is_written(cumbria, in_council):
    with in_council(cumbria):
        event = audit_record(
            actor=None, actor_role="api", action=AuditEvent.Action.VIEWED, subject=AuditEvent.Subject.CASE, subject_id=7
        )
        assert AuditEvent.objects.get(pk=event.pk).get_subject_display() == "Case"


def test_free_text_as_a_subject_is_refused_and_nothing_is_written(cumbria, in_council):
    with in_council(cumbria):
        with pytest.raises(ValueError, match=r"'a document' is not a valid AuditEvent\.Subject"):
            audit_record(actor=None, actor_role="api", action=AuditEvent.Action.VIEWED, subject="a document")
        assert not AuditEvent.objects.filter(subject="a document").exists()
