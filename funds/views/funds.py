"""Pages for funds: this year's budgets and their spend, setting a fund up, the finance export."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from funds import export, services
from funds.figures import burn
from funds.forms import ExportForm, FundForm
from funds.models import ZERO, Fund, PaymentRequest, pounds
from mars import access
from mars.dates import financial_year, financial_year_label, uk_date
from mars.pages import record_page, service_form
from mars.spreadsheets import download

REFUSALS = (services.FundsError,)


@login_required
def fund_list(request: HttpRequest) -> HttpResponse:
    """Each fund of a financial year: budget, waiting, committed, paid and remaining."""
    user = request.user
    access.require(user, access.perm(Fund, "view"))
    today = timezone.localdate()
    this_year = financial_year(today)
    years = sorted(set(Fund.objects.values_list("year", flat=True)) | {this_year}, reverse=True)
    asked = request.GET.get("year", "")
    year = int(asked) if asked.isdigit() and int(asked) in years else this_year
    funds = list(
        access.visible(user, Fund.objects.all())
        .for_year(year)
        .with_totals()
        .order_by("kind", "name")
    )
    totals = {
        name: sum((getattr(f, name) for f in funds), ZERO)
        for name in ("budget", "waiting", "committed", "paid")
    }
    totals["remaining"] = totals["budget"] - totals["committed"] - totals["paid"]
    return render(
        request,
        "funds/fund_list.html",
        {
            "funds": [(f, burn(f, today)) for f in funds],
            "totals": totals,
            "year": year,
            "year_label": financial_year_label(year),
            "years": [(y, financial_year_label(y)) for y in years],
            "can_add": access.can_add_for(user, Fund),
            "here": "funds",
        },
    )


def chart(months: list[tuple[Any, Decimal]]) -> dict[str, Any]:
    """Bars for an inline SVG of spend per month (drawn on the server: no script needed)."""
    height, bar, gap = 120, 22, 6
    largest = max((amount for _, amount in months), default=ZERO) or Decimal(1)
    bars = []
    for index, (month, amount) in enumerate(months):
        tall = int(height * amount / largest)
        bars.append(
            {
                "x": index * (bar + gap),
                "y": height - tall,
                "height": tall,
                "label": f"{month:%b}",
                "month": f"{month:%B %Y}",
                "amount": pounds(amount),
            }
        )
    return {"bars": bars, "width": len(months) * (bar + gap), "height": height, "bar": bar}


@login_required
def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    fund = access.get_visible(user, Fund, pk)
    fund = Fund.objects.with_totals().get(pk=fund.pk)
    today = timezone.localdate()
    rows: list[tuple[str, Any]] = [
        ("Kind", fund.get_kind_display()),
        ("Financial year", f"{fund.year_label}: {uk_date(fund.starts)} to {uk_date(fund.ends)}"),
        ("Budget", pounds(fund.budget)),
        ("Approval threshold", f"{pounds(fund.approval_threshold)}: above it the director too"),
    ]
    if fund.per_person_limit is not None:
        rows.append(("Limit per person", f"{pounds(fund.per_person_limit)} in the year"))
    if fund.is_hardship:
        rows.append(("Largest single payment", pounds(fund.hardship_largest_payment)))
        rows.append(("Most payments per person", fund.hardship_most_payments))
    if fund.is_property:
        rows.append(("Approved by", "The coordinator and the resettlement manager"))
    if fund.notes:
        rows.append(("Notes", fund.notes))
    months = services.month_spend(fund)
    requests = (
        access.visible(user, PaymentRequest.objects.all())
        .filter(fund=fund)
        .select_related("client", "house", "requested_by")[:15]
    )
    return record_page(
        request,
        fund,
        rows,
        template="funds/fund_detail.html",
        edit_url=reverse("funds:fund_edit", args=[pk]),
        client=None,
        totals={
            name: pounds(getattr(fund, name))
            for name in ("waiting", "committed", "paid", "remaining")
        },
        burn=burn(fund, today),
        chart=chart(months),
        months=[(m, pounds(a)) for m, a in months],
        requests=requests,
        can_see_requests=access.can(user, access.perm(PaymentRequest, "view")),
    )


def _fund_form(request: HttpRequest, fund: Fund, title: str) -> HttpResponse:
    form = FundForm(request.POST or None, instance=fund)
    return service_form(
        request,
        form,
        title,
        run=lambda data: services.save_fund(form.save(commit=False), by=request.user),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Fund saved.",
        cancel_url=fund.get_absolute_url() if fund.pk else reverse("funds:fund_list"),
    )


@login_required
def fund_create(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.perm(Fund, "add"))
    return _fund_form(request, Fund(), "New fund")


@login_required
def fund_edit(request: HttpRequest, pk: int) -> HttpResponse:
    fund = access.get_visible(request.user, Fund, pk, write=True)
    return _fund_form(request, fund, f"Change {fund}")


@login_required
def payment_export(request: HttpRequest) -> HttpResponse:
    """The finance team's CSV or XLSX of payments made in a period, from a fund or all."""
    access.require(request.user, "funds.export_paymentrequest")
    form = ExportForm(request.GET if "paid_from" in request.GET else None)
    if form.is_valid():
        data = form.cleaned_data
        return download(
            *export.export(data["paid_from"], data["paid_to"], data["fund"], data["format"])
        )
    return render(
        request,
        "funds/export.html",
        {"form": form, "title": "Export payments for finance", "here": "export"},
    )
