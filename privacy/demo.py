"""Demo retention: one person whose records are all more than RETENTION_YEARS old, whom the next
run anonymises; and one as old but under a legal hold (a civil claim), whom it leaves alone.

Their records go through the services as a worker's would, with dates in the past; the record's
creation is backdated afterwards with a queryset update (a record cannot be created in the past).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from clients import services as clients
from clients.models import Client, Gender
from mars.dates import day_start
from outreach.models import Contact, ContactKind
from outreach.services import log_contact
from privacy.models import LegalHold
from privacy.services import add_years, place_hold, retention_years

# (first name, last name, born, under a legal hold because ...)
PEOPLE = [
    ("Gareth", "Olden", "1961-05-14", ""),
    (
        "Lorraine",
        "Keeper",
        "1970-09-02",
        "Civil claim against the council about her 2018 eviction: keep everything until the "
        "claim is settled (legal services, ref. LS/2025/114).",
    ),
]


def load(today: date, users: dict[str, User]) -> dict[str, int]:
    """Create the two people unless the first is there already."""
    if Client.objects.filter(first_name=PEOPLE[0][0], last_name=PEOPLE[0][1]).exists():
        return {}
    outreach, coordinator = users["outreach"], users["coordinator"]
    # Their last contact: a year and a season past the schedule, so both are due.
    last_seen = add_years(today, -retention_years() - 1) - timedelta(days=75)
    for index, (first, last, born, hold) in enumerate(PEOPLE):
        person = clients.create_client(
            {
                "first_name": first,
                "last_name": last,
                "date_of_birth": date.fromisoformat(born),
                "gender": Gender.MALE if index == 0 else Gender.FEMALE,
                "nationality": "GB",
            },
            by=outreach,
            confirmed_distinct=True,
        )
        for weeks in (30, 12, 0):
            seen = last_seen - timedelta(weeks=weeks)
            log_contact(
                Contact(
                    client=person,
                    at=timezone.make_aware(datetime.combine(seen, time(7, 30))),
                    kind=ContactKind.STREET_OUTREACH,
                    location="Back of the market hall",
                    notes=f"{first} was bedded down; offered a hostel place, declined.",
                    worker=outreach,
                ),
                by=outreach,
            )
        Client.objects.filter(pk=person.pk).update(
            created_at=day_start(last_seen - timedelta(weeks=40))
        )
        if hold:
            place_hold(person, by=coordinator, reason=hold)
    return {"people due for retention": 1, "legal holds": LegalHold.objects.count()}
