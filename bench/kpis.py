"""KPI speed on a large service: 20,000 people with 400,000 contacts over two years, placements,
reconnections, plans and health access. Prints timings and query counts for one month's figures,
the dashboard's 12-month trend and the watch list; changes nothing (a rolled-back transaction).

Run with `make bench` (embedded PostgreSQL unless DATABASE_URL is set).
"""

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mars.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accommodation.models import Placement, Property, Unit  # noqa: E402
from clients.models import Client, HealthAccess, SupportPlan  # noqa: E402
from mars.dates import day_start  # noqa: E402
from outreach.models import Contact, Intervention  # noqa: E402
from reporting import kpis, report  # noqa: E402

PEOPLE = int(os.environ.get("BENCH_KPI_PEOPLE", "20000"))
CONTACTS_EACH = 20
PERIOD = date(2026, 10, 1)
AS_OF = date(2026, 11, 20)


class Rollback(Exception):
    pass


def timed(label: str, run: Callable[[], object], repeat: int = 5, floor: float = 0) -> float:
    """Print the median and worst time (and, given a floor, the median as a multiple of it)."""
    samples = []
    with CaptureQueriesContext(connection) as queries:
        run()
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    median = statistics.median(samples)
    ratio = f"   {median / floor:6.1f} x floor" if floor else ""
    print(
        f"{label:<40} median {median:8.1f} ms   max {max(samples):8.1f} ms"
        f"   {len(queries)} queries{ratio}"
    )
    return median


def read_the_month() -> None:
    """The floor: what any month's figures must at least do, read the month's contacts once."""
    start, end = day_start(PERIOD), day_start(date(2026, 11, 1))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(DISTINCT client_id) FROM outreach_contact "
            "WHERE at >= %s AND at < %s",
            [start, end],
        )
        cursor.fetchall()


def seed(rng: random.Random) -> None:
    worker = get_user_model().objects.create(username="bench-worker")
    prop = Property.objects.create(key="bench-hostel", name="Bench hostel", type="hostel")
    units = Unit.objects.bulk_create(Unit(property=prop, name=f"Bed {n}") for n in range(PEOPLE))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('clients_client', 'id')) "
            "FROM generate_series(1, %s)",
            [PEOPLE],
        )
        ids = [row[0] for row in cursor.fetchall()]
    Client.objects.bulk_create(
        (Client(id=pk, reference=Client.reference_for(pk), first_name=f"P{pk}") for pk in ids),
        batch_size=5000,
    )
    first_day = date(2025, 1, 1)
    contacts, placements, interventions, plans, health = [], [], [], [], []
    for index, pk in enumerate(ids):
        seen = first_day + timedelta(days=rng.randint(0, 680))
        for _ in range(CONTACTS_EACH):
            day = seen + timedelta(days=rng.randint(0, 60))
            at: datetime = day_start(day) + timedelta(hours=6, minutes=rng.randint(0, 120))
            contacts.append(
                Contact(
                    client_id=pk,
                    at=at,
                    kind="street_outreach",
                    bedded_down=True,
                    verification="seen_by_worker",
                    worker=worker,
                )
            )
        start = seen + timedelta(days=rng.randint(1, 30))
        placements.append(Placement(client_id=pk, unit=units[index], start=start))
        if index % 5 == 0:
            interventions.append(
                Intervention(
                    client_id=pk,
                    kind="reconnection",
                    opened=seen,
                    closed=seen + timedelta(days=7),
                    outcome=rng.choice(["reconnected", "declined", "failed", "exempt"]),
                    worker=worker,
                )
            )
        plans.append(SupportPlan(client_id=pk, start=start))
        health.append(HealthAccess(client_id=pk, kind="gp_registration", date=start))
    Contact.objects.bulk_create(contacts, batch_size=10000)
    Placement.objects.bulk_create(placements, batch_size=10000)
    Intervention.objects.bulk_create(interventions, batch_size=10000)
    SupportPlan.objects.bulk_create(plans, batch_size=10000)
    HealthAccess.objects.bulk_create(health, batch_size=10000)
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE outreach_contact; ANALYZE accommodation_placement; "
            "ANALYZE outreach_intervention; ANALYZE clients_supportplan; ANALYZE clients_client"
        )


def main() -> None:
    rng = random.Random(1)
    try:
        with transaction.atomic():
            started = time.perf_counter()
            seed(rng)
            print(
                f"seeded {PEOPLE} people, {PEOPLE * CONTACTS_EACH} contacts "
                f"in {time.perf_counter() - started:.1f} s"
            )
            reset_queries()
            figures = kpis.figures(PERIOD, AS_OF)
            print(f"October 2026: {figures['rough_sleepers']}")
            # Measured in the same run, so that runs on a busy or a quiet machine compare.
            floor = timed("floor: read the month's contacts", read_the_month, 9)
            timed("one month's figures", lambda: kpis.figures(PERIOD, AS_OF), floor=floor)
            if os.environ.get("BENCH_SHOW_QUERIES"):
                with CaptureQueriesContext(connection) as queries:
                    kpis.figures(PERIOD, AS_OF)
                for query in queries:
                    print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:150]}")
            timed(
                "12-month trend (dashboard, report)",
                lambda: report.trend(PERIOD, AS_OF),
                2,
                floor=floor,
            )
            timed("14-day watch list", lambda: kpis.watch_list(AS_OF), floor=floor)
            raise Rollback
    except Rollback:
        print("rolled back: the database is as it was")


if __name__ == "__main__":
    main()
