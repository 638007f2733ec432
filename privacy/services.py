"""Retention that runs itself: who is due, legal holds, anonymising a person (their records and
the history of those records), removing the access log past its keeping, and the runs that do it.

The monthly beat task, `manage.py retention` and the coordinator's page all call `run_retention`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Case, F, Max, Value, When
from django.utils import timezone

from audit.models import AccessEvent
from audit.retention import allow_access_log_removal, allow_history_changes
from clients.models import Client, ClientAlias, ClientStatus, PersonName
from mars.dates import day_start, local_date
from mars.records import Refusal, save_record
from privacy.models import Anonymisation, LegalHold, RetentionRun, RunTrigger
from privacy.tables import (
    ACTIVITY,
    ANONYMISED_FIRST_NAME,
    CLIENT_CLEARED,
    CLIENT_ERASED,
    ERASED,
    REMOVED,
    Activity,
)

# The advisory lock a run holds while it works: two runs at once cannot clash.
RUN_LOCK = 0x5245_5445  # "RETE"
SYSTEM_USERNAME = "retention"


class RetentionError(Refusal):
    """A retention step the rules refuse (a hold in force, already anonymised, a run under way)."""


def add_years(day: date, years: int) -> date:
    """The same day `years` on (29 February becomes 28 February in a year that lacks it)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def retention_years() -> int:
    return int(settings.RETENTION_YEARS)


def access_log_years() -> int:
    return int(settings.ACCESS_LOG_YEARS)


# --- Who is due --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """A person and why they are (or would be) anonymised: last activity, and when it ran out."""

    client_id: int
    reference: str
    last_activity: date
    what: str
    due_on: date

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.client_id,
            "reference": self.reference,
            "last_activity": self.last_activity.isoformat(),
            "what": self.what,
            "due_on": self.due_on.isoformat(),
        }


def _field_at(model: type[models.Model], path: str) -> models.Field[Any, Any]:
    field: Any = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        if field.is_relation:
            model = field.related_model
    return field


def last_activities(people: models.QuerySet[Client], today: date) -> dict[int, tuple[date, str]]:
    """Each person's latest dated record (not after today) and what it was: one grouped query per
    date field of the ACTIVITY table, whatever the number of people."""
    latest: dict[int, tuple[date, str]] = {}
    end_of_today = day_start(today + timedelta(days=1))
    for activity in ACTIVITY:
        model = apps.get_model(activity.model)
        for name in activity.dates:
            is_instant = isinstance(_field_at(model, name), models.DateTimeField)
            bound = {f"{name}__lt": end_of_today} if is_instant else {f"{name}__lte": today}
            rows = (
                model._default_manager.filter(**{f"{activity.person}__in": people.values("pk")})
                .filter(**bound)
                .values(activity.person)
                .annotate(latest=Max(name))
                .values_list(activity.person, "latest")
                .order_by()
            )
            for person_id, value in rows:
                day = local_date(value) if isinstance(value, datetime) else value
                if person_id not in latest or day > latest[person_id][0]:
                    latest[person_id] = (day, _what(activity, model, name))
    return latest


def _what(activity: Activity, model: type[models.Model], name: str) -> str:
    """What a date names: the record kind, and the field for a later date ("placement (end)")."""
    if len(activity.dates) > 1 and name != activity.dates[0]:
        return f"{activity.what} ({_field_at(model, name).verbose_name})"
    return activity.what


def candidates() -> models.QuerySet[Client]:
    """People retention may anonymise: not merged away (a duplicate goes with its survivor), not
    already anonymised, not under a legal hold in force."""
    return (
        Client.objects.active()
        .filter(anonymisation__isnull=True)
        .exclude(pk__in=LegalHold.objects.in_force().values("client_id"))
    )


def reckon(people: models.QuerySet[Client], today: date) -> list[Due]:
    """Each of these people with their last activity and the day retention runs out for them."""
    references = dict(people.values_list("pk", "reference"))
    years = retention_years()
    found = last_activities(people, today)
    return sorted(
        (
            Due(pk, references[pk], last, what, add_years(last, years))
            for pk, (last, what) in found.items()
            if pk in references
        ),
        key=lambda due: (due.last_activity, due.reference),
    )


def due_people(today: date) -> list[Due]:
    """Who the next run anonymises: last activity + RETENTION_YEARS before today."""
    return [due for due in reckon(candidates(), today) if due.due_on < today]


def held_but_due(today: date) -> set[int]:
    """People under a hold in force whose records are old enough that the hold keeps them."""
    held = Client.objects.active().filter(
        anonymisation__isnull=True, pk__in=LegalHold.objects.in_force().values("client_id")
    )
    return {due.client_id for due in reckon(held, today) if due.due_on < today}


# --- Legal holds -------------------------------------------------------------------------------


@transaction.atomic
def place_hold(client: Client, *, by: User, reason: str) -> LegalHold:
    """Keep a person out of retention.

    Rules: a reason is required; one hold in force a person (two coordinators at once get one);
    an anonymised person has nothing left to hold.
    """
    person = Client.objects.select_for_update().get(pk=client.pk)
    if not reason.strip():
        raise RetentionError("Say why the records must be kept.", field="reason")
    if person.is_merged:
        raise RetentionError(
            f"{person.reference} has been merged into another record: place the hold there."
        )
    if Anonymisation.objects.filter(client=person).exists():
        raise RetentionError(f"{person.reference} has already been anonymised.")
    if LegalHold.objects.in_force().filter(client=person).exists():
        raise RetentionError(f"{person.reference} is already under a legal hold.")
    hold = LegalHold(client=person, reason=reason.strip(), placed_by=by)
    try:
        with transaction.atomic():
            return save_record(hold, by=by, reason="Legal hold placed")
    except IntegrityError as error:
        raise RetentionError(f"{person.reference} is already under a legal hold.") from error


@transaction.atomic
def lift_hold(hold: LegalHold, *, by: User, reason: str) -> LegalHold:
    """Let retention take its course for the person again. Rules: a reason is required; a hold is
    lifted once."""
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if not reason.strip():
        raise RetentionError("Say why the hold is lifted.", field="lift_reason")
    if not hold.in_force:
        raise RetentionError("This hold has already been lifted.")
    hold.lifted_on = timezone.now()
    hold.lifted_by = by
    hold.lift_reason = reason.strip()
    return save_record(hold, by=by, reason="Legal hold lifted")


# --- Anonymising one person --------------------------------------------------------------------


def _removed(name: str) -> Case:
    """The field's text replaced by REMOVED; a field that was empty stays empty (so the record's
    own rules, such as "a returned plan has a comment", still hold)."""
    return Case(
        When(**{name: ""}, then=Value("")), default=Value(REMOVED), output_field=models.TextField()
    )


# Change reasons may name the person ("Merged into MARS-000001 (Daniel Price)") or quote what a
# worker typed (a break-glass reason): on the person's records' history they go too.
REASON_REMOVED = Case(
    When(history_change_reason__isnull=True, then=Value(None)),
    When(history_change_reason="", then=Value("")),
    default=Value(REMOVED),
    output_field=models.CharField(),
)


def _with_duplicates(person_id: int) -> list[int]:
    """The person and every record merged into them (and into those), which go with them."""
    found = [person_id]
    frontier = [person_id]
    while frontier:
        frontier = list(
            Client.objects.filter(merged_into_id__in=frontier).values_list("pk", flat=True)
        )
        found += frontier
    return found


def _erase_person(people: list[int]) -> None:
    cleared: dict[str, Any] = {
        "first_name": ANONYMISED_FIRST_NAME,
        "last_name": F("reference"),
        **{name: "" for name in CLIENT_ERASED if name not in ("first_name", "last_name")},
        **CLIENT_CLEARED,
    }
    # Six years and more without activity: no longer anyone's current case (the dead stay so).
    Client.objects.filter(pk__in=people).exclude(status=ClientStatus.DECEASED).update(
        status=ClientStatus.LOST_CONTACT
    )
    Client.objects.filter(pk__in=people).update(**cleared)
    Client.history.model.objects.filter(id__in=people).update(
        **cleared, history_change_reason=REASON_REMOVED
    )
    PersonName.objects.filter(client_id__in=people).delete()
    # Deleting writes each alias's last row to its history, which is erased just after.
    for alias in ClientAlias.objects.filter(client_id__in=people):
        alias.delete()
    ClientAlias.history.model.objects.filter(client_id__in=people).update(
        name=REMOVED, history_change_reason=REASON_REMOVED
    )


def _erase_records(people: list[int]) -> list[tuple[Any, str]]:
    """Blank the ERASED fields of the people's records and of those records' history; return the
    stored files to delete (storage, name). A few queries a model, however many records."""
    ids: dict[str, set[int]] = {"clients.Client": set(people)}
    files: list[tuple[Any, str]] = []
    for entry in ERASED:
        model = apps.get_model(entry.model)
        history = model.history.model  # type: ignore[attr-defined]
        found: set[int] = set()
        for via in entry.via:
            parent = model._meta.get_field(via).related_model._meta.label  # type: ignore[union-attr]
            parent_ids = ids.get(parent, set())
            if parent_ids:
                lookup = {f"{via}_id__in": parent_ids}
                found |= set(model._default_manager.filter(**lookup).values_list("pk", flat=True))
                found |= set(history.objects.filter(**lookup).values_list("id", flat=True))
        ids[entry.model] = found
        if not found:
            continue
        for name in entry.files:
            storage = model._meta.get_field(name).storage  # type: ignore[attr-defined]
            for rows in (
                model._default_manager.filter(pk__in=found),
                history.objects.filter(id__in=found),
            ):
                stored = rows.exclude(**{name: ""}).values_list(name, flat=True)
                files += [(storage, n) for n in stored]
        changes: dict[str, Any] = {name: _removed(name) for name in entry.fields}
        changes.update({name: "" for name in entry.files})
        model._default_manager.filter(pk__in=found).update(**changes)
        history.objects.filter(id__in=found).update(**changes, history_change_reason=REASON_REMOVED)
    return files


def _delete_files(files: list[tuple[Any, str]]) -> None:
    for storage, name in set(files):
        storage.delete(name)


def check_can_anonymise(person: Client) -> None:
    """Rules: a merged duplicate goes with its survivor, not alone; a legal hold in force keeps a
    person; a person is anonymised once."""
    if Anonymisation.objects.filter(client=person).exists():
        raise RetentionError(f"{person.reference} has already been anonymised.")
    if person.is_merged:
        raise RetentionError(f"{person.reference} was merged into another record and goes with it.")
    if LegalHold.objects.in_force().filter(client=person).exists():
        raise RetentionError(
            f"{person.reference} is under a legal hold: lift it first if it is no longer needed."
        )


@transaction.atomic
def anonymise_person(client_id: int, *, run: RetentionRun, by: User | None) -> Anonymisation | None:
    """Remove what identifies a person from their records and those records' history.

    Rules: one transaction, the person's row locked; a person already anonymised is left alone
    (None: two runs at once cannot anonymise twice); a merged duplicate is anonymised with its
    survivor, not alone; a legal hold in force refuses. Names, aliases, date of birth, phone, the
    search index, free text (privacy.tables.ERASED) and uploaded receipts go; structured facts
    (dates, kinds, outcomes, gender, nationality) stay, so past figures do not change.
    """
    person = Client.objects.select_for_update().get(pk=client_id)
    if Anonymisation.objects.filter(client=person).exists():
        return None
    check_can_anonymise(person)
    last = last_activities(Client.objects.filter(pk=person.pk), run.as_of).get(person.pk)
    people = _with_duplicates(person.pk)
    reason = f"Retention run {run.pk}: {person.reference} anonymised ({run.reason})"
    with allow_history_changes(by=by, reason=reason):
        _erase_person(people)
        files = _erase_records(people)
    # The files go only once the anonymisation is committed: a rollback keeps them.
    transaction.on_commit(lambda: _delete_files(files))
    return Anonymisation.objects.create(
        client=person,
        run=run,
        last_activity=last[0] if last else None,
        what=last[1] if last else "",
    )


# --- The access log's keeping ------------------------------------------------------------------


def remove_old_access_log(*, by: User | None, today: date) -> int:
    """Delete access log rows older than ACCESS_LOG_YEARS: the only path past its trigger."""
    cutoff = day_start(add_years(today, -access_log_years()))
    old = AccessEvent.objects.filter(at__lt=cutoff)
    if not old.exists():
        return 0
    reason = f"Access log rows before {cutoff:%d/%m/%Y} are past their {access_log_years()} years"
    with allow_access_log_removal(by=by, reason=reason):
        removed, _ = old.delete()
    return removed


# --- Runs --------------------------------------------------------------------------------------


@contextmanager
def _claimed() -> Iterator[None]:
    """Hold the run lock (session-wide, so it outlives each person's transaction), or refuse."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [RUN_LOCK])
        claimed = cursor.fetchone()[0]
    if not claimed:
        raise RetentionError(
            "A retention run is already under way; try again when it has finished."
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [RUN_LOCK])


def _log(run: RetentionRun, people: list[int], what: str, summary: str) -> None:
    """The run's own row in the access log: the system's (no user) unless someone ran it."""
    AccessEvent.objects.create(
        user=run.by,
        username=run.by.username if run.by else SYSTEM_USERNAME,
        people=people,
        what=what,
        path=f"retention run {run.pk}",
        method=run.get_trigger_display()[:10],
        reason=summary[:500],
    )


def run_retention(
    *,
    by: User | None,
    trigger: RunTrigger,
    today: date | None = None,
    dry_run: bool = False,
    only: Client | None = None,
    reason: str = "",
) -> RetentionRun:
    """Run the retention schedule (or, with `only`, anonymise one person now).

    Rules: one run at a time (a second is refused); a dry run changes nothing but is recorded;
    each person in their own transaction, so one refusal does not undo the others; the access log
    past ACCESS_LOG_YEARS is removed by a full run; the run writes what it did to the access log.
    """
    today = today or timezone.localdate()
    if only is not None and not reason.strip():
        raise RetentionError("Say why this person is anonymised now.", field="reason")
    with _claimed():
        run = RetentionRun.objects.create(
            by=by,
            trigger=trigger,
            dry_run=dry_run,
            as_of=today,
            only=only,
            reason=(
                reason.strip()
                or f"Last activity more than {retention_years()} years before {today:%d/%m/%Y}"
            )[:500],
        )
        if only is None:
            due = due_people(today)
        else:
            due = reckon(Client.objects.filter(pk=only.pk), today)
        if dry_run:
            run.people = [d.as_json() for d in due]
            run.finished_at = timezone.now()
            run.save()
            _log(run, [d.client_id for d in due], "retention dry run", f"{len(due)} people due")
            return run
        done: list[dict[str, Any]] = []
        for d in due:
            try:
                anonymised = anonymise_person(d.client_id, run=run, by=by)
            except RetentionError as refusal:
                done.append({**d.as_json(), "refused": str(refusal)})
                continue
            if anonymised is not None:
                done.append(d.as_json())
        removed = 0 if only is not None else remove_old_access_log(by=by, today=today)
        anonymised_ids = [p["id"] for p in done if "refused" not in p]
        run.people = done
        run.anonymised_count = len(anonymised_ids)
        run.access_events_removed = removed
        run.finished_at = timezone.now()
        run.save()
        _log(
            run,
            anonymised_ids,
            "retention: anonymised",
            f"{run.reason}: {len(anonymised_ids)} anonymised; {removed} access log rows older "
            f"than {access_log_years()} years removed",
        )
        return run
