"""Search speed on 100,000 people: prints timings and changes nothing (a rolled-back transaction).

Run with `make bench` (embedded PostgreSQL unless DATABASE_URL is set).
"""

import os
import random
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

from django.db import connection, transaction  # noqa: E402

from clients.models import Client, ClientAlias, PersonName, name_rows  # noqa: E402

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "100000"))
FIRST = [
    "Sam",
    "Daniel",
    "Sarah",
    "Michael",
    "Jade",
    "Lee",
    "Tomasz",
    "Emma",
    "Gary",
    "Kieran",
    "Paul",
    "Aisha",
]
LAST = [
    "Price",
    "Collins",
    "Harris",
    "Walsh",
    "Doyle",
    "Trewin",
    "Mohamed",
    "Evans",
    "Rowe",
    "Pascoe",
    "Tucker",
]


class Rollback(Exception):
    pass


def timed(label: str, run: Callable[[], object], repeat: int = 20, floor: float = 0) -> float:
    """Print the median and worst time (and, given a floor, the median as a multiple of it)."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    median = statistics.median(samples)
    ratio = f"   {median / floor:6.2f} x floor" if floor else ""
    print(f"{label:<48} median {median:7.2f} ms   max {max(samples):7.2f} ms{ratio}")
    return median


def count_everyone() -> None:
    """The floor: one plain pass over every person's row, which no search should need."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM clients_client")
        cursor.fetchall()


def main() -> None:
    rng = random.Random(1)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence('clients_client', 'id')) "
                    "FROM generate_series(1, %s)",
                    [PEOPLE],
                )
                ids = [row[0] for row in cursor.fetchall()]
            started = time.perf_counter()
            people = Client.objects.bulk_create(
                [
                    Client(
                        id=pk,
                        reference=Client.reference_for(pk),
                        first_name=rng.choice(FIRST) + str(pk % 997),
                        last_name=rng.choice(LAST) + str(pk % 991),
                        date_of_birth=f"{1950 + pk % 50}-{1 + pk % 12:02d}-{1 + pk % 28:02d}",
                        support_needs=["alcohol"] if pk % 3 else ["drugs"],
                    )
                    for pk in ids
                ],
                batch_size=5000,
            )
            ClientAlias.objects.bulk_create(
                [ClientAlias(client_id=pk, name=f"Alias{pk}") for pk in ids[::4]], batch_size=5000
            )
            with_alias = set(ids[::4])
            # The name index, as the clients services (or the data migration) would fill it.
            PersonName.objects.bulk_create(
                [
                    row
                    for person in people
                    for row in name_rows(
                        person, [f"Alias{person.pk}"] if person.pk in with_alias else []
                    )
                ],
                batch_size=5000,
            )
            with connection.cursor() as cursor:
                cursor.execute(
                    "ANALYZE clients_client; ANALYZE clients_clientalias; "
                    "ANALYZE clients_personname"
                )
            print(f"seeded {PEOPLE} people in {time.perf_counter() - started:.1f} s")
            active = Client.objects.active()
            # Measured in the same run, so that runs on a busy or a quiet machine compare.
            floor = timed("floor: count every person", count_everyone)
            timed(
                "name prefix (first page of 25)",
                lambda: list(active.search("Sam12 Price")[:25]),
                floor=floor,
            )
            timed("alias prefix", lambda: list(active.search(f"Alias{ids[400]}")[:25]), floor=floor)
            timed(
                "reference",
                lambda: list(active.search(Client.reference_for(ids[123]))),
                floor=floor,
            )
            timed("date of birth", lambda: list(active.search("01/02/1985")[:25]), floor=floor)
            timed(
                "need filter, ordered page",
                lambda: list(
                    active.with_need("drugs").order_by("last_name", "first_name", "id")[:25]
                ),
                floor=floor,
            )
            timed(
                "count for the pager (name prefix)",
                lambda: active.search("Sam1").count(),
                floor=floor,
            )
            raise Rollback
    except Rollback:
        print("rolled back: the database is as it was")


if __name__ == "__main__":
    main()
