"""A record written in one council's schema is invisible from the other's."""

import pytest

from tenants.outbox.models import OutboundEmail
from tenants.outbox.services import email_queue

pytestmark = pytest.mark.django_db


def test_a_record_in_one_council_is_invisible_from_the_other_through_the_orm(cumbria, somerset, in_council):
    with in_council(cumbria):
        email = email_queue(to=["parent@example.org"], subject="Cumbria only", body="…")
        assert OutboundEmail.objects.filter(subject="Cumbria only").exists()
    with in_council(somerset):
        assert not OutboundEmail.objects.filter(subject="Cumbria only").exists()
        assert not OutboundEmail.objects.filter(pk=email.pk, subject=email.subject).exists()


def test_a_record_in_one_council_is_invisible_from_the_other_through_http(
    settings, cumbria, in_council, cumbria_client, somerset_client, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    with in_council(cumbria), django_capture_on_commit_callbacks(execute=True):
        email_queue(to=["parent@example.org"], subject="A Cumbria email", body="Only for Cumbria")

    cumbria_subjects = [e["subject"] for e in cumbria_client.get("/dev/outbox.json").json()]
    somerset_subjects = [e["subject"] for e in somerset_client.get("/dev/outbox.json").json()]

    assert "A Cumbria email" in cumbria_subjects
    assert "A Cumbria email" not in somerset_subjects


def test_tables_of_a_council_do_not_exist_in_the_public_schema(db):
    from django.db import connection

    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = %s",
            ["casework_outboundemail"],
        )
        assert cursor.fetchone()[0] == 0
