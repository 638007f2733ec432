"""What waits past its time in funds: payment requests not approved (nor rejected) within
mars.waiting.APPROVAL_DAYS of being made. The approvers' business: the coordinators'."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.utils import timezone

from funds.models import PaymentRequest, RequestStatus
from mars.dates import day_start
from mars.waiting import APPROVAL_DAYS, Waiting


def overdue(today: date) -> Iterator[Waiting]:
    """Requests still waiting for every approval they need, APPROVAL_DAYS after they were made."""
    made_before = day_start(today - timedelta(days=APPROVAL_DAYS))
    requests = PaymentRequest.objects.filter(
        status=RequestStatus.REQUESTED, requested_at__lt=made_before
    ).select_related("fund", "client")
    for request in requests:
        made = timezone.localdate(request.requested_at)
        about = request.client.reference if request.client else "Property spend"
        yield Waiting(
            key=f"payment-request:{request.pk}",
            kind="Payment approval",
            title=f"{about}: £{request.amount} from {request.fund.name}",
            url=request.get_absolute_url(),
            since=made,
            due=made + timedelta(days=APPROVAL_DAYS),
            client_id=request.client_id,
        )
