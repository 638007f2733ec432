"""The national benchmark's data: a mars-bundle/1 file of BENCH_PEOPLE people over six years of
outreach, written as it is made (one record a line, each section to its own file, then joined), so
memory stays flat whatever the size.

Skewed as real outreach data is: most people are seen a few times over a few weeks, a long tail is
seen every week or so for years, some come back after months away. A share of sightings are of
people nobody could name. About two people in five are placed (into units that never hold two
stays at once), some are reconnected, many have a support plan with agencies and health access, a
few left an institution shortly before they were first seen. One person has about 500 contacts
(the load benchmark opens their page). Seeded, with fixed dates: the same size and seed make the
same file.
"""

from __future__ import annotations

import heapq
import json
import os
import random
import shutil
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

# Bump when the generator changes what it writes: older files are then made again, not reused.
VERSION = 2
FIRST_DAY = date(2020, 12, 1)
LAST_DAY = date(2026, 11, 30)
DAYS = (LAST_DAY - FIRST_DAY).days + 1
# The bad copy's row: a contact in the future (refused whatever day the benchmark runs on).
FUTURE_AT = "2031-01-15T06:30:00+00:00"
SECTIONS = [
    "agencies",
    "properties",
    "clients",
    "contacts",
    "placements",
    "interventions",
    "support_plans",
    "health_access",
    "discharges",
]

LONDON = ZoneInfo("Europe/London")
DAY_ISO = [(FIRST_DAY + timedelta(days=d)).isoformat() for d in range(DAYS)]
# Contacts are between 05:00 and 18:00, never in the hour the clocks skip or repeat: the offset at
# noon is the offset of the whole working day.
OFFSET = [
    datetime(*(FIRST_DAY + timedelta(days=d)).timetuple()[:3], 12, tzinfo=LONDON).strftime("%z")
    for d in range(DAYS)
]
OFFSET = [f"{o[:3]}:{o[3:]}" for o in OFFSET]

FIRST_NAMES = (  # noqa: SIM905
    "James John Robert Michael David William Richard Joseph Thomas Charles Daniel Matthew "
    "Anthony Mark Paul Steven Andrew Kenneth Joshua Kevin Brian George Timothy Ronald Jason "
    "Edward Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon "
    "Benjamin Samuel Gregory Alexander Patrick Frank Raymond Jack Dennis Jerry Tyler Aaron "
    "Adam Henry Nathan Douglas Zachary Peter Kyle Noah Ethan Jeremy Walter Christian Keith "
    "Roger Terry Austin Sean Gerald Carl Harold Dylan Arthur Lawrence Jordan Jesse Bryan "
    "Billy Bruce Gabriel Joe Logan Alan Juan Albert Willie Elijah Wayne Randy Vincent Mason "
    "Roy Ralph Bobby Russell Bradley Philip Eugene Mary Patricia Jennifer Linda Elizabeth "
    "Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Sandra Margaret Ashley Kimberly Emily "
    "Donna Michelle Carol Amanda Melissa Deborah Stephanie Rebecca Sharon Laura Cynthia "
    "Dorothy Amy Kathleen Angela Shirley Emma Brenda Pamela Nicole Anna Samantha Katherine "
    "Christine Debra Rachel Carolyn Janet Maria Olivia Heather Helen Catherine Diane Julie "
    "Victoria Joyce Lauren Kelly Christina Ruth Joan Virginia Judith Evelyn Hannah Andrea "
    "Megan Cheryl Jacqueline Madison Teresa Abigail Sophia Martha Sara Gloria Janice Kathryn "
    "Ann Isabella Judy Charlotte Julia Grace Amber Alice Jean Denise Frances Danielle Marilyn "
    "Natalie Beverly Diana Brittany Theresa Kayla Alexis Doris Lori Tiffany Tomasz Piotr "
    "Marek Krzysztof Andrei Ionut Mihai Darius Tadas Janis Ahmed Mohammed Ali Omar Yusuf "
    "Hassan Abdi Tesfay Dawit Kwame Chidi Emeka Tunde Arjun Ravi"
).split()
# Surnames made of parts: 24 * 24 * 10 = 5,760 of them, so that with the first names above each
# person has a full name of their own (imported people are matched against each other's names).
SURNAME_HEADS = (  # noqa: SIM905
    "Ash Bel Car Dun El Far Gar Hol Ing Kel Lam Mor Nor Ord Pen Ross Sel Tan Ul Ven Wes Yar Bro Cal"
).split()
SURNAME_MIDS = (  # noqa: SIM905
    "a e i o u ar er or an en in on ab ed ig ol um ay ey ow ath eth ith oth"
).split()
SURNAME_TAILS = "ton ley well by son ham ford wood field worth".split()  # noqa: SIM905
LOCATIONS = [
    json.dumps(place)
    for place in (
        "Royal Parade",
        "The Hoe",
        "Bus station",
        "Railway station forecourt",
        "Church doorway, High Street",
        "Multi-storey car park, level 3",
        "Library steps",
        "Underpass by the ring road",
        "Riverside path",
        "Market Square",
        "Park bandstand",
        "Shopping centre service yard",
        "Cathedral close",
        "Canal towpath",
        "Old cinema doorway",
        "Hospital grounds",
        "Seafront shelter",
        "Retail park",
        "Industrial estate",
        "Cemetery gates",
        "Bridge arches",
        "Supermarket car park",
        "Tent in woodland, north side",
        "Bin store behind the flats",
        "Bank doorway, Queen Street",
        "Student union steps",
        "Allotments",
        "Old police station",
        "Ferry terminal",
        "Stadium concourse",
    )
]
DESCRIPTIONS = [
    json.dumps(text)
    for text in (
        "man in green sleeping bag",
        "man with a dog, grey coat",
        "woman in a red hat",
        "two men sharing a tent",
        "young man, hood up, declined to talk",
        "older man with a beard, asleep",
        "woman with a shopping trolley",
        "man in a wheelchair",
        "person asleep, face covered",
        "man with crutches",
        "couple in a doorway",
        "man with a guitar",
        "woman with a pushchair of belongings",
        "man in a football shirt",
        "person in a blue tent",
        "man speaking Polish, no name given",
        "man speaking Romanian, no name given",
        "woman with a black dog",
        "man with a rucksack, tattoo on neck",
        "person in a yellow sleeping bag",
    )
]
AGENCIES: list[tuple[str, str, str]] = [
    (f"{area}-{service}", f"{area.title()} {label}", kind)
    for area in ("north", "south", "east", "west", "central", "coast")
    for service, label, kind in (
        ("police", "Police", "police"),
        ("mental-health", "Community Mental Health Team", "mental_health"),
        ("drug-alcohol", "Drug and Alcohol Service", "drug_alcohol"),
        ("gp", "Homeless GP Practice", "gp_practice"),
        ("probation", "Probation", "probation"),
        ("housing", "Housing Options", "council"),
    )
]
STREET_PROFILES = [
    # weight, contacts (low, high), days between contacts (low, high), placed, plan
    (0.57, (1, 5), (1, 12), 0.21, 0.06),
    (0.27, (4, 16), (2, 10), 0.45, 0.30),
    (0.11, (15, 60), (3, 12), 0.60, 0.60),
    (0.05, (60, 270), (4, 10), 0.50, 0.70),
]
PROFILE_WEIGHTS = [p[0] for p in STREET_PROFILES]
# Property types, with how often a first stay is in one, its days (None: usually stays), and the
# units a property of that type holds.
PROPERTY_TYPES: dict[str, tuple[float, tuple[int, int] | None, int, str]] = {
    "hostel": (0.30, (20, 300), 40, "Bed"),
    "temporary": (0.18, (14, 120), 12, "Room"),
    "night_shelter": (0.11, (1, 14), 20, "Bed"),
    "supported_housing": (0.14, (60, 540), 16, "Room"),
    "mars_house": (0.04, (60, 365), 10, "Room"),
    "housing_first": (0.06, None, 25, "Flat"),
    "swep": (0.06, (1, 7), 15, "Bed"),
    "private_rented": (0.05, None, 30, "Room"),
    "social_housing": (0.03, None, 30, "Flat"),
    "other": (0.03, (7, 90), 10, "Room"),
}
MOVE_ON_TYPES = ["housing_first", "social_housing", "private_rented", "supported_housing"]
END_REASONS = [
    "planned_move_on",
    "abandoned",
    "eviction",
    "transferred",
    "hospital",
    "prison",
    "other",
]
END_WEIGHTS = [45, 15, 10, 5, 5, 5, 15]
EEA = "PL RO LT LV IE PT ES IT CZ SK HU BG".split()  # noqa: SIM905
OUTSIDE_EEA = "ER SD AF IR IQ SY NG ZW IN US AL VN".split()  # noqa: SIM905
NEEDS = [
    "mental_health",
    "drugs",
    "alcohol",
    "physical_health",
    "learning_disability",
    "offending_history",
    "armed_forces",
    "domestic_abuse",
]
OTHER_KINDS = ("phone", "office", "street_outreach")
ENGAGEMENTS = ("engaged", "declined", "asleep_not_disturbed")
DESTINATIONS = (  # noqa: SIM905
    "Exeter Bristol Cardiff Birmingham Leeds Glasgow Warsaw Bucharest Dublin"
).split()


@dataclass
class Bundle:
    """A file made (or found) for a size and seed, with what the benchmark needs to know of it."""

    path: Path
    bad_path: Path
    people: int
    seed: int
    records: dict[str, int]
    busiest: dict[str, Any]
    # The index in "contacts" of the bad copy's future-dated row.
    bad_index: int
    made_in: float | None = None  # seconds, when made now rather than reused

    @property
    def total(self) -> int:
        return sum(self.records.values())


@dataclass
class _Section:
    """One section's records, one a line, each after the first preceded by a comma."""

    stream: IO[str]
    count: int = 0

    def add(self, record: str) -> None:
        self.stream.write(record if not self.count else ",\n" + record)
        self.count += 1


@dataclass
class _Stay:
    ref: str
    start: int
    end: int | None  # day index, None: still there
    kind: str
    reason: str
    unit: tuple[str, str] = ("", "")


@dataclass
class _Units:
    """Units handed out in order of the stays' starts: a stay takes the unit free longest, or a
    new one when none is free, so that no unit holds two stays on the same day."""

    free: dict[str, list[tuple[float, int, tuple[str, str]]]] = field(default_factory=dict)
    properties: dict[str, list[tuple[str, str, list[str]]]] = field(default_factory=dict)
    made: int = 0

    def take(self, kind: str, start: int, end: int | None) -> tuple[str, str]:
        heap = self.free.setdefault(kind, [])
        if heap and heap[0][0] <= start:
            _, _, unit = heapq.heapreplace(heap, (_until(end), self.made, heap[0][2]))
        else:
            unit = self._new_unit(kind)
            heapq.heappush(heap, (_until(end), self.made, unit))
        self.made += 1
        return unit

    def _new_unit(self, kind: str) -> tuple[str, str]:
        _, _, size, noun = PROPERTY_TYPES[kind]
        of_kind = self.properties.setdefault(kind, [])
        if not of_kind or len(of_kind[-1][2]) >= size:
            number = len(of_kind) + 1
            of_kind.append(
                (f"{kind.replace('_', '-')}-{number}", f"{_kind_label(kind)} {number}", [])
            )
        key, _, names = of_kind[-1]
        names.append(f"{noun} {len(names) + 1}")
        return key, names[-1]


def _until(end: int | None) -> float:
    return float("inf") if end is None else end


def _kind_label(kind: str) -> str:
    return kind.replace("_", " ").capitalize()


def _day(index: int) -> str:
    if 0 <= index < DAYS:
        return DAY_ISO[index]
    return (FIRST_DAY + timedelta(days=index)).isoformat()


def file_for(people: int, seed: int, folder: Path) -> Path:
    return folder / f"national-v{VERSION}-{people}-seed{seed}.json"


def ensure(people: int, seed: int, folder: Path) -> Bundle:
    """The bundle (and its bad copy) for this size and seed: made if not already there."""
    path = file_for(people, seed, folder)
    meta_path = path.with_suffix(".meta.json")
    bad_path = path.with_suffix(".bad.json")
    if path.exists() and meta_path.exists() and bad_path.exists():
        meta = json.loads(meta_path.read_text())
        return Bundle(path, bad_path, people, seed, meta["records"], meta["busiest"], meta["bad"])
    folder.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    records, busiest, contacts_end = _write(path, people, seed)
    _write_bad_copy(path, bad_path, contacts_end)
    meta = {"records": records, "busiest": busiest, "bad": records["contacts"]}
    meta_path.write_text(json.dumps(meta))
    made_in = time.perf_counter() - began
    return Bundle(path, bad_path, people, seed, records, busiest, records["contacts"], made_in)


def _write_bad_copy(path: Path, bad_path: Path, contacts_end: int) -> None:
    """The same file with one more contact, in the future, after the last one."""
    bad = json.dumps(
        {
            "client": None,
            "at": FUTURE_AT,
            "kind": "street_outreach",
            "bedded_down": True,
            "verification": "seen_by_worker",
            "description": "a sighting typed with the wrong year",
        }
    )
    partial = bad_path.with_suffix(".partial")
    with open(path, "rb") as source, open(partial, "wb") as target:
        left = contacts_end
        while left:
            chunk = source.read(min(left, 1 << 20))
            target.write(chunk)
            left -= len(chunk)
        target.write(f",\n{bad}".encode())
        shutil.copyfileobj(source, target, 1 << 20)
    partial.replace(bad_path)


def _write(path: Path, people: int, seed: int) -> tuple[dict[str, int], dict[str, Any], int]:
    """Write the file; return the records in each section, the busiest person and where the
    contacts section's last record ends (in bytes)."""
    work = path.with_suffix(".parts")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    with ExitStack() as files:
        sections = {
            name: _Section(files.enter_context(open(work / name, "w", buffering=1 << 20)))
            for name in SECTIONS
        }
        maker = _Maker(random.Random(seed), sections)
        for index in range(people):
            maker.person(index)
        maker.finish()
    records = {name: section.count for name, section in sections.items()}
    records["units"] = sum(
        len(names) for props in maker.units.properties.values() for _, _, names in props
    )
    partial = path.with_suffix(".partial")
    contacts_end = 0
    with open(partial, "w", buffering=1 << 20) as out:
        out.write('{"format": "mars-bundle/1"')
        for name in SECTIONS:
            out.write(f',\n"{name}": [\n')
            out.flush()
            with open(work / name) as part:
                shutil.copyfileobj(part, out, 1 << 20)
            if name == "contacts":
                out.flush()
                contacts_end = out.tell()
            out.write("\n]")
        out.write("\n}\n")
    partial.replace(path)
    shutil.rmtree(work)
    return records, maker.busiest, contacts_end


class _Maker:
    """Makes each person's records in turn and writes them to their sections."""

    def __init__(self, rng: random.Random, sections: dict[str, _Section]) -> None:
        self.rng = rng
        self.sections = sections
        self.stays: list[_Stay] = []
        self.units = _Units()
        self.unidentified: set[tuple[int, int, int]] = set()
        self.busiest: dict[str, Any] = {"ref": "", "contacts": 0}
        for key, name, kind in AGENCIES:
            sections["agencies"].add(json.dumps({"key": key, "name": name, "kind": kind}))

    def person(self, index: int) -> None:
        rng = self.rng
        ref = f"N{index:06d}"
        if index == 0:
            # The load benchmark's person with a long history: twice a week for five years.
            first, placed_share, plan_share = 120, 0.0, 1.0
            days = self._days(500, (2, 5), first, away=0.0)
        else:
            _, (low, high), gaps, placed_share, plan_share = rng.choices(
                STREET_PROFILES, PROFILE_WEIGHTS
            )[0]
            first = rng.randrange(DAYS)
            days = self._days(rng.randint(low, high), gaps, first)
        local = self._client(index, ref, first)
        stays = self._stays(ref, days) if rng.random() < placed_share else []
        self._contacts(ref, days, stays)
        self._interventions(ref, days, reconnection=0.35 if local == "no" else 0.02)
        if rng.random() < plan_share:
            self._plan(ref, days)
        self._health(ref, days)
        if rng.random() < 0.03:
            self._discharge(ref, first)

    def _days(
        self, count: int, gaps: tuple[int, int], first: int, *, away: float = 0.035
    ) -> list[int]:
        """The days a person is seen: `count` of them from `first` on, a gap between each, now and
        then months away (a returner); none after the last day of the history."""
        random = self.rng.random
        low, spread = gaps[0], gaps[1] - gaps[0] + 1
        days, day = [], first
        for _ in range(count):
            if day >= DAYS:
                break
            days.append(day)
            if random() < away:
                day += 60 + int(random() * 341)
            else:
                day += low + int(random() * spread)
        return days

    def _client(self, index: int, ref: str, first: int) -> str:
        """Write the person; return their local connection."""
        rng = self.rng
        # A full name of one's own (first name and surname chosen through the index, not at random).
        spread = (index * 7_919) % (len(FIRST_NAMES) * 5_760)
        surname_index = spread // len(FIRST_NAMES)
        head, rest = divmod(surname_index, len(SURNAME_MIDS) * len(SURNAME_TAILS))
        mid, tail = divmod(rest, len(SURNAME_TAILS))
        age = rng.choice((16, 17)) if rng.random() < 0.02 else int(rng.triangular(18, 72, 34))
        birth = FIRST_DAY + timedelta(days=first - age * 365 - rng.randrange(365))
        nationality = rng.choices(
            ["GB", rng.choice(EEA), rng.choice(OUTSIDE_EEA), "not_known"], [76, 13, 7, 4]
        )[0]
        if nationality == "GB":
            funds = "eligible" if rng.random() < 0.97 else "not_known"
        elif nationality == "not_known":
            funds = "not_known"
        else:
            funds = rng.choices(["eligible", "no_recourse", "not_known"], [55, 35, 10])[0]
        local = rng.choices(["yes", "no", "unknown"], [60, 25, 15])[0]
        record: dict[str, Any] = {
            "ref": ref,
            "first_name": FIRST_NAMES[spread % len(FIRST_NAMES)],
            "last_name": SURNAME_HEADS[head % len(SURNAME_HEADS)]
            + SURNAME_MIDS[mid]
            + SURNAME_TAILS[tail],
            "date_of_birth": birth.isoformat(),
            "date_of_birth_approximate": rng.random() < 0.08,
            "gender": rng.choices(
                ["male", "female", "non_binary", "other", "not_known"], [80, 17, 1, 0.5, 1.5]
            )[0],
            "nationality": nationality,
            "public_funds": funds,
            "local_connection": local,
            "reconnection_policy_applies": "yes" if local == "no" else "no",
            "primary_care_relevant": rng.random() < 0.96,
            "support_needs": rng.sample(NEEDS, rng.choices([0, 1, 2, 3], [25, 35, 25, 15])[0]),
            "care_leaver": rng.random() < 0.06,
        }
        self.sections["clients"].add(json.dumps(record))
        return local

    def _stays(self, ref: str, days: list[int]) -> list[_Stay]:
        """One stay, sometimes followed by a move on; many begin within two weeks of first being
        seen, the rest after a later sighting."""
        rng = self.rng
        kinds = list(PROPERTY_TYPES)
        weights = [PROPERTY_TYPES[k][0] for k in kinds]
        if rng.random() < 0.45:
            start = days[0] + rng.randint(0, 14)
        else:
            start = rng.choice(days) + rng.randint(1, 30)
        stays: list[_Stay] = []
        kind = rng.choices(kinds, weights)[0]
        while start < DAYS and len(stays) < 3:
            length = PROPERTY_TYPES[kind][1]
            if length is None:
                # A tenancy: most last; some end within a few years.
                end = None if rng.random() < 0.8 else start + rng.randint(90, 900)
            else:
                end = start + rng.randint(*length)
            if end is not None and end >= DAYS:
                end = None
            reason = "" if end is None else rng.choices(END_REASONS, END_WEIGHTS)[0]
            stays.append(_Stay(ref, start, end, kind, reason))
            self.stays.append(stays[-1])
            if end is None or rng.random() > 0.25:
                break
            start = end + rng.randint(0, 60)
            kind = rng.choice(MOVE_ON_TYPES) if reason == "planned_move_on" else "hostel"
        return stays

    def _contacts(self, ref: str, days: list[int], stays: list[_Stay]) -> None:
        # The busiest loop of the file (a million times at national scale): random() alone,
        # records written as text.
        random = self.rng.random
        add = self.sections["contacts"].add
        count = 0
        moved_on = next((s for s in stays if s.reason == "planned_move_on"), None)
        left_for_good = moved_on.end if moved_on is not None else None
        for day in days:
            inside = any(s.start <= day and (s.end is None or day < s.end) for s in stays)
            if left_for_good is not None and day >= left_for_good and random() < 0.7:
                continue  # off the streets for good, mostly
            at_prefix = f'{{"client": "{ref}", "at": "{DAY_ISO[day]}T'
            minute = int(random() * 60)
            if inside or random() < 0.15:
                kind = "visit" if inside else OTHER_KINDS[int(random() * 3)]
                add(
                    f'{at_prefix}{9 + int(random() * 8):02d}:{minute:02d}:00{OFFSET[day]}", '
                    f'"kind": "{kind}", "bedded_down": false, "engagement": "engaged"}}'
                )
            else:
                chance = random()
                engagement = ENGAGEMENTS[(chance >= 0.7) + (chance >= 0.85)]
                verification = "seen_by_worker" if random() < 0.9 else "partner_agency"
                add(
                    f'{at_prefix}{5 + int(random() * 4):02d}:{minute:02d}:00{OFFSET[day]}", '
                    f'"kind": "street_outreach", "bedded_down": true, '
                    f'"verification": "{verification}", '
                    f'"location": {LOCATIONS[int(random() * len(LOCATIONS))]}, '
                    f'"engagement": "{engagement}"}}'
                )
                if random() < 0.085:
                    self._unidentified(day)
            count += 1
        if count > self.busiest["contacts"]:
            self.busiest = {"ref": ref, "contacts": count}

    def _unidentified(self, day: int) -> None:
        """Someone bedded down near a known person that morning, whom nobody could name."""
        rng = self.rng
        while True:
            minute, described = rng.randrange(5 * 60, 9 * 60), rng.randrange(len(DESCRIPTIONS))
            if (day, minute, described) not in self.unidentified:
                break
        self.unidentified.add((day, minute, described))
        self.sections["contacts"].add(
            f'{{"client": null, "at": "{DAY_ISO[day]}T{minute // 60:02d}:{minute % 60:02d}:00'
            f'{OFFSET[day]}", "kind": "street_outreach", "bedded_down": true, '
            f'"verification": "seen_by_worker", "location": {rng.choice(LOCATIONS)}, '
            f'"description": {DESCRIPTIONS[described]}}}'
        )

    def _interventions(self, ref: str, days: list[int], *, reconnection: float) -> None:
        rng = self.rng
        add = self.sections["interventions"].add
        opened_kinds = []
        if rng.random() < reconnection:
            opened_kinds.append(
                (
                    "reconnection",
                    (2, 30),
                    ["reconnected", "declined", "failed", "exempt"],
                    [50, 20, 20, 10],
                )
            )
        if rng.random() < 0.14:
            opened_kinds.append(
                (
                    "short_term_casework",
                    (14, 120),
                    ["achieved", "not_achieved", "disengaged"],
                    [50, 25, 25],
                )
            )
        if rng.random() < 0.07:
            opened_kinds.append(("referral_on", (1, 30), ["achieved", "disengaged"], [70, 30]))
        if rng.random() < 0.08:
            opened_kinds.append(("advice", (0, 0), ["achieved"], [1]))
        for kind, length, outcomes, weights in opened_kinds:
            opened = rng.choice(days)
            closed = opened + rng.randint(*length)
            record: dict[str, Any] = {"client": ref, "kind": kind, "opened": DAY_ISO[opened]}
            if closed < DAYS:
                outcome = rng.choices(outcomes, weights)[0]
                record |= {"closed": DAY_ISO[closed], "outcome": outcome}
                if outcome == "reconnected":
                    record["destination"] = rng.choice(DESTINATIONS)
            add(json.dumps(record))

    def _plan(self, ref: str, days: list[int]) -> None:
        rng = self.rng
        start = rng.choice(days[:5]) + rng.randint(0, 20)
        if start >= DAYS:
            return
        # Plans run for months, not for ever: only recent ones are still in force.
        end = start + rng.randint(90, 500)
        agencies = rng.sample(AGENCIES, rng.choices([0, 1, 2, 3], [8, 40, 35, 17])[0])
        record: dict[str, Any] = {
            "client": ref,
            "start": DAY_ISO[start],
            "end": DAY_ISO[end] if end is not None and end < DAYS else None,
            "review_date": _day(start + 90),
            "agencies": [key for key, _, _ in agencies],
        }
        self.sections["support_plans"].add(json.dumps(record))

    def _health(self, ref: str, days: list[int]) -> None:
        rng = self.rng
        add = self.sections["health_access"].add
        kinds = []
        if rng.random() < 0.42:
            # Registered with a GP soon after first being seen: outreach teams put it first.
            day = days[0] + rng.randint(0, 45)
            if day < DAYS:
                add(f'{{"client": "{ref}", "kind": "gp_registration", "date": "{DAY_ISO[day]}"}}')
        if rng.random() < 0.22:
            kinds.append("gp_appointment")
        if rng.random() < 0.18:
            kinds.append(
                rng.choice(
                    (
                        "dental",
                        "mental_health_assessment",
                        "drug_alcohol_treatment",
                        "hepatitis_c",
                        "hospital",
                    )
                )
            )
        for kind in kinds:
            day = rng.choice(days) + rng.randint(0, 60)
            if day < DAYS:
                add(f'{{"client": "{ref}", "kind": "{kind}", "date": "{DAY_ISO[day]}"}}')

    def _discharge(self, ref: str, first: int) -> None:
        rng = self.rng
        kind = rng.choices(
            (
                "prison",
                "hospital_general",
                "hospital_mental_health",
                "youth_custody",
                "other_justice",
                "armed_forces",
                "asylum_support",
            ),
            (40, 25, 10, 3, 7, 5, 10),
        )[0]
        evidence = "verified" if rng.random() < 0.6 else "self_reported"
        self.sections["discharges"].add(
            f'{{"client": "{ref}", "kind": "{kind}", "date": "{_day(first - rng.randint(0, 85))}", '
            f'"evidence": "{evidence}"}}'
        )

    def finish(self) -> None:
        """Units for every stay, in order of their starts; then the stays and the properties."""
        self.stays.sort(key=lambda s: s.start)
        for stay in self.stays:
            stay.unit = self.units.take(stay.kind, stay.start, stay.end)
        # A person's stays in the order they were made: sort them back by person and start.
        self.stays.sort(key=lambda s: (s.ref, s.start))
        for stay in self.stays:
            record: dict[str, Any] = {
                "client": stay.ref,
                "property": stay.unit[0],
                "unit": stay.unit[1],
                "start": DAY_ISO[stay.start],
            }
            if stay.end is not None:
                record |= {"end": DAY_ISO[stay.end], "end_reason": stay.reason}
            self.sections["placements"].add(json.dumps(record))
        for kind, props in self.units.properties.items():
            for key, name, units in props:
                self.sections["properties"].add(
                    json.dumps({"key": key, "name": name, "type": kind, "units": units})
                )


if __name__ == "__main__":
    made = ensure(
        int(os.environ.get("BENCH_PEOPLE", "1000")),
        int(os.environ.get("BENCH_SEED", "22")),
        Path(__file__).resolve().parent.parent / "var" / "bench",
    )
    print(made)
