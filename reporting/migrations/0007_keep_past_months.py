"""Past months' figures kept, and the triggers that forget them when their records change."""

import django.utils.timezone
from django.db import migrations, models

from reporting.kept import install_sql, remove_sql


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0006_rsdf_return"),
        # The tables the triggers watch.
        ("outreach", "0005_needs_observed_without_public_funds"),
        ("accommodation", "0003_limit_free_text"),
        ("clients", "0014_nationality_country_discharges"),
    ]

    operations = [
        migrations.CreateModel(
            name="KeptMonth",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField(help_text="The month's first day.", unique=True)),
                ("figures", models.JSONField()),
                ("kept_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "ordering": ["month"],
            },
        ),
        migrations.RunSQL(install_sql(), remove_sql()),
    ]
