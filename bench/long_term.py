"""The dashboard's long-term trend (twelve months of RSDF B1) and the long-term list, on the same
large service as bench/kpis.py (20,000 people with 400,000 contacts over two years), beside one
month's long-term count and the contract figures' own twelve-month trend. Changes nothing (a
rolled-back transaction).

Run with `python bench/long_term.py` (embedded PostgreSQL unless DATABASE_URL is set).
"""

import importlib.util
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mars.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from mars.roles import Role  # noqa: E402
from reporting import longterm, report, rsdf  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_kpis", Path(__file__).with_name("kpis.py"))
assert _spec is not None and _spec.loader is not None
bench_kpis = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_kpis)

PERIOD = bench_kpis.PERIOD
AS_OF = bench_kpis.AS_OF


def main() -> None:
    rng = random.Random(1)
    try:
        with transaction.atomic():
            started = time.perf_counter()
            bench_kpis.seed(rng)
            print(f"seeded in {time.perf_counter() - started:.1f} s")
            coordinator = User.objects.create(username="bench-coordinator")
            coordinator.groups.add(Group.objects.get(name=Role.COORDINATOR.value))
            print(f"long-term in {PERIOD:%B %Y}: {len(rsdf.long_term_months(PERIOD))} people")
            one = bench_kpis.timed("one month's long-term count", lambda: longterm.count(PERIOD))
            trend = bench_kpis.timed(
                "the long-term trend (12 months)", lambda: longterm.trend(PERIOD)
            )
            bench_kpis.timed(
                "the long-term list", lambda: longterm.people(PERIOD, coordinator, AS_OF)
            )
            kpi_trend = bench_kpis.timed(
                "the contract figures' trend (12 months)", lambda: report.trend(PERIOD, AS_OF), 1
            )
            with CaptureQueriesContext(connection) as queries:
                longterm.trend(PERIOD)
            print(
                f"the long-term trend: {len(queries)} queries, {trend / one:.1f}x one month,"
                f" {trend / kpi_trend:.2f}x the contract figures' trend"
            )
            raise bench_kpis.Rollback
    except bench_kpis.Rollback:
        print("rolled back: the database is as it was")


if __name__ == "__main__":
    main()
