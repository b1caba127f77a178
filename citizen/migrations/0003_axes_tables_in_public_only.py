"""Sign-in failures are counted once for the whole platform (issue 18): django-axes left
the council schemas for the public one. A council schema that still had axes' tables
would shadow the public ones on its search_path, so they go, with their migration rows.

Runs in council schemas only (citizen is a tenant app). The schema is named explicitly:
an unqualified DROP in a council created after this change would find the public
tables through the search path."""

from django.db import migrations

DROP_COUNCIL_AXES_TABLES = """
DO $$
DECLARE
    council text := current_schema();
BEGIN
    IF council <> 'public' THEN
        EXECUTE format(
            'DROP TABLE IF EXISTS %1$I.axes_accessattemptexpiration, %1$I.axes_accessattempt, '
            '%1$I.axes_accessfailurelog, %1$I.axes_accesslog CASCADE',
            council
        );
        EXECUTE format('DELETE FROM %I.django_migrations WHERE app = %L', council, 'axes');
    END IF;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("citizen", "0002_password_expiry_warning")]

    operations = [migrations.RunSQL(DROP_COUNCIL_AXES_TABLES, reverse_sql=migrations.RunSQL.noop)]
