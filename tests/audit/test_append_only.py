"""The database refuses to change the record: the access log never, the change history only
through an explicit release that is itself recorded."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AccessEvent, HistoryRelease
from audit.retention import ReleaseError, allow_history_changes
from audit.triggers import HISTORY_TRIGGER, existing_tables, tables_with_history_trigger
from clients.models import Client
from mars.roles import Role

pytestmark = pytest.mark.django_db


def run(sql: str, params: list[object] | None = None) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.rowcount


@pytest.fixture
def event(coordinator, sam):
    return AccessEvent.objects.create(
        user=coordinator, username="coordinator", people=[sam.pk], what="person page", path="/"
    )


def test_the_access_log_refuses_an_update(event):
    with pytest.raises(DatabaseError, match="append-only"):
        run("UPDATE audit_accessevent SET what = 'nothing'")
    event.refresh_from_db()
    assert event.what == "person page"


def test_the_access_log_refuses_a_delete(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).delete()
    assert AccessEvent.objects.filter(pk=event.pk).exists()


def test_a_history_release_cannot_be_changed_either(coordinator):
    with allow_history_changes(by=coordinator, reason="Testing"):
        pass
    with pytest.raises(DatabaseError, match="append-only"):
        run("UPDATE audit_historyrelease SET reason = 'nothing'")


def test_every_history_table_in_the_schema_refuses_changes():
    history = {t for t in existing_tables(connection) if "_historical" in t}
    assert len(history) > 40
    assert history - tables_with_history_trigger(connection) == set()


def test_a_raw_update_or_delete_of_history_is_refused(sam):
    with pytest.raises(DatabaseError, match="change history"):
        run("UPDATE clients_historicalclient SET first_name = 'Someone' WHERE id = %s", [sam.pk])
    with pytest.raises(DatabaseError, match="change history"), transaction.atomic():
        sam.history.all().delete()
    assert sam.history.filter(first_name="Sam").exists()


def test_history_can_be_changed_inside_a_release_which_is_recorded_first(make_user, sam):
    coordinator = make_user(Role.COORDINATOR)
    with allow_history_changes(
        by=coordinator, reason="Retention: older than seven years"
    ) as release:
        assert HistoryRelease.objects.filter(pk=release.pk).exists()
        deleted, _ = sam.history.all().delete()
    assert deleted >= 1
    assert not sam.history.exists()
    assert release.user == coordinator
    assert release.reason == "Retention: older than seven years"


def test_the_release_ends_with_its_block(coordinator, sam):
    with transaction.atomic():
        with allow_history_changes(by=coordinator, reason="One correction"):
            run("UPDATE clients_historicalclient SET known_as = 'S' WHERE id = %s", [sam.pk])
        with pytest.raises(DatabaseError, match="change history"):
            run("UPDATE clients_historicalclient SET known_as = 'T' WHERE id = %s", [sam.pk])


def test_a_release_without_a_reason_is_refused(coordinator):
    with pytest.raises(ReleaseError), allow_history_changes(by=coordinator, reason="  "):
        pass
    assert not HistoryRelease.objects.exists()


def test_a_made_up_release_does_not_pass_the_trigger(sam):
    with pytest.raises(DatabaseError, match="change history"), transaction.atomic():
        run("SELECT set_config('mars.history_release', '999999', true)")
        run("DELETE FROM clients_historicalclient WHERE id = %s", [sam.pk])


@pytest.mark.django_db(transaction=True)
def test_truncate_is_not_refused_so_test_flushes_work(event):
    run("TRUNCATE audit_accessevent")
    assert not AccessEvent.objects.exists()


def test_the_trigger_is_put_on_a_history_table_that_lacks_it():
    from audit.triggers import keep_history

    run(f'DROP TRIGGER {HISTORY_TRIGGER} ON "clients_historicalagency"')
    assert keep_history(connection) == ["clients_historicalagency"]
    assert "clients_historicalagency" in tables_with_history_trigger(connection)


def test_a_person_page_still_saves_changes_with_history_kept(sam):
    sam.known_as = "Sammy"
    sam.save()
    assert Client.history.filter(id=sam.pk).count() == 2
