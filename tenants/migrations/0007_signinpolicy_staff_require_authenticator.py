from django.db import migrations, models

HELP = (
    "SEND team members verify with an authenticator app (or one of their backup codes), "
    "not a code by email. Families can always use the emailed code."
)


class Migration(migrations.Migration):
    """Councils that exist keep the emailed code for staff (added off, so nobody is sent
    to set up an app mid-shift by a deploy); a council created from now on has it on."""

    dependencies = [
        ("tenants", "0006_form_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="signinpolicy",
            name="staff_require_authenticator",
            field=models.BooleanField(
                default=False, help_text=HELP, verbose_name="Staff must use an authenticator app"
            ),
        ),
        migrations.AlterField(
            model_name="signinpolicy",
            name="staff_require_authenticator",
            field=models.BooleanField(default=True, help_text=HELP, verbose_name="Staff must use an authenticator app"),
        ),
    ]
