"""Every change-history table (django-simple-history's) refuses UPDATE and DELETE unless a release
is open (audit.retention). A history table made by a later migration is guarded after migrate
(audit.triggers.keep_history_after_migrate)."""

from typing import Any

from django.db import migrations

from audit.triggers import HISTORY_TRIGGER, history_tables, keep_history


def guard(apps: Any, schema_editor: Any) -> None:
    keep_history(schema_editor.connection, apps)


def unguard(apps: Any, schema_editor: Any) -> None:
    with schema_editor.connection.cursor() as cursor:
        for table in history_tables(apps):
            cursor.execute(f'DROP TRIGGER IF EXISTS {HISTORY_TRIGGER} ON "{table}"')
        cursor.execute("DROP FUNCTION IF EXISTS audit_refuse_history_change()")


class Migration(migrations.Migration):
    # The history tables that exist today; later ones are guarded after migrate.
    dependencies = [
        ("audit", "0002_access_log_append_only"),
        ("clients", "0006_merge_person_names_and_text_limits"),
        ("outreach", "0003_limit_free_text"),
        ("accommodation", "0003_limit_free_text"),
        ("risk", "0003_limit_free_text"),
        ("funds", "0003_limit_free_text"),
        ("reporting", "0003_limit_free_text"),
    ]

    operations = [migrations.RunPython(guard, unguard)]
