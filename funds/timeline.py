"""A person's payment requests and payments for their timeline."""

from __future__ import annotations

from clients.models import Client
from funds.models import Payment, PaymentRequest
from mars import access
from mars.dates import day_start
from mars.timeline import Position, TimelineEntry, older


def entries_for(
    client: Client, user: access.AnyUser, before: Position | None, limit: int
) -> list[TimelineEntry]:
    requests = access.visible(user, PaymentRequest.objects.all()).filter(client=client)
    entries = [
        TimelineEntry(
            when=r.requested_at,
            kind="Payment requested",
            title=f"{r.amount_label} from {r.fund}",
            detail=f"{r.reference}, to {r.payee}: {r.get_status_display().lower()}",
            url=r.get_absolute_url(),
            source="funds.request",
            pk=r.pk,
        )
        for r in older(
            requests.select_related("fund"), "requested_at", "funds.request", before, limit
        )
    ]
    payments = Payment.objects.filter(request__in=requests).select_related("request__fund")
    entries += [
        TimelineEntry(
            when=day_start(p.paid_on),
            kind="Payment made",
            title=f"£{p.amount:,.2f} from {p.request.fund}",
            detail=f"{p.request.reference}, {p.get_method_display().lower()}",
            url=p.get_absolute_url(),
            all_day=True,
            source="funds.payment",
            pk=p.pk,
        )
        for p in older(payments, "paid_on", "funds.payment", before, limit)
    ]
    return entries
