"""MARS House signs up only a person with an approved risk plan whose review has not passed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accommodation import services
from accommodation.models import MarsHouseReferral, Placement
from risk.models import RiskAssessment
from tests.factories import MarsHouseReferralFactory, RiskPlanFactory, plan_in_force

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(sam, coordinator):  # type: ignore[no-untyped-def]
    return MarsHouseReferralFactory(
        client=sam, status="accepted", decided_on=timezone.localdate(), decided_by=coordinator
    )


def sign_up(referral, house, coordinator):  # type: ignore[no-untyped-def]
    room = house.units.get(name="Room 1")
    return services.sign_up(referral, room, licence_date=timezone.localdate(), by=coordinator)


def test_no_approved_plan_no_sign_up(accepted, mars_house, coordinator, sam):
    RiskPlanFactory(client=sam)  # a draft is not enough
    with pytest.raises(services.AccommodationError, match="no approved risk plan"):
        sign_up(accepted, mars_house, coordinator)
    assert not Placement.objects.exists()
    assert MarsHouseReferral.objects.get().status == "accepted"


def test_a_plan_past_its_review_date_is_not_enough(accepted, mars_house, coordinator, sam):
    plan = plan_in_force(sam)
    today = timezone.localdate()
    RiskAssessment.objects.filter(pk=plan.assessment_id).update(
        assessed_on=today - dt.timedelta(days=200), review_due=today - dt.timedelta(days=1)
    )
    with pytest.raises(services.AccommodationError, match="due for review on"):
        sign_up(accepted, mars_house, coordinator)
    assert not Placement.objects.exists()


def test_a_current_approved_plan_lets_the_sign_up_go_ahead(accepted, mars_house, coordinator, sam):
    plan_in_force(sam)
    placement = sign_up(accepted, mars_house, coordinator)
    assert placement.client == sam
