"""What a subject access export costs: the ZIP's size and the time to make it for a busy person
(500 street contacts and a year of placements, support plans and payments, among BENCH_PEOPLE
others whose names the redaction looks up), against a floor measured in the same run: the
export of a person with a single contact. Changes nothing (a rolled-back transaction).

Run with `make bench` (embedded PostgreSQL unless DATABASE_URL is set).
"""

import io
import os
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mars.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402

from accommodation.models import Placement, Property, Provider, Unit  # noqa: E402
from clients.models import (  # noqa: E402
    Agency,
    Client,
    HealthAccess,
    PersonName,
    SupportGoal,
    SupportPlan,
    name_rows,
)
from funds.models import Approval, Fund, Payment, PaymentRequest  # noqa: E402
from outreach.models import Contact  # noqa: E402
from rights import export  # noqa: E402

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "20000"))
CONTACTS = int(os.environ.get("BENCH_CONTACTS", "500"))
FIRST = ["Adam", "Beth", "Carl", "Dawn", "Eric", "Fran", "Gary", "Hana", "Ivan", "Jade"]
LAST = ["Ashe", "Brook", "Croft", "Dale", "Ellis", "Frost", "Grant", "Hale", "Irwin", "Judd"]


class Rollback(Exception):
    pass


def person(n: int, **fields: object) -> Client:
    pk = Client.next_id()
    return Client(id=pk, reference=Client.reference_for(pk), **fields)


def timed(client: Client) -> tuple[int, float]:
    out = io.BytesIO()
    start = time.perf_counter()
    export.write_zip(client, out, made_by="bench")
    return len(out.getvalue()), time.perf_counter() - start


def parts(client: Client) -> str:
    """Where the time goes: gathering the data (queries and redaction) and drawing the PDF."""
    start = time.perf_counter()
    data = export.Builder(client).build(made_by="bench")
    gathered = time.perf_counter()
    export.pdf_bytes(data)
    drawn = time.perf_counter()
    return f"data {gathered - start:.2f} s, PDF {drawn - gathered:.2f} s"


def busy_person(worker: User, today: date) -> Client:
    """500 contacts (some naming other people), a year of monthly placements, support plans
    with goals, health access, and weekly payments with their approvals."""
    sam = person(0, first_name="Sam", last_name="Busy", known_as="Sammy")
    sam.save()
    PersonName.objects.bulk_create(name_rows(sam, ["Busy Sam"]))
    start = timezone.now() - timedelta(days=365)
    notes = [
        "Bedded down, accepted a hot drink.",
        "Sat with Gary Croft and Jade Judd; all well.",
        "Declined the shelter tonight; will try again Friday.",
    ]
    bulk_create_with_history(
        [
            Contact(
                client=sam,
                at=start + timedelta(hours=17 * n),
                kind="street_outreach",
                bedded_down=n % 3 != 0,
                verification="seen_by_worker" if n % 3 else "",
                location=f"Doorway {n % 40}",
                notes=notes[n % 3],
                worker=worker,
            )
            for n in range(CONTACTS)
        ],
        Contact,
        default_user=worker,
    )
    provider = Provider.objects.create(name="Bench housing")
    house = Property.objects.create(
        key="bench-hostel", name="Bench hostel", type="hostel", provider=provider
    )
    unit = Unit.objects.create(property=house, name="Room 1")
    year_ago = today - timedelta(days=365)
    placements = []
    for month in range(12):
        first = year_ago + timedelta(days=30 * month)
        placements.append(
            Placement(
                client=sam,
                unit=unit,
                start=first,
                end=first + timedelta(days=29),
                end_reason="planned_move_on",
                notes="Settled well.",
                placed_by=worker,
            )
        )
    bulk_create_with_history(placements, Placement, default_user=worker)
    agency = Agency.objects.create(key="bench-agency", name="Bench agency")
    for month in range(12):
        plan = SupportPlan.objects.create(
            client=sam,
            start=year_ago + timedelta(days=30 * month),
            end=year_ago + timedelta(days=30 * month + 29),
            summary="Monthly plan: housing, health and money.",
            created_by=worker,
        )
        plan.agencies.add(agency)
        bulk_create_with_history(
            [SupportGoal(plan=plan, description=f"Goal {g}") for g in range(3)],
            SupportGoal,
            default_user=worker,
        )
    bulk_create_with_history(
        [
            HealthAccess(
                client=sam,
                kind="gp_appointment",
                date=year_ago + timedelta(days=30 * m),
                created_by=worker,
            )
            for m in range(12)
        ],
        HealthAccess,
        default_user=worker,
    )
    fund = Fund.objects.create(
        name="Bench hardship",
        kind="hardship",
        year=today.year,
        budget=Decimal("100000"),
        approval_threshold=Decimal("500"),
    )
    requests = bulk_create_with_history(
        [
            PaymentRequest(
                fund=fund,
                client=sam,
                amount=Decimal("25.00"),
                purpose="Food and travel",
                payee="Shop",
                requested_by=worker,
                status="paid",
                approved_at=timezone.now(),
            )
            for _ in range(52)
        ],
        PaymentRequest,
        default_user=worker,
    )
    requests = list(PaymentRequest.objects.filter(client=sam))
    bulk_create_with_history(
        [Approval(request=r, capacity="coordinator", approved_by=worker) for r in requests],
        Approval,
        default_user=worker,
    )
    bulk_create_with_history(
        [
            Payment(
                request=r,
                amount=r.amount,
                paid_on=year_ago + timedelta(days=7 * i),
                method="card",
                reference=f"CARD-{i}",
                recorded_by=worker,
            )
            for i, r in enumerate(requests)
        ],
        Payment,
        default_user=worker,
    )
    return sam


def main() -> None:
    try:
        with transaction.atomic():
            started = time.perf_counter()
            today = timezone.localdate()
            worker = User.objects.create_user("bench-worker", first_name="Bea", last_name="Worker")
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence('clients_client', 'id')) "
                    "FROM generate_series(1, %s)",
                    [PEOPLE],
                )
                ids = [row[0] for row in cursor.fetchall()]
            others = [
                Client(
                    id=pk,
                    reference=Client.reference_for(pk),
                    first_name=FIRST[n % 10],
                    last_name=LAST[(n // 10) % 10],
                )
                for n, pk in enumerate(ids)
            ]
            Client.objects.bulk_create(others, batch_size=5000)
            PersonName.objects.bulk_create(
                [row for c in others for row in name_rows(c, [])], batch_size=10000
            )
            sam = busy_person(worker, today)
            quiet = person(0, first_name="Quinn", last_name="Quiet")
            quiet.save()
            Contact.objects.create(client=quiet, kind="street_outreach", worker=worker)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE clients_personname; ANALYZE outreach_contact")
            print(
                f"seeded {PEOPLE} people, and one with {CONTACTS} contacts and a year of "
                f"placements, plans and payments, in {time.perf_counter() - started:.1f} s"
            )
            timed(quiet)  # warm up: fonts, templates, the first compiled queries
            floor_size, floor_time = timed(quiet)
            size, seconds = timed(sam)
            print(f"{'floor: one contact':<34} {floor_size:>10,} bytes {floor_time:7.2f} s")
            print(
                f"{'busy person':<34} {size:>10,} bytes {seconds:7.2f} s   "
                f"{seconds / floor_time:5.1f} x the floor"
            )
            print(f"{'busy person, by stage':<34} {parts(sam)}")
            raise Rollback
    except Rollback:
        print("rolled back: the database is as it was")


if __name__ == "__main__":
    main()
