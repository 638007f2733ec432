"""A release may be the system's own (no user), and the access log's rows past their keeping may
be removed under a release (DELETE only; UPDATE is still refused, and so is any other DELETE)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from audit.triggers import (
    ACCESS_LOG_FUNCTION,
    ACCESS_LOG_TRIGGER_SQL,
    APPEND_ONLY_FUNCTION,
    append_only_sql,
)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_access_event_reason_and_system"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="historyrelease",
            name="user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="history_releases",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunSQL(
            ACCESS_LOG_FUNCTION + ACCESS_LOG_TRIGGER_SQL,
            APPEND_ONLY_FUNCTION
            + append_only_sql("audit_accessevent")
            + "\nDROP FUNCTION IF EXISTS audit_refuse_access_log_change();",
        ),
    ]
