"""`manage.py migrate_councils` (issue 13): a deploy's migration step migrates only the
council schemas behind the code, found in a fixed number of queries however many
councils there are; when none is behind it migrates nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.management.commands.migrate_councils import councils_behind
from tenants.models import Council
from tenants.template import code_migrations, recorded_migrations

pytestmark = pytest.mark.django_db

LATEST = ("submissions", "0003_form_for_a_waiting_access_request")


def migrate_councils() -> str:
    out = StringIO()
    call_command("migrate_councils", stdout=out, verbosity=0)
    return out.getvalue()


def test_when_every_council_is_current_nothing_is_migrated(cumbria, somerset):
    total = Council.objects.exclude(schema_name="public").count()
    with CaptureQueriesContext(connection) as queries:
        assert councils_behind() == []
    reads = [q["sql"] for q in queries if not q["sql"].startswith("SET ")]
    assert len(reads) == 3, reads  # the councils, which schemas are migrated, and one UNION over them all
    assert f"0 of {total} councils were behind" in migrate_councils()


def test_a_council_behind_the_code_is_migrated_and_no_other(cumbria, somerset):
    call_command("migrate_schemas", "submissions", "0002", schema_name="cumbria", tenant=True, verbosity=0)
    assert LATEST not in recorded_migrations("cumbria")
    assert councils_behind() == ["cumbria"]

    total = Council.objects.exclude(schema_name="public").count()
    assert f"1 of {total} councils were behind" in migrate_councils()
    assert recorded_migrations("cumbria") == code_migrations() == recorded_migrations("somerset")
    with connection.cursor() as cursor:  # the migration really ran: its column is there again
        cursor.execute(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'cumbria' "
            "AND table_name = 'submissions_formsubmission' AND column_name = 'access_request_id'"
        )
        assert cursor.fetchone()[0] == 1
