"""What the access log costs a page: p95 of the person page and of an API list with the log
written and with it off, measured in the same run; changes nothing (a rolled-back transaction).

Run with `make bench` (embedded PostgreSQL unless DATABASE_URL is set). The log is seeded with
LOG_ROWS earlier reads first, so that the insert pays for an index of realistic size.
"""

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mars.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import override_settings  # noqa: E402

from audit.models import AccessEvent  # noqa: E402
from bench.signing_in import signed_in_browser  # noqa: E402
from clients.models import Client  # noqa: E402
from mars.roles import Role  # noqa: E402

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "2000"))
LOG_ROWS = int(os.environ.get("BENCH_LOG_ROWS", "200000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))


class Rollback(Exception):
    pass


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def measure(run: Callable[[], object]) -> tuple[list[float], list[float]]:
    """Times with the log written and with it off, taken in turns so both see the same machine."""
    on: list[float] = []
    off: list[float] = []
    with override_settings(ACCESS_LOG_ENABLED=False):
        for _ in range(10):  # warm up: caches, connections, the first compiled templates
            run()
    for i in range(REQUESTS * 2):
        logged = i % 2 == 0
        with override_settings(ACCESS_LOG_ENABLED=logged):
            start = time.perf_counter()
            run()
            (on if logged else off).append((time.perf_counter() - start) * 1000)
    return on, off


def report(label: str, on: list[float], off: list[float]) -> None:
    floor = p95(off)
    print(
        f"{label:<28} p95 off {floor:7.2f} ms   p95 on {p95(on):7.2f} ms   "
        f"{p95(on) / floor:5.2f} x   (median {statistics.median(off):.2f} -> "
        f"{statistics.median(on):.2f} ms)"
    )


def main() -> None:
    try:
        with transaction.atomic():
            started = time.perf_counter()
            user = User.objects.create_user("bench-coordinator")
            user.groups.add(Group.objects.get(name=Role.COORDINATOR))
            people = Client.objects.bulk_create(
                [
                    Client(first_name=f"Person{n}", last_name="Bench", reference=f"BENCH-{n}")
                    for n in range(PEOPLE)
                ],
                batch_size=5000,
            )
            with connection.cursor() as cursor:
                cursor.execute(
                    """INSERT INTO audit_accessevent
                         (at, user_id, username, people, what, path, method, ip, device, reason)
                       SELECT now() - make_interval(secs => g), %s, 'bench-coordinator',
                              ARRAY[%s + g %% %s]::bigint[], 'person page', '/people/', 'GET',
                              '127.0.0.1', 'bench', ''
                       FROM generate_series(1, %s) g""",
                    [user.pk, people[0].pk, PEOPLE, LOG_ROWS],
                )
                cursor.execute("ANALYZE audit_accessevent; ANALYZE clients_client")
            print(
                f"seeded {PEOPLE} people and {LOG_ROWS} log rows "
                f"in {time.perf_counter() - started:.1f} s; {REQUESTS} requests each way"
            )
            browser = signed_in_browser(user, HTTP_HOST="127.0.0.1")
            person = people[len(people) // 2]
            for url in (f"/people/{person.pk}/", "/api/clients/"):
                answer = browser.get(url).status_code
                if answer != 200:
                    sys.exit(f"{url} answered {answer}, not 200: nothing worth timing")
            before = AccessEvent.objects.count()
            report("person page", *measure(lambda: browser.get(f"/people/{person.pk}/")))
            report("API list of people", *measure(lambda: browser.get("/api/clients/")))
            written = AccessEvent.objects.count() - before
            print(f"rows written: {written} for {2 * REQUESTS} requests with the log on")
            raise Rollback
    except Rollback:
        print("rolled back: the database is as it was")


if __name__ == "__main__":
    main()
