"""The database's own refusal to change the record: the access log is never updated or deleted,
and the change history (every django-simple-history table) only through an explicit release
(audit.retention), which is itself recorded first.

TRUNCATE is not refused (row triggers do not fire on it): the tests' flush uses it, and emptying
a table wholesale is not something the application does.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, connections

# The transaction-local setting that audit.retention sets to the id of its HistoryRelease row.
RELEASE_SETTING = "mars.history_release"

APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

HISTORY_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_refuse_history_change() RETURNS trigger AS $$
DECLARE
    release text := current_setting('{RELEASE_SETTING}', true);
BEGIN
    IF release IS NOT NULL AND release ~ '^[0-9]+$' AND EXISTS (
        SELECT 1 FROM audit_historyrelease WHERE id = release::bigint
    ) THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'change history (%) is kept: % refused without a release', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

HISTORY_TRIGGER = "audit_history_kept"

# The transaction-local setting that audit.retention sets to the id of its HistoryRelease row when
# access log rows past their keeping (ACCESS_LOG_YEARS) are removed: DELETE only, never UPDATE.
ACCESS_LOG_RELEASE_SETTING = "mars.access_log_release"

ACCESS_LOG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_refuse_access_log_change() RETURNS trigger AS $$
DECLARE
    release text := current_setting('{ACCESS_LOG_RELEASE_SETTING}', true);
BEGIN
    IF TG_OP = 'DELETE' AND release IS NOT NULL AND release ~ '^[0-9]+$' AND EXISTS (
        SELECT 1 FROM audit_historyrelease WHERE id = release::bigint
    ) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

ACCESS_LOG_TRIGGER_SQL = (
    'DROP TRIGGER IF EXISTS audit_append_only ON "audit_accessevent";\n'
    'CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON "audit_accessevent" '
    "FOR EACH ROW EXECUTE FUNCTION audit_refuse_access_log_change();"
)


def append_only_sql(table: str) -> str:
    return (
        f'DROP TRIGGER IF EXISTS audit_append_only ON "{table}";\n'
        f'CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON "{table}" '
        "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();"
    )


def history_trigger_sql(table: str) -> str:
    return (
        f'DROP TRIGGER IF EXISTS {HISTORY_TRIGGER} ON "{table}";\n'
        f'CREATE TRIGGER {HISTORY_TRIGGER} BEFORE UPDATE OR DELETE ON "{table}" '
        "FOR EACH ROW EXECUTE FUNCTION audit_refuse_history_change();"
    )


def history_tables(apps: Any = global_apps) -> list[str]:
    """The tables of django-simple-history's models (and of their many-to-many rows), from an app
    registry: the project's, or a migration's."""
    tables = []
    for model in apps.get_models(include_auto_created=True):
        if model.__name__.startswith("Historical") or (
            model._meta.auto_created
            and getattr(model._meta.auto_created, "__name__", "").startswith("Historical")
        ):
            tables.append(model._meta.db_table)
    return sorted(set(tables))


def tables_with_history_trigger(connection: Any) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
               WHERE t.tgname = %s AND NOT t.tgisinternal""",
            [HISTORY_TRIGGER],
        )
        return {row[0] for row in cursor.fetchall()}


def existing_tables(connection: Any) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def keep_history(connection: Any, apps: Any = global_apps) -> list[str]:
    """Put the trigger on every history table that lacks it; return the tables it was put on."""
    present = existing_tables(connection)
    guarded = tables_with_history_trigger(connection)
    missing = [t for t in history_tables(apps) if t in present and t not in guarded]
    if missing:
        with connection.cursor() as cursor:
            cursor.execute(HISTORY_FUNCTION)
            for table in missing:
                cursor.execute(history_trigger_sql(table))
    return missing


def keep_history_after_migrate(
    sender: Any, using: str = DEFAULT_DB_ALIAS, apps: Any = global_apps, **kwargs: Any
) -> None:
    """post_migrate: a history table added by a later migration is guarded as soon as it exists."""
    if sender.label == "audit":
        keep_history(connections[using], apps)
