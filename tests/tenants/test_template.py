"""A new council's schema is a copy of the council template (tenants/template.py, issue
13): the copy is identical to a schema migrated from scratch (every table, column,
default, constraint and index, by name, and every migration of the council apps recorded); a template that
is missing is made, and one behind the code is noticed, before anything is copied from
it."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_exists

from tenants.template import (
    code_migrations,
    council_apps,
    recorded_migrations,
    template_behind,
    template_schema,
)

pytestmark = pytest.mark.django_db

# What a schema is made of, with its own name taken out so two schemas compare.
CATALOG = """
SELECT 'column', table_name, column_name,
       concat_ws(' ', data_type, character_maximum_length, is_nullable, replace(column_default, %(s)s || '.', ''))
  FROM information_schema.columns WHERE table_schema = %(s)s
UNION ALL
SELECT 'constraint', r.relname, c.conname, replace(pg_get_constraintdef(c.oid), %(s)s || '.', '')
  FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = c.connamespace
 WHERE n.nspname = %(s)s
UNION ALL
SELECT 'index', tablename, indexname, replace(indexdef, %(s)s || '.', '') FROM pg_indexes WHERE schemaname = %(s)s
UNION ALL
SELECT 'relation', c.relkind::text, c.relname, '' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = %(s)s AND c.relkind <> 'i'
UNION ALL
SELECT 'trigger', event_object_table, trigger_name, action_statement FROM information_schema.triggers
 WHERE trigger_schema = %(s)s
UNION ALL
SELECT 'migration', app, name, '' FROM {schema}.django_migrations WHERE app = ANY(%(apps)s)
"""


def catalog(schema: str) -> set[tuple[str, str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(CATALOG.replace("{schema}", f'"{schema}"'), {"s": schema, "apps": sorted(council_apps())})
        return set(cursor.fetchall())


def create_council(slug: str) -> None:
    call_command(
        "create_council",
        f"--name=Council {slug}",
        f"--slug={slug}",
        f"--domain={slug}.localhost",
        f"--admin-email=admin@{slug}.localhost",
        stdout=StringIO(),
    )


def test_a_copied_council_is_identical_to_a_migrated_one(settings):
    settings.TENANT_CREATION_FAKES_MIGRATIONS = False
    create_council("migrated")
    settings.TENANT_CREATION_FAKES_MIGRATIONS = True
    create_council("copied")

    migrated, copied = catalog("migrated"), catalog("copied")
    assert len(migrated) > 500  # the whole schema, not an empty one
    assert copied - migrated == set() and migrated - copied == set()
    # The names the models give their constraints survive the copy (django-tenants' clone
    # gives PostgreSQL's defaults: a later migration dropping one by name would fail).
    names = {(kind, table, name) for kind, table, name, _ in copied}
    assert ("constraint", "casework_milestone", "one_milestone_per_step") in names
    assert ("constraint", "submissions_formdraft", "form_draft_child_or_request") in names

    # The copy is a working schema: its identity columns count on from the rows copied.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO copied.django_migrations (app, name, applied) VALUES ('x', 'y', now()) RETURNING id"
        )
        (new_id,) = cursor.fetchone()
        cursor.execute("SELECT max(id) FROM copied.django_migrations WHERE app <> 'x'")
        assert new_id > cursor.fetchone()[0]


def test_a_missing_template_is_made_and_one_behind_the_code_is_noticed():
    template = template_schema()
    assert template == "council_template"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{template}" CASCADE')
    assert template_behind(template) == code_migrations()

    create_council("after-drop")
    assert schema_exists(template) and template_behind(template) == set()
    assert recorded_migrations("after_drop") == recorded_migrations(template) == code_migrations()

    # A migration the code has and the template has not recorded: it is behind.
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{template}".django_migrations WHERE app = %s AND name = %s',  # noqa: S608
            ["submissions", "0003_form_for_a_waiting_access_request"],
        )
    assert template_behind(template) == {("submissions", "0003_form_for_a_waiting_access_request")}


def test_the_command_reports_a_current_template():
    out = StringIO()
    call_command("council_template", stdout=out)
    assert "Council template council_template: already current" in out.getvalue()
