"""What waits past its time in funds: payment requests not approved (nor rejected) within
mars.waiting.APPROVAL_DAYS of being made, or of their latest approval. Each waits on those
whose approval it still needs: the coordinators' first, then the resettlement manager's or the
director's."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date, timedelta

from django.db.models import F, Max
from django.db.models.functions import Coalesce
from django.utils import timezone

from funds.models import CAPACITY_PERMISSIONS, Capacity, PaymentRequest, RequestStatus
from mars.dates import day_start
from mars.waiting import APPROVAL_DAYS, Waiting


def still_needed(request: PaymentRequest, given: set[str]) -> Capacity:
    """The approval the request waits on, from the approvals given (no further query).

    A request is approved once it has every approval funds.services.check_rules says it needs,
    so one still REQUESTED lacks one of them: the coordinator's while it is not given (asked
    first); then, on a property fund, the resettlement manager's; else the director's, the only
    other capacity check_rules can add.
    """
    if Capacity.COORDINATOR not in given:
        return Capacity.COORDINATOR
    if request.fund.is_property and Capacity.RESETTLEMENT_MANAGER not in given:
        return Capacity.RESETTLEMENT_MANAGER
    return Capacity.DIRECTOR


def overdue(today: date, owners: Collection[int] | None = None) -> Iterator[Waiting]:
    """Requests still waiting APPROVAL_DAYS after they were made or last approved (two queries:
    the requests, their approvals). The coordinators' while theirs is missing, else the holders
    of the missing approval's permission."""
    made_before = day_start(today - timedelta(days=APPROVAL_DAYS))
    requests = (
        PaymentRequest.objects.filter(status=RequestStatus.REQUESTED)
        .alias(waiting_from=Coalesce(Max("approvals__approved_at"), F("requested_at")))
        .filter(waiting_from__lt=made_before)
        .select_related("fund", "client")
        .prefetch_related("approvals")
    )
    for request in requests:
        approvals = list(request.approvals.all())
        given = {str(a.capacity) for a in approvals}
        needed = still_needed(request, given)
        latest = max((a.approved_at for a in approvals), default=request.requested_at)
        made = timezone.localdate(latest)
        about = request.client.reference if request.client else "Property spend"
        theirs = needed != Capacity.COORDINATOR
        if owners is not None and not theirs:
            continue
        yield Waiting(
            key=f"payment-request:{request.pk}",
            kind="Payment approval",
            title=f"{about}: £{request.amount} from {request.fund.name}",
            url=request.get_absolute_url(),
            since=made,
            due=made + timedelta(days=APPROVAL_DAYS),
            client_id=request.client_id,
            approvers=CAPACITY_PERMISSIONS[needed] if theirs else "",
            approvers_label=f"{needed.label} (approval)" if theirs else "",
            reference=request.client.reference if request.client else "",
        )
