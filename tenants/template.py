"""The council template schema: a new council's schema is a copy of it (issue 13, "153
councils"), not a schema migrated from scratch.

With `TENANT_CREATION_FAKES_MIGRATIONS` on, `Council.create_schema` copies
`TENANT_BASE_SCHEMA` (`schema_copy`: its tables with their columns, defaults, identity,
checks, indexes and unique keys, then the foreign keys and the rows migrations wrote,
`django_migrations` included), so the new schema's migrations are recorded as applied
without running them. That is only right while the template holds every migration the
code has: a stale template would give the new council a schema missing what the newer
migrations add, with the migrations marked as done. So `Council.create_schema` calls
`template_ready()` first, which checks the template's recorded migrations against the code's in one query
and migrates the template when it is behind (or makes it when it is missing), under a
lock, so two councils provisioned at once do not both migrate it.

`make migrate` and the Helm migration job run `manage.py council_template` after the
councils' migrations, so the template is ready before anyone provisions; the check above
is the safety net, not the plan.

Why not django-tenants' own clone (its CloneSchema, a PL/pgSQL function)? It took 0.3 s
with a few councils and over 2 s with 60 (it reads the whole catalogue, every council's
tables included); and it names a unique constraint as PostgreSQL would by default
(`casework_milestone_case_id_key_key`), not as the model names it
(`one_milestone_per_step`), so a later migration that drops or changes it by name would
fail on every copied council. `schema_copy` reads only the template's own rows of the
catalogue, and `copy_names_match` gives each copied constraint and index the template's
name for the same table and definition.
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import schema_exists

logger = logging.getLogger(__name__)

LOCK = "council-template"


def template_schema() -> str | None:
    """The template's schema name, or None when councils are migrated from scratch."""
    if not getattr(settings, "TENANT_CREATION_FAKES_MIGRATIONS", False):
        return None
    return getattr(settings, "TENANT_BASE_SCHEMA", None) or None


def council_apps() -> set[str]:
    """The labels of the apps whose tables are in a council's schema (TENANT_APPS): only
    their migrations shape it. (The shared apps' migrations run there too and change
    nothing; whether they are recorded differs between a migration run inside a
    transaction and one outside, so they are not compared.)"""
    return {config.label for config in apps.get_app_configs() if config.name in settings.TENANT_APPS}


def code_migrations() -> set[tuple[str, str]]:
    """The council apps' migrations the code has, as (app, name)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    wanted = council_apps()
    return {node for node in loader.graph.nodes if node[0] in wanted}


def recorded_migrations(schema: str) -> set[tuple[str, str]]:
    """The council apps' migrations the schema's django_migrations says were applied."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f'"{schema}".django_migrations'])
        if not cursor.fetchone()[0]:
            return set()
        cursor.execute(
            f'SELECT app, name FROM "{schema}".django_migrations WHERE app = ANY(%s)',  # noqa: S608 (a checked name)
            [sorted(council_apps())],
        )
        return set(cursor.fetchall())


def template_behind(schema: str) -> set[tuple[str, str]]:
    """The code's migrations the template has not applied (empty: it is current)."""
    if not schema_exists(schema):
        return code_migrations()
    return code_migrations() - recorded_migrations(schema)


def template_migrate(schema: str, *, verbosity: int = 0) -> None:
    """Make the template schema if it is missing, and bring it up to the code's migrations."""
    connection.set_schema_to_public()  # where a council is provisioned from; migrate_schemas ends there too
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    call_command("migrate_schemas", schema_name=schema, tenant=True, interactive=False, verbosity=verbosity)


def template_ready(*, verbosity: int = 0) -> str | None:
    """The template schema, current with the code, ready to clone (None when there is no
    template: councils are then migrated from scratch). Migrates it when it is behind."""
    schema = template_schema()
    if schema is None:
        return None
    with connection.cursor() as cursor:
        # One provisioning at a time looks at (and perhaps migrates) the template.
        cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [LOCK])
    try:
        behind = template_behind(schema)
        if behind:
            logger.info("Council template %s is %d migrations behind: migrating it", schema, len(behind))
            template_migrate(schema, verbosity=verbosity)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [LOCK])
    return schema


# A constraint's or an index's name, by its table and its definition with the schema
# taken out, in one schema.
NAMES = """
SELECT 'constraint', r.relname, replace(pg_get_constraintdef(c.oid), %(schema)s || '.', ''), c.conname
  FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = c.connamespace
 WHERE n.nspname = %(schema)s
UNION ALL
SELECT 'index', i.tablename, replace(replace(i.indexdef, i.indexname, ''), %(schema)s || '.', ''), i.indexname
  FROM pg_indexes i
 WHERE i.schemaname = %(schema)s
   AND NOT EXISTS (
       SELECT 1 FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname = %(schema)s AND c.conname = i.indexname)
"""


def _names(schema: str) -> dict[tuple[str, str, str], str]:
    with connection.cursor() as cursor:
        cursor.execute(NAMES, {"schema": schema})
        return {(kind, table, definition): name for kind, table, definition, name in cursor.fetchall()}


def copy_names_match(template: str, schema: str) -> int:
    """Rename the copy's constraints and indexes to the template's names (see the module's
    docstring). Returns how many were renamed."""
    wanted = _names(template)
    renamed = 0
    with connection.cursor() as cursor:
        for (kind, table, definition), name in _names(schema).items():
            target = wanted.get((kind, table, definition))
            if target is None or target == name:
                continue
            if kind == "constraint":
                cursor.execute(f'ALTER TABLE "{schema}"."{table}" RENAME CONSTRAINT "{name}" TO "{target}"')
            else:
                cursor.execute(f'ALTER INDEX "{schema}"."{name}" RENAME TO "{target}"')
            renamed += 1
    return renamed


def schema_copy(template: str, schema: str) -> None:
    """Make `schema` a copy of `template` (see the module's docstring)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') ORDER BY c.relname",
            [template],
        )
        tables = [row[0] for row in cursor.fetchall()]
        cursor.execute(f'CREATE SCHEMA "{schema}"')
        for table in tables:
            cursor.execute(f'CREATE TABLE "{schema}"."{table}" (LIKE "{template}"."{table}" INCLUDING ALL)')
            cursor.execute(f'INSERT INTO "{schema}"."{table}" SELECT * FROM "{template}"."{table}"')  # noqa: S608
        # Identity columns count on from the rows copied (django_migrations has some).
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = %s AND is_identity = 'YES'",
            [schema],
        )
        for table, column in cursor.fetchall():
            cursor.execute(
                f'SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(max("{column}"), 0) + 1, false) '  # noqa: S608
                f'FROM "{schema}"."{table}"',
                [f'"{schema}"."{table}"', column],
            )
        # Foreign keys last: rows are in, and a key to a table copied later finds it.
        cursor.execute(
            "SELECT r.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace "
            "WHERE n.nspname = %s AND c.contype = 'f' ORDER BY r.relname, c.conname",
            [template],
        )
        for table, name, definition in cursor.fetchall():
            definition = definition.replace(f"REFERENCES {template}.", f'REFERENCES "{schema}".')
            cursor.execute(f'ALTER TABLE "{schema}"."{table}" ADD CONSTRAINT "{name}" {definition}')
    copy_names_match(template, schema)
