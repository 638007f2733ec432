"""Bundle import speed: a generated team's file (people, contacts, placements, interventions, plans,
health access) imported, then imported again (everything unchanged), against a floor measured in
the same run: a plain bulk insert of the same rows. Changes nothing (a rolled-back transaction).

Run with `make bench` (embedded PostgreSQL unless DATABASE_URL is set).
"""

import os
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mars.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from accommodation.models import Placement, Property, Unit  # noqa: E402
from clients.models import Agency, Client, HealthAccess, SupportPlan  # noqa: E402
from mars.dates import day_start  # noqa: E402
from outreach.models import Contact, Intervention  # noqa: E402
from reporting.bundle import import_bundle  # noqa: E402

PEOPLE = int(os.environ.get("BENCH_BUNDLE_PEOPLE", "300"))
CONTACTS_EACH = 4
FIRST_DAY = date(2025, 1, 6)


class Rollback(Exception):
    pass


def bundle() -> dict[str, Any]:
    """A file a team might bring: each person seen a few times, placed once, with a plan."""
    clients, contacts, placements, interventions, plans, health = [], [], [], [], [], []
    for n in range(PEOPLE):
        ref = f"B{n:05d}"
        seen = FIRST_DAY + timedelta(days=n % 300)
        clients.append({"ref": ref, "first_name": f"Person{n}", "last_name": "Bench"})
        for k in range(CONTACTS_EACH):
            at = day_start(seen + timedelta(days=k)) + timedelta(hours=6, minutes=n % 50)
            contacts.append(
                {
                    "client": ref,
                    "at": at.isoformat(),
                    "kind": "street_outreach",
                    "bedded_down": True,
                }
            )
        start = seen + timedelta(days=CONTACTS_EACH + 1)
        placed = {"client": ref, "property": "bench", "unit": f"Bed {n}", "start": start}
        if n % 2:
            placed |= {"end": start + timedelta(days=30), "end_reason": "planned_move_on"}
        placements.append(
            {k: v.isoformat() if isinstance(v, date) else v for k, v in placed.items()}
        )
        if n % 5 == 0:
            interventions.append(
                {
                    "client": ref,
                    "kind": "reconnection",
                    "opened": seen.isoformat(),
                    "closed": (seen + timedelta(days=7)).isoformat(),
                    "outcome": "reconnected",
                }
            )
        plans.append({"client": ref, "start": start.isoformat(), "agencies": ["harbour"]})
        health.append({"client": ref, "kind": "gp_registration", "date": start.isoformat()})
    return {
        "format": "mars-bundle/1",
        "agencies": [{"key": "harbour", "name": "Harbour"}],
        "properties": [
            {
                "key": "bench",
                "name": "Bench hostel",
                "type": "hostel",
                "units": [f"Bed {n}" for n in range(PEOPLE)],
            }
        ],
        "clients": clients,
        "contacts": contacts,
        "placements": placements,
        "interventions": interventions,
        "support_plans": plans,
        "health_access": health,
    }


def bulk_insert(data: dict[str, Any]) -> None:
    """The floor: the same rows written with bulk_create, no matching, rules or history."""
    worker = get_user_model().objects.create(username="bench-bulk")
    agency = Agency.objects.create(key="harbour", name="Harbour")
    prop = Property.objects.create(key="bench", name="Bench hostel", type="hostel")
    units = {
        u.name: u
        for u in Unit.objects.bulk_create(
            Unit(property=prop, name=name) for name in data["properties"][0]["units"]
        )
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('clients_client', 'id')) "
            "FROM generate_series(1, %s)",
            [len(data["clients"])],
        )
        ids = [row[0] for row in cursor.fetchall()]
    people = {}
    for pk, entry in zip(ids, data["clients"], strict=True):
        people[entry["ref"]] = Client(
            pk=pk,
            reference=Client.reference_for(pk),
            external_ref=entry["ref"],
            first_name=entry["first_name"],
            last_name=entry["last_name"],
        )
    Client.objects.bulk_create(people.values())
    Contact.objects.bulk_create(
        Contact(
            client=people[c["client"]],
            at=c["at"],
            kind=c["kind"],
            bedded_down=True,
            verification="seen_by_worker",
            worker=worker,
        )
        for c in data["contacts"]
    )
    Placement.objects.bulk_create(
        Placement(
            client=people[p["client"]],
            unit=units[p["unit"]],
            start=p["start"],
            end=p.get("end"),
            end_reason=p.get("end_reason") or "",
        )
        for p in data["placements"]
    )
    Intervention.objects.bulk_create(
        Intervention(
            client=people[i["client"]],
            kind=i["kind"],
            opened=i["opened"],
            closed=i["closed"],
            outcome=i["outcome"],
            worker=worker,
        )
        for i in data["interventions"]
    )
    plans = SupportPlan.objects.bulk_create(
        SupportPlan(client=people[s["client"]], start=s["start"]) for s in data["support_plans"]
    )
    SupportPlan.agencies.through.objects.bulk_create(
        SupportPlan.agencies.through(supportplan_id=plan.pk, agency_id=agency.pk) for plan in plans
    )
    HealthAccess.objects.bulk_create(
        HealthAccess(client=people[h["client"]], kind=h["kind"], date=h["date"])
        for h in data["health_access"]
    )


def timed(label: str, run: Callable[[], object]) -> float:
    """Run once in a savepoint that is rolled back; print and return the seconds it took."""
    queries: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        try:
            with transaction.atomic():
                start = time.perf_counter()
                run()
                took = time.perf_counter() - start
                raise Rollback
        except Rollback:
            pass
    print(f"{label:<44} {took * 1000:9.0f} ms   {len(queries)} queries")
    return took


def import_twice(data: dict[str, Any]) -> None:
    import_bundle(data)
    start = time.perf_counter()
    import_bundle(data)
    took = (time.perf_counter() - start) * 1000
    print(f"{'  of which the re-import (all unchanged)':<44} {took:9.0f} ms")


def main() -> None:
    data = bundle()
    rows = sum(len(data[section]) for section in data if section != "format") + PEOPLE
    print(f"bundle of {PEOPLE} people, {rows} records (units included)")
    try:
        with transaction.atomic():
            # The floor is short, so the least of three runs, to keep the ratio steady.
            floor = min(
                timed("bulk insert of the same rows (floor)", lambda: bulk_insert(data))
                for _ in range(3)
            )
            first = timed("import into an empty database", lambda: import_bundle(data))
            timed("import, then the same file again", lambda: import_twice(data))
            print(f"import / floor: {first / floor:.1f}x")
            raise Rollback
    except Rollback:
        print("rolled back: the database is as it was")


if __name__ == "__main__":
    main()
