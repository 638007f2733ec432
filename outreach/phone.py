"""What an outreach phone keeps for working with no signal: the people the team has seen lately,
with just enough to pick them out and to stay safe meeting them, and nothing else.

The list lives on the phone (IndexedDB) for at most KEEP_HOURS and goes at sign-out; so it holds
no date of birth, no needs, no notes, no special category data, and of the alerts only those
that protect staff (risk.models.STAFF_SAFETY), by their label.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import TypedDict

from django.utils import timezone

from clients.access import visible_clients
from clients.models import ClientAlias, ClientStatus
from mars import reads
from mars.access import AnyUser
from outreach.models import Contact
from risk.models import STAFF_SAFETY, AlertKind, RiskAlert, RiskPlan

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
    SEEN_DAYS days (the dead left out), by last name, noted as read by the user.

    Three statements, each reading only the columns sent: a list the phone fetches at 6 a.m. on
    a weak signal is made in the time it takes to read it."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    seen = Contact.objects.identified().on_days(today - timedelta(days=SEEN_DAYS - 1), today)
    people = (
        visible_clients(user)
        .filter(pk__in=seen.values("client_id"))
        .exclude(status=ClientStatus.DECEASED)
    )
    aliases: dict[int, list[str]] = defaultdict(list)
    named = ClientAlias.objects.filter(client__in=people).order_by("name")
    for client_id, name in named.values_list("client_id", "name"):
        aliases[client_id].append(name)
    alerts: dict[int, list[str]] = defaultdict(list)
    labels = dict(AlertKind.choices)
    for client_id, kind in (
        RiskAlert.objects.filter(
            plan__in=RiskPlan.objects.in_force().filter(client__in=people), kind__in=STAFF_SAFETY
        )
        .order_by("plan__client_id", "id")
        .values_list("plan__client_id", "kind")
    ):
        if labels[kind] not in alerts[client_id]:
            alerts[client_id].append(labels[kind])
    listed: list[PhonePerson] = [
        {
            "id": pk,
            "reference": reference,
            "first_name": first_name,
            "last_name": last_name,
            "known_as": known_as,
            "aliases": aliases.get(pk, []),
            "alerts": alerts.get(pk, []),
        }
        for pk, reference, first_name, last_name, known_as in people.order_by(
            "last_name", "first_name", "id"
        ).values_list("id", "reference", "first_name", "last_name", "known_as")
    ]
    reads.note([p["id"] for p in listed], "outreach phone list")
    return {
        "fetched_at": now,
        "keep_until": now + timedelta(hours=KEEP_HOURS),
        "days": SEEN_DAYS,
        "people": listed,
    }
