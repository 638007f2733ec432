"""Long-term rough sleeping: who is long-term in a month, and the team's target for the count."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from mars import access, reads
from mars.dates import MonthError, first_of_month, parse_month, previous_month
from mars.pages import history_of, page_of, service_form
from reporting import longterm, services
from reporting.access import can_see_long_term, can_set_long_term_target
from reporting.forms import LongTermTargetForm
from reporting.models import LongTermTarget

REFUSALS = (services.ReportError,)


@login_required
def long_term_list(request: HttpRequest) -> HttpResponse:
    """Everyone long-term in a month (this month unless ?period=YYYY-MM), most months out first."""
    if not can_see_long_term(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    try:
        period = parse_month(request.GET["period"]) if "period" in request.GET else None
    except MonthError as error:
        raise BadRequest(str(error)) from error
    period = period or first_of_month(today)
    page = page_of(request, longterm.people(period, request.user, today))
    reads.note([row.client.pk for row in page], "long-term list")
    return render(
        request,
        "reporting/long_term.html",
        {
            "period": period,
            "period_value": f"{period:%Y-%m}",
            "is_this_month": period == first_of_month(today),
            "today": today,
            "rows": page.object_list,
            "page": page,
            "query": f"period={period:%Y-%m}",
            "window": longterm.months_before(period),
        },
    )


def target_form(target: LongTermTarget | None, data: Any = None) -> LongTermTargetForm:
    """The target's form, holding the target as it stands (a first one: last month, a year on)."""
    today = timezone.localdate()
    if target is None:
        initial = {
            "baseline_month": f"{previous_month(today):%Y-%m}",
            "target_date": today.replace(year=today.year + 1, day=min(today.day, 28)),
        }
    else:
        initial = {
            "baseline_month": f"{target.baseline_month:%Y-%m}",
            "target_count": target.target_count,
            "target_date": target.target_date,
        }
    return LongTermTargetForm(data, initial=initial)


@login_required
def long_term_target(request: HttpRequest) -> HttpResponse:
    """The long-term target as it stands, its history, and (for the coordinator) its form."""
    access.require(request.user, access.perm(LongTermTarget, "view"))
    may_set = can_set_long_term_target(request.user)
    if request.method == "POST" and not may_set:
        raise PermissionDenied
    target = LongTermTarget.objects.select_related("set_by").first()
    form = target_form(target, request.POST if request.method == "POST" else None)
    return service_form(
        request,
        form,
        "Long-term rough sleeping target",
        run=lambda data: services.set_long_term_target(
            baseline_month=data["baseline_month"],
            target_date=data["target_date"],
            target_count=data["target_count"],
            by=request.user,
        ),
        refusals=REFUSALS,
        done=lambda saved: reverse("reporting:dashboard") + "#long-term-heading",
        message="Long-term target saved.",
        template="reporting/long_term_target.html",
        target=target,
        may_set=may_set,
        history=history_of(target) if target else [],
        cancel_url=reverse("reporting:dashboard"),
    )
