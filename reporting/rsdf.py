"""England's Rough Sleeping Data Framework (RSDF) monthly return, exactly as ../shared/DESIGN.md
defines it (version 1, `DEFINITIONS`), computed from the team's own records.

`compute` finds the people (client ids) behind every figure of one month with a fixed number of
queries, whatever the number of people; `RsdfPeople.figures` counts them into DESIGN.md's JSON
shape and `RsdfPeople.people` gives the people behind one figure, by its dotted key
("over_month.new", "over_month.nights_bedded_down.3_5", "accommodated.settled").

All days are local days in Europe/London. For a person seen in the month P, e is the earliest local
day in P of their bedded-down contacts; every look-back is measured from e and uses bedded-down
contacts only. Windows are taken as written: [x, y) leaves y out, [x, y] keeps it.

Indicator codes (`INDICATORS`, one row per figure in the CSV and XLSX exports):
- the government's own codes where it has them: R1 (people sleeping rough over the month),
  P1 (new), P2 (left an institution), B1 (long-term), NR1 (returning);
- a figure derived from one of them adds a suffix: -100K per 100,000 residents, -N on the single
  night (R1-N, R1-N-100K, P1-N), NR1-S returners from settled accommodation, U-N the unidentified
  sightings on the single night;
- A1 people accommodated, with A1-E (emergency), A1-SU (supported) and A1-SE (settled);
- NB-<band> the nights bedded down (NB-1, NB-2, NB-3_5, NB-6_10, NB-OVER_10);
- D-<GROUP>-<VALUE> a demographic breakdown of R1 (D-GENDER-MALE, D-AGE-18_25, D-NATIONALITY-EEA,
  D-FUNDS-NO_RECOURSE).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accommodation.models import Placement, PropertyType
from clients.countries import NationalityGroup, group_of
from clients.models import Client, Discharge, DischargeKind, Gender, SupportNeed
from mars.dates import add_months, age_on, day_bounds, month_bounds, uk_date
from outreach.models import Contact
from reporting.kpis import LONDON, local_day, period_label

DEFINITIONS = "rsdf-v1"

NEW_MONTHS = 60  # P1: no bedded-down contact in the 60 months before e
INSTITUTION_DAYS = 85  # P2: a discharge in [e - 85 days, e]
CARE_LEAVER_UNDER = 25  # P2: or a care leaver under 25 on e
LONG_TERM_MONTHS = 12  # B1: seen in 3 or more of the 12 months before P
LONG_TERM_AT_LEAST = 3
RETURNER_DAYS = 180  # NR1: no bedded-down contact in [e - 180 days, e)
SETTLED_DAYS = 365  # NR1-S: a settled placement starting in [e - 365 days, e)
NIGHTS_DAYS = 180  # nights bedded down in the 180 days ending on P's last day
ACCOMMODATED_DAYS = 365  # a bedded-down contact in the 365 days up to and including the start
# The single night runs from 18:00 on N to 10:00 on N + 1, London wall-clock time.
NIGHT_FROM = time(18, 0)
NIGHT_UNTIL = time(10, 0)

EMERGENCY = frozenset(
    {PropertyType.TEMPORARY, PropertyType.NIGHT_SHELTER, PropertyType.SWEP, PropertyType.OTHER}
)
SUPPORTED = frozenset(
    {PropertyType.HOSTEL, PropertyType.SUPPORTED_HOUSING, PropertyType.MARS_HOUSE}
)
SETTLED = frozenset(
    {PropertyType.HOUSING_FIRST, PropertyType.PRIVATE_RENTED, PropertyType.SOCIAL_HOUSING}
)
# Every kind of discharge the model holds is one the return counts (DischargeKind's own list).
INSTITUTIONS = frozenset(DischargeKind.values)

NIGHT_BANDS = ["1", "2", "3_5", "6_10", "over_10"]
GENDERS = ["male", "female", "other", "not_known"]
AGES = ["under_18", "18_25", "26_plus", "not_known", "under_25"]
NATIONALITIES = [group.value for group in NationalityGroup]
PUBLIC_FUNDS = ["eligible", "no_recourse", "not_known"]
ACCOMMODATION_GROUPS = ["emergency", "supported", "settled"]


class RsdfError(ValueError):
    """A return that cannot be computed as asked (the message says what to change)."""


def check_night(period: date, night: date) -> None:
    """The single night must be a day of the month, and not its last (the night runs into the
    next morning, which must still be in the month)."""
    first, last = month_bounds(period)
    if not first <= night <= last:
        raise RsdfError(
            f"The single night {uk_date(night)} is not in {first:%B %Y}: choose a date from "
            f"{uk_date(first)} to {uk_date(last - timedelta(days=1))}."
        )
    if night == last:
        raise RsdfError(
            f"The single night cannot be {uk_date(night)}, the last day of {first:%B %Y} (the "
            "night runs into the next month): choose a date up to "
            f"{uk_date(last - timedelta(days=1))}."
        )


def check_population(population: int | None) -> None:
    """A population is a whole number of residents, not below 0 (0 or none: no rate)."""
    if population is not None and population < 0:
        raise RsdfError(f"The population cannot be negative ({population}).")


def defaults_for(period: date) -> tuple[date | None, int | None]:
    """The single night and population for a month with no return opened: no night, and the
    MARS_POPULATION setting (reporting.returns.night_and_population reads the month's return
    first)."""
    return None, settings.MARS_POPULATION


def per_100k(count: int, population: int | None) -> float | None:
    """count * 100,000 / population, half up to one decimal; None without a population or with 0."""
    if not population:
        return None
    value = Decimal(count * 100_000) / Decimal(population)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _groups(names: list[str]) -> dict[str, set[int]]:
    return {name: set() for name in names}


@dataclass
class RsdfPeople:
    """The people (client ids) behind every figure of one month's return."""

    period: date
    night: date | None = None
    population: int | None = None
    # over the month
    total: set[int] = field(default_factory=set)
    new: set[int] = field(default_factory=set)
    institution_leavers: set[int] = field(default_factory=set)
    long_term: set[int] = field(default_factory=set)
    returners: set[int] = field(default_factory=set)
    returners_from_settled: set[int] = field(default_factory=set)
    nights_bedded_down: dict[str, set[int]] = field(default_factory=lambda: _groups(NIGHT_BANDS))
    gender: dict[str, set[int]] = field(default_factory=lambda: _groups(GENDERS))
    age: dict[str, set[int]] = field(default_factory=lambda: _groups(AGES))
    nationality: dict[str, set[int]] = field(default_factory=lambda: _groups(NATIONALITIES))
    public_funds: dict[str, set[int]] = field(default_factory=lambda: _groups(PUBLIC_FUNDS))
    # on the single night (empty with no night)
    single_night_total: set[int] = field(default_factory=set)
    single_night_new: set[int] = field(default_factory=set)
    single_night_unidentified: int = 0
    # moved into accommodation in the month
    accommodated_total: set[int] = field(default_factory=set)
    accommodated: dict[str, set[int]] = field(default_factory=lambda: _groups(ACCOMMODATION_GROUPS))
    # Bedded-down contacts with no client in the month (no figure of the return: people not yet
    # identified cannot be counted; the return page shows it beside the figures).
    unidentified_in_month: int = 0
    # e(c): each person's earliest local day in P with a bedded-down contact.
    e: dict[int, date] = field(default_factory=dict)
    # For each long-term person, the months (first days) among P-12 .. P-1 they were seen in.
    long_term_months: dict[int, list[date]] = field(default_factory=dict)

    def _people_by_key(self) -> dict[str, set[int]]:
        keys: dict[str, set[int]] = {
            "over_month.total": self.total,
            "over_month.new": self.new,
            "over_month.institution_leavers": self.institution_leavers,
            "over_month.long_term": self.long_term,
            "over_month.returners": self.returners,
            "over_month.returners_from_settled": self.returners_from_settled,
            "single_night.total": self.single_night_total,
            "single_night.new": self.single_night_new,
            "accommodated.total": self.accommodated_total,
        }
        for name, groups in (
            ("nights_bedded_down", self.nights_bedded_down),
            ("gender", self.gender),
            ("age", self.age),
            ("nationality", self.nationality),
            ("public_funds", self.public_funds),
        ):
            for group, people in groups.items():
                keys[f"over_month.{name}.{group}"] = people
        for group, people in self.accommodated.items():
            keys[f"accommodated.{group}"] = people
        return keys

    def people(self, key: str) -> set[int]:
        """The people behind one figure, by its dotted key in the JSON ("over_month.new",
        "over_month.gender.male", "accommodated.settled"); KeyError for a figure that is not a
        count of people (per_100k, unidentified sightings) or no figure at all."""
        return set(self._people_by_key()[key])

    def figures(self) -> dict[str, Any]:
        """The return's JSON (DESIGN.md), key for key. With no single night its figures are null."""

        def counted(groups: dict[str, set[int]]) -> dict[str, int]:
            return {name: len(people) for name, people in groups.items()}

        has_night = self.night is not None
        return {
            "period": period_label(self.period),
            "definitions": DEFINITIONS,
            "night": self.night.isoformat() if self.night else None,
            "population": self.population,
            "over_month": {
                "total": len(self.total),
                "per_100k": per_100k(len(self.total), self.population),
                "new": len(self.new),
                "institution_leavers": len(self.institution_leavers),
                "long_term": len(self.long_term),
                "returners": len(self.returners),
                "returners_from_settled": len(self.returners_from_settled),
                "nights_bedded_down": counted(self.nights_bedded_down),
                "gender": counted(self.gender),
                "age": counted(self.age),
                "nationality": counted(self.nationality),
                "public_funds": counted(self.public_funds),
            },
            "single_night": {
                "total": len(self.single_night_total) if has_night else None,
                "per_100k": (
                    per_100k(len(self.single_night_total), self.population) if has_night else None
                ),
                "new": len(self.single_night_new) if has_night else None,
                "unidentified_sightings": self.single_night_unidentified if has_night else None,
            },
            "accommodated": {
                "total": len(self.accommodated_total),
                **counted(self.accommodated),
            },
        }


@dataclass(frozen=True)
class Indicator:
    """One row of the return's spreadsheet: its code, the figure's dotted key and a label."""

    code: str
    key: str
    label: str

    def value(self, figures: dict[str, Any]) -> Any:
        """This indicator's value in a return's figures (None when the figure is null)."""
        value: Any = figures
        for part in self.key.split("."):
            value = value[part]
        return value


INDICATORS: list[Indicator] = [
    Indicator("R1", "over_month.total", "People sleeping rough over the month"),
    Indicator(
        "R1-100K",
        "over_month.per_100k",
        "People sleeping rough over the month, per 100,000 residents",
    ),
    Indicator(
        "P1", "over_month.new", "New people sleeping rough (not seen in the previous 60 months)"
    ),
    Indicator(
        "P2",
        "over_month.institution_leavers",
        "Left an institution in the last 85 days, or a care leaver under 25",
    ),
    Indicator(
        "B1",
        "over_month.long_term",
        "People sleeping rough long-term (seen in 3 or more of the previous 12 months)",
    ),
    Indicator(
        "NR1",
        "over_month.returners",
        "People returning to rough sleeping (not seen in the previous 180 days)",
    ),
    Indicator(
        "NR1-S",
        "over_month.returners_from_settled",
        "Returners who had moved into settled accommodation in the previous 365 days",
    ),
    Indicator(
        "NB-1",
        "over_month.nights_bedded_down.1",
        "People seen bedded down on 1 night in the last 180 days",
    ),
    Indicator(
        "NB-2",
        "over_month.nights_bedded_down.2",
        "People seen bedded down on 2 nights in the last 180 days",
    ),
    Indicator(
        "NB-3_5",
        "over_month.nights_bedded_down.3_5",
        "People seen bedded down on 3 to 5 nights in the last 180 days",
    ),
    Indicator(
        "NB-6_10",
        "over_month.nights_bedded_down.6_10",
        "People seen bedded down on 6 to 10 nights in the last 180 days",
    ),
    Indicator(
        "NB-OVER_10",
        "over_month.nights_bedded_down.over_10",
        "People seen bedded down on more than 10 nights in the last 180 days",
    ),
    Indicator("D-GENDER-MALE", "over_month.gender.male", "Gender: male"),
    Indicator("D-GENDER-FEMALE", "over_month.gender.female", "Gender: female"),
    Indicator("D-GENDER-OTHER", "over_month.gender.other", "Gender: non-binary or other"),
    Indicator("D-GENDER-NOT_KNOWN", "over_month.gender.not_known", "Gender: not known"),
    Indicator("D-AGE-UNDER_18", "over_month.age.under_18", "Age: under 18"),
    Indicator("D-AGE-18_25", "over_month.age.18_25", "Age: 18 to 25"),
    Indicator("D-AGE-26_PLUS", "over_month.age.26_plus", "Age: 26 and over"),
    Indicator("D-AGE-NOT_KNOWN", "over_month.age.not_known", "Age: not known"),
    Indicator("D-AGE-UNDER_25", "over_month.age.under_25", "Age: under 25 (under-18s included)"),
    Indicator("D-NATIONALITY-UK", "over_month.nationality.uk", "Nationality: UK"),
    Indicator("D-NATIONALITY-EEA", "over_month.nationality.eea", "Nationality: EEA"),
    Indicator(
        "D-NATIONALITY-OUTSIDE_EEA",
        "over_month.nationality.outside_eea",
        "Nationality: outside the EEA",
    ),
    Indicator(
        "D-NATIONALITY-NOT_KNOWN", "over_month.nationality.not_known", "Nationality: not known"
    ),
    Indicator("D-FUNDS-ELIGIBLE", "over_month.public_funds.eligible", "Public funds: eligible"),
    Indicator(
        "D-FUNDS-NO_RECOURSE", "over_month.public_funds.no_recourse", "Public funds: no recourse"
    ),
    Indicator("D-FUNDS-NOT_KNOWN", "over_month.public_funds.not_known", "Public funds: not known"),
    Indicator("R1-N", "single_night.total", "People sleeping rough on the single night"),
    Indicator(
        "R1-N-100K",
        "single_night.per_100k",
        "People sleeping rough on the single night, per 100,000 residents",
    ),
    Indicator("P1-N", "single_night.new", "New people sleeping rough on the single night"),
    Indicator(
        "U-N",
        "single_night.unidentified_sightings",
        "Sightings on the single night of people not yet identified",
    ),
    Indicator("A1", "accommodated.total", "People sleeping rough who moved into accommodation"),
    Indicator("A1-E", "accommodated.emergency", "Moved into emergency accommodation"),
    Indicator("A1-SU", "accommodated.supported", "Moved into supported accommodation"),
    Indicator("A1-SE", "accommodated.settled", "Moved into settled accommodation"),
]


def rows(figures: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """The return's figures as spreadsheet rows: (code, label, value), one per indicator, in the
    order of INDICATORS (a null figure's value is None)."""
    return [(i.code, i.label, i.value(figures)) for i in INDICATORS]


def compute(
    period: date, *, night: date | None = None, population: int | None = None
) -> RsdfPeople:
    """Everyone behind every figure of the month's return (a fixed number of queries)."""
    first, last = month_bounds(period)
    if night is not None:
        check_night(first, night)
    check_population(population)
    result = RsdfPeople(period=first, night=night, population=population)
    days = _bedded_down_days(first, last, since=add_months(first, -NEW_MONTHS))
    for client_id, seen in days.items():
        result.e[client_id] = min(day for day in seen if day >= first)
    result.total = set(result.e)
    _over_month(result, days, first, last)
    _demographics(result)
    if night is not None:
        _single_night(result, night)
    _accommodated(result, first, last)
    result.unidentified_in_month = (
        Contact.objects.bedded_down().unidentified().on_days(first, last).count()
    )
    return result


def figures(
    period: date, *, night: date | None = None, population: int | None = None
) -> dict[str, Any]:
    """The month's return in DESIGN.md's JSON shape."""
    return compute(period, night=night, population=population).figures()


def long_term_months(period: date) -> dict[int, list[date]]:
    """Everyone long-term in the month (seen in P and in 3 or more of the 12 months before it),
    with the months (first days) among P-12 .. P-1 they were seen in, oldest first."""
    first, last = month_bounds(period)
    days = _bedded_down_days(first, last, since=add_months(first, -LONG_TERM_MONTHS))
    found = {}
    for client_id, seen in days.items():
        months = _months_before(seen, first)
        if len(months) >= LONG_TERM_AT_LEAST:
            found[client_id] = months
    return found


def long_term_counts(months: list[date]) -> dict[date, int]:
    """How many people are long-term in each of the months (first days), read together: one
    query of the months each person was seen in, from 12 months before the earliest to the
    latest, however many months are asked for (the dashboard's trend)."""
    if not months:
        return {}
    firsts = sorted({month.replace(day=1) for month in months})
    since, _ = day_bounds(add_months(firsts[0], -LONG_TERM_MONTHS), firsts[0])
    _, until = day_bounds(firsts[-1], month_bounds(firsts[-1])[1])
    seen: dict[int, set[date]] = defaultdict(set)
    for client_id, month in (
        Contact.objects.bedded_down()
        .identified()
        .filter(at__gte=since, at__lt=until)
        .annotate(month=TruncMonth("at", tzinfo=LONDON))
        .order_by()
        .values_list("client_id", "month")
        .distinct()
    ):
        seen[client_id].add(month.date() if isinstance(month, datetime) else month)
    counts = {}
    for first in firsts:
        earliest = add_months(first, -LONG_TERM_MONTHS)
        counts[first] = sum(
            1
            for months_seen in seen.values()
            if first in months_seen
            and sum(1 for m in months_seen if earliest <= m < first) >= LONG_TERM_AT_LEAST
        )
    return counts


def _bedded_down_days(first: date, last: date, *, since: date) -> dict[int, set[date]]:
    """For everyone seen in P (first..last), the local days from `since` to `last` on which they
    have a bedded-down contact (one query)."""
    month_start, month_end = day_bounds(first, last)
    from_start, _ = day_bounds(since, last)
    seen_in_month = (
        Contact.objects.bedded_down()
        .identified()
        .filter(at__gte=month_start, at__lt=month_end)
        .values("client_id")
    )
    days: dict[int, set[date]] = defaultdict(set)
    for client_id, day in (
        Contact.objects.bedded_down()
        .filter(client_id__in=seen_in_month, at__gte=from_start, at__lt=month_end)
        .annotate(day=local_day("at"))
        .order_by()
        .values_list("client_id", "day")
        .distinct()
    ):
        days[client_id].add(day)
    return days


def _months_before(seen: set[date], first: date) -> list[date]:
    """The distinct months among P-12 .. P-1 with a day in `seen` (P itself does not count)."""
    earliest = add_months(first, -LONG_TERM_MONTHS)
    return sorted({day.replace(day=1) for day in seen if earliest <= day < first})


def _over_month(result: RsdfPeople, days: dict[int, set[date]], first: date, last: date) -> None:
    nights_from = last - timedelta(days=NIGHTS_DAYS - 1)
    for client_id, e in result.e.items():
        seen = days[client_id]
        # New: no bedded-down day in [60 months before e, e) (add_months clamps to month end).
        if not any(add_months(e, -NEW_MONTHS) <= day < e for day in seen):
            result.new.add(client_id)
        # Returner: not new, and no bedded-down day in [e - 180 days, e).
        elif not any(e - timedelta(days=RETURNER_DAYS) <= day < e for day in seen):
            result.returners.add(client_id)
        months = _months_before(seen, first)
        if len(months) >= LONG_TERM_AT_LEAST:
            result.long_term.add(client_id)
            result.long_term_months[client_id] = months
        nights = sum(1 for day in seen if nights_from <= day <= last)
        result.nights_bedded_down[_night_band(nights)].add(client_id)
    _institution_leavers_by_discharge(result, first, last)
    _returners_from_settled(result, first)


def _night_band(nights: int) -> str:
    if nights <= 2:
        return str(nights)
    if nights <= 5:
        return "3_5"
    return "6_10" if nights <= 10 else "over_10"


def _institution_leavers_by_discharge(result: RsdfPeople, first: date, last: date) -> None:
    # A discharge dated in [e - 85 days, e]; e lies in P, so only discharges from
    # first - 85 to last can count.
    for client_id, day in Discharge.objects.filter(
        client_id__in=result.e,
        kind__in=INSTITUTIONS,
        date__gte=first - timedelta(days=INSTITUTION_DAYS),
        date__lte=last,
    ).values_list("client_id", "date"):
        e = result.e[client_id]
        if e - timedelta(days=INSTITUTION_DAYS) <= day <= e:
            result.institution_leavers.add(client_id)


def _returners_from_settled(result: RsdfPeople, first: date) -> None:
    # A settled placement starting in [e - 365 days, e).
    if not result.returners:
        return
    for client_id, start in (
        Placement.objects.in_types(*SETTLED)
        .filter(
            client_id__in=result.returners,
            start__gte=first - timedelta(days=SETTLED_DAYS),
        )
        .values_list("client_id", "start")
    ):
        e = result.e[client_id]
        if e - timedelta(days=SETTLED_DAYS) <= start < e:
            result.returners_from_settled.add(client_id)


def _gender(value: str) -> str:
    if value in (Gender.NON_BINARY, Gender.OTHER):
        return "other"
    if value in (Gender.MALE, Gender.FEMALE):
        return str(value)
    return "not_known"


def _demographics(result: RsdfPeople) -> None:
    # One query for every person's gender, date of birth, nationality, public funds and care
    # leaving (the support need "care leaver").
    for client_id, gender, born, nationality, public_funds, needs in Client.objects.filter(
        pk__in=result.e
    ).values_list("pk", "gender", "date_of_birth", "nationality", "public_funds", "support_needs"):
        e = result.e[client_id]
        result.gender[_gender(gender)].add(client_id)
        result.nationality[group_of(nationality)].add(client_id)
        result.public_funds[public_funds if public_funds in PUBLIC_FUNDS else "not_known"].add(
            client_id
        )
        if born is None:
            # A care leaver with no date of birth does not count under the care-leaver route.
            result.age["not_known"].add(client_id)
            continue
        # An approximate date of birth is used as it stands.
        age = age_on(born, e)
        if age < 18:
            result.age["under_18"].add(client_id)
        elif age <= 25:
            result.age["18_25"].add(client_id)
        else:
            result.age["26_plus"].add(client_id)
        if age < CARE_LEAVER_UNDER:
            result.age["under_25"].add(client_id)
            if SupportNeed.CARE_LEAVER in (needs or []):
                result.institution_leavers.add(client_id)


def night_bounds(night: date) -> tuple[datetime, datetime]:
    """[N 18:00, N+1 10:00) on a London wall clock: 17 hours when the clocks go back that night,
    15 when they go forward (neither time is ever skipped or repeated)."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(night, NIGHT_FROM, tzinfo=zone),
        datetime.combine(night + timedelta(days=1), NIGHT_UNTIL, tzinfo=zone),
    )


def _single_night(result: RsdfPeople, night: date) -> None:
    start, end = night_bounds(night)
    unidentified = 0
    for (client_id,) in (
        Contact.objects.bedded_down().filter(at__gte=start, at__lt=end).values_list("client_id")
    ):
        if client_id is None:
            unidentified += 1
        else:
            result.single_night_total.add(client_id)
    result.single_night_unidentified = unidentified
    # single_night.new is the over-month "new", decided by e.
    result.single_night_new = result.single_night_total & result.new


def _accommodated(result: RsdfPeople, first: date, last: date) -> None:
    # Placements starting in P, each person counted once by their first placement (earliest
    # start, then earliest recorded) that has a bedded-down contact in the 365 days up to and
    # including its start; seen in P or not.
    lookback = timedelta(days=ACCOMMODATED_DAYS - 1)
    starts = list(
        Placement.objects.filter(start__gte=first, start__lte=last)
        .order_by("start", "created_at", "pk")
        .values_list("client_id", "start", "unit__property__type")
    )
    if not starts:
        return
    since, until = day_bounds(first - lookback, last)
    seen_on: dict[int, set[date]] = defaultdict(set)
    for client_id, day in (
        Contact.objects.bedded_down()
        .filter(
            Q(client_id__in={client_id for client_id, _, _ in starts}),
            at__gte=since,
            at__lt=until,
        )
        .annotate(day=local_day("at"))
        .order_by()
        .values_list("client_id", "day")
        .distinct()
    ):
        seen_on[client_id].add(day)
    for client_id, start, kind in starts:
        if client_id in result.accommodated_total:
            continue
        if any(start - lookback <= day <= start for day in seen_on[client_id]):
            result.accommodated_total.add(client_id)
            result.accommodated[_accommodation_group(kind)].add(client_id)


def _accommodation_group(kind: str) -> str:
    if kind in SUPPORTED:
        return "supported"
    if kind in SETTLED:
        return "settled"
    return "emergency"
