"""Retention: who is due and why, legal holds, anonymising a person (record, history, search
index, receipts), the figures of past months unchanged, runs that cannot clash, the access log's
keeping and the command."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from audit.models import AccessEvent
from clients.models import Client, ClientStatus, PersonName
from clients.services import merge_clients
from funds.services import attach_receipt
from outreach.models import Contact
from privacy.models import Anonymisation, LegalHold, RetentionRun, RunTrigger
from privacy.services import (
    RUN_LOCK,
    RetentionError,
    anonymise_person,
    due_people,
    place_hold,
    run_retention,
)
from privacy.tables import ANONYMISED_FIRST_NAME, REMOVED
from tests.factories import (
    ClientFactory,
    ContactFactory,
    HealthAccessFactory,
    PaymentRequestFactory,
    PlacementFactory,
    SupportPlanFactory,
)
from tests.funds.files import image

TODAY = date(2033, 6, 16)
OLD = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)  # more than six years before TODAY
RECENT = dt.datetime(2028, 3, 2, 10, 0, tzinfo=dt.UTC)


def old_person(**kwargs: Any) -> Client:
    person = ClientFactory(**kwargs)
    Client.objects.filter(pk=person.pk).update(created_at=OLD)
    ContactFactory(client=person, at=OLD, notes="Talked about his brother Jim")
    return person


def test_a_person_is_due_six_years_after_their_last_activity(db: None) -> None:
    due = old_person()
    recent = old_person()
    PlacementFactory(
        client=recent, start=date(2026, 5, 1), end=RECENT.date(), end_reason="planned_move_on"
    )

    found = {d.client_id: d for d in due_people(TODAY)}

    assert due.pk in found and recent.pk not in found
    assert found[due.pk].last_activity == OLD.date()
    assert found[due.pk].what == "contact"
    assert found[due.pk].due_on == date(2032, 3, 2)


def test_a_later_support_plan_or_payment_keeps_a_person(db: None) -> None:
    planned = old_person()
    SupportPlanFactory(client=planned, start=date(2026, 1, 1), end=date(2027, 8, 1))
    paid = old_person()
    request = PaymentRequestFactory(client=paid)
    type(request).objects.filter(pk=request.pk).update(requested_at=RECENT)

    due = {d.client_id for d in due_people(TODAY)}

    assert planned.pk not in due
    assert paid.pk not in due


def test_a_legal_hold_keeps_a_due_person_out_and_a_merged_duplicate_goes_with_its_survivor(
    db: None, coordinator: Any
) -> None:
    held = old_person()
    place_hold(held, by=coordinator, reason="Civil claim against the council")
    survivor = old_person()
    duplicate = old_person(first_name="Jimmy")
    merge_clients(duplicate, survivor, by=coordinator)
    name = survivor.full_name

    def reasons() -> list[str]:
        return [r or "" for r in duplicate.history.values_list("history_change_reason", flat=True)]

    assert any(name in r for r in reasons())  # "Merged into MARS-… (their name)"
    due = {d.client_id for d in due_people(TODAY)}

    assert held.pk not in due
    assert duplicate.pk not in due and survivor.pk in due
    run = run_retention(by=None, trigger=RunTrigger.COMMAND, today=TODAY)
    assert run.anonymised_count == 1
    duplicate.refresh_from_db()
    assert duplicate.first_name == ANONYMISED_FIRST_NAME
    assert duplicate.history.filter(first_name="Jimmy").count() == 0
    # The merge's change reason named the survivor; it goes with the rest.
    assert REMOVED in reasons() and not any(name in r for r in reasons())
    held.refresh_from_db()
    assert held.first_name != ANONYMISED_FIRST_NAME


def test_one_hold_in_force_a_person(db: None, coordinator: Any) -> None:
    person = old_person()
    place_hold(person, by=coordinator, reason="Inquiry")
    with pytest.raises(RetentionError, match="already under a legal hold"):
        place_hold(person, by=coordinator, reason="Another")
    with pytest.raises(RetentionError, match="Say why"):
        place_hold(old_person(), by=coordinator, reason="  ")
    assert LegalHold.objects.count() == 1


def test_anonymising_removes_what_identifies_from_the_record_and_its_history(
    db: None, coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    person = old_person(
        first_name="Marek", last_name="Nowak", phone="07700 900123", aliases=["Big Mark"]
    )
    contact = Contact.objects.get(client=person)
    contact.notes = "Marek said his sister lives in Leeds"
    contact.save()  # a second history row holding the notes
    HealthAccessFactory(client=person, date=OLD.date(), notes="Seen at A&E for a cut hand")
    request = PaymentRequestFactory(client=person, purpose="Boots for Marek")
    PaymentRequestFactory._meta.model.objects.filter(pk=request.pk).update(requested_at=OLD)
    receipt = attach_receipt(request, io.BytesIO(image()), kind="receipt", by=coordinator)
    stored = receipt.file.name
    assert receipt.file.storage.exists(stored)

    with django_capture_on_commit_callbacks(execute=True):
        run = run_retention(by=None, trigger=RunTrigger.SCHEDULE, today=TODAY)

    assert run.anonymised_count == 1
    person.refresh_from_db()
    assert person.first_name == ANONYMISED_FIRST_NAME
    assert str(person) == f"Anonymised person {person.reference} ({person.reference})"
    assert person.display_name == f"Anonymised person {person.reference}"
    assert person.status == ClientStatus.LOST_CONTACT  # out of the current caseload lists
    assert (person.date_of_birth, person.phone, person.known_as) == (None, "", "")
    assert person.aliases.count() == 0
    assert not PersonName.objects.filter(client=person).exists()
    assert not Client.objects.search("Marek").exists()
    for row in person.history.all():
        assert (row.first_name, row.last_name, row.phone, row.date_of_birth) == (
            ANONYMISED_FIRST_NAME,
            person.reference,
            "",
            None,
        )
    history_text = json.dumps(
        [
            list(model.history.model.objects.values())
            for model in (Contact, type(request), type(receipt))
        ],
        default=str,
    )
    assert "Marek" not in history_text and "sister" not in history_text
    assert "Leeds" not in history_text and stored not in history_text
    assert Contact.objects.get(client=person).notes == REMOVED
    assert Contact.objects.get(client=person).bedded_down is True  # the figures' facts stay
    assert not receipt.file.storage.exists(stored)
    assert Anonymisation.objects.get(client=person).last_activity == OLD.date()
    # The run is in the access log as the system's, naming the person.
    event = AccessEvent.objects.get(what="retention: anonymised")
    assert event.user is None and event.username == "retention"
    assert event.people == [person.pk] and event.reason


def test_a_second_run_anonymises_no_one_twice(db: None) -> None:
    person = old_person()
    first = run_retention(by=None, trigger=RunTrigger.COMMAND, today=TODAY)
    again = anonymise_person(person.pk, run=first, by=None)
    second = run_retention(by=None, trigger=RunTrigger.COMMAND, today=TODAY)

    assert first.anonymised_count == 1
    assert again is None
    assert second.anonymised_count == 0
    assert Anonymisation.objects.filter(client=person).count() == 1


@contextmanager
def another_run_under_way() -> Iterator[None]:
    """Another session (a second worker, a command) holding the run lock."""
    params = connection.get_connection_params()
    wanted = ("dbname", "user", "host", "port", "password")
    other = psycopg.connect(**{k: v for k, v in params.items() if k in wanted}, autocommit=True)
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [RUN_LOCK])
        yield
    finally:
        # Released before the connection closes: a closed connection's backend may still hold
        # it for a moment, and the next run would find it taken.
        other.execute("SELECT pg_advisory_unlock(%s)", [RUN_LOCK])
        other.close()


def test_a_run_is_refused_while_another_is_under_way(db: None) -> None:
    old_person()
    with another_run_under_way(), pytest.raises(RetentionError, match="already under way"):
        run_retention(by=None, trigger=RunTrigger.COMMAND, today=TODAY)
    assert not Anonymisation.objects.exists()
    assert not RetentionRun.objects.exists()
    run = run_retention(by=None, trigger=RunTrigger.COMMAND, today=TODAY)
    assert run.anonymised_count == 1


def test_a_dry_run_changes_nothing_and_says_who_and_why(db: None) -> None:
    person = old_person(first_name="Dora")
    run = run_retention(by=None, trigger=RunTrigger.COMMAND, today=TODAY, dry_run=True)

    assert run.dry_run and run.people[0]["reference"] == person.reference
    person.refresh_from_db()
    assert person.first_name == "Dora"
    assert not Anonymisation.objects.exists()


def test_the_access_log_past_its_years_is_removed_and_nothing_else_may_delete_it(db: None) -> None:
    def read_at(at: dt.datetime) -> AccessEvent:
        return AccessEvent.objects.create(
            at=at, username="someone", what="person page", path="/", method="GET", people=[1]
        )

    old = read_at(dt.datetime(2031, 6, 15, 22, 59, tzinfo=dt.UTC))  # 15/06/2031 23:59 in London
    kept = read_at(dt.datetime(2031, 6, 15, 23, 0, tzinfo=dt.UTC))  # 16/06/2031 00:00

    run = run_retention(by=None, trigger=RunTrigger.SCHEDULE, today=TODAY)

    assert run.access_events_removed == 1
    assert not AccessEvent.objects.filter(pk=old.pk).exists()
    assert AccessEvent.objects.filter(pk=kept.pk).exists()


def test_the_access_log_still_refuses_other_deletes_and_every_update(db: None) -> None:
    from django.db import DatabaseError, transaction

    event = AccessEvent.objects.create(username="x", what="y", path="/", method="GET")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).update(what="changed")

    from audit.retention import allow_access_log_removal

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():  # noqa: SIM117
        with allow_access_log_removal(by=None, reason="Testing"):
            AccessEvent.objects.filter(pk=event.pk).update(what="changed")
    assert AccessEvent.objects.get(pk=event.pk).what == "y"


@pytest.mark.time_machine(dt.datetime(2033, 6, 16, 9, 0, tzinfo=dt.UTC))
def test_the_command_prints_who_would_be_anonymised_and_why(db: None) -> None:
    person = old_person()
    out = io.StringIO()
    call_command("retention", "--dry-run", stdout=out)
    assert (
        f"Would anonymise {person.reference}: last activity contact on 02/03/2026, "
        "due 02/03/2032" in out.getvalue()
    )
    assert not Anonymisation.objects.exists()


@pytest.mark.time_machine(dt.datetime(2027, 6, 16, 9, 0, tzinfo=dt.UTC))
def test_the_command_says_when_no_one_is_due(db: None) -> None:
    old_person()
    out = io.StringIO()
    call_command("retention", "--dry-run", stdout=out)
    assert "No one is due." in out.getvalue()


@pytest.mark.time_machine(dt.datetime(2033, 6, 16, 9, 0, tzinfo=dt.UTC))
def test_the_command_anonymises_and_a_second_at_once_is_refused(db: None) -> None:
    person = old_person()
    out = io.StringIO()
    call_command("retention", stdout=out)
    assert f"Anonymised {person.reference}" in out.getvalue()
    assert "1 anonymised" in out.getvalue()
    with another_run_under_way(), pytest.raises(CommandError, match="already under way"):
        call_command("retention", stdout=io.StringIO())


def test_the_monthly_task_is_scheduled(db: None) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["retention"]
    assert entry["task"] == "privacy.tasks.run_retention_schedule"


@pytest.mark.time_machine(dt.datetime(2033, 6, 16, 9, 0, tzinfo=dt.UTC))
def test_the_task_runs_the_same_service_as_the_system(db: None) -> None:
    from privacy.tasks import run_retention_schedule

    old_person()
    assert run_retention_schedule() == 1
    run = RetentionRun.objects.get()
    assert run.by is None and run.trigger == RunTrigger.SCHEDULE


def test_the_system_may_release_history_without_a_user_and_is_recorded_as_such(db: None) -> None:
    from audit.models import HistoryRelease
    from audit.retention import allow_history_changes

    person = old_person(first_name="Nina")
    with allow_history_changes(by=None, reason="Retention run"):
        Client.history.model.objects.filter(id=person.pk).update(first_name="Changed")
    release = HistoryRelease.objects.get()
    assert release.user is None and "the system" in str(release)
    assert not person.history.filter(first_name="Nina").exists()


def test_a_made_up_release_does_not_let_the_access_log_be_deleted(db: None) -> None:
    from django.db import DatabaseError, transaction

    from audit.triggers import ACCESS_LOG_RELEASE_SETTING

    event = AccessEvent.objects.create(username="x", what="y", path="/", method="GET")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, '999999', true)", [ACCESS_LOG_RELEASE_SETTING])
        AccessEvent.objects.filter(pk=event.pk).delete()
    assert AccessEvent.objects.filter(pk=event.pk).exists()
