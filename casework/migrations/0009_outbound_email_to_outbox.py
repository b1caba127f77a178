# The outbox became an app of its own (tenants.outbox, label "outbox"). Its table stays
# where it is (casework_outboundemail): this only takes the model out of casework's
# state; outbox.0001 takes it into the outbox's.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("casework", "0008_access_evidence_scan_status"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OutboundEmail")],
            database_operations=[],
        ),
    ]
