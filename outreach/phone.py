"""What an outreach phone keeps for working with no signal: the people the team has seen lately,
with just enough to pick them out and to stay safe meeting them, and nothing else.

The list lives on the phone (IndexedDB) for at most KEEP_HOURS and goes at sign-out; so it holds
no date of birth, no needs, no notes, no special category data, and of the alerts only those
that protect staff (risk.models.STAFF_SAFETY), by their label.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypedDict

from django.db.models import Prefetch
from django.utils import timezone

from clients.access import visible_clients
from clients.models import ClientAlias, ClientStatus
from mars import reads
from mars.access import AnyUser
from outreach.models import Contact
from risk.alerts import alerts_of, with_alerts
from risk.models import STAFF_SAFETY

# "The people the team has seen in the last 28 days" (issue 21), today included.
SEEN_DAYS = 28
KEEP_HOURS = 24


class PhonePerson(TypedDict):
    id: int
    reference: str
    first_name: str
    last_name: str
    known_as: str
    aliases: list[str]
    alerts: list[str]


class PhoneList(TypedDict):
    fetched_at: datetime
    keep_until: datetime
    days: int
    people: list[PhonePerson]


def people_for_phone(user: AnyUser, *, now: datetime | None = None) -> PhoneList:
    """The people the user may see whom anyone in the team has had a contact with in the last
    SEEN_DAYS days (the dead left out), by last name, noted as read by the user."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    seen = Contact.objects.identified().on_days(today - timedelta(days=SEEN_DAYS - 1), today)
    people = with_alerts(
        visible_clients(user)
        .filter(pk__in=seen.values("client_id"))
        .exclude(status=ClientStatus.DECEASED)
        .only("id", "reference", "first_name", "last_name", "known_as")
        .prefetch_related(
            Prefetch("aliases", queryset=ClientAlias.objects.only("client_id", "name"))
        )
        .order_by("last_name", "first_name", "id")
    )
    listed = [_person(client) for client in people]
    reads.note([p["id"] for p in listed], "outreach phone list")
    return {
        "fetched_at": now,
        "keep_until": now + timedelta(hours=KEEP_HOURS),
        "days": SEEN_DAYS,
        "people": listed,
    }


def _person(client: Any) -> PhonePerson:
    alerts = [a.get_kind_display() for a in alerts_of(client) if a.kind in STAFF_SAFETY]
    return {
        "id": client.pk,
        "reference": client.reference,
        "first_name": client.first_name,
        "last_name": client.last_name,
        "known_as": client.known_as,
        "aliases": sorted(alias.name for alias in client.aliases.all()),
        "alerts": list(dict.fromkeys(alerts)),
    }
