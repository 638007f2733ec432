"""RSDF return speed beside the contract KPIs, on the same large service as bench/kpis.py (20,000
people with 400,000 contacts over two years, placements, reconnections, plans and health access),
with dates of birth, nationalities and discharges for the return's groups. Prints the time and
queries of one month's return, of one month's contract KPIs, and their ratio (the goal: the
return costs no more than twice the KPIs); changes nothing (a rolled-back transaction).

Run with `make bench` (embedded PostgreSQL unless DATABASE_URL is set).
"""

import importlib.util
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mars.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from clients.models import Client, Discharge, DischargeKind  # noqa: E402
from reporting import kpis, rsdf  # noqa: E402

# The KPI benchmark's data and timing, so that both figures are measured on the same records.
_spec = importlib.util.spec_from_file_location("bench_kpis", Path(__file__).with_name("kpis.py"))
assert _spec is not None and _spec.loader is not None
bench_kpis = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_kpis)

PERIOD = bench_kpis.PERIOD
AS_OF = bench_kpis.AS_OF
NIGHT = date(2026, 10, 21)
POPULATION = 266900
NATIONALITIES = ["GB"] * 14 + ["PL", "RO", "IE", "LT", "US", "NG", "CH", ""]


def seed_return_facts(rng: random.Random) -> None:
    """Dates of birth, nationalities, public funds and care leavers for everyone; a discharge
    for one person in ten."""
    people = list(Client.objects.order_by("pk"))
    for person in people:
        person.date_of_birth = date(1960, 1, 1) + timedelta(days=rng.randint(0, 365 * 48))
        person.nationality = rng.choice(NATIONALITIES)
        person.public_funds = rng.choice(["eligible", "eligible", "no_recourse", "not_known"])
        person.gender = rng.choice(["male", "male", "male", "female", "non_binary", "not_known"])
        person.support_needs = ["care_leaver"] if rng.random() < 0.05 else []
    Client.objects.bulk_update(
        people,
        ["date_of_birth", "nationality", "public_funds", "gender", "support_needs"],
        batch_size=5000,
    )
    Discharge.objects.bulk_create(
        (
            Discharge(
                client=person,
                kind=rng.choice(DischargeKind.values),
                date=date(2025, 1, 1) + timedelta(days=rng.randint(0, 680)),
            )
            for person in people[::10]
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE clients_client; ANALYZE clients_discharge")


def main() -> None:
    rng = random.Random(1)
    try:
        with transaction.atomic():
            started = time.perf_counter()
            bench_kpis.seed(rng)
            seed_return_facts(rng)
            print(
                f"seeded {bench_kpis.PEOPLE} people, {bench_kpis.PEOPLE * bench_kpis.CONTACTS_EACH}"
                f" contacts in {time.perf_counter() - started:.1f} s"
            )
            figures = rsdf.figures(PERIOD, night=NIGHT, population=POPULATION)
            over_month = {
                key: value
                for key, value in figures["over_month"].items()
                if not isinstance(value, dict)
            }
            print(f"October 2026 return: {over_month}")
            floor = bench_kpis.timed(
                "floor: read the month's contacts", bench_kpis.read_the_month, 9
            )
            contract = bench_kpis.timed(
                "one month's contract KPIs", lambda: kpis.figures(PERIOD, AS_OF), floor=floor
            )
            ret = bench_kpis.timed(
                "one month's RSDF return",
                lambda: rsdf.figures(PERIOD, night=NIGHT, population=POPULATION),
                floor=floor,
            )
            bench_kpis.timed("long-term list", lambda: rsdf.long_term_months(PERIOD), floor=floor)
            print(f"return / contract KPIs: {ret / contract:.2f}x (goal: at most 2x)")
            if os.environ.get("BENCH_SHOW_QUERIES"):
                with CaptureQueriesContext(connection) as queries:
                    rsdf.figures(PERIOD, night=NIGHT, population=POPULATION)
                for query in queries:
                    print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:150]}")
            raise bench_kpis.Rollback
    except bench_kpis.Rollback:
        print("rolled back: the database is as it was")


if __name__ == "__main__":
    main()
