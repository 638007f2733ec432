"""The approval rules, through the one service every page and the API call."""

from __future__ import annotations

from decimal import Decimal

import pytest

from funds import services
from funds.models import Approval, Capacity, RequestStatus
from mars.dates import local_date
from mars.models import Notification
from mars.roles import Role
from tests.factories import (
    ClientFactory,
    PaymentRequestFactory,
    PropertyFactory,
    assess_hardship,
)

pytestmark = pytest.mark.django_db


def ask(support, fund, amount="40.00", **kwargs):
    """Ask through the service, as the pages and the API do."""
    if "client" not in kwargs:
        kwargs["client"] = ClientFactory()
    if fund.is_hardship:
        # A hardship payment is asked for by the assessment that authorises it.
        return assess_hardship(by=support, fund=fund, amount=Decimal(amount), **kwargs).request
    request = PaymentRequestFactory.build(
        fund=fund, amount=Decimal(amount), requested_by=None, **kwargs
    )
    return services.request_payment(request, by=support)


def test_coordinator_cannot_approve_own_request(coordinator, personal_budget):
    request = ask(coordinator, personal_budget)
    with pytest.raises(services.FundsError, match="someone else approves"):
        services.approve_payment(request, by=coordinator)
    request.refresh_from_db()
    assert request.status == RequestStatus.REQUESTED
    assert not Approval.objects.exists()


def test_coordinator_approves_at_or_below_threshold(support, coordinator, personal_budget):
    request = ask(support, personal_budget, "250.00")
    services.approve_payment(request, by=coordinator)
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert request.approved_at is not None
    assert personal_budget.totals()["committed"] == Decimal("250.00")
    assert Notification.objects.filter(
        recipient=support, key__startswith="payment-approved"
    ).exists()


def test_above_threshold_needs_the_director_too(support, coordinator, director, personal_budget):
    request = ask(support, personal_budget, "250.01")
    services.approve_payment(request, by=coordinator)
    request.refresh_from_db()
    assert request.status == RequestStatus.REQUESTED
    assert services.check_rules(request).waiting_for == [Capacity.DIRECTOR]
    assert personal_budget.totals()["committed"] == 0
    services.approve_payment(request, by=director)
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert set(request.approvals.values_list("capacity", flat=True)) == {
        Capacity.COORDINATOR,
        Capacity.DIRECTOR,
    }


def test_one_person_cannot_give_both_approvals(make_user, support, personal_budget):
    both = make_user(Role.COORDINATOR, username="both")
    both.groups.add(*make_user(Role.DIRECTOR, username="d2").groups.all())
    request = ask(support, personal_budget, "300.00")
    services.approve_payment(request, by=both)
    with pytest.raises(services.FundsError, match="must be someone else"):
        services.approve_payment(request, by=both)
    assert request.approvals.count() == 1


def test_the_director_alone_cannot_approve_below_threshold(support, director, personal_budget):
    request = ask(support, personal_budget, "20.00")
    with pytest.raises(services.FundsError, match="waits for the coordinator"):
        services.approve_payment(request, by=director)


def test_approval_that_would_overspend_is_refused(support, coordinator, personal_budget):
    first = ask(support, personal_budget, "200.00")
    services.approve_payment(first, by=coordinator)
    personal_budget.budget = Decimal("300.00")
    personal_budget.save()
    second = ask(support, personal_budget, "150.00")
    with pytest.raises(services.FundsError, match=r"past its budget: £100.00 of £300.00 remains"):
        services.approve_payment(second, by=coordinator)
    second.refresh_from_db()
    assert second.status == RequestStatus.REQUESTED
    assert personal_budget.totals()["committed"] == Decimal("200.00")


def test_paid_money_counts_against_the_budget(support, coordinator, personal_budget):
    paid = ask(support, personal_budget, "240.00")
    services.approve_payment(paid, by=coordinator)
    services.record_payment(
        paid, paid_on=local_date(paid.requested_at), method="card", reference="C1", by=coordinator
    )
    for _ in range(3):
        services.approve_payment(ask(support, personal_budget, "240.00"), by=coordinator)
    last = ask(support, personal_budget, "40.01")
    with pytest.raises(services.FundsError, match="past its budget"):
        services.approve_payment(last, by=coordinator)
    totals = personal_budget.totals()
    assert (totals["paid"], totals["committed"], totals["remaining"]) == (
        Decimal("240.00"),
        Decimal("720.00"),
        Decimal("40.00"),
    )


def test_cancelling_an_approved_request_releases_its_money(support, coordinator, personal_budget):
    request = ask(support, personal_budget, "200.00")
    services.approve_payment(request, by=coordinator)
    services.cancel_payment(request, reason="Bought elsewhere", by=support)
    assert personal_budget.totals()["remaining"] == Decimal("1000.00")


def test_person_limit_refuses_with_the_reason(support, coordinator, personal_budget, sam):
    services.approve_payment(ask(support, personal_budget, "200.00", client=sam), by=coordinator)
    services.approve_payment(ask(support, personal_budget, "250.00", client=sam), by=coordinator)
    over = ask(support, personal_budget, "60.00", client=sam)
    with pytest.raises(services.FundsError) as refused:
        services.approve_payment(over, by=coordinator)
    assert str(refused.value) == (
        f"{sam.reference} has had £450.00 from {personal_budget}; £60.00 more would pass its "
        "limit of £500.00 a person."
    )
    services.approve_payment(ask(support, personal_budget, "60.00"), by=coordinator)


def test_hardship_rule_break_needs_the_director_with_a_reason(
    support, coordinator, director, hardship
):
    request = ask(support, hardship, "75.00")
    checks = services.check_rules(request)
    assert checks.hardship_breaks == ["£75.00 is more than the largest hardship payment, £50.00."]
    assert checks.needed == [Capacity.COORDINATOR, Capacity.DIRECTOR]
    services.approve_payment(request, by=coordinator)
    with pytest.raises(services.FundsError, match="record why") as refused:
        services.approve_payment(request, by=director)
    assert refused.value.field == "override_reason"
    services.approve_payment(request, override_reason="Deposit for a room today", by=director)
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert request.approvals.get(capacity=Capacity.DIRECTOR).override_reason == (
        "Deposit for a room today"
    )


def test_hardship_payments_in_twelve_months_are_counted(
    support, coordinator, director, hardship, sam
):
    for _ in range(2):
        services.approve_payment(ask(support, hardship, "30.00", client=sam), by=coordinator)
    third = ask(support, hardship, "30.00", client=sam)
    assert services.check_rules(third).hardship_breaks == [
        f"{sam.reference} has had 2 hardship payments in the last 12 months: the most is 2."
    ]
    assert services.approve_payment(third, by=coordinator).status == RequestStatus.REQUESTED
    approved = services.approve_payment(third, override_reason="Rent arrears hearing", by=director)
    assert approved.status == RequestStatus.APPROVED


def test_property_spend_needs_the_resettlement_manager(
    make_user, coordinator, resettlement, director, property_fund
):
    house = PropertyFactory(type="mars_house")
    request = ask(coordinator, property_fund, "800.00", client=None, house=house)
    assert services.check_rules(request).needed == [
        Capacity.COORDINATOR,
        Capacity.RESETTLEMENT_MANAGER,
    ]
    with pytest.raises(services.FundsError, match="someone else"):
        services.approve_payment(request, by=coordinator)
    second = make_user(Role.COORDINATOR, username="coord2")
    assert services.approve_payment(request, by=second).status == RequestStatus.REQUESTED
    with pytest.raises(services.FundsError, match="waits for the resettlement manager"):
        services.approve_payment(request, by=director)
    assert services.approve_payment(request, by=resettlement).status == RequestStatus.APPROVED


def test_property_spend_names_no_person(coordinator, property_fund, sam):
    with pytest.raises(services.FundsError, match="leave the person out"):
        ask(coordinator, property_fund, client=sam)


def test_a_persons_request_names_them(support, personal_budget):
    with pytest.raises(services.FundsError, match="who the payment is for") as refused:
        ask(support, personal_budget, client=None)
    assert refused.value.field == "client"


def test_rejecting_needs_a_reason_and_tells_the_requester(support, coordinator, personal_budget):
    request = ask(support, personal_budget)
    with pytest.raises(services.FundsError, match="Say why"):
        services.reject_payment(request, reason=" ", by=coordinator)
    services.reject_payment(request, reason="Ask the DWP first", by=coordinator)
    request.refresh_from_db()
    assert (request.status, request.close_reason) == (RequestStatus.REJECTED, "Ask the DWP first")
    assert Notification.objects.filter(recipient=support, key__startswith="payment-rejected")


def test_a_decided_request_is_not_approved_again(support, coordinator, make_user, personal_budget):
    request = ask(support, personal_budget)
    services.reject_payment(request, reason="No", by=coordinator)
    with pytest.raises(services.FundsError, match="is rejected"):
        services.approve_payment(request, by=make_user(Role.COORDINATOR, username="c2"))


def test_paying_needs_approval_and_happens_once(support, coordinator, personal_budget):
    request = ask(support, personal_budget)
    day = local_date(request.requested_at)
    with pytest.raises(services.FundsError, match="Only an approved request is paid"):
        services.record_payment(request, paid_on=day, method="card", reference="X", by=coordinator)
    services.approve_payment(request, by=coordinator)
    services.record_payment(request, paid_on=day, method="card", reference="X", by=coordinator)
    with pytest.raises(services.FundsError, match="this one is paid"):
        services.record_payment(request, paid_on=day, method="card", reference="Y", by=coordinator)
    assert personal_budget.totals()["paid"] == Decimal("40.00")


def test_budget_cannot_drop_below_what_is_spoken_for(support, coordinator, personal_budget):
    services.approve_payment(ask(support, personal_budget, "200.00"), by=coordinator)
    personal_budget.budget = Decimal("150.00")
    with pytest.raises(services.FundsError, match=r"£200\.00 is already committed or paid"):
        services.save_fund(personal_budget, by=coordinator)


def test_changing_a_request_only_before_approval(support, coordinator, personal_budget):
    request = ask(support, personal_budget)
    request.amount = Decimal("45.00")
    services.request_payment(request, by=support)
    services.approve_payment(request, by=coordinator)
    request.amount = Decimal("90.00")
    with pytest.raises(services.FundsError, match="nobody has approved"):
        services.request_payment(request, by=support)
