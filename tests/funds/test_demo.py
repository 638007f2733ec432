"""The demo data that `make run` loads shows every part of funds."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from funds import services
from funds.models import (
    Capacity,
    Fund,
    FundKind,
    HardshipAssessment,
    HardshipQuestion,
    PaymentRequest,
    Receipt,
    Recommendation,
    RequestStatus,
)
from mars.dates import financial_year
from tests.clock import ORDINARY_DAY

pytestmark = pytest.mark.django_db


# The demo spends month by month since April, the start of the financial year: in April there is
# at most one month of it.
@pytest.mark.time_machine(ORDINARY_DAY)
def test_demo_data_shows_funds(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    today = timezone.localdate()
    funds = Fund.objects.with_totals()
    assert {f.kind for f in funds} == set(FundKind.values)
    assert {f.year for f in funds} == {financial_year(today)}
    for fund in funds:
        # Spent, never overspent, in more than one month.
        assert 0 < fund.paid + fund.committed <= fund.budget
        assert sum(1 for _, amount in services.month_spend(fund) if amount) > 1
    assert set(PaymentRequest.objects.values_list("status", flat=True)) == set(RequestStatus.values)
    assert Receipt.objects.exists()
    waiting = [services.check_rules(r) for r in PaymentRequest.objects.waiting()]
    assert {tuple(c.waiting_for) for c in waiting} >= {
        (Capacity.COORDINATOR,),
        (Capacity.DIRECTOR,),
        (Capacity.RESETTLEMENT_MANAGER,),
        (Capacity.COORDINATOR, Capacity.RESETTLEMENT_MANAGER, Capacity.DIRECTOR),
    }
    assert any(c.hardship_breaks for c in waiting)
    director = User.objects.get(username="director")
    assert services.approval_queue(director).count() == 3
    resettlement = User.objects.get(username="resettlement")
    assert services.approval_queue(resettlement).count() == 2

    # Every hardship payment was assessed: one recommended to the director waits for them, paid
    # ones were authorised, one was declined with its reason; loading again adds nothing.
    hardship = PaymentRequest.objects.filter(fund__kind=FundKind.HARDSHIP)
    assert not hardship.filter(hardship_assessment__isnull=True).exists()
    assert HardshipQuestion.objects.filter(active=True).exists()
    recommended = HardshipAssessment.objects.get(recommendation=Recommendation.DIRECTOR)
    assert recommended.request is not None
    assert services.check_rules(recommended.request).waiting_for == [Capacity.DIRECTOR]
    assert HardshipAssessment.objects.filter(
        recommendation=Recommendation.AUTHORISE, request__status=RequestStatus.PAID
    ).exists()
    declined = HardshipAssessment.objects.get(recommendation=Recommendation.DECLINE)
    assert declined.request is None and declined.reason and declined.answers.exists()
    assessments = HardshipAssessment.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert HardshipAssessment.objects.count() == assessments
