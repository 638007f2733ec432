"""The coordinator's dashboard: queries and time of a view with nothing kept (the first, which
works out and keeps the past months) and of the views after it (the past months read back), and
the 12-month trend worked out from the records against read from the kept months.

With BENCH_NATIONAL=1 it measures the data already in the database (bench/national.py's);
without it, it seeds BENCH_DASHBOARD_PEOPLE people of its own. Either way it changes nothing:
everything it writes (its user, the kept months, its seed) is in one rolled-back transaction.

Run with `make bench` (embedded PostgreSQL unless DATABASE_URL is set).
"""

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mars.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client as Browser  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accommodation.models import Placement, Property, Unit  # noqa: E402
from bench.goals import goal  # noqa: E402
from bench.signing_in import signed_in_browser  # noqa: E402
from clients.models import Agency, Client, HealthAccess, SupportPlan  # noqa: E402
from mars.dates import day_start, first_of_month  # noqa: E402
from mars.roles import Role  # noqa: E402
from outreach.models import Contact, Intervention  # noqa: E402
from reporting import kept, report  # noqa: E402

NATIONAL = os.environ.get("BENCH_NATIONAL") == "1"
PEOPLE = int(os.environ.get("BENCH_DASHBOARD_PEOPLE", "3000"))
CONTACTS_EACH = 12
DAYS_OF_HISTORY = 540
QUERY_LIMIT = 30
VIEWS = 5


class Rollback(Exception):
    pass


def seed(rng: random.Random, today: date) -> None:
    """People seen over the last eighteen months, with placements, reconnections, plans with an
    agency and GP registrations (bulk writes, as the import makes them)."""
    worker = get_user_model().objects.create(username="bench-dashboard-worker")
    hostel = Property.objects.create(key="bench-dash-hostel", name="Bench hostel", type="hostel")
    agency = Agency.objects.create(key="bench-dash-agency", name="Bench agency")
    units = Unit.objects.bulk_create(Unit(property=hostel, name=f"Bed {n}") for n in range(PEOPLE))
    people = Client.objects.bulk_create(
        (
            Client(first_name=f"Dash{n}", last_name="Bench", reference=f"DASH-{n}")
            for n in range(PEOPLE)
        ),
        batch_size=5000,
    )
    contacts, placements, interventions, plans, health = [], [], [], [], []
    for index, person in enumerate(people):
        first = today - timedelta(days=rng.randint(0, DAYS_OF_HISTORY))
        for _ in range(rng.randint(1, 2 * CONTACTS_EACH)):
            day = min(today, first + timedelta(days=rng.randint(0, 120)))
            contacts.append(
                Contact(
                    client=person,
                    at=day_start(day) + timedelta(hours=6, minutes=rng.randint(0, 90)),
                    kind="street_outreach",
                    bedded_down=rng.random() < 0.9,
                    verification="seen_by_worker",
                    worker=worker,
                )
            )
        start = first + timedelta(days=rng.randint(1, 30))
        if index % 3 == 0 and start <= today:
            placements.append(Placement(client=person, unit=units[index], start=start))
            plans.append(SupportPlan(client=person, start=start))
            health.append(HealthAccess(client=person, kind="gp_registration", date=start))
        if index % 7 == 0 and first + timedelta(days=9) <= today:
            interventions.append(
                Intervention(
                    client=person,
                    kind="reconnection",
                    opened=first,
                    closed=first + timedelta(days=9),
                    outcome=rng.choice(["reconnected", "declined", "failed"]),
                    worker=worker,
                )
            )
    for row in contacts:
        if not row.bedded_down:
            row.verification = ""
    Contact.objects.bulk_create(contacts, batch_size=10000)
    Placement.objects.bulk_create(placements, batch_size=10000)
    Intervention.objects.bulk_create(interventions, batch_size=10000)
    for plan in SupportPlan.objects.bulk_create(plans, batch_size=10000):
        plan.agencies.add(agency)
    HealthAccess.objects.bulk_create(health, batch_size=10000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE outreach_contact; ANALYZE accommodation_placement")


def measured(run: Callable[[], object]) -> tuple[float, int]:
    """Milliseconds and queries of one run."""
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        run()
        took = (time.perf_counter() - started) * 1000
    return took, len(queries)


def view(browser: Browser) -> Callable[[], object]:
    def get() -> object:
        answer = browser.get(reverse("reporting:dashboard"))
        if answer.status_code != 200:
            sys.exit(f"the dashboard answered {answer.status_code}, not 200")
        return answer

    return get


def main() -> None:
    today = timezone.localdate()
    this_month = first_of_month(today)
    try:
        with transaction.atomic():
            if not NATIONAL:
                started = time.perf_counter()
                seed(random.Random(1), today)
                print(f"seeded {PEOPLE} people in {time.perf_counter() - started:.1f} s")
            print(f"{Client.objects.count()} people, {Contact.objects.count()} contacts")
            user = get_user_model().objects.create_user("bench-dashboard-coordinator")
            user.groups.add(Group.objects.get(name=Role.COORDINATOR))
            browser = signed_in_browser(user, HTTP_HOST="127.0.0.1")
            cold_ms, cold_queries = measured(view(browser))
            print(
                f"first view (past months worked out and kept): {cold_ms:8.1f} ms "
                f"{cold_queries:4d} queries"
            )
            warm = [measured(view(browser)) for _ in range(VIEWS)]
            warm_ms = statistics.median(ms for ms, _ in warm)
            warm_queries = max(n for _, n in warm)
            print(
                f"later views (past months read back), median: {warm_ms:8.1f} ms "
                f"{warm_queries:4d} queries"
            )
            recomputed_ms, recomputed_queries = measured(lambda: report.trend(this_month, today))
            read_ms, read_queries = measured(
                lambda: report.trend(this_month, today, source=kept.figures_for_months)
            )
            print(
                f"12-month trend: worked out {recomputed_ms:8.1f} ms "
                f"{recomputed_queries:4d} queries; "
                f"past months read back {read_ms:8.1f} ms {read_queries:4d} queries"
            )
            # The first view works out the forgotten months too: the goal holds for every view.
            goal("dashboard queries", max(cold_queries, warm_queries), QUERY_LIMIT)
            raise Rollback
    except Rollback:
        print("rolled back: the database is as it was")


if __name__ == "__main__":
    main()
