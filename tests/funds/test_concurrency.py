"""Approvers acting at the same moment, each on their own database connection."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from funds import services
from funds.models import Approval, Fund, PaymentRequest, RequestStatus
from mars.dates import local_date
from tests.concurrency import at_once
from tests.factories import FundFactory, PaymentRequestFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def coordinators(count: int) -> list:
    # Transactional tests start without the roles: give the permission itself.
    approve = Permission.objects.get(codename="approve_paymentrequest")
    users = [UserFactory() for _ in range(count)]
    for user in users:
        user.user_permissions.add(approve)
    return users


def test_twenty_approvals_of_one_request_give_exactly_one_approval():
    fund = FundFactory(budget=Decimal("1000.00"))
    request = PaymentRequestFactory(fund=fund, amount=Decimal("100.00"))
    results = at_once(
        *(
            (
                lambda user=user: services.approve_payment(
                    PaymentRequest.objects.get(pk=request.pk), by=user
                )
            )
            for user in coordinators(20)
        )
    )
    approved = [r for r in results if isinstance(r, PaymentRequest)]
    refused = [r for r in results if isinstance(r, services.FundsError)]
    assert (len(approved), len(refused)) == (1, 19)
    assert all("is approved" in str(r) for r in refused)
    assert Approval.objects.filter(request=request).count() == 1
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert fund.totals()["committed"] == Decimal("100.00")


def test_twenty_approvals_of_different_requests_never_overspend():
    fund = FundFactory(budget=Decimal("1000.00"), approval_threshold=Decimal("500.00"))
    requests = [PaymentRequestFactory(fund=fund, amount=Decimal("150.00")) for _ in range(20)]
    results = at_once(
        *(
            (
                lambda user=user, pk=r.pk: services.approve_payment(
                    PaymentRequest.objects.get(pk=pk), by=user
                )
            )
            for user, r in zip(coordinators(20), requests, strict=True)
        )
    )
    approved = [r for r in results if isinstance(r, PaymentRequest)]
    refused = [r for r in results if isinstance(r, services.FundsError)]
    # £1,000 holds six requests of £150 (£900); the seventh would need £1,050.
    assert (len(approved), len(refused)) == (6, 14)
    assert all("past its budget" in str(r) for r in refused)
    totals = Fund.objects.get(pk=fund.pk).totals()
    assert totals["committed"] == Decimal("900.00")
    assert totals["remaining"] == Decimal("100.00")
    assert PaymentRequest.objects.filter(status=RequestStatus.APPROVED).count() == 6


def test_two_payments_of_one_request_at_once_pay_once():
    fund = FundFactory()
    [coordinator, other] = coordinators(2)
    pay = Permission.objects.get(codename="pay_paymentrequest")
    other.user_permissions.add(pay)
    coordinator.user_permissions.add(pay)
    request = services.approve_payment(PaymentRequestFactory(fund=fund), by=coordinator)
    day = local_date(request.approved_at)
    results = at_once(
        *(
            (
                lambda user=user: services.record_payment(
                    PaymentRequest.objects.get(pk=request.pk),
                    paid_on=day,
                    method="card",
                    reference=f"by {user.pk}",
                    by=user,
                )
            )
            for user in (coordinator, other)
        )
    )
    assert sum(isinstance(r, services.FundsError) for r in results) == 1
    assert fund.totals()["paid"] == request.amount
