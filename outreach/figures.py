"""What the outreach records add up to: who is out now, SWEP summaries, the count's totals."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Literal, TypedDict

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from clients.models import Client
from mars.access import AnyUser
from mars.dates import add_months, day_bounds, first_of_month, local_date, month_bounds
from mars.registry import Part
from outreach.models import (
    OFF_THE_STREET,
    AgeBand,
    Contact,
    CountedPerson,
    CountGender,
    Hotspot,
    NationalityGroup,
    RoughSleepingCount,
    SevereWeatherActivation,
    SwepOffer,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

RECENT_WINDOWS = (14, 28)


class RoughSleeping(TypedDict):
    """What seen_rough_sleeping adds to each person: their last sighting and their first."""

    last_seen_at: datetime | None
    last_location: str | None
    last_hotspot: str | None
    first_seen_at: datetime | None


class SwepState(RoughSleeping):
    """What swep_people adds besides: the state of the person's offer under the activation."""

    offer_accepted: bool | None
    offer_kind: str | None
    offer_date: date | None
    ever_accepted: bool


def seen_rough_sleeping(
    people: models.QuerySet[Client], *, days: int, today: date | None = None
) -> models.QuerySet[WithAnnotations[Client, RoughSleeping]]:
    """People with a bedded-down contact in the last `days` local days (today included) who are
    not in accommodation, with their last sighting and the first time they were ever seen."""
    today = today or timezone.localdate()
    bedded = Contact.objects.bedded_down().filter(client=OuterRef("pk"))
    recent = bedded.on_days(today - timedelta(days=days - 1), today)
    last = recent.order_by("-at", "-id")
    return (
        people.exclude(status__in=OFF_THE_STREET)
        .filter(Exists(recent))
        .annotate(
            last_seen_at=Subquery(last.values("at")[:1]),
            last_location=Subquery(last.values("location")[:1]),
            last_hotspot=Subquery(last.values("hotspot__name")[:1]),
            first_seen_at=Subquery(bedded.order_by("at").values("at")[:1]),
        )
        .order_by("-last_seen_at", "pk")
    )


def days_since(instant: datetime | None, today: date | None = None) -> int | None:
    if instant is None:
        return None
    return ((today or timezone.localdate()) - local_date(instant)).days


def active_swep() -> SevereWeatherActivation | None:
    return SevereWeatherActivation.objects.active_at(timezone.now()).first()


@dataclass
class SwepSummary:
    offered: int
    accepted: int
    declined: int
    still_out: int
    unidentified_sightings: int


def swep_window(activation: SevereWeatherActivation) -> date:
    """The last day of the activation that has been reached: today while it is in force."""
    return min(local_date(activation.ends), timezone.localdate())


def swep_people(
    activation: SevereWeatherActivation, people: models.QuerySet[Client]
) -> models.QuerySet[WithAnnotations[Client, SwepState]]:
    """Everyone seen rough sleeping in the 28 days up to the activation's latest day, with the
    state of their offer under this activation."""
    offers = SwepOffer.objects.filter(activation=activation, client=OuterRef("pk"))
    latest = offers.order_by("-offered_on", "-id")
    return seen_rough_sleeping(people, days=28, today=swep_window(activation)).annotate(
        offer_accepted=Subquery(latest.values("accepted")[:1]),
        offer_kind=Subquery(latest.values("offer")[:1]),
        offer_date=Subquery(latest.values("offered_on")[:1]),
        ever_accepted=Exists(offers.filter(accepted=True)),
    )


def swep_summary(activation: SevereWeatherActivation) -> SwepSummary:
    """People offered, accepted (any offer taken), declined (offered, none taken), still out
    (seen in the 28 days and no offer taken), and unidentified sightings during the activation."""
    by_person = (
        SwepOffer.objects.filter(activation=activation, client__merged_into__isnull=True)
        .values("client")
        .annotate(taken=Count("pk", filter=Q(accepted=True)))
    )
    offered = len(by_person)
    accepted = sum(1 for row in by_person if row["taken"])
    out = swep_people(activation, Client.objects.active())
    still_out = out.filter(ever_accepted=False).count()
    sightings = (
        Contact.objects.bedded_down()
        .unidentified()
        .filter(at__gte=activation.starts, at__lt=activation.ends)
        .count()
    )
    return SwepSummary(
        offered=offered,
        accepted=accepted,
        declined=offered - accepted,
        still_out=still_out,
        unidentified_sightings=sightings,
    )


@dataclass
class CountTotals:
    count: RoughSleepingCount
    total: int
    gender: dict[str, int]
    age_band: dict[str, int]
    nationality_group: dict[str, int]


Group = Literal["gender", "age_band", "nationality_group"]

GROUPS: dict[Group, type[models.TextChoices]] = {
    "gender": CountGender,
    "age_band": AgeBand,
    "nationality_group": NationalityGroup,
}


def count_totals(counts: list[RoughSleepingCount]) -> list[CountTotals]:
    """Totals by gender, age band and nationality group for each count, in one query."""
    rows = (
        CountedPerson.objects.filter(count__in=counts)
        .values("count", "gender", "age_band", "nationality_group")
        .annotate(n=Count("pk"))
    )
    tallies: dict[int, dict[str, Counter[str]]] = {
        c.pk: {name: Counter() for name in GROUPS} for c in counts
    }
    totals: Counter[int] = Counter()
    for row in rows:
        for name in GROUPS:
            tallies[row["count"]][name][row[name]] += row["n"]
        totals[row["count"]] += row["n"]
    return [
        CountTotals(
            count=c,
            total=totals[c.pk],
            **{
                name: {value: tallies[c.pk][name][value] for value in choices.values}
                for name, choices in GROUPS.items()
            },
        )
        for c in counts
    ]


def count_table(totals: list[CountTotals]) -> list[tuple[str, list[int]]]:
    """Rows of the snapshot return (total, then each group's categories), a column per count."""
    rows = [("Total", [t.total for t in totals])]
    for name, choices in GROUPS.items():
        heading = GROUP_LABELS[name]
        for value, label in choices.choices:
            rows.append((f"{heading}: {label}", [getattr(t, name)[value] for t in totals]))
    return rows


GROUP_LABELS = {"gender": "Gender", "age_band": "Age", "nationality_group": "Nationality"}


def sightings_at(
    hotspot: Hotspot, windows: tuple[int, ...], today: date | None = None
) -> dict[int, int]:
    """Bedded-down contacts at one hotspot in each window of the last N local days (one query)."""
    today = today or timezone.localdate()
    counts = {
        f"last_{days}": Count(
            "pk", filter=Q(at__gte=day_bounds(today - timedelta(days=days - 1), today)[0])
        )
        for days in windows
    }
    _, end = day_bounds(today, today)
    totals = Contact.objects.bedded_down().filter(hotspot=hotspot, at__lt=end).aggregate(**counts)
    return {days: totals[f"last_{days}"] for days in windows}


def hotspot_sightings(days: int = 28, today: date | None = None) -> dict[int, int]:
    """Bedded-down contacts per hotspot in the last `days` local days."""
    today = today or timezone.localdate()
    start, end = day_bounds(today - timedelta(days=days - 1), today)
    rows = (
        Contact.objects.bedded_down()
        .filter(at__gte=start, at__lt=end, hotspot__isnull=False)
        .values("hotspot")
        .annotate(n=Count("pk"))
    )
    return {row["hotspot"]: row["n"] for row in rows}


class HotspotMonth(TypedDict):
    """One month at a hotspot: the people seen bedded down there, and the sightings of people not
    yet identified (who count in no person figure)."""

    month: date
    label: str
    people: int
    unidentified: int


def hotspot_months(
    hotspot: Hotspot, months: int = 12, today: date | None = None
) -> list[HotspotMonth]:
    """The last `months` calendar months at a hotspot, oldest first, this month last (one query).

    Rules: as the KPIs count, a month is a local (Europe/London) calendar month; people are the
    distinct identified people with a bedded-down contact there in the month; unidentified
    bedded-down contacts are their own figure.
    """
    this_month = first_of_month(today or timezone.localdate())
    firsts = [add_months(this_month, -back) for back in range(months - 1, -1, -1)]
    start, end = day_bounds(firsts[0], month_bounds(this_month)[1])
    rows = (
        Contact.objects.bedded_down()
        .filter(hotspot=hotspot, at__gte=start, at__lt=end)
        .annotate(month=TruncMonth("at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values("month")
        .annotate(
            people=Count("client", distinct=True),
            unidentified=Count("pk", filter=Q(client__isnull=True)),
        )
    )
    by_month = {local_date(row["month"]): row for row in rows}
    return [
        HotspotMonth(
            month=first,
            label=f"{first:%B %Y}",
            people=by_month[first]["people"] if first in by_month else 0,
            unidentified=by_month[first]["unidentified"] if first in by_month else 0,
        )
        for first in firsts
    ]


def swep_banner(user: AnyUser) -> Part | None:
    """Every signed-in page says when SWEP is in force."""
    swep = active_swep()
    return Part("outreach/_swep_banner.html", {"swep": swep}) if swep else None
