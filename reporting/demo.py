"""Demo reporting: a year of people coming onto the streets and leaving them, so the dashboard,
its trend charts and the monthly reports show real figures; targets for this contract year and
the last; and the last two months' reports made and published. Last month's RSDF return has
people long-term (and a target to halve them), an institution leaver, a returner from settled
accommodation and a gap to fix.

The year's history is written as a mars-bundle/1 and loaded by the bundle import, as a team
arriving with another system's records would load theirs: the same import, the same rules.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from clients.models import Client
from clients.services import update_client
from mars.dates import (
    add_months,
    day_start,
    financial_year,
    first_of_month,
    month_bounds,
    previous_month,
)
from outreach.models import Contact
from reporting import bundle, returns, services
from reporting.kpis import local_day
from reporting.models import LongTermTarget, ReportRun, RunTrigger, Target

REF = "HIST-{:03d}"
FIRST = [
    "Adam",
    "Ben",
    "Callum",
    "Dean",
    "Ellie",
    "Finn",
    "Grace",
    "Harry",
    "Imran",
    "Jack",
    "Kayleigh",
    "Liam",
    "Mia",
    "Nathan",
    "Olivia",
    "Piotr",
    "Rhys",
    "Stacey",
    "Tyler",
    "Vicky",
    "Wes",
    "Zoe",
    "Craig",
    "Donna",
    "Jamie",
    "Marek",
    "Shane",
    "Tanya",
    "Wayne",
    "Leanne",
]
LAST = [
    "Bray",
    "Carne",
    "Dunn",
    "Eddy",
    "Foale",
    "Gilbert",
    "Hocking",
    "Jago",
    "Kitto",
    "Lander",
    "Mitchell",
    "Nance",
    "Oates",
    "Penrose",
    "Quick",
    "Rowe",
    "Sleeman",
    "Tonkin",
    "Uren",
    "Vosper",
]
PLACES = ["Royal Parade", "Armada Way", "Bretonside", "Hoe Park", "Drake Circus", "Mutley Plain"]
HISTORY_PROPERTIES: list[dict[str, Any]] = [
    {
        "key": "stonehouse-hostel",
        "name": "Stonehouse Hostel",
        "type": "hostel",
        "units": [f"Bed {n}" for n in range(1, 13)],
    },
    {
        "key": "harbour-view",
        "name": "Harbour View supported housing",
        "type": "supported_housing",
        "units": [f"Flat {n}" for n in range(1, 7)],
    },
    {
        "key": "nightstop",
        "name": "Nightstop rooms",
        "type": "temporary",
        "units": [f"Room {n}" for n in range(1, 7)],
    },
    {
        "key": "private-lets",
        "name": "Private lets (rent deposit scheme)",
        "type": "private_rented",
        "units": ["Mutley flat", "Stoke flat"],
    },
]
TARGETS = [
    ("rough_sleepers.new", "8", "2"),
    ("rough_sleepers.returners", "2", "1"),
    ("left_streets_within_14_days", "60", "10"),
    ("supported_accommodation_access", "4", "1"),
    ("reconnected", "50", "10"),
    ("multi_agency_support_plans", "15", "3"),
    ("primary_care_access", "60", "10"),
]


class _Units:
    """Which unit is free from when, so the year's placements never share a unit's day."""

    def __init__(self) -> None:
        self.free_from = {
            (prop["key"], unit): date.min for prop in HISTORY_PROPERTIES for unit in prop["units"]
        }

    def take(self, key: str, start: date, end: date | None) -> str | None:
        for (prop, unit), free in self.free_from.items():
            if prop == key and free <= start:
                self.free_from[(prop, unit)] = end or date.max
                return unit
        return None


def _at(day: date, rng: random.Random) -> str:
    moment = day_start(day) + timedelta(hours=6, minutes=rng.randint(0, 150))
    return timezone.localtime(moment).isoformat()


def history(today: date, seed: int = 2025) -> dict[str, Any]:
    """Twelve months of people first seen rough sleeping, as a bundle: how often each was seen,
    where they went (placement, reconnection, or still out), plans, GP registrations."""
    rng = random.Random(seed)
    units = _Units()
    data: dict[str, Any] = {"format": bundle.FORMAT, "properties": HISTORY_PROPERTIES}
    for name in ("clients", "contacts", "placements", "interventions", "support_plans"):
        data[name] = []
    data["health_access"] = []
    number = 0
    start = add_months(first_of_month(today), -12)
    month = start
    while month <= today:
        for _ in range(rng.randint(4, 8)):
            first_seen = month + timedelta(days=rng.randint(0, 27))
            if first_seen > today - timedelta(days=1):
                continue
            number += 1
            _person(data, units, rng, REF.format(number), first_seen, today)
        month = add_months(month, 1)
    # New to the streets this fortnight and not yet off them: the dashboard's watch list.
    for days_ago, (first, last) in ((2, ("Callum", "Bray")), (11, ("Stacey", "Kitto"))):
        number += 1
        ref = REF.format(number)
        data["clients"].append(
            {
                "ref": ref,
                "first_name": first,
                "last_name": last,
                "gender": "not_known",
                "status": "rough_sleeping",
            }
        )
        for night in (days_ago, max(days_ago - 2, 1)):
            data["contacts"].append(
                {
                    "client": ref,
                    "at": _at(today - timedelta(days=night), rng),
                    "kind": "street_outreach",
                    "bedded_down": True,
                    "location": rng.choice(PLACES),
                }
            )
    _rsdf_cases(data, today)
    return data


# People long-term in last month's RSDF return: (ref, first name, last name, how many of the
# twelve months before it they were seen in, whether a support plan is in force).
LONG_TERM = [
    ("LONG-001", "Gary", "Tonkin", 10, True),
    ("LONG-002", "Michelle", "Rowe", 7, False),
    ("LONG-003", "Kevin", "Jago", 5, True),
    ("LONG-004", "Darren", "Oates", 4, False),
    ("LONG-005", "Paul", "Sleeman", 3, False),
]


def _bedded_down(ref: str, day: date, minutes: int = 30) -> dict[str, Any]:
    moment = day_start(day) + timedelta(hours=6, minutes=minutes)
    return {
        "client": ref,
        "at": timezone.localtime(moment).isoformat(),
        "kind": "street_outreach",
        "bedded_down": True,
        "location": PLACES[minutes % len(PLACES)],
    }


def _rsdf_cases(data: dict[str, Any], today: date) -> None:
    """Last month's (the latest complete month's) RSDF return, made real-looking: people out in
    many of the months before (long-term, seen this month too when it has begun), someone who
    left prison a few weeks before they were first seen, someone back on the streets after a
    private let ended over half a year ago, and a person whose nationality nobody has asked."""
    period = previous_month(today)
    e = period + timedelta(days=9)  # each one's first night out in the month
    for number, (ref, first, last, months_out, _planned) in enumerate(LONG_TERM):
        data["clients"].append(
            {
                "ref": ref,
                "first_name": first,
                "last_name": last,
                "date_of_birth": date(1968 + 4 * number, 3 + number, 11).isoformat(),
                "gender": "female" if first == "Michelle" else "male",
                "nationality": "GB",
                "public_funds": "eligible",
                "local_connection": "yes",
                "status": "rough_sleeping",
            }
        )
        # Back from the month before: every month for the most, further apart for the rest.
        step = 11 / months_out
        for index in range(months_out):
            month = add_months(period, -1 - int(index * step))
            data["contacts"].append(_bedded_down(ref, month + timedelta(days=4 + number * 3)))
        data["contacts"].append(_bedded_down(ref, e + timedelta(days=number)))
        if today.day > 1:
            data["contacts"].append(_bedded_down(ref, today - timedelta(days=1), 10 + number))
    data["clients"] += [
        {
            "ref": "LEFT-001",
            "first_name": "Lee",
            "last_name": "Hocking",
            "date_of_birth": "1991-07-19",
            "gender": "male",
            "nationality": "GB",
            "public_funds": "eligible",
            "local_connection": "yes",
            "status": "rough_sleeping",
        },
        {
            "ref": "BACK-001",
            "first_name": "Sharon",
            "last_name": "Penrose",
            "date_of_birth": "1979-02-02",
            "gender": "female",
            "nationality": "IE",
            "public_funds": "eligible",
            "local_connection": "yes",
            # No status: the import gives her the one her evicted tenancy leaves her with.
        },
        {
            "ref": "GAP-001",
            "first_name": "Tomek",
            "last_name": "Nowicki",
            "date_of_birth": "1986-10-30",
            "gender": "male",
            "nationality": "not_known",
            "public_funds": "not_known",
            "local_connection": "unknown",
            "status": "rough_sleeping",
        },
    ]
    data["contacts"] += [
        _bedded_down("LEFT-001", e),
        _bedded_down("LEFT-001", e + timedelta(days=6)),
        # Seen once before moving into a private let, which ended seven months ago.
        _bedded_down("BACK-001", e - timedelta(days=300)),
        _bedded_down("BACK-001", e),
        _bedded_down("GAP-001", e + timedelta(days=2), 50),
    ]
    data["discharges"] = [
        {
            "client": "LEFT-001",
            "kind": "prison",
            "date": (e - timedelta(days=20)).isoformat(),
            "evidence": "verified",
            "notes": "Released from HMP Exeter with no fixed abode.",
        }
    ]
    data["placements"].append(
        {
            "client": "BACK-001",
            "property": "private-lets",
            "unit": "Mutley flat",
            "start": (e - timedelta(days=290)).isoformat(),
            "end": (e - timedelta(days=210)).isoformat(),
            "end_reason": "eviction",
        }
    )
    for ref, _first, _last, _months, planned in LONG_TERM:
        if planned:
            data["support_plans"].append(
                {
                    "client": ref,
                    "start": (e - timedelta(days=40)).isoformat(),
                    "end": None,
                    "agencies": ["harbour", "livewell"],
                }
            )


def _person(
    data: dict[str, Any], units: _Units, rng: random.Random, ref: str, seen: date, today: date
) -> None:
    data["clients"].append(
        {
            "ref": ref,
            "first_name": rng.choice(FIRST),
            "last_name": rng.choice(LAST),
            "date_of_birth": date(
                rng.randint(1962, 2005), rng.randint(1, 12), rng.randint(1, 28)
            ).isoformat(),
            "gender": rng.choice(["male"] * 4 + ["female", "not_known"]),
            "nationality": rng.choice(["GB"] * 6 + ["PL", "IE", "RO"]),
            "local_connection": rng.choice(["yes", "yes", "no", "unknown"]),
            "primary_care_relevant": rng.random() > 0.1,
        }
    )
    outcome = rng.random()
    out_days = rng.randint(1, 13) if outcome < 0.6 else rng.randint(15, 50)
    # Seen bedded down on the first night and a few more times while still out.
    nights = sorted(
        {seen} | {seen + timedelta(days=rng.randint(1, out_days)) for _ in range(rng.randint(0, 4))}
    )
    for night in nights:
        if night < today:
            data["contacts"].append(
                {
                    "client": ref,
                    "at": _at(night, rng),
                    "kind": "street_outreach",
                    "bedded_down": True,
                    "location": rng.choice(PLACES),
                }
            )
    left_on = seen + timedelta(days=out_days)
    if left_on > today:
        data["clients"][-1]["status"] = "rough_sleeping"
        return
    if outcome < 0.12 or (outcome > 0.9):
        reconnected = outcome < 0.12
        data["interventions"].append(
            {
                "client": ref,
                "kind": "reconnection",
                "opened": seen.isoformat(),
                "closed": left_on.isoformat(),
                "destination": rng.choice(["Bristol", "Cardiff", "Leeds"]),
                "outcome": "reconnected" if reconnected else rng.choice(["declined", "failed"]),
            }
        )
        if reconnected:
            data["clients"][-1]["status"] = "reconnected"
            return
    kind = rng.choice(["stonehouse-hostel", "stonehouse-hostel", "harbour-view", "nightstop"])
    stay = timedelta(days=rng.randint(25, 160))
    end = left_on + stay if left_on + stay <= today else None
    unit = units.take(kind, left_on, end)
    if unit is None:
        data["clients"][-1]["status"] = (
            "lost_contact" if (today - left_on).days > 60 else "rough_sleeping"
        )
        return
    placement = {
        "client": ref,
        "property": kind,
        "unit": unit,
        "start": left_on.isoformat(),
        "end": None,
        "end_reason": None,
    }
    if end is not None:
        placement["end"] = end.isoformat()
        placement["end_reason"] = rng.choice(["planned_move_on"] * 3 + ["abandoned", "eviction"])
        if placement["end_reason"] != "planned_move_on" and end + timedelta(days=10) <= today:
            # Back on the streets: a returner the month after.
            back = end + timedelta(days=rng.randint(3, 30))
            if back < today:
                data["contacts"].append(
                    {
                        "client": ref,
                        "at": _at(back, rng),
                        "kind": "street_outreach",
                        "bedded_down": True,
                        "location": rng.choice(PLACES),
                    }
                )
    data["placements"].append(placement)
    plan_start = left_on + timedelta(days=rng.randint(2, 10))
    if plan_start <= today and rng.random() < 0.7:
        data["support_plans"].append(
            {
                "client": ref,
                "start": plan_start.isoformat(),
                "end": placement["end"],
                "agencies": rng.sample(
                    ["harbour", "livewell", "council-housing", "probation", "hepc"],
                    k=rng.randint(1, 2),
                ),
            }
        )
        # Seen by their worker each month they are on the plan: the primary care denominator.
        visit = plan_start + timedelta(days=14)
        while visit < min(
            today, date.fromisoformat(placement["end"]) if placement["end"] else today
        ):
            data["contacts"].append(
                {
                    "client": ref,
                    "at": timezone.localtime(day_start(visit) + timedelta(hours=11)).isoformat(),
                    "kind": "visit",
                    "bedded_down": False,
                    "location": "Placement",
                }
            )
            visit += timedelta(days=30)
    registered = seen + timedelta(days=rng.randint(3, 45))
    if registered <= today and rng.random() < 0.65:
        data["health_access"].append(
            {
                "client": ref,
                "kind": rng.choice(["gp_registration", "gp_appointment"]),
                "date": registered.isoformat(),
            }
        )


def _long_term_work(today: date, users: dict[str, User]) -> None:
    """The long-term people's key workers, shared between the outreach and support workers."""
    refs = [ref for ref, *_ in LONG_TERM]
    workers = [users["outreach"], users["support"]]
    people = Client.objects.filter(external_ref__in=refs).order_by("external_ref")
    for index, person in enumerate(people):
        update_client(person, {"key_worker": workers[index % 2]}, by=users["coordinator"])


# The population DESIGN.md's example return uses, for the demo return's figures per 100,000.
DEMO_POPULATION = 266_900


def _open_last_months_return(today: date, coordinator: User) -> None:
    """Last month's RSDF return, open as a draft for the coordinator to check and send: its
    single night the one on which most people were seen bedded down the next morning."""
    period = previous_month(today)
    first, last = month_bounds(period)
    mornings = Counter(
        day
        for _, day in Contact.objects.bedded_down()
        .identified()
        .filter(at__gte=day_start(first + timedelta(days=1)), at__lt=day_start(last))
        .annotate(day=local_day("at"))
        .order_by()
        .values_list("client_id", "day")
        .distinct()
    )
    night = (
        min(mornings, key=lambda day: (-mornings[day], day)) - timedelta(days=1)
        if mornings
        else first
    )
    record = returns.open_return(period, by=coordinator)
    returns.change_return(
        record,
        night=night,
        population=record.population or DEMO_POPULATION,
        notes="",
        by=coordinator,
    )


def load(today: date, users: dict[str, User]) -> dict[str, int]:
    """Load the year's history, targets and published reports, unless they are there already."""
    if ReportRun.objects.exists():
        return {}
    summary = bundle.import_bundle(history(today), by=users["outreach"])
    _long_term_work(today, users)
    coordinator = users["coordinator"]
    for year in (financial_year(today) - 1, financial_year(today)):
        for measure, value, margin in TARGETS:
            if not Target.objects.filter(measure=measure, year=year).exists():
                services.save_target(
                    Target(
                        measure=measure,
                        year=year,
                        value=Decimal(value),
                        amber_margin=Decimal(margin),
                    ),
                    by=coordinator,
                )
    if not LongTermTarget.objects.exists():
        # Set three months ago: halve long-term rough sleeping by the end of the next contract
        # year, from the count of the month before it was set.
        services.set_long_term_target(
            baseline_month=add_months(previous_month(today), -3),
            target_date=date(financial_year(today) + 2, 3, 31),
            by=coordinator,
        )
    _open_last_months_return(today, coordinator)
    published = 0
    for back in (2, 1):
        period = add_months(first_of_month(today), -back)
        as_of = min(add_months(period, 1).replace(day=15), today)
        run = ReportRun.objects.create(period=period, as_of=as_of, trigger=RunTrigger.SCHEDULE)
        services.make_report(run.pk)
        run.refresh_from_db()
        services.publish_run(
            run,
            commentary=f"{period:%B} saw steady outreach across the city centre. Most people "
            "new to the streets were off them within a fortnight; those still out are on the "
            "watch list and discussed at the weekly A2A panel.",
            by=coordinator,
        )
        published += 1
    return {
        "people with a year's history": summary.created["clients"],
        "targets": Target.objects.count(),
        "published reports": published,
    }
