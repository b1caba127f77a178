"""pg_trgm in the public schema, once for the whole database: every council's schema has
public on its search path, so the councils' trigram indexes on children's names
(casework 0012) find its operator classes there (issue 13, search in a Kent-sized
caseload). Installed here, a shared app's migration, so that it is never made inside
the first council's schema and hidden from the others."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tenants", "0008_council_privacy_notice_url")]

    operations = [
        migrations.RunSQL(
            "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public",
            reverse_sql=migrations.RunSQL.noop,
        )
    ]
