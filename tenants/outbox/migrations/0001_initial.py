# The outbox's model, on the table casework made (casework.0001, casework.0002): a fresh
# schema gets the table from those, an existing one already has it; this only records
# the model in the outbox's state.

import django.contrib.postgres.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("casework", "0002_outbound_email_next_attempt_at"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutboundEmail",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("to", django.contrib.postgres.fields.ArrayField(base_field=models.EmailField(max_length=254), size=None)),
                        ("from_address", models.CharField(max_length=320)),
                        ("subject", models.CharField(max_length=200)),
                        ("body", models.TextField()),
                        ("status", models.CharField(choices=[("queued", "Queued"), ("sent", "Sent"), ("failed", "Failed")], default="queued", max_length=8)),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("last_error", models.CharField(blank=True, max_length=500)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("next_attempt_at", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        "db_table": "casework_outboundemail",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [
                            models.Index(fields=["status", "created_at"], name="casework_ou_status_18f49b_idx"),
                            models.Index(fields=["status", "next_attempt_at"], name="casework_ou_status_996050_idx"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
