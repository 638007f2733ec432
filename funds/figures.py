"""Funds counts for the home page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest

from funds import services
from funds.access import can_approve_payments
from funds.models import PaymentRequest, RequestStatus
from mars import access
from mars.home import HomePart


@dataclass
class HomeFunds:
    to_approve: int | None
    to_pay: int | None
    mine_waiting: int | None


def for_home(user: access.AnyUser) -> HomeFunds:
    """What needs doing about money: the user's approval queue, approved requests to pay, and
    the user's own requests still waiting."""
    requests = access.visible(user, PaymentRequest.objects.all())
    return HomeFunds(
        to_approve=services.approval_queue(user).count() if can_approve_payments(user) else None,
        to_pay=requests.filter(status=RequestStatus.APPROVED).count()
        if access.can(user, "funds.pay_paymentrequest")
        else None,
        mine_waiting=requests.waiting().filter(requested_by_id=user.pk).count()
        if access.can_add_for(user, PaymentRequest)
        else None,
    )


def home_part(request: HttpRequest) -> HomePart | None:
    """The home page's payment tiles, for those who see payment requests."""
    if not access.can(request.user, "funds.view_paymentrequest"):
        return None
    return HomePart("funds/_home.html", {"funds": for_home(request.user)}, main=True)


def _percent(part: Decimal, whole: Decimal) -> int:
    return round(100 * part / whole) if whole else 0


def burn(fund: Any, today: date) -> dict[str, Any]:
    """How much of a fund (with totals) is used, against how much of its year has gone; more
    than ten points ahead of the year is flagged."""
    used = _percent(fund.committed + fund.paid, fund.budget)
    gone = services.year_elapsed(fund, today)
    return {"used_percent": used, "year_percent": gone, "over_pace": used > gone + 10}
