"""Funds counts for the home page."""

from __future__ import annotations

from dataclasses import dataclass

from funds import services
from funds.models import PaymentRequest, RequestStatus
from mars import access


@dataclass
class HomeFunds:
    to_approve: int | None
    to_pay: int | None
    mine_waiting: int | None


def for_home(user: access.AnyUser) -> HomeFunds:
    """What needs doing about money: the user's approval queue, approved requests to pay, and
    the user's own requests still waiting."""
    requests = access.visible(user, PaymentRequest)
    return HomeFunds(
        to_approve=services.approval_queue(user).count()
        if access.can_approve_payments(user)
        else None,
        to_pay=requests.filter(status=RequestStatus.APPROVED).count()
        if access.can(user, "funds.pay_paymentrequest")
        else None,
        mine_waiting=requests.waiting().filter(requested_by_id=user.pk).count()
        if access.can_add_for(user, PaymentRequest)
        else None,
    )
