"""The access log and the history releases are append-only: the database refuses UPDATE and DELETE."""

from django.db import migrations

from audit.triggers import APPEND_ONLY_FUNCTION, append_only_sql

TABLES = ["audit_accessevent", "audit_historyrelease"]


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_access_log")]

    operations = [
        migrations.RunSQL(
            APPEND_ONLY_FUNCTION + "\n".join(append_only_sql(table) for table in TABLES),
            "\n".join(f'DROP TRIGGER IF EXISTS audit_append_only ON "{t}";' for t in TABLES)
            + "\nDROP FUNCTION IF EXISTS audit_refuse_change();",
        ),
    ]
