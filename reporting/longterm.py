"""Long-term rough sleeping (RSDF B1): the people behind the count, with what the team is doing
for them, and the count's last twelve months against the coordinator's target.

Who is long-term is reporting.rsdf's to say (`long_term_months`); this module only gathers
what the list shows about them and lays out the trend.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from accommodation.models import Placement
from clients.access import visible_clients
from clients.models import Client, SupportPlan
from mars.access import AnyUser
from mars.dates import add_months, previous_month
from reporting import rsdf
from reporting.models import LongTermTarget
from risk.alerts import with_alerts

MONTHS_BACK = 12
TREND_MONTHS = 12


@dataclass(frozen=True)
class Month:
    day: date
    seen: bool

    @property
    def label(self) -> str:
        return f"{self.day:%b %Y}"

    @property
    def short(self) -> str:
        return f"{self.day:%b}"[:1]


@dataclass(frozen=True)
class LongTermPerson:
    client: Client
    months: list[Month]
    months_out: int
    plan_in_force: bool
    placement: Placement | None

    @property
    def accommodation(self) -> str:
        """Where they live now: the current placement's property and type, else their status."""
        if self.placement is None:
            return self.client.get_status_display()
        prop = self.placement.unit.property
        return f"{prop.name} ({prop.get_type_display()})"


def months_before(period: date) -> list[date]:
    """The twelve months before P that long-term counts in, oldest first."""
    return [add_months(period, -back) for back in range(MONTHS_BACK, 0, -1)]


def people(period: date, user: AnyUser, today: date) -> list[LongTermPerson]:
    """Everyone long-term in a month whom the user may see, most months out first; their plan
    and accommodation as they stand today, in a number of queries that does not
    grow with the people."""
    found = rsdf.long_term_months(period)
    clients = list(
        with_alerts(
            visible_clients(user)
            .filter(pk__in=list(found))
            .select_related("key_worker")
            .order_by("last_name", "first_name", "pk")
        )
    )
    ids = [client.pk for client in clients]
    planned = set(
        SupportPlan.objects.in_force_on(today)
        .filter(client_id__in=ids)
        .values_list("client_id", flat=True)
    )
    placements = {
        placement.client_id: placement
        for placement in Placement.objects.current(today)
        .filter(client_id__in=ids)
        .select_related("unit__property")
        .order_by("start", "pk")
    }
    window = months_before(period)
    rows = []
    for client in clients:
        seen = set(found[client.pk])
        rows.append(
            LongTermPerson(
                client=client,
                months=[Month(day, day in seen) for day in window],
                months_out=len(seen),
                plan_in_force=client.pk in planned,
                placement=placements.get(client.pk),
            )
        )
    # Stable: within the same number of months, the name order of the query.
    rows.sort(key=lambda row: -row.months_out)
    return rows


def count(period: date) -> int:
    """How many people are long-term in a month (RSDF B1)."""
    return len(rsdf.long_term_months(period))


def trend(this_month: date) -> list[dict[str, Any]]:
    """The long-term count of each of the twelve months ending with this one, oldest first."""
    months = [add_months(this_month, -back) for back in range(TREND_MONTHS - 1, -1, -1)]
    counts = rsdf.long_term_counts(months)
    return [
        {
            "period": f"{month:%Y-%m}",
            "label": f"{month:%b %Y}",
            "month": month,
            "value": counts[month.replace(day=1)],
        }
        for month in months
    ]


def on_course(target: LongTermTarget, months: list[dict[str, Any]], today: date) -> dict[str, Any]:
    """Whether the last complete month's count is at or under a straight course from the
    baseline to the target; None while no complete month has followed the baseline month."""
    last = previous_month(today)
    entry = next((month for month in months if month["month"] == last), None)
    course = target.course_on(last)
    if entry is None or course is None or last <= target.baseline_month:
        return {"month": last, "known": False}
    return {
        "month": last,
        "known": True,
        "value": entry["value"],
        "course": course,
        "on_course": entry["value"] <= course,
    }
