"""The list an outreach phone downloads to pick people with no signal (outreach.phone), on the same
large service as bench/kpis.py (20,000 people with 400,000 contacts over two years): how long it
takes to make, as a multiple of reading the same people's names in one statement, and how many
bytes go down a weak signal, plain and gzipped. Changes nothing (a rolled-back transaction).

Run with `python bench/phone_list.py` (embedded PostgreSQL unless DATABASE_URL is set).
"""

import gzip
import importlib.util
import json
import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mars.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from rest_framework.renderers import JSONRenderer  # noqa: E402

from mars.dates import day_start  # noqa: E402
from mars.roles import Role  # noqa: E402
from outreach import phone  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_kpis", Path(__file__).with_name("kpis.py"))
assert _spec is not None and _spec.loader is not None
bench_kpis = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_kpis)

# Six in the morning on the day after the benchmark's "as of" day.
NOW: datetime = day_start(bench_kpis.AS_OF) + timedelta(hours=6)


def read_the_names() -> None:
    """The floor: the people seen in the 28 days and their names, in one statement."""
    since = day_start(NOW.date() - timedelta(days=phone.SEEN_DAYS - 1))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id, c.reference, c.first_name, c.last_name, c.known_as "
            "FROM clients_client c WHERE c.id IN (SELECT client_id FROM outreach_contact "
            "WHERE at >= %s AND at < %s) ORDER BY c.last_name, c.first_name, c.id",
            [since, NOW],
        )
        cursor.fetchall()


def main() -> None:
    rng = random.Random(1)
    try:
        with transaction.atomic():
            started = time.perf_counter()
            bench_kpis.seed(rng)
            print(f"seeded in {time.perf_counter() - started:.1f} s")
            worker = User.objects.create(username="bench-outreach")
            worker.groups.add(Group.objects.get(name=Role.OUTREACH.value))
            floor = bench_kpis.timed("floor: the people seen, names only", read_the_names)

            def answer() -> bytes:
                listed = phone.people_for_phone(worker, now=NOW)
                return JSONRenderer().render(listed)

            made = bench_kpis.timed("the phone's list, as sent", answer, floor=floor)
            body = answer()
            people = len(json.loads(body)["people"])
            print(
                f"the phone's list: {people} people, {len(body) / 1024:.0f} KB,"
                f" {len(gzip.compress(body)) / 1024:.0f} KB gzipped;"
                f" {made / floor:.1f}x the floor"
            )
            raise bench_kpis.Rollback
    except bench_kpis.Rollback:
        print("rolled back: the database is as it was")


if __name__ == "__main__":
    main()
