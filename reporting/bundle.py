"""The mars-bundle/1 file (../shared/DESIGN.md): importing a team's records, exporting ours.

An import is all-or-nothing: every problem in the file is listed as `path: message` and nothing is
written. Records are matched on their keys (agencies and properties by key, units by name within
their property, people by their ref, the rest by who, what and when), so importing the same file
again changes nothing. Two imports at once take turns.
"""

from __future__ import annotations

import codecs
import io
import json
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

import ijson
import psycopg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from accommodation.models import (
    EndReason,
    Placement,
    Property,
    PropertyType,
    Unavailability,
    Unit,
    UnitKind,
)
from accommodation.services import (
    AccommodationError,
    check_stay_dates,
    status_from_placements,
    unit_kind_for,
)
from clients import countries
from clients import services as client_services
from clients.consent import (
    Consent,
    ConsentHow,
    ConsentOutcome,
    SharingScope,
    default_review_by,
)
from clients.models import (
    PERSON_FIELDS,
    Agency,
    AgencyKind,
    Client,
    ClientAlias,
    ClientStatus,
    Discharge,
    DischargeEvidence,
    DischargeKind,
    Ethnicity,
    Gender,
    HealthAccess,
    HealthAccessKind,
    PersonName,
    PolicyApplies,
    PublicFunds,
    SupportNeed,
    SupportPlan,
    YesNoUnknown,
    name_rows,
)
from mars import input_guards, reads
from mars.access import AnyUser
from mars.dates import NoSuchLocalTime, local_date, local_instant, uk_date
from mars.records import Refusal, note_change
from outreach.models import (
    Contact,
    ContactKind,
    Engagement,
    Intervention,
    InterventionKind,
    InterventionOutcome,
    Verification,
)

FORMAT = "mars-bundle/1"
SECTIONS = [
    "agencies",
    "properties",
    "clients",
    "consents",
    "contacts",
    "placements",
    "interventions",
    "support_plans",
    "health_access",
    "discharges",
]
# A nationality the file says is not known (stored as no code).
NOT_KNOWN = "not_known"
# The support need older bundles held for what is now the person's access to public funds.
OLD_NO_RECOURSE_NEED = "no_recourse_to_public_funds"
REASON = "Imported from a bundle"
IMPORT_ACCOUNT = "mars-import"
# Any constant: a key for the advisory lock that makes two imports take turns.
IMPORT_LOCK = 7_240_301


class BundleError(Exception):
    """A bundle that cannot be imported, with every problem found as `path: message`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ImportSummary:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    # New people who may be someone already here (the same matching as "Add a person").
    possible_duplicates: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"{section}: {self.created[section]} new, {self.updated[section]} changed, "
            f"{self.unchanged[section]} unchanged"
            for section in SECTIONS
            if self.created[section] or self.updated[section] or self.unchanged[section]
        ] + self.possible_duplicates

    @property
    def changed_anything(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))


def importer_account() -> User:
    """The account a command-line import is recorded under (it cannot sign in)."""
    user, created = get_user_model().objects.get_or_create(
        username=IMPORT_ACCOUNT,
        defaults={"first_name": "Bundle", "last_name": "import", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def parse(raw: bytes | str) -> dict[str, Any]:
    """The bundle's JSON, or a BundleError saying why it is not one."""
    try:
        # Nested too deep or holding a null character is refused, as in the API's bodies; a
        # byte-order mark (Notepad and Excel write one) is not part of the JSON.
        data = input_guards.loads(raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw)
    except ValueError as error:
        raise BundleError([f"file: not JSON ({error})"]) from error
    if not isinstance(data, dict):
        raise BundleError(["file: a bundle is a JSON object"])
    return data


# Reading fields: each reader notes a problem and returns None rather than stopping, so one pass
# finds every problem in the file.


class _Item:
    """One record of the file, read field by field; problems are collected, not raised."""

    def __init__(self, data: Any, path: str, known: set[str], problems: list[str]) -> None:
        self.path, self.problems = path, problems
        # A nationality in an older bundle's free text that names no one country (see country).
        self.free_text_nationality = ""
        self.ok = isinstance(data, dict)
        self.data: dict[str, Any] = data if self.ok else {}
        if not self.ok:
            self.problem("", "each entry is a JSON object")
        for name in sorted(set(self.data) - known):
            self.problem(name, "unknown field")

    def problem(self, name: str, message: str) -> None:
        self.ok = False
        self.problems.append(f"{self.path}{'.' + name if name else ''}: {message}")

    def refused(self, error: Refusal) -> None:
        """A service's rule refused this record: its message, at the field it names."""
        self.problem(error.field or "", str(error))

    def given(self, name: str) -> bool:
        return name in self.data

    def raw(self, name: str, *, required: bool) -> Any:
        value = self.data.get(name)
        if value is None and required:
            self.problem(name, "required")
        return value

    def text(self, name: str, *, required: bool = False, max_length: int = 200) -> str | None:
        value = self.raw(name, required=required)
        if value is None:
            return None if required else ""
        if not isinstance(value, str):
            self.problem(name, "must be text")
            return None
        value = value.strip()
        if required and not value:
            self.problem(name, "required")
            return None
        if len(value) > max_length:
            self.problem(name, f"at most {max_length} characters")
            return None
        return value

    def choice(
        self, name: str, choices: type[models.TextChoices], *, required: bool = False
    ) -> str:
        value = self.raw(name, required=required)
        if value is None or value == "":
            # An empty choice is "not recorded", as the export writes it.
            if required and value == "":
                self.problem(name, "required")
            return ""
        if value not in _values_of(choices):
            allowed = ", ".join(choices.values)
            self.problem(name, f'unknown value "{value}" (one of: {allowed})')
            return ""
        return str(value)

    def country(self, name: str) -> str | None:
        """An ISO 3166-1 alpha-2 code ("GB", "PL"), or "not_known" (stored as no code). A bundle
        written before nationalities were countries holds free text ("Polish"): it is read as
        the country it names, else kept as written (`free_text_nationality`) for the
        coordinator to fix, as the data migration did."""
        value = self.raw(name, required=False)
        if value is None:
            return None
        if not isinstance(value, str):
            self.problem(name, "must be text")
            return None
        value = value.strip()
        if value in ("", NOT_KNOWN):
            return ""
        if len(value) > 3 or not value.isalpha():
            code = countries.match(value)
            if code is None:
                self.free_text_nationality = value[:100]
            return code or ""
        if value.upper() not in countries.by_code():
            self.problem(
                name,
                f'unknown country code "{value}" (an ISO 3166-1 alpha-2 code such as GB or PL, '
                f'or "{NOT_KNOWN}")',
            )
            return None
        return value.upper()

    def boolean(self, name: str) -> bool | None:
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.problem(name, "must be true or false")
            return None
        return value

    def day(self, name: str, *, required: bool = False, unbounded: bool = False) -> date | None:
        """A date; unless unbounded (a date of birth), one the service could have recorded."""
        value = self.raw(name, required=required)
        if value is None:
            return None
        try:
            day = date.fromisoformat(value)
        except (TypeError, ValueError):
            self.problem(name, f'"{value}" is not a date (YYYY-MM-DD)')
            return None
        if not unbounded and not self._plausible(name, value, day):
            return None
        return day

    def instant(self, name: str) -> datetime | None:
        """A date and time. Without a UTC offset it is read on a London clock, as a team's
        spreadsheet writes it; a time the clocks skip or repeat is refused, never guessed."""
        value = self.raw(name, required=True)
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            self.problem(name, f'"{value}" is not a date and time (e.g. 2026-10-03T06:30:00+01:00)')
            return None
        if timezone.is_naive(moment):
            try:
                moment = local_instant(moment)
            except NoSuchLocalTime as error:
                self.problem(name, f'"{value}": {error}')
                return None
        if not self._plausible(name, value, local_date(moment)):
            return None
        return moment

    def _plausible(self, name: str, value: Any, day: date) -> bool:
        # A year typed as 1900 or 0026 would move a person's first sighting back a century.
        earliest = settings.BUNDLE_EARLIEST_DATE
        if day >= earliest:
            return True
        self.problem(
            name,
            f'"{value}" is before {uk_date(earliest)}: too early to be a record of this service '
            "(to import older history, an administrator lowers BUNDLE_EARLIEST_DATE)",
        )
        return False

    def decimal(self, name: str) -> Decimal | None:
        value = self.data.get(name)
        if value is None:
            return None
        try:
            return Decimal(str(value))
        except InvalidOperation:
            self.problem(name, f'"{value}" is not a number')
            return None

    def strings(self, name: str) -> list[str] | None:
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(name, "must be a list of text")
            return None
        return [v.strip() for v in value]


FIELDS: dict[str, set[str]] = {
    "agencies": {"key", "name", "kind", "phone", "email", "address", "active"},
    "properties": {"key", "name", "type", "address", "active", "units"},
    # A person's own fields (their key worker is a user here, not something a bundle carries).
    # consent_given_on / consent_withdrawn_on: the shape before consent was a record of its own
    # (read as a consent covering every kind of agency, as the old one was); "consents" now.
    # care_leaver is the support need of that name, given on its own as the RSDF return reads it.
    "clients": {
        "ref",
        "aliases",
        "care_leaver",
        "nationality_as_recorded",
        "consent_given_on",
        "consent_withdrawn_on",
        *PERSON_FIELDS,
    }
    - {"key_worker"},
    "consents": {
        "client",
        "outcome",
        "how",
        "scopes",
        "agencies",
        "given_on",
        "review_by",
        "withdrawn_on",
        "notes",
    },
    "contacts": {
        "client",
        "at",
        "kind",
        "bedded_down",
        "verification",
        "location",
        "latitude",
        "longitude",
        "description",
        "engagement",
        "needs_observed",
        "notes",
    },
    "placements": {
        "client",
        "property",
        "unit",
        "start",
        "planned_end",
        "end",
        "end_reason",
        "move_on_destination",
        "nightly_cost",
        "notes",
    },
    "interventions": {
        "client",
        "kind",
        "opened",
        "closed",
        "outcome",
        "outcome_notes",
        "destination",
        "local_connection_verified_by",
        "travel_arranged",
        "notes",
    },
    "support_plans": {"client", "start", "end", "review_date", "summary", "agencies"},
    "health_access": {"client", "kind", "date", "outcome", "notes"},
    "discharges": {"client", "kind", "date", "evidence", "notes"},
}


# How many records are matched against the database together (one query a section a batch) and
# written together (one INSERT, one UPDATE and their history rows a model a batch).
BATCH = 2000
# How often, in records, progress is told.
PROGRESS_EVERY = 5000
CHECKING, WRITING = "checking", "writing"


_OPENS = frozenset({"start_map", "start_array"})
_CLOSES = frozenset({"end_map", "end_array"})


class _Stream:
    """The bundle on a seekable binary file, parsed again for each section so that only one
    record is held at a time (the C parser reads a file far faster than records are checked)."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        # A byte-order mark (Notepad and Excel write one) is not part of the JSON.
        self.start = 3 if source.read(3) == codecs.BOM_UTF8 else 0

    def outline(self) -> tuple[Any, dict[str, str]]:
        """The format named, and how each top-level value begins (start_array for a list).
        Reads the whole file, so a file nested too deep anywhere is refused here, before any
        record is read whole (as `parse` refuses one)."""
        self.source.seek(self.start)
        depth, first = 0, None
        key, kinds, format_ = "", {}, None
        for prefix, event, value in ijson.parse(self.source, use_float=False):
            if event in _OPENS:
                depth += 1
                if depth > input_guards.JSON_MAX_DEPTH:
                    raise BundleError(
                        [
                            "file: not JSON (JSON is nested more than "
                            f"{input_guards.JSON_MAX_DEPTH} levels deep.)"
                        ]
                    )
            elif event in _CLOSES:
                depth -= 1
            if first is None:
                first = event
            elif first != "start_map":
                continue  # read on only to find nesting too deep, which is said first
            elif prefix == "" and event == "map_key":
                key = value
            elif prefix == key and key not in kinds:
                kinds[key] = event
                if key == "format":
                    format_ = value
        if first is None:
            raise BundleError(["file: not JSON (empty)"])
        if first != "start_map":
            raise BundleError(["file: a bundle is a JSON object"])
        return format_, kinds

    def entries(self, section: str) -> Iterator[Any]:
        self.source.seek(self.start)
        return ijson.items(self.source, f"{section}.item", use_float=False)


def _not_json(error: Exception) -> BundleError:
    return BundleError([f"file: not JSON ({error})"])


def _overlaps(start: date, end: date | None, other_start: date, other_end: date | None) -> bool:
    """Whether two stays share a day ([start, end), end None: open-ended), as
    Placement.objects.overlapping reads it."""
    return (other_end is None or other_end > start) and (end is None or other_start < end)


@dataclass
class _Stay:
    """A placement the checking pass has met (in the file or in the database), to check the
    next ones against without writing any."""

    start: date
    end: date | None
    who: str  # the person's MARS reference (or, for someone the file adds, their ref)
    where: str  # "MARS House, Room 1"
    client: int
    unit: tuple[str, str]


class _Import:
    """One pass over the file: `checking` reads every record, matches it and applies every rule
    without writing; `writing` (after a clean check) writes what is new or changed, in batches."""

    def __init__(
        self,
        stream: _Stream,
        by: User,
        *,
        stage: str,
        started: float,
        progress: Callable[[Progress], None] | None = None,
        total: int | None = None,
    ) -> None:
        self.stream, self.by, self.stage = stream, by, stage
        self.writing = stage == WRITING
        self.started, self.progress, self.total = started, progress, total
        # Each stage's rate is its own: checking reads far faster than writing writes.
        self.stage_started = time.monotonic()
        self.done = 0
        self.problems: list[str] = []
        self.summary = ImportSummary()
        self.agencies: dict[str, Agency] = {a.key: a for a in Agency.objects.all()}
        self.properties: dict[str, Property] = {p.key: p for p in Property.objects.all()}
        by_pk = {p.pk: p for p in self.properties.values()}
        self.units: dict[tuple[str, str], Unit] = {}
        for unit in Unit.objects.all():
            unit.property = by_pk[unit.property_id]
            self.units[(unit.property.key, unit.name)] = unit
        self.out_of_use: dict[int, list[Unavailability]] = {}
        for period in Unavailability.objects.all():
            self.out_of_use.setdefault(period.unit_id, []).append(period)
        # Each ref the file or the database knows, to the person's pk (None: the file lists them
        # with a problem, so their records are not reported as unknown too). While checking, a
        # person the file adds has a stand-in negative pk.
        self.refs: dict[str, int | None] = {}
        self.references: dict[int, str] = {}
        self.added = 0
        self.status_given: set[int] = set()
        self.placed: set[int] = set()
        self.follow_gp: set[int] = set()
        # Anyone here before the import whom a new person might duplicate (else none is sought).
        self.others_here = self.writing and Client.objects.active().exists()
        self.new_people: list[tuple[str, str, Client, list[str]]] = []
        # Placements met so far while checking, by unit and by person, for overlaps.
        self.stays_by_unit: dict[tuple[str, str], list[_Stay]] = {}
        self.stays_by_person: dict[int, list[_Stay]] = {}
        self.matched_stays: set[int] = set()
        self.stays_here: dict[int, _Stay] = {}
        self.unit_keys: dict[int, tuple[str, str]] = {u.pk: k for k, u in self.units.items()}
        # The batch in hand: records already here that it may match, and what it writes.
        self.people: dict[str, Client] = {}
        self.existing: dict[Any, Any] = {}
        self.pending_new: dict[type[models.Model], list[models.Model]] = {}
        self.pending_changed: dict[type[models.Model], dict[int, models.Model]] = {}
        self.changed_fields: dict[type[models.Model], set[str]] = {}
        self.new_pks: list[int] = []
        self.reindex: list[Client] = []
        self.changed = False

    def run(self) -> ImportSummary:
        try:
            format_, kinds = self.stream.outline()
        except ijson.JSONError as error:
            raise _not_json(error) from error
        if format_ != FORMAT:
            self.problems.append(f'format: must be "{FORMAT}"')
        for name in sorted(set(kinds) - {"format", *SECTIONS}):
            self.problems.append(f"{name}: unknown section")
        for section in SECTIONS:
            if section not in kinds or kinds[section] == "null":
                continue
            if kinds[section] != "start_array":
                self.problems.append(f"{section}: must be a list")
                continue
            try:
                self._section(section)
            except ijson.JSONError as error:
                raise _not_json(error) from error
        if self.problems:
            raise BundleError(self.problems)
        self._tell(final=True)
        if self.writing:
            self._after()
        return self.summary

    def _tell(self, *, final: bool = False) -> None:
        if self.progress is not None and (final or self.done % PROGRESS_EVERY == 0):
            total = self.done if final and self.total is None else self.total
            now = time.monotonic()
            self.progress(
                Progress(
                    self.stage,
                    self.done,
                    total,
                    now - self.started,
                    stage_elapsed=now - self.stage_started,
                )
            )

    def _section(self, section: str) -> None:
        reader = getattr(self, f"_{section}")
        # While checking, each record's key (a hash of it: memory stays flat), to its place.
        seen: dict[int, int] = {}
        batch: list[tuple[int, Any]] = []
        for index, entry in enumerate(self.stream.entries(section)):
            batch.append((index, entry))
            if len(batch) == BATCH:
                self._batch(section, batch, reader, seen)
                batch = []
        if batch:
            self._batch(section, batch, reader, seen)

    def _batch(
        self,
        section: str,
        batch: list[tuple[int, Any]],
        reader: Callable[[_Item], Any],
        seen: dict[int, int],
    ) -> None:
        # A record holding a null character is refused before it is matched: PostgreSQL
        # refuses the character in any query.
        nul = {index for index, entry in batch if input_guards.holds_nul(entry)}
        self._prefetch(section, [entry for index, entry in batch if index not in nul])
        for index, entry in batch:
            path = f"{section}[{index}]"
            if index in nul:
                self.problems.append(f"{path}: {input_guards.NUL_MESSAGE}")
                entry = {}
            item = _Item(entry, path, FIELDS[section], self.problems)
            key = reader(item)
            self.done += 1
            self._tell()
            if key is None or self.writing:
                continue
            # A 64-bit hash stands for the key: two different records sharing one is a chance
            # of about one in 25 million among a national bundle's 1.2 million contacts, and
            # only ever refuses a file (wrongly saying two records are the same).
            hashed = hash(key)
            if hashed in seen:
                self.problems.append(f"{path}: the same record as {section}[{seen[hashed]}]")
                continue
            seen[hashed] = index
        if self.writing:
            self._flush()

    # Matching a batch against the database: one query a kind of record.

    def _prefetch(self, section: str, entries: list[Any]) -> None:
        self.existing = {}
        field_name = "ref" if section == "clients" else "client"
        refs: set[str] = {
            e[field_name]
            for e in entries
            if isinstance(e, dict) and isinstance(e.get(field_name), str)
        }
        if section == "clients":
            self.people = {}
            found = Client.objects.active().filter(Q(external_ref__in=refs) | Q(reference__in=refs))
            for person in found.prefetch_related("aliases"):
                for ref in (person.reference, person.external_ref):
                    # Imported under the ref wins over the MARS reference (as _find_person).
                    if ref in refs and (ref not in self.people or ref == person.external_ref):
                        self.people[ref] = person
            missing = len(refs - set(self.people))
            if self.writing and missing:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT nextval(pg_get_serial_sequence('clients_client', 'id')) "
                        "FROM generate_series(1, %s)",
                        [missing],
                    )
                    # Handed out from the end: the file's order, lowest first.
                    self.new_pks = sorted((row[0] for row in cursor.fetchall()), reverse=True)
            pks = [p.pk for p in self.people.values()]
            for consent in Consent.objects.filter(client_id__in=pks, outcome=ConsentOutcome.GIVEN):
                self.existing[("consent", consent.client_id, consent.given_on, consent.outcome)] = (
                    consent
                )
            return
        self._resolve(refs - set(self.refs))
        people = [pk for pk in {self.refs.get(ref) for ref in refs} if pk is not None and pk > 0]
        model, key = _MATCHED_ON.get(section, (None, ()))
        if model is None:
            return
        records = model.objects.filter(client_id__in=people)
        if section == "contacts":
            moments = [m for m in (_rough_instant(e) for e in entries) if m is not None]
            if not moments:
                return
            low, high = min(moments) - timedelta(days=1), max(moments) + timedelta(days=1)
            records = model.objects.filter(
                Q(client_id__in=people) | Q(client__isnull=True), at__range=(low, high)
            )
        if section in ("support_plans", "consents"):
            records = records.prefetch_related("agencies")
        if section == "placements" and not self.writing:
            self._stays_here(entries, people)
        for record in records.order_by("pk"):
            self.existing.setdefault((section, *(getattr(record, name) for name in key)), record)

    def _stays_here(self, entries: list[Any], people: list[int]) -> None:
        """The placements already here that the batch's could overlap: of its units or its
        people."""
        units = [
            unit.pk
            for unit in (
                self.units.get((e["property"], e["unit"]))
                for e in entries
                if isinstance(e, dict)
                and isinstance(e.get("property"), str)
                and isinstance(e.get("unit"), str)
            )
            if unit is not None and unit.pk is not None
        ]
        self.stays_here = {}
        found = Placement.objects.filter(Q(client_id__in=people) | Q(unit_id__in=units))
        for pk, client_id, unit_id, start, end, reference in found.values_list(
            "pk", "client_id", "unit_id", "start", "end", "client__reference"
        ):
            key = self.unit_keys[unit_id]
            self.stays_here[pk] = _Stay(start, end, reference, str(self.units[key]), client_id, key)

    def _resolve(self, refs: set[str]) -> None:
        """Look up, together, the people these refs name who are here but not in the file."""
        if not refs:
            return
        found = Client.objects.active().filter(Q(external_ref__in=refs) | Q(reference__in=refs))
        for pk, external_ref, reference in found.values_list("pk", "external_ref", "reference"):
            if external_ref in refs:
                self.refs[external_ref] = pk
                self.references[pk] = reference
            if reference in refs and reference not in self.refs:
                self.refs[reference] = pk
                self.references[pk] = reference

    def _match(self, section: str, *key: Any) -> Any:
        return self.existing.get((section, *key))

    # Writing one record: validate (checking) or note it to write (writing), count it.

    def _save(
        self,
        section: str,
        item: _Item,
        record: models.Model,
        values: dict[str, Any],
        *,
        also_changed: bool = False,
        now: bool = False,
    ) -> bool:
        """Set the given values; check the record (checking) or write it when it is new or
        they (or, as the caller says, its related rows) change it (writing): at once when `now`
        (a record others in its batch hang from, or one with related rows), else with its
        batch."""
        adding = record._state.adding
        changed = adding or also_changed
        fields: set[str] = set()
        for name, value in values.items():
            if getattr(record, name) != value:
                setattr(record, name, value)
                fields.add(name)
        changed = changed or bool(fields)
        self.changed = changed
        if not item.ok:
            return False
        if not self.writing:
            try:
                # Foreign keys are the file's refs, checked above; uniqueness is what records
                # are matched on: neither needs a query a record.
                record.clean_fields(exclude=_NOT_CHECKED[type(record)])
                record.clean()
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    label = "" if name == "__all__" else name
                    for message in messages:
                        item.problem(label, message)
                return False
        if not changed:
            self.summary.unchanged[section] += 1
            return True
        (self.summary.created if adding else self.summary.updated)[section] += 1
        if not self.writing:
            return True
        model = type(record)
        if now:
            note_change(record, by=self.by, reason=REASON)
            record.save(force_insert=adding)
        elif adding:
            self.pending_new.setdefault(model, []).append(record)
        else:
            self.pending_changed.setdefault(model, {})[id(record)] = record
            self.changed_fields.setdefault(model, set()).update(fields)
        return True

    def _flush(self) -> None:
        """Write the batch: new rows and changed rows a model at a time, with their history
        (who, when, why) as each record's own save would have written it."""
        for model, records in self.pending_new.items():
            _copy_new(model, records, self.by)
        for model, changed in self.pending_changed.items():
            bulk_update_with_history(
                list(changed.values()),
                model,
                sorted(self.changed_fields[model]),
                default_user=self.by,
                default_change_reason=REASON,
            )
        self.pending_new, self.pending_changed, self.changed_fields = {}, {}, {}
        if self.reindex:
            # index_names for the batch's new and changed people, at once.
            people = {person.pk: person for person in self.reindex}
            aliases: dict[int, list[str]] = {}
            for client_id, name in ClientAlias.objects.filter(client_id__in=people).values_list(
                "client_id", "name"
            ):
                aliases.setdefault(client_id, []).append(name)
            PersonName.objects.filter(client_id__in=people).delete()
            PersonName.objects.bulk_create(
                [row for pk, p in people.items() for row in name_rows(p, aliases.get(pk, []))]
            )
            self.reindex = []

    def _after(self) -> None:
        """What a person's records leave them with, once a person: registered with a GP, their
        status from their placements, and who among the new may already be here."""
        # client_services.follow_health_access's rule, for everyone at once: a GP registration
        # on record means registered with a GP.
        pks = sorted(self.follow_gp)
        for start in range(0, len(pks), BATCH):
            registered = list(
                Client.objects.filter(
                    pk__in=pks[start : start + BATCH],
                    gp_registered=False,
                    health_access__kind=HealthAccessKind.GP_REGISTRATION,
                ).distinct()
            )
            for person in registered:
                person.gp_registered = True
            bulk_update_with_history(
                registered,
                Client,
                ["gp_registered"],
                default_user=self.by,
                default_change_reason="GP registration on record",
            )
        # accommodation.services.follow_status's rule (the status a person's placements leave
        # them with), written a batch at a time: one UPDATE a person was 60 ms with the kept
        # months' statement trigger.
        placed = sorted(self.placed - self.status_given)
        for start in range(0, len(placed), BATCH):
            moved = []
            for person in Client.objects.filter(pk__in=placed[start : start + BATCH]):
                status = status_from_placements(person)
                if status is not None and status != person.status:
                    person.status = status
                    moved.append(person)
            bulk_update_with_history(
                moved, Client, ["status"], default_user=self.by, default_change_reason=REASON
            )
        self._report_possible_duplicates()

    def _report_possible_duplicates(self) -> None:
        """Say which new people may be someone already here: imported all the same (a file is
        one team's word), for a person to check and merge."""
        new = {person.pk for _, _, person, _ in self.new_people}
        for path, ref, person, aliases in self.new_people:
            matches = [
                match
                for match in client_services.find_possible_duplicates(
                    first_name=person.first_name,
                    last_name=person.last_name,
                    known_as=person.known_as,
                    date_of_birth=person.date_of_birth,
                    aliases=aliases,
                    exclude_pk=person.pk,
                )
                if match.pk not in new
            ]
            if matches:
                self.summary.possible_duplicates.append(
                    f"{path} ({ref}, {person.full_name}, now {person.reference}) may be "
                    + ", ".join(f"{m.reference} {m.full_name}" for m in matches)
                    + ": check, and merge if so"
                )

    def _given(self, item: _Item, values: dict[str, Any]) -> dict[str, Any]:
        """Only what the file gives: a field left out keeps what the record already holds."""
        return {
            name: value for name, value in values.items() if item.given(name) and value is not None
        }

    def _client(self, item: _Item, *, required: bool = True) -> int | None:
        ref = item.raw("client", required=required)
        if ref is None:
            return None
        if not isinstance(ref, str) or ref not in self.refs:
            item.problem("client", f'unknown client ref "{ref}"')
            return None
        return self.refs[ref]

    # The sections, in the order their references need.

    def _agencies(self, item: _Item) -> Any:
        key = item.text("key", required=True, max_length=50)
        values = self._given(
            item,
            {
                "name": item.text("name", required=True),
                "kind": item.choice("kind", AgencyKind),
                "phone": item.text("phone", max_length=40),
                "email": item.text("email", max_length=254),
                "address": item.text("address", max_length=1000),
                "active": item.boolean("active"),
            },
        )
        if key is None:
            return None
        agency = self.agencies.get(key) or Agency(key=key)
        if self._save("agencies", item, agency, values, now=True):
            self.agencies[key] = agency
        return key

    def _properties(self, item: _Item) -> Any:
        key = item.text("key", required=True, max_length=60)
        values = self._given(
            item,
            {
                "name": item.text("name", required=True),
                "type": item.choice("type", PropertyType, required=True),
                "address": item.text("address", max_length=1000),
                "active": item.boolean("active"),
            },
        )
        units = self._units(item)
        if key is None:
            return None
        prop = self.properties.get(key) or Property(key=key)
        if not self._save("properties", item, prop, values, now=True):
            return key
        self.properties[key] = prop
        for index, (name, kind, active) in enumerate(units):
            unit = self.units.get((key, name)) or Unit(
                property=prop, name=name, kind=kind or unit_kind_for(prop.type)
            )
            unit_values: dict[str, Any] = {"kind": kind} if kind else {}
            if active is not None:
                unit_values["active"] = active
            unit_item = _Item({}, f"{item.path}.units[{index}]", set(), self.problems)
            if self._save("units", unit_item, unit, unit_values):
                self.units[(key, name)] = unit
        return key

    def _units(self, item: _Item) -> list[tuple[str, str, bool | None]]:
        units = item.data.get("units") or []
        if not isinstance(units, list):
            item.problem("units", "must be a list")
            return []
        found: list[tuple[str, str, bool | None]] = []
        for index, unit in enumerate(units):
            path = f"units[{index}]"
            if isinstance(unit, str) and unit.strip():
                found.append((unit.strip(), "", None))
            elif isinstance(unit, dict) and isinstance(unit.get("name"), str):
                kind = unit.get("kind") or ""
                if kind and kind not in UnitKind.values:
                    item.problem(f"{path}.kind", f'unknown value "{kind}"')
                    continue
                active = unit.get("active")
                found.append((unit["name"].strip(), kind, active if active is not None else None))
            else:
                item.problem(path, 'a unit is a name, or an object with a "name"')
        return found

    def _clients(self, item: _Item) -> Any:
        ref = item.text("ref", required=True, max_length=40)
        needs = item.strings("support_needs")
        old_no_recourse = needs is not None and OLD_NO_RECOURSE_NEED in needs
        if needs is not None:
            needs = [need for need in needs if need != OLD_NO_RECOURSE_NEED]
        for need in needs or []:
            if need not in SupportNeed.values:
                item.problem("support_needs", f'unknown value "{need}"')
        aliases = item.strings("aliases")
        values = self._given(
            item,
            {
                "first_name": item.text("first_name", required=True, max_length=100),
                "last_name": item.text("last_name", max_length=100),
                "known_as": item.text("known_as", max_length=100),
                "date_of_birth": item.day("date_of_birth", unbounded=True),
                "date_of_birth_approximate": item.boolean("date_of_birth_approximate"),
                "gender": item.choice("gender", Gender),
                "nationality": item.country("nationality"),
                "nationality_as_recorded": item.text("nationality_as_recorded", max_length=100),
                "public_funds": item.choice("public_funds", PublicFunds),
                "ethnicity": item.choice("ethnicity", Ethnicity),
                "phone": item.text("phone", max_length=40),
                "status": item.choice("status", ClientStatus),
                "local_connection": item.choice("local_connection", YesNoUnknown),
                "reconnection_policy_applies": item.choice(
                    "reconnection_policy_applies", PolicyApplies
                ),
                "primary_care_relevant": item.boolean("primary_care_relevant"),
                "gp_registered": item.boolean("gp_registered"),
                "support_needs": needs,
            },
        )
        old_given, old_withdrawn = item.day("consent_given_on"), item.day("consent_withdrawn_on")
        care_leaver = item.boolean("care_leaver")
        if care_leaver is False and SupportNeed.CARE_LEAVER in (needs or []):
            item.problem("care_leaver", 'false, but support_needs lists "care_leaver"')
        if ref is None:
            return None
        self.refs[ref] = None  # known to the file, so its records do not report it unknown
        person = self.people.get(ref)
        adding = person is None
        if person is None:
            if self.writing:
                pk = self.new_pks.pop()
            else:
                self.added += 1
                pk = -self.added
            person = Client(external_ref=ref)
            person.pk = pk
            person.reference = Client.reference_for(pk) if pk > 0 else ""
            known: set[str] = set()
        else:
            known = {alias.name.upper() for alias in person.aliases.all()}
        if values.get("nationality") and "nationality_as_recorded" not in values:
            # The free text kept until a country was set has done its job.
            values["nationality_as_recorded"] = ""
        if item.free_text_nationality and "nationality_as_recorded" not in values:
            values["nationality_as_recorded"] = item.free_text_nationality
        if old_no_recourse and "public_funds" not in values:
            values["public_funds"] = PublicFunds.NO_RECOURSE
        if care_leaver is not None or "support_needs" in values:
            values["support_needs"] = _needs(person, values.get("support_needs"), care_leaver)
        new_aliases = [
            name for name in dict.fromkeys(aliases or []) if name and name.upper() not in known
        ]
        if not self._save("clients", item, person, values, also_changed=bool(new_aliases)):
            return ref
        self.refs[ref] = person.pk
        self.references[person.pk] = person.reference or ref
        if "status" in values:
            self.status_given.add(person.pk)
        if self.writing and self.changed:
            # New or changed: the names a person is found by follow, and "registered with a GP".
            self.follow_gp.add(person.pk)
            for name in new_aliases:
                self.pending_new.setdefault(ClientAlias, []).append(
                    ClientAlias(client=person, name=name)
                )
            self.reindex.append(person)
            if adding and self.others_here:
                self.new_people.append((item.path, ref, person, list(aliases or [])))
        if old_given or old_withdrawn:
            self._old_consent(item, person, old_given, old_withdrawn)
        return ref

    def _old_consent(
        self, item: _Item, person: Client, given: date | None, withdrawn: date | None
    ) -> None:
        """The old shape's dates, as the migration moved them: a consent covering every kind
        of agency, given on the given date (or, with none, the withdrawal's)."""
        if given and withdrawn and withdrawn < given:
            item.problem("consent_withdrawn_on", "Withdrawal cannot be before consent was given.")
            return
        given_on = given or withdrawn
        assert given_on is not None
        consent = self._match("consent", person.pk, given_on, ConsentOutcome.GIVEN) or Consent(
            client=person,
            outcome=ConsentOutcome.GIVEN,
            how=ConsentHow.NOT_RECORDED,
            given_on=given_on,
            review_by=default_review_by(given_on),
            scopes=list(SharingScope.values),
            recorded_by=self.by,
        )
        values = {"withdrawn_on": withdrawn} if withdrawn else {}
        consent_item = _Item({}, item.path, set(), self.problems)
        self._save("consents", consent_item, consent, values)

    def _agency_list(self, item: _Item) -> list[Agency]:
        agencies = []
        for key in item.strings("agencies") or []:
            agency = self.agencies.get(key)
            if agency is None:
                item.problem("agencies", f'unknown agency key "{key}"')
            else:
                agencies.append(agency)
        return agencies

    def _consents(self, item: _Item) -> Any:
        person = self._client(item)
        outcome = item.choice("outcome", ConsentOutcome, required=True)
        given_on = item.day("given_on", required=True)
        scopes = item.strings("scopes") or []
        for scope in scopes:
            if scope not in SharingScope.values:
                item.problem("scopes", f'unknown value "{scope}"')
        agencies = self._agency_list(item)
        review_by = item.day("review_by")
        values: dict[str, Any] = {
            "how": item.choice("how", ConsentHow, required=True),
            "withdrawn_on": item.day("withdrawn_on"),
            **self._given(item, {"notes": item.text("notes", max_length=5000)}),
        }
        if person is None or not outcome or given_on is None:
            return None
        if outcome == ConsentOutcome.REFUSED:
            for name in ("scopes", "agencies", "review_by", "withdrawn_on"):
                if item.data.get(name):
                    item.problem(
                        name, "a refusal covers nothing and has no review-by or withdrawal"
                    )
        else:
            if not scopes and not agencies:
                item.problem("scopes", "a consent given covers at least one kind or agency")
            values["scopes"] = sorted(set(scopes))
            values["review_by"] = review_by or default_review_by(given_on)
        consent = self._match("consents", person, given_on, outcome) or Consent(
            client_id=person, outcome=outcome, given_on=given_on, recorded_by=self.by
        )
        wanted = {agency.pk for agency in agencies}
        agencies_change = item.given("agencies") and (
            {a.pk for a in consent.agencies.all()} != wanted if consent.pk else bool(wanted)
        )
        saved = self._save(
            "consents", item, consent, values, also_changed=agencies_change, now=agencies_change
        )
        if saved and agencies_change and self.writing:
            consent.agencies.set(agencies)
        return (person, given_on, outcome)

    def _contacts(self, item: _Item) -> Any:
        person = self._client(item, required=False)
        at = item.instant("at")
        kind = item.choice("kind", ContactKind, required=True)
        description = item.text("description", max_length=200) or ""
        needs = item.strings("needs_observed")
        for need in needs or []:
            if need not in SupportNeed.values:
                item.problem("needs_observed", f'unknown value "{need}"')
        values = self._given(
            item,
            {
                "bedded_down": item.boolean("bedded_down"),
                "verification": item.choice("verification", Verification),
                "location": item.text("location"),
                "latitude": item.decimal("latitude"),
                "longitude": item.decimal("longitude"),
                "engagement": item.choice("engagement", Engagement),
                "needs_observed": needs,
                "notes": item.text("notes", max_length=5000),
            },
        )
        if item.raw("client", required=False) is not None and person is None:
            return None
        if at is None or not kind:
            return None
        matched = self._match("contacts", person, at, kind, description)
        if matched is None and not self.writing:
            self._check_new_contact(item, person, at, description, values)
            return (person, at, kind, description)
        contact = matched or Contact(
            client_id=person, at=at, kind=kind, description=description, worker=self.by
        )
        if (
            values.get("bedded_down")
            and not values.get("verification")
            and not contact.verification
        ):
            # Older systems record only that someone was bedded down: seen by the worker.
            values["verification"] = Verification.SEEN_BY_WORKER
        self._save("contacts", item, contact, values)
        return (person, at, kind, description)

    def _check_new_contact(
        self,
        item: _Item,
        person: int | None,
        at: datetime,
        description: str,
        values: dict[str, Any],
    ) -> None:
        """_save's check of a new contact, without making one (most of a file is contacts):
        the same field checks, less those the readers have made (a choice that is one of the
        model's, a true or false), then Contact.clean's rules on what the contact would hold."""
        if values.get("bedded_down") and not values.get("verification"):
            values["verification"] = Verification.SEEN_BY_WORKER
        if not item.ok:
            return
        failed = False
        for name, value in values.items():
            if (name in _CONTACT_CHOICES and value) or isinstance(value, bool):
                continue
            try:
                _CONTACT_FIELDS[name].clean(value, None)
            except ValidationError as error:
                failed = True
                for message in error.messages:
                    item.problem(name, message)
        if failed:
            return
        draft = _ContactDraft(
            client_id=person,
            description=description,
            at=at,
            bedded_down=values.get("bedded_down", False),
            verification=values.get("verification", ""),
            latitude=values.get("latitude"),
            longitude=values.get("longitude"),
        )
        try:
            Contact.clean(draft)  # type: ignore[arg-type]
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    item.problem("" if name == "__all__" else name, message)
            return
        self.summary.created["contacts"] += 1

    def _placements(self, item: _Item) -> Any:
        person = self._client(item)
        prop_key = item.text("property", required=True, max_length=60)
        unit_name = item.text("unit", required=True)
        start = item.day("start", required=True)
        end = item.day("end")
        reason = item.choice("end_reason", EndReason)
        prop = self.properties.get(prop_key or "")
        if prop_key and prop is None:
            item.problem("property", f'unknown property key "{prop_key}"')
        unit = self.units.get((prop_key or "", unit_name or ""))
        if prop and unit_name and unit is None:
            item.problem("unit", f'"{prop_key}" has no unit "{unit_name}"')
        if start is not None:
            try:
                check_stay_dates(start, end, reason)
            except AccommodationError as error:
                item.refused(error)
        if person is None or unit is None or start is None or prop_key is None:
            return None
        values = self._given(
            item,
            {
                "planned_end": item.day("planned_end"),
                "move_on_destination": item.text("move_on_destination"),
                "nightly_cost": item.decimal("nightly_cost"),
                "notes": item.text("notes", max_length=5000),
            },
        )
        values.update(end=end, end_reason=reason)
        planned_end = values.get("planned_end")
        if planned_end is not None and planned_end < start:
            item.problem("planned_end", "The planned end cannot be before the start.")
        placement = (
            self._match("placements", person, unit.pk, start) if unit.pk is not None else None
        )
        if item.ok and not self.writing:
            try:
                # A stay already here was placed under the rules: matching it again refuses nothing.
                if placement is None and unit.pk is not None:
                    self._check_in_use_on(unit, start)
                self._check_free(person, (prop_key, unit.name), unit, start, end, placement)
            except AccommodationError as error:
                item.refused(error)
        placement = placement or Placement(client_id=person, unit=unit, start=start)
        if self._save("placements", item, placement, values) and self.changed:
            self.placed.add(person)
        return (person, prop_key, unit.name, start)

    def _check_in_use_on(self, unit: Unit, day: date) -> None:
        """accommodation.services.check_in_use_on, on the periods read once for the import."""
        for period in self.out_of_use.get(unit.pk, []):
            if period.start <= day and (period.end is None or period.end > day):
                raise AccommodationError(
                    f"{unit} is out of use on {uk_date(day)}: {period.reason}."
                )

    def _check_free(
        self,
        person: int,
        unit_key: tuple[str, str],
        unit: Unit,
        start: date,
        end: date | None,
        matched: Placement | None,
    ) -> None:
        """accommodation.services.check_free against the stays already here and those met
        earlier in the file (nothing is written while checking, so these are kept)."""
        if matched is not None:
            self.matched_stays.add(matched.pk)
        where = str(unit)
        theirs = next(
            (
                stay
                for stay in self._stays(unit=unit_key, matched=matched)
                + self.stays_by_unit.get(unit_key, [])
                if _overlaps(start, end, stay.start, stay.end)
            ),
            None,
        )
        mine = next(
            (
                stay
                for stay in self._stays(client=person, matched=matched)
                + self.stays_by_person.get(person, [])
                if _overlaps(start, end, stay.start, stay.end)
            ),
            None,
        )
        stay = _Stay(start, end, self.references.get(person, ""), where, person, unit_key)
        self.stays_by_unit.setdefault(unit_key, []).append(stay)
        self.stays_by_person.setdefault(person, []).append(stay)
        if theirs is not None:
            until = f" to {uk_date(theirs.end)}" if theirs.end else ""
            raise AccommodationError(
                f"{where} is not free: {theirs.who} is placed there from "
                f"{uk_date(theirs.start)}{until}."
            )
        if mine is not None:
            name = (
                Client.objects.get(pk=person).display_name
                if person > 0
                else self.references.get(person, "")
            )
            raise AccommodationError(
                f"{name} already has a placement at {mine.where} from "
                f"{uk_date(mine.start)}: end it or move them instead."
            )

    def _stays(
        self,
        *,
        unit: tuple[str, str] | None = None,
        client: int | None = None,
        matched: Placement | None,
    ) -> list[_Stay]:
        """The batch's placements already here in this unit or of this person, less those the
        file matches (the file's version of them is checked instead)."""
        found = []
        for stay_pk, stay in self.stays_here.items():
            if stay_pk in self.matched_stays or (matched is not None and stay_pk == matched.pk):
                continue
            if (unit is not None and stay.unit == unit) or (
                client is not None and stay.client == client
            ):
                found.append(stay)
        return found

    def _interventions(self, item: _Item) -> Any:
        person = self._client(item)
        kind = item.choice("kind", InterventionKind, required=True)
        opened = item.day("opened", required=True)
        values = {
            "closed": item.day("closed"),
            "outcome": item.choice("outcome", InterventionOutcome),
            **self._given(
                item,
                {
                    "destination": item.text("destination"),
                    "outcome_notes": item.text("outcome_notes", max_length=5000),
                    "local_connection_verified_by": item.text("local_connection_verified_by"),
                    "travel_arranged": item.text("travel_arranged", max_length=300),
                    "notes": item.text("notes", max_length=5000),
                },
            ),
        }
        if person is None or not kind or opened is None:
            return None
        intervention = self._match("interventions", person, kind, opened) or Intervention(
            client_id=person, kind=kind, opened=opened, worker=self.by
        )
        self._save("interventions", item, intervention, values)
        return (person, kind, opened)

    def _support_plans(self, item: _Item) -> Any:
        person = self._client(item)
        start = item.day("start", required=True)
        agencies = self._agency_list(item)
        values = {
            "end": item.day("end"),
            **self._given(
                item,
                {
                    "review_date": item.day("review_date"),
                    "summary": item.text("summary", max_length=5000),
                },
            ),
        }
        if person is None or start is None:
            return None
        plan = self._match("support_plans", person, start) or SupportPlan(
            client_id=person, start=start, created_by=self.by
        )
        wanted = {agency.pk for agency in agencies}
        agencies_change = item.given("agencies") and (
            {a.pk for a in plan.agencies.all()} != wanted if plan.pk else bool(wanted)
        )
        # A plan's agencies are kept in its history with it: such a plan is saved on its own.
        saved = self._save(
            "support_plans", item, plan, values, also_changed=agencies_change, now=agencies_change
        )
        if saved and agencies_change and self.writing:
            note_change(plan, by=self.by)
            plan.agencies.set(agencies)
        return (person, start)

    def _health_access(self, item: _Item) -> Any:
        person = self._client(item)
        kind = item.choice("kind", HealthAccessKind, required=True)
        day = item.day("date", required=True)
        values = self._given(
            item,
            {
                "outcome": item.text("outcome", max_length=300),
                "notes": item.text("notes", max_length=5000),
            },
        )
        if person is None or not kind or day is None:
            return None
        record = self._match("health_access", person, kind, day) or HealthAccess(
            client_id=person, kind=kind, date=day, created_by=self.by
        )
        if self._save("health_access", item, record, values) and self.changed:
            self.follow_gp.add(person)
        return (person, kind, day)

    def _discharges(self, item: _Item) -> Any:
        person = self._client(item)
        kind = item.choice("kind", DischargeKind, required=True)
        day = item.day("date", required=True)
        values = self._given(
            item,
            {
                "evidence": item.choice("evidence", DischargeEvidence) or None,
                "notes": item.text("notes", max_length=5000),
            },
        )
        if person is None or not kind or day is None:
            return None
        record = self._match("discharges", person, kind, day) or Discharge(
            client_id=person, kind=kind, date=day, created_by=self.by
        )
        self._save("discharges", item, record, values)
        return (person, kind, day)


# Writing new records with COPY: one statement a model a batch for the rows and one for their
# history (a statement-level trigger runs once a statement, and COPY is PostgreSQL's fastest way
# in). The values are those bulk_create_with_history would write: each field's pre_save (the
# time added) and database form, and a history row per record as simple-history's own.

# Fields whose value goes to the database as it is held (no conversion worth a call a row).
_AS_HELD = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.ForeignKey,
)


def _columns(model: type[models.Model], fields: list[models.Field[Any, Any]]) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column or f.name) for f in fields)
    return f"COPY {table} ({names}) FROM STDIN"


def _db_value(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None or isinstance(field, _AS_HELD):
        return value
    return field.get_db_prep_save(value, connection)


def _copy_new(model: type[models.Model], records: list[models.Model], by: User) -> None:
    """Insert the new records and their "+" history rows, each with a pk from the model's
    sequence (one query for the batch) so that the history rows carry it."""
    opts = model._meta
    numbered = [record for record in records if record.pk is None]
    if numbered:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [opts.db_table, opts.pk.column, len(numbered)],
            )
            for record, (pk,) in zip(numbered, cursor.fetchall(), strict=True):
                record.pk = pk
    fields = list(opts.concrete_fields)
    connection.ensure_connection()
    raw = connection.connection  # psycopg's own connection, for COPY
    with raw.cursor() as cursor:
        with cursor.copy(_columns(model, fields)) as copy:
            for record in records:
                copy.write_row([_db_value(f, f.pre_save(record, True)) for f in fields])
        for record in records:
            record._state.adding = False
            record._state.db = connection.alias
        history = model.history.model  # type: ignore[attr-defined]
        tracked = list(history.tracked_fields)
        by_name = {f.attname: f for f in history._meta.concrete_fields}
        tracked_fields = [by_name[f.attname] for f in tracked]
        extra = [
            by_name[n]
            for n in ("history_date", "history_user_id", "history_change_reason", "history_type")
        ]
        with cursor.copy(_columns(history, tracked_fields + extra)) as copy:
            for record in records:
                user = getattr(record, "_history_user", by)
                copy.write_row(
                    [_db_value(f, getattr(record, f.attname)) for f in tracked_fields]
                    + [
                        getattr(record, "_history_date", None) or timezone.now(),
                        user.pk if user is not None else None,
                        getattr(record, "_change_reason", None) or REASON,
                        "+",
                    ]
                )


# What each section's records are matched on (with the person), as the batch looks them up.
_MATCHED_ON: dict[str, tuple[Any, tuple[str, ...]]] = {
    "consents": (Consent, ("client_id", "given_on", "outcome")),
    "contacts": (Contact, ("client_id", "at", "kind", "description")),
    "placements": (Placement, ("client_id", "unit_id", "start")),
    "interventions": (Intervention, ("client_id", "kind", "opened")),
    "support_plans": (SupportPlan, ("client_id", "start")),
    "health_access": (HealthAccess, ("client_id", "kind", "date")),
    "discharges": (Discharge, ("client_id", "kind", "date")),
}


def _not_checked(model: type[models.Model]) -> list[str]:
    """Fields a record's check leaves to the import: its relations (the file's refs and keys)
    and a new person's reference (given when written)."""
    return [f.name for f in model._meta.fields if f.is_relation] + (
        ["reference"] if model is Client else []
    )


_NOT_CHECKED: dict[type[models.Model], list[str]] = {
    model: _not_checked(model)
    for model in (
        Agency,
        Property,
        Unit,
        Client,
        ClientAlias,
        Consent,
        Contact,
        Placement,
        Intervention,
        SupportPlan,
        HealthAccess,
        Discharge,
    )
}


@dataclass
class _ContactDraft:
    """What Contact.clean reads of a contact, for checking one the file adds without making it."""

    client_id: int | None
    description: str
    at: datetime
    bedded_down: bool
    verification: str
    latitude: Decimal | None
    longitude: Decimal | None


_CONTACT_FIELDS: dict[str, Any] = {f.name: f for f in Contact._meta.concrete_fields}
# The contact's fields a reader has checked against the model's choices (a value not empty).
_CONTACT_CHOICES = {name for name, f in _CONTACT_FIELDS.items() if f.choices} | {"needs_observed"}
_CHOICE_VALUES: dict[type[models.TextChoices], frozenset[str]] = {}


def _values_of(choices: type[models.TextChoices]) -> frozenset[str]:
    """The choices' values, worked out once (TextChoices.values makes a new list each time)."""
    if choices not in _CHOICE_VALUES:
        _CHOICE_VALUES[choices] = frozenset(choices.values)
    return _CHOICE_VALUES[choices]


def _rough_instant(entry: Any) -> datetime | None:
    """A contact's time as near as matching it needs (a day either side is looked at)."""
    try:
        moment = datetime.fromisoformat(entry["at"])
    except (TypeError, ValueError, KeyError):
        return None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


def _needs(person: Client, given: list[str] | None, care_leaver: bool | None) -> list[str]:
    """The person's support needs after an import: the list the file gives (else theirs), with
    "care leaver" as the file's care_leaver says; in the order they hold them when the same, so
    a file that changes nothing saves nothing."""
    needs = list(dict.fromkeys(given if given is not None else person.support_needs))
    if care_leaver is not None:
        needs = [need for need in needs if need != SupportNeed.CARE_LEAVER]
        if care_leaver:
            needs.append(SupportNeed.CARE_LEAVER)
    return list(person.support_needs) if set(needs) == set(person.support_needs) else needs


@dataclass(frozen=True)
class Progress:
    """How far an import has gone: `stage` is "checking" (reading the file, writing nothing) or
    "writing"; `done` counts the records of this stage, `total` the records in the file once
    the first pass has counted them."""

    stage: str
    done: int
    total: int | None
    elapsed: float  # seconds since the import began
    # Seconds since this stage began (None: since the import began).
    stage_elapsed: float | None = None

    @property
    def rate(self) -> float:
        """Records a second in this stage so far, from the stage's own start."""
        seconds = self.elapsed if self.stage_elapsed is None else self.stage_elapsed
        return self.done / seconds if seconds > 0 else 0.0

    @property
    def seconds_left(self) -> float | None:
        """At the rate so far, the seconds this stage still needs; None while not known."""
        if self.total is None or self.rate <= 0:
            return None
        return max(self.total - self.done, 0) / self.rate


def import_bundle_file(
    source: str | Path | IO[bytes],
    *,
    by: AnyUser | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> ImportSummary:
    """Load a bundle from a file (a path or a binary file object): all of it, or (raising
    BundleError with every problem) none of it; `progress` is called as records are done.

    The file is read as a stream, twice: first every record is checked (matched against the
    database in batches, every rule applied, nothing written), then, only if nothing was
    wrong, the new and changed records are written in batches with their history. Both passes
    run in one transaction under the import lock, so what was checked is what is written.
    """
    if isinstance(source, (str, Path)):
        with open(source, "rb") as stream:
            return _import_stream(stream, by=by, progress=progress)
    if not source.seekable():
        # An upload read once (a pipe): kept aside so that it can be read a second time.
        with tempfile.SpooledTemporaryFile(max_size=64 * 1024 * 1024) as copy:
            shutil.copyfileobj(source, copy)
            return _import_stream(copy, by=by, progress=progress)  # type: ignore[arg-type]
    return _import_stream(source, by=by, progress=progress)


def _import_stream(
    source: IO[bytes], *, by: AnyUser | None, progress: Callable[[Progress], None] | None
) -> ImportSummary:
    user = by if isinstance(by, User) and by.is_authenticated else importer_account()
    started = time.monotonic()
    stream = _Stream(source)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
        checked = _Import(stream, user, stage=CHECKING, started=started, progress=progress)
        summary = checked.run()
        if not summary.changed_anything:
            # The check met every record already here as the file has it: nothing to write.
            return summary
        total = checked.done
        del checked
        try:
            summary = _Import(
                stream, user, stage=WRITING, started=started, progress=progress, total=total
            ).run()
        except (IntegrityError, psycopg.errors.IntegrityError) as error:
            # A rule the check does not copy: refused all the same, naming the rule but not
            # the row (PostgreSQL's detail quotes the row, a person's details in it).
            raise BundleError([_broken_rule(error)]) from error
        _analyze_grown_tables(summary)
        return summary


# Rows a section may add before its tables' statistics are read again at once.
ANALYZE_AFTER = 10_000


def _analyze_grown_tables(summary: ImportSummary) -> None:
    """Refresh the planner's statistics of the tables a big import filled. Autovacuum would, in
    a while; until it does, the planner reads the grown tables as the small ones they were and
    picks plans (a whole-table scan for the last fortnight's contacts) many times slower."""
    models_written = {"clients": Client, **{s: m for s, (m, _) in _MATCHED_ON.items()}}
    with connection.cursor() as cursor:
        for section, model in models_written.items():
            if summary.created[section] >= ANALYZE_AFTER:
                for table in (model._meta.db_table, model.history.model._meta.db_table):
                    cursor.execute(f'ANALYZE "{table}"')


def _broken_rule(error: Exception) -> str:
    # Django's error wraps psycopg's; the records written by COPY raise psycopg's own.
    diag = getattr(error, "diag", None) or getattr(error.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None)
    rule = f'the rule "{name}"' if name else "one of its rules"
    return f"file: a record breaks {rule} in the database; nothing was imported"


def import_bundle(data: dict[str, Any], *, by: AnyUser | None = None) -> ImportSummary:
    """Load a bundle: all of it, or (raising BundleError with every problem) none of it."""
    return import_bundle_file(io.BytesIO(json.dumps(data).encode()), by=by)


# Export


def _ref(client: Client) -> str:
    return client.external_ref or client.reference


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def export_bundle() -> dict[str, Any]:
    """Every record the bundle format holds, in a form import_bundle reads back."""
    people = Client.objects.active().prefetch_related("aliases").order_by("pk")
    refs = {person.pk: _ref(person) for person in people}
    reads.note(refs, "bundle export")
    return {
        "format": FORMAT,
        "agencies": [
            {
                "key": a.key,
                "name": a.name,
                "kind": a.kind,
                "phone": a.phone,
                "email": a.email,
                "address": a.address,
                "active": a.active,
            }
            for a in Agency.objects.order_by("pk")
        ],
        "properties": [
            {
                "key": p.key,
                "name": p.name,
                "type": p.type,
                "address": p.address,
                "active": p.active,
                "units": [
                    {"name": u.name, "kind": u.kind, "active": u.active}
                    for u in sorted(p.units.all(), key=lambda u: u.pk)
                ],
            }
            for p in Property.objects.prefetch_related("units").order_by("pk")
        ],
        "clients": [
            {
                "ref": refs[c.pk],
                "first_name": c.first_name,
                "last_name": c.last_name,
                "known_as": c.known_as,
                "date_of_birth": _day(c.date_of_birth),
                "date_of_birth_approximate": c.date_of_birth_approximate,
                "gender": c.gender,
                "nationality": c.nationality or NOT_KNOWN,
                "nationality_as_recorded": c.nationality_as_recorded,
                "public_funds": c.public_funds,
                "ethnicity": c.ethnicity,
                "phone": c.phone,
                "status": c.status,
                "local_connection": c.local_connection,
                "reconnection_policy_applies": c.reconnection_policy_applies,
                "primary_care_relevant": c.primary_care_relevant,
                "gp_registered": c.gp_registered,
                # Care leaver goes out once, as care_leaver, the way the return reads it.
                "support_needs": [n for n in c.support_needs if n != SupportNeed.CARE_LEAVER],
                "care_leaver": SupportNeed.CARE_LEAVER in c.support_needs,
                "aliases": c.alias_names,
            }
            for c in people
        ],
        # Each person's consents, given and refused, oldest first.
        "consents": [
            {
                "client": refs[c.client_id],
                "outcome": c.outcome,
                "how": c.how,
                "scopes": list(c.scopes),
                "agencies": sorted(a.key for a in c.agencies.all()),
                "given_on": _day(c.given_on),
                "review_by": _day(c.review_by),
                "withdrawn_on": _day(c.withdrawn_on),
                "notes": c.notes,
            }
            for c in Consent.objects.filter(client_id__in=refs)
            .prefetch_related("agencies")
            .order_by("given_on", "recorded_at", "pk")
        ],
        "contacts": [
            {
                "client": refs[c.client_id] if c.client_id else None,
                "at": timezone.localtime(c.at).isoformat(),
                "kind": c.kind,
                "bedded_down": c.bedded_down,
                "verification": c.verification,
                "location": c.location,
                "latitude": _money(c.latitude),
                "longitude": _money(c.longitude),
                "description": c.description,
                "engagement": c.engagement,
                "needs_observed": list(c.needs_observed),
                "notes": c.notes,
            }
            for c in Contact.objects.order_by("at", "pk")
        ],
        "placements": [
            {
                "client": refs[p.client_id],
                "property": p.unit.property.key,
                "unit": p.unit.name,
                "start": _day(p.start),
                "planned_end": _day(p.planned_end),
                "end": _day(p.end),
                "end_reason": p.end_reason or None,
                "move_on_destination": p.move_on_destination,
                "nightly_cost": _money(p.nightly_cost),
                "notes": p.notes,
            }
            for p in Placement.objects.select_related("unit__property").order_by("start", "pk")
        ],
        "interventions": [
            {
                "client": refs[i.client_id],
                "kind": i.kind,
                "opened": _day(i.opened),
                "closed": _day(i.closed),
                "outcome": i.outcome or None,
                "outcome_notes": i.outcome_notes,
                "destination": i.destination,
                "local_connection_verified_by": i.local_connection_verified_by,
                "travel_arranged": i.travel_arranged,
                "notes": i.notes,
            }
            for i in Intervention.objects.order_by("opened", "pk")
        ],
        "support_plans": [
            {
                "client": refs[s.client_id],
                "start": _day(s.start),
                "end": _day(s.end),
                "review_date": _day(s.review_date),
                "summary": s.summary,
                "agencies": sorted(a.key for a in s.agencies.all()),
            }
            for s in SupportPlan.objects.prefetch_related("agencies").order_by("start", "pk")
        ],
        "health_access": [
            {
                "client": refs[h.client_id],
                "kind": h.kind,
                "date": _day(h.date),
                "outcome": h.outcome,
                "notes": h.notes,
            }
            for h in HealthAccess.objects.order_by("date", "pk")
        ],
        "discharges": [
            {
                "client": refs[d.client_id],
                "kind": d.kind,
                "date": _day(d.date),
                "evidence": d.evidence,
                "notes": d.notes,
            }
            for d in Discharge.objects.filter(client_id__in=refs).order_by("date", "pk")
        ],
    }
