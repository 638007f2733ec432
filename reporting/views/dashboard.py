"""The coordinator's dashboard, and the people behind each of its figures."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accommodation.figures import empty_rooms, mars_house_units
from accommodation.models import A2AReferral
from clients.access import visible_clients
from funds.figures import burn
from funds.models import Fund
from funds.services import approval_queue
from mars import reads
from mars.dates import (
    financial_year,
    financial_year_label,
    first_of_month,
    parse_month,
    previous_month,
)
from outreach.figures import active_swep
from reporting import kept, kpis, longterm, report
from reporting.access import can_see_dashboard, can_set_long_term_target
from reporting.charts import course_chart, trend_charts
from reporting.counting import counts
from reporting.measures import BY_KEY
from reporting.models import LongTermTarget, Target
from reporting.views.longterm import target_form
from risk.alerts import with_alerts
from risk.models import PlanStatus, RiskAssessment, RiskPlan


def _require_dashboard(request: HttpRequest) -> None:
    if not can_see_dashboard(request.user):
        raise PermissionDenied


def people_url(key: str, period: date, part: str, as_of: date) -> str:
    query = {"measure": key, "period": kpis.period_label(period), "part": part}
    query["as_of"] = as_of.isoformat()
    return f"{reverse('reporting:people')}?{urlencode(query)}"


def _figure_rows(months: list[dict[str, Any]], today: date) -> list[dict[str, Any]]:
    """Each figure this month and last month (the trend's last two, as of today) against its
    target, with links to the people behind each part."""
    shown = [parse_month(entry["period"]) for entry in (months[-1], months[-2])]
    # Both months' contract years in one query (they differ in April).
    targets = Target.objects.for_periods(shown)
    both = []
    for entry, month in zip((months[-1], months[-2]), shown, strict=True):
        rows = report.kpi_rows(entry["figures"], targets[financial_year(month)])
        for row in rows:
            measure = BY_KEY[row["key"]]
            if measure.people:
                row["people_url"] = people_url(row["key"], month, "numerator", today)
            if measure.denominator_people:
                row["denominator_url"] = people_url(row["key"], month, "denominator", today)
        both.append(rows)
    return [{"now": now, "last": last} for now, last in zip(*both, strict=True)]


def long_term_section(user: Any, this_month: date, today: date) -> dict[str, Any]:
    """The long-term count's twelve months, against the target's straight course if one is set."""
    months = longterm.trend(this_month)
    # This month has only begun: its bar says so, so a low count is not read as a fall.
    months[-1]["label"] = f"{months[-1]['label']} so far"
    target = LongTermTarget.objects.select_related("set_by").first()
    course = [target.course_on(month["month"]) if target else None for month in months]
    chart = course_chart(
        "rsdf.long_term",
        "Long-term rough sleepers",
        months,
        course,
        lambda period: f"{reverse('reporting:long_term')}?{urlencode({'period': period})}",
    )
    if target is not None:
        chart["note"] = (
            f"dashed: a straight course from {target.baseline_count} in {target.baseline_label} "
            f"to {target.target_count} by {target.target_date:%d/%m/%Y}"
        )
    return {
        "chart": chart,
        "target": target,
        "course": longterm.on_course(target, months, today) if target else None,
        "form": target_form(target) if can_set_long_term_target(user) else None,
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """How the contract is going and what is waiting, for the coordinator."""
    _require_dashboard(request)
    user, today = request.user, timezone.localdate()
    this_month = first_of_month(today)
    months = report.trend(this_month, today, source=kept.figures_for_months)
    rows = _figure_rows(months, today)
    watched = kpis.watch_list(today)
    people = (
        visible_clients(user).select_related("key_worker").in_bulk([w.client_id for w in watched])
    )
    # The watch list names people.
    reads.note(people, "dashboard")
    year = financial_year(today)
    funds = list(Fund.objects.for_year(year).with_totals().order_by("kind", "name"))
    pending = counts(
        payments=approval_queue(user),
        risk_plans=RiskPlan.objects.filter(status=PlanStatus.SUBMITTED),
        a2a=A2AReferral.objects.waiting(),
        overdue_reviews=RiskAssessment.objects.overdue(today),
    )
    return render(
        request,
        "reporting/dashboard.html",
        {
            "today": today,
            "this_month": this_month,
            "last_month": previous_month(this_month),
            "rows": rows,
            "charts": trend_charts(
                months,
                [row["now"] for row in rows],
                lambda key, month: (
                    people_url(key, parse_month(month), "numerator", today)
                    if BY_KEY[key].people
                    else None
                ),
            ),
            "pending": pending,
            "overdue_reviews": pending["overdue_reviews"],
            "swep": active_swep(),
            "vacancies": empty_rooms(mars_house_units(), today),
            "funds": [(fund, burn(fund, today)) for fund in funds],
            "funds_year": financial_year_label(year),
            "watch": [(w, people[w.client_id]) for w in watched if w.client_id in people],
            "long_term": long_term_section(user, this_month, today),
        },
    )


PARTS = {
    "numerator": "people",
    "denominator": "denominator_people",
    "window_open": "window_open",
}


@login_required
def people_behind(request: HttpRequest) -> HttpResponse:
    """The people counted in one part of one figure, for one month as of one date."""
    _require_dashboard(request)
    measure = BY_KEY.get(request.GET.get("measure", ""))
    part = request.GET.get("part", "numerator")
    if measure is None or part not in PARTS:
        raise Http404
    try:
        period = parse_month(request.GET.get("period", ""))
        as_of = date.fromisoformat(request.GET.get("as_of") or timezone.localdate().isoformat())
    except ValueError as error:
        raise BadRequest(str(error)) from error
    attribute = PARTS[part] if part == "window_open" else getattr(measure, PARTS[part])
    if attribute is None:
        raise Http404
    found = kpis.cohorts(period, as_of)
    ids = getattr(found, attribute)
    people = list(
        with_alerts(
            visible_clients(request.user)
            .filter(pk__in=ids)
            .select_related("key_worker")
            .order_by("last_name", "first_name")
        )
    )
    reads.note([person.pk for person in people], "kpi drill-down")
    part_label = {
        "numerator": "counted" if not measure.percent else "the numerator",
        "denominator": "the denominator",
        "window_open": "whose 14 days are still open",
    }[part]
    return render(
        request,
        "reporting/people.html",
        {
            "measure": measure,
            "period": period,
            "as_of": as_of,
            "part_label": part_label,
            "people": [(person, found.first_seen.get(person.pk)) for person in people],
            "show_first_seen": measure.key.value.startswith("left_streets")
            or measure.key.value == "rough_sleepers.new",
        },
    )
