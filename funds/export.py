"""The finance team's export: payments made in a period, from one fund or every fund."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet

from funds.models import Capacity, Fund, Payment
from mars import reads
from mars.forms import staff_label
from mars.spreadsheets import CSV_TYPE, XLSX_TYPE, csv_bytes, xlsx_bytes

HEADER = [
    "Paid on",
    "Request",
    "Fund",
    "Financial year",
    "Fund kind",
    "Amount (£)",
    "Payee",
    "Purpose",
    "Method",
    "Payment reference",
    "Person (MARS reference)",
    "House",
    "Requested by",
    "Approved by",
    "Recorded by",
]
AMOUNT_COLUMN = HEADER.index("Amount (£)")


def payments(first: date, last: date, fund: Fund | None = None) -> QuerySet[Payment]:
    found = Payment.objects.between(first, last)
    if fund is not None:
        found = found.filter(request__fund=fund)
    return (
        found.select_related(
            "request__fund",
            "request__client",
            "request__house",
            "request__requested_by",
            "recorded_by",
        )
        .prefetch_related("request__approvals__approved_by")
        .order_by("paid_on", "id")
    )


def rows(found: QuerySet[Payment]) -> list[list[Any]]:
    out = []
    reads.note((payment.request.client_id for payment in found), "payment export")
    for payment in found:
        request = payment.request
        approvers = "; ".join(
            f"{staff_label(a.approved_by)} ({Capacity(a.capacity).label})"
            for a in request.approvals.all()
        )
        out.append(
            [
                payment.paid_on,
                request.reference,
                request.fund.name,
                request.fund.year_label,
                request.fund.get_kind_display(),
                payment.amount,
                request.payee,
                request.purpose,
                payment.get_method_display(),
                payment.reference,
                request.client.reference if request.client else "",
                request.house.name if request.house else "",
                staff_label(request.requested_by),
                approvers,
                staff_label(payment.recorded_by),
            ]
        )
    return out


def file_name(first: date, last: date, fund: Fund | None, extension: str) -> str:
    which = f"fund-{fund.pk}" if fund else "all-funds"
    return f"mars-payments-{which}-{first:%Y%m%d}-{last:%Y%m%d}.{extension}"


def export(first: date, last: date, fund: Fund | None, kind: str) -> tuple[bytes, str, str]:
    """The file's bytes, its content type and its name."""
    table = rows(payments(first, last, fund))
    if kind == "csv":
        return (
            csv_bytes(HEADER, table),
            CSV_TYPE,
            file_name(first, last, fund, "csv"),
        )
    content = xlsx_bytes("Payments", HEADER, table, money=[AMOUNT_COLUMN])
    return (
        content,
        XLSX_TYPE,
        file_name(first, last, fund, "xlsx"),
    )
