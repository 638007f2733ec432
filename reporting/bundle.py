"""The mars-bundle/1 file (../shared/DESIGN.md): importing a team's records, exporting ours.

An import is all-or-nothing: every problem in the file is listed as `path: message` and nothing is
written. Records are matched on their keys (agencies and properties by key, units by name within
their property, people by their ref, the rest by who, what and when), so importing the same file
again changes nothing. Two imports at once take turns.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone

from accommodation.models import EndReason, Placement, Property, PropertyType, Unit, UnitKind
from accommodation.services import (
    AccommodationError,
    check_free,
    check_in_use_on,
    check_stay_dates,
    follow_status,
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
    PolicyApplies,
    PublicFunds,
    SupportNeed,
    SupportPlan,
    YesNoUnknown,
)
from clients.services import index_names
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
        if value not in choices.values:
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


class _Import:
    """One import in one transaction: each section read, matched and written in turn."""

    def __init__(self, data: dict[str, Any], by: User) -> None:
        self.data, self.by = data, by
        self.problems: list[str] = []
        self.summary = ImportSummary()
        self.agencies: dict[str, Agency] = {}
        self.properties: dict[str, Property] = {}
        # Units the file's properties hold, by property key and name, so placements need not
        # look each up again.
        self.units: dict[tuple[str, str], Unit] = {}
        self.clients: dict[str, Client | None] = {}
        self.placed: set[int] = set()
        # Per person, the fields the file gave (a status given wins over one from placements).
        self.client_fields: dict[int, set[str]] = {}
        # People the file adds, with where they stand in it and the aliases it gives them.
        self.new_people: list[tuple[str, str, Client, list[str]]] = []

    def run(self) -> ImportSummary:
        if self.data.get("format") != FORMAT:
            self.problems.append(f'format: must be "{FORMAT}"')
        for name in sorted(set(self.data) - {"format", *SECTIONS}):
            self.problems.append(f"{name}: unknown section")
        for section in SECTIONS:
            entries = self.data.get(section, [])
            if not isinstance(entries, list):
                self.problems.append(f"{section}: must be a list")
                continue
            reader = getattr(self, f"_{section}")
            seen: dict[Any, int] = {}
            for index, entry in enumerate(entries):
                path = f"{section}[{index}]"
                item = _Item(entry, path, FIELDS[section], self.problems)
                key = reader(item)
                if key is None:
                    continue
                if key in seen:
                    self.problems.append(f"{path}: the same record as {section}[{seen[key]}]")
                    continue
                seen[key] = index
        if self.problems:
            raise BundleError(self.problems)
        for client in Client.objects.filter(pk__in=self.placed):
            if "status" not in self.client_fields.get(client.pk, set()):
                follow_status(client, by=self.by, reason=REASON)
        self._report_possible_duplicates()
        return self.summary

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

    # Writing one record: validate, save if new or changed, count it.

    def _save(
        self,
        section: str,
        item: _Item,
        record: models.Model,
        values: dict[str, Any],
        *,
        also_changed: bool = False,
    ) -> bool:
        """Set the given values; save the record when it is new or they (or, as the caller
        says, its related rows) change it."""
        adding = record._state.adding
        changed = adding or also_changed
        for name, value in values.items():
            if getattr(record, name) != value:
                setattr(record, name, value)
                changed = True
        if not item.ok:
            return False
        try:
            record.full_clean()
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
        note_change(record, by=self.by, reason=REASON)
        record.save(force_insert=adding)
        return True

    def _given(self, item: _Item, values: dict[str, Any]) -> dict[str, Any]:
        """Only what the file gives: a field left out keeps what the record already holds."""
        return {
            name: value for name, value in values.items() if item.given(name) and value is not None
        }

    def _client(self, item: _Item, *, required: bool = True) -> Client | None:
        ref = item.raw("client", required=required)
        if ref is None:
            return None
        if ref not in self.clients:
            # Someone already here, not listed in the file: their records may still come.
            found = _find_person(ref) if isinstance(ref, str) else None
            if found is None:
                item.problem("client", f'unknown client ref "{ref}"')
                return None
            self.clients[ref] = found
        return self.clients[ref]

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
        agency = Agency.objects.filter(key=key).first() or Agency(key=key)
        if self._save("agencies", item, agency, values):
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
        prop = Property.objects.filter(key=key).first() or Property(key=key)
        if not self._save("properties", item, prop, values):
            return key
        self.properties[key] = prop
        for index, (name, kind, active) in enumerate(units):
            unit = Unit.objects.filter(property=prop, name=name).first() or Unit(
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
        self.clients[ref] = None  # known to the file, so its records do not report it unknown
        person = _find_person(ref)
        adding = person is None
        if person is None:
            pk = Client.next_id()
            person = Client(pk=pk, reference=Client.reference_for(pk), external_ref=ref)
            known: set[str] = set()
        else:
            known = {name.upper() for name in person.aliases.values_list("name", flat=True)}
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
        client_services.follow_health_access(person, by=self.by)
        self.clients[ref] = person
        self.client_fields[person.pk] = set(values)
        for name in new_aliases:
            alias = ClientAlias(client=person, name=name)
            note_change(alias, by=self.by, reason=REASON)
            alias.save()
        index_names(person)
        if adding:
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
        consent = Consent.objects.filter(
            client=person, given_on=given_on, outcome=ConsentOutcome.GIVEN
        ).first() or Consent(
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

    def _consents(self, item: _Item) -> Any:
        person = self._client(item)
        outcome = item.choice("outcome", ConsentOutcome, required=True)
        given_on = item.day("given_on", required=True)
        scopes = item.strings("scopes") or []
        for scope in scopes:
            if scope not in SharingScope.values:
                item.problem("scopes", f'unknown value "{scope}"')
        agencies = []
        for key in item.strings("agencies") or []:
            agency = self.agencies.get(key) or Agency.objects.filter(key=key).first()
            if agency is None:
                item.problem("agencies", f'unknown agency key "{key}"')
            else:
                agencies.append(agency)
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
        consent = Consent.objects.filter(
            client=person, given_on=given_on, outcome=outcome
        ).first() or Consent(client=person, outcome=outcome, given_on=given_on, recorded_by=self.by)
        wanted = {agency.pk for agency in agencies}
        agencies_change = item.given("agencies") and (
            consent.pk is None or {a.pk for a in consent.agencies.all()} != wanted
        )
        saved = self._save("consents", item, consent, values, also_changed=agencies_change)
        if saved and agencies_change:
            consent.agencies.set(agencies)
        return (person.pk, given_on, outcome)

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
        contact = Contact.objects.filter(
            client=person, at=at, kind=kind, description=description
        ).first() or Contact(
            client=person, at=at, kind=kind, description=description, worker=self.by
        )
        if (
            values.get("bedded_down")
            and not values.get("verification")
            and not contact.verification
        ):
            # Older systems record only that someone was bedded down: seen by the worker.
            values["verification"] = Verification.SEEN_BY_WORKER
        self._save("contacts", item, contact, values)
        return (person.pk if person else None, at, kind, description)

    def _placements(self, item: _Item) -> Any:
        person = self._client(item)
        prop_key = item.text("property", required=True, max_length=60)
        unit_name = item.text("unit", required=True)
        start = item.day("start", required=True)
        end = item.day("end")
        reason = item.choice("end_reason", EndReason)
        prop = self.properties.get(prop_key or "") or Property.objects.filter(key=prop_key).first()
        if prop_key and prop is None:
            item.problem("property", f'unknown property key "{prop_key}"')
        unit = self.units.get((prop_key or "", unit_name or ""))
        if unit is None and prop is not None:
            unit = Unit.objects.filter(property=prop, name=unit_name).first()
        if prop and unit_name and unit is None:
            item.problem("unit", f'"{prop_key}" has no unit "{unit_name}"')
        if start is not None:
            try:
                check_stay_dates(start, end, reason)
            except AccommodationError as error:
                item.refused(error)
        if person is None or unit is None or start is None:
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
        placement = Placement.objects.filter(client=person, unit=unit, start=start).first()
        if item.ok:
            try:
                # A stay already here was placed under the rules: matching it again refuses nothing.
                if placement is None:
                    check_in_use_on(unit, start)
                check_free(person, unit, start, end, exclude_pk=placement.pk if placement else None)
            except AccommodationError as error:
                item.refused(error)
        placement = placement or Placement(client=person, unit=unit, start=start)
        if self._save("placements", item, placement, values):
            self.placed.add(person.pk)
        return (person.pk, unit.pk, start)

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
        intervention = Intervention.objects.filter(
            client=person, kind=kind, opened=opened
        ).first() or Intervention(client=person, kind=kind, opened=opened, worker=self.by)
        self._save("interventions", item, intervention, values)
        return (person.pk, kind, opened)

    def _support_plans(self, item: _Item) -> Any:
        person = self._client(item)
        start = item.day("start", required=True)
        keys = item.strings("agencies") or []
        agencies = []
        for key in keys:
            agency = self.agencies.get(key) or Agency.objects.filter(key=key).first()
            if agency is None:
                item.problem("agencies", f'unknown agency key "{key}"')
            else:
                agencies.append(agency)
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
        plan = SupportPlan.objects.filter(client=person, start=start).first() or SupportPlan(
            client=person, start=start, created_by=self.by
        )
        wanted = {agency.pk for agency in agencies}
        agencies_change = item.given("agencies") and (
            plan.pk is None or {a.pk for a in plan.agencies.all()} != wanted
        )
        saved = self._save("support_plans", item, plan, values, also_changed=agencies_change)
        if saved and agencies_change:
            note_change(plan, by=self.by)
            plan.agencies.set(agencies)
        return (person.pk, start)

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
        record = HealthAccess.objects.filter(
            client=person, kind=kind, date=day
        ).first() or HealthAccess(client=person, kind=kind, date=day, created_by=self.by)
        if self._save("health_access", item, record, values):
            client_services.follow_health_access(person, by=self.by)
        return (person.pk, kind, day)

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
        record = Discharge.objects.filter(client=person, kind=kind, date=day).first() or Discharge(
            client=person, kind=kind, date=day, created_by=self.by
        )
        self._save("discharges", item, record, values)
        return (person.pk, kind, day)


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


def _find_person(ref: str) -> Client | None:
    """The person a ref names: one imported under it, or one whose MARS reference it is."""
    people = Client.objects.active()
    return people.filter(external_ref=ref).first() or people.filter(reference=ref).first()


@dataclass(frozen=True)
class Progress:
    """How far an import has gone: `stage` is "checking" (reading the file, writing nothing) or
    "writing"; `total` is the records in the file once the first pass has counted them."""

    stage: str
    done: int
    total: int | None
    elapsed: float  # seconds since the import began

    @property
    def rate(self) -> float:
        """Records a second so far."""
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

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
    BundleError with every problem) none of it; `progress` is called as records are done."""
    if isinstance(source, (str, Path)):
        with open(source, "rb") as stream:
            raw = stream.read()
    else:
        raw = source.read()
    return import_bundle(parse(raw), by=by)


def import_bundle(data: dict[str, Any], *, by: AnyUser | None = None) -> ImportSummary:
    """Load a bundle: all of it, or (raising BundleError with every problem) none of it."""
    user = by if isinstance(by, User) and by.is_authenticated else importer_account()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
        return _Import(data, user).run()


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
