"""What the monthly contract report says, worked out once and kept with its run.

Everything here is an aggregate: no name, date of birth or reference of any person. Breakdowns of
people by gender, age, nationality or ethnicity show counts from 1 to 4 as "<5" (see `suppress`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count

from accommodation.figures import mars_house_units, sustainment_rates, tenancies, void_report
from accommodation.models import A2AReferral, Placement, PropertyType, ReferralStatus
from clients import countries
from clients.models import Client, Ethnicity, Gender
from funds.models import Fund
from mars.dates import add_months, day_bounds, financial_year, financial_year_label, month_bounds
from outreach.figures import count_totals, swep_summary
from outreach.models import (
    AgeBand,
    CountGender,
    NationalityGroup,
    RoughSleepingCount,
    SevereWeatherActivation,
)
from reporting import kpis, returns, rsdf
from reporting.kpis import LONDON
from reporting.measures import MEASURES, Status
from reporting.models import Target
from risk.models import RiskAssessment, RiskPlan

SMALL = "<5"
SECONDARY = "*"
TREND_MONTHS = 12
Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class Cell:
    label: str
    count: int
    shown: str


def suppress(cells: list[tuple[str, int]]) -> dict[str, Any]:
    """A breakdown safe to publish: a count from 1 to 4 shows as "<5". The total is published
    elsewhere (people seen), so when one small count alone would be revealed by it, the next
    smallest count is hidden too ("*"), and the total shown here is suppressed as well."""
    small = [i for i, (_, n) in enumerate(cells) if 1 <= n <= 4]
    hidden = set(small)
    if len(small) == 1:
        others = sorted((n, i) for i, (_, n) in enumerate(cells) if i not in hidden and n > 0)
        if others:
            hidden.add(others[0][1])
    total = sum(n for _, n in cells)
    rows = [
        {"label": label, "shown": SMALL if i in small else SECONDARY if i in hidden else str(n)}
        for i, (label, n) in enumerate(cells)
    ]
    if 1 <= total <= 4:
        total_shown = SMALL
    elif len(small) == 1:
        total_shown = SECONDARY
    else:
        total_shown = str(total)
    return {"rows": rows, "total": total_shown}


def _age_band(person: Client, day: date) -> str:
    age = person.age_on(day)
    if age is None:
        return AgeBand.NOT_KNOWN
    if age < 18:
        return AgeBand.UNDER_18
    return AgeBand.AGE_18_25 if age <= 25 else AgeBand.AGE_26_PLUS


def breakdowns(client_ids: set[int], on: date) -> dict[str, dict[str, Any]]:
    """The people counted, by gender, age band (on the day given), nationality and ethnicity."""
    people = list(
        Client.objects.filter(pk__in=client_ids).only(
            "gender", "date_of_birth", "nationality", "ethnicity"
        )
    )
    gender = Counter(p.gender for p in people)
    ages = Counter(_age_band(p, on) for p in people)
    nationality = Counter(countries.name_of(p.nationality) for p in people)
    ethnicity = Counter(p.ethnicity for p in people)
    return {
        "Gender": suppress([(str(g.label), gender[g.value]) for g in Gender]),
        "Age": suppress([(str(a.label), ages[a.value]) for a in AgeBand]),
        "Nationality": suppress(sorted(nationality.items(), key=lambda kv: (-kv[1], kv[0]))),
        "Ethnicity": suppress(
            [(str(e.label), ethnicity[e.value]) for e in Ethnicity if ethnicity[e.value]]
            + [("Not recorded", ethnicity[""])]
        ),
    }


def kpi_rows(figures: dict[str, Any], targets: dict[str, Target]) -> list[dict[str, Any]]:
    """Each figure with its target, value, parts and red/amber/green status."""
    rows = []
    for measure in MEASURES:
        reading = measure.reading(figures)
        target = targets.get(measure.key.value)
        state = target.status_of(reading.value) if target else Status.NONE
        rows.append(
            {
                "key": measure.key.value,
                "label": measure.label,
                "percent": measure.percent,
                "value": None if reading.value is None else str(reading.value),
                "shown": reading.shown,
                "numerator": reading.numerator,
                "denominator": reading.denominator,
                "target": target.value_label if target else None,
                "target_value": None if target is None else str(target.value),
                "status": str(state),
                "status_label": str(Status(state).label),
            }
        )
    return rows


def trend(
    period: date,
    as_of: date,
    known: dict[str, Any] | None = None,
    *,
    source: Callable[[Sequence[date], date], dict[date, dict[str, Any]]] = kpis.figures_for_months,
) -> list[dict[str, Any]]:
    """The figures of the 12 months up to and including the period, as of the same date, each
    month with its full figures and the headline value of each measure. `known` is the
    period's own figures when the caller has them already; `source` computes the others (the
    dashboard's reads the months it keeps)."""
    months = [add_months(period, -back) for back in range(TREND_MONTHS - 1, -1, -1)]
    wanted = months[:-1] if known else months
    found = source(wanted, as_of)
    if known:
        found[months[-1]] = known
    return [
        {
            "period": kpis.period_label(month),
            "label": f"{month:%b %y}",
            "figures": found[month],
            "values": {m.key.value: _number(m.reading(found[month]).value) for m in MEASURES},
        }
        for month in months
    ]


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _money(value: Decimal) -> str:
    return f"£{value:,.2f}"


def accommodation_section(period: date, as_of: date) -> dict[str, Any]:
    first, last = month_bounds(period)
    starts = dict(
        Placement.objects.filter(start__gte=first, start__lte=last)
        .values_list("unit__property__type")
        .annotate(n=Count("id"))
    )
    since, until = day_bounds(first, last)
    decided = Counter(
        A2AReferral.objects.filter(decided_at__gte=since, decided_at__lt=until).values_list(
            "status", flat=True
        )
    )
    voids = void_report(mars_house_units(), period, as_of)
    rates = sustainment_rates(tenancies(Placement.objects.housing_first(), as_of))
    return {
        "placements_by_type": [
            {"label": str(t.label), "count": starts.get(t.value, 0)} for t in PropertyType
        ],
        "placements_total": sum(starts.values()),
        "a2a": {
            "approved": decided[ReferralStatus.APPROVED] + decided[ReferralStatus.PLACED],
            "declined": decided[ReferralStatus.DECLINED],
        },
        "mars_house": {
            "rooms": len(voids.rooms),
            "occupied_days": voids.occupied_days,
            "void_days": voids.void_days,
            "unavailable_days": voids.unavailable_days,
            "occupancy": voids.occupancy,
        },
        "housing_first": [
            {
                "months": rate.months,
                "sustained": rate.sustained,
                "reached": rate.reached,
                "percent": rate.percent,
            }
            for rate in rates
        ],
    }


def funds_section(period: date) -> dict[str, Any]:
    year = financial_year(period)
    funds: list[Any] = list(Fund.objects.for_year(year).with_totals().order_by("kind", "name"))
    return {
        "year": financial_year_label(year),
        "funds": [
            {
                "name": fund.name,
                "kind": fund.get_kind_display(),
                "budget": _money(fund.budget),
                "paid": _money(fund.paid),
                "committed": _money(fund.committed),
                "remaining": _money(fund.budget - fund.paid - fund.committed),
            }
            for fund in funds
        ],
    }


def risk_section(as_of: date) -> dict[str, Any]:
    return {
        "plans_in_force": RiskPlan.objects.in_force()
        .filter(client__merged_into__isnull=True)
        .values("client")
        .distinct()
        .count(),
        "reviews_overdue": RiskAssessment.objects.overdue(as_of).count(),
    }


def swep_section(period: date) -> list[dict[str, Any]]:
    first, last = month_bounds(period)
    since, until = day_bounds(first, last)
    activations = SevereWeatherActivation.objects.filter(
        starts__lt=until, ends__gte=since
    ).order_by("starts")
    rows = []
    for activation in activations:
        summary = swep_summary(activation)
        rows.append(
            {
                "from": _local_day(activation.starts),
                "to": _local_day(activation.ends),
                "trigger": activation.get_trigger_display(),
                "offered": summary.offered,
                "accepted": summary.accepted,
            }
        )
    return rows


def _local_day(instant: Any) -> str:
    return instant.astimezone(LONDON).date().isoformat()


def count_section(period: date) -> dict[str, Any] | None:
    """The annual count or estimate, when its night falls in the period."""
    first, last = month_bounds(period)
    count = RoughSleepingCount.objects.filter(night__gte=first, night__lte=last).first()
    if count is None:
        return None
    totals = count_totals([count])[0]
    labels = {
        name: dict(choices.choices)
        for name, choices in (
            ("gender", CountGender),
            ("age_band", AgeBand),
            ("nationality_group", NationalityGroup),
        )
    }
    return {
        "night": count.night.isoformat(),
        "method": count.get_method_display(),
        "total": totals.total,
        "breakdowns": {
            title: suppress(
                [(str(labels[name].get(key, key)), n) for key, n in getattr(totals, name).items()]
            )
            for title, name in (
                ("Gender", "gender"),
                ("Age", "age_band"),
                ("Nationality", "nationality_group"),
            )
        },
    }


# The return's breakdowns of people, published with small numbers suppressed like the others.
RSDF_BREAKDOWNS = {
    "over_month.nights_bedded_down": "Nights bedded down in the last 180 days",
    "over_month.gender": "Gender",
    "over_month.age": "Age",
    "over_month.nationality": "Nationality",
    "over_month.public_funds": "Access to public funds",
}


def _small(value: Any) -> str:
    if value is None:
        return "n/a"
    return SMALL if isinstance(value, int) and 1 <= value <= 4 else str(value)


def rsdf_section(period: date) -> dict[str, Any]:
    """England's monthly return (RSDF) for the month: as submitted when it has been, else as the
    records stand (with the return's night and population); breakdowns suppressed."""
    record = returns.return_for(period)
    if record is not None and record.is_submitted:
        figures = record.figures
        sent = record.submitted_at
        status = f"Submitted on {sent.astimezone(LONDON):%d/%m/%Y}" if sent else "Submitted"
    else:
        night, population = returns.night_and_population(period)
        figures = rsdf.figures(period, night=night, population=population)
        status = "Not yet submitted: the figures as the records stand"
    headline: list[dict[str, Any]] = []
    groups: dict[str, list[tuple[str, int]]] = {key: [] for key in RSDF_BREAKDOWNS}
    for row in returns.rows_of(figures):
        group = row.key.rsplit(".", 1)[0]
        if group in groups and row.key != "over_month.age.under_25":
            groups[group].append((row.label.split(": ", 1)[-1], row.value or 0))
        elif row.key == "over_month.age.under_25":
            headline.append({"code": row.code, "label": row.label, "value": _small(row.value)})
        else:
            headline.append({"code": row.code, "label": row.label, "value": _value(row.value)})
    return {
        "status": status,
        "night": figures.get("night"),
        "population": figures.get("population"),
        "definitions": figures.get("definitions"),
        "figures": headline,
        "breakdowns": {RSDF_BREAKDOWNS[key]: suppress(cells) for key, cells in groups.items()},
    }


def _value(value: Any) -> str:
    return "n/a" if value is None else str(value)


def build(period: date, as_of: date, progress: Progress | None = None) -> dict[str, Any]:
    """Every section of the report for a month, as of a date (JSON, kept with the run)."""
    step = progress or (lambda percent, text: None)
    step(10, "Working out the contract figures")
    found = kpis.cohorts(period, as_of)
    figures = found.figures()
    step(25, "Working out the 12-month trend")
    months = trend(period, as_of, known=figures)
    step(55, "Accommodation, funds, risk and SWEP")
    _, last = month_bounds(period)
    report = {
        "period": kpis.period_label(period),
        "period_label": f"{period:%B %Y}",
        "as_of": as_of.isoformat(),
        "figures": figures,
        "kpis": kpi_rows(figures, Target.objects.for_period(period)),
        "trend": months,
        "people": {
            "seen": len(found.seen),
            "new": len(found.new),
            "stock": len(found.stock),
            "returners": len(found.returners),
            "unidentified_sightings": found.unidentified_sightings,
            "breakdowns": breakdowns(found.seen, last),
        },
        "accommodation": accommodation_section(period, as_of),
        "funds": funds_section(period),
        "risk": risk_section(as_of),
        "swep": swep_section(period),
        "count": count_section(period),
        "rsdf": rsdf_section(period),
        "definitions": [{"label": m.label, "definition": m.definition} for m in MEASURES],
    }
    step(70, "Figures ready")
    return report
