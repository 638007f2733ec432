"""A2A referrals: the panel's queue, decisions with who and why, one live referral a person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accommodation import services
from accommodation.models import A2AReferral, ReferralStatus
from mars.roles import Role
from tests.factories import A2AReferralFactory, ClientFactory

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def test_the_queue_puts_priority_first_then_the_longest_waiting(coordinator):
    newest = A2AReferralFactory(referred_on=days_ago(1))
    oldest = A2AReferralFactory(referred_on=days_ago(20))
    urgent = A2AReferralFactory(referred_on=days_ago(2))
    low = A2AReferralFactory(referred_on=days_ago(30))
    services.prioritise_referral(urgent, 1, by=coordinator)
    services.prioritise_referral(low, 3, by=coordinator)
    queue = list(A2AReferral.objects.waiting().queue_order())
    assert queue == [urgent, low, oldest, newest]


def test_the_queue_page_shows_days_waiting_in_order(as_role):
    A2AReferralFactory(referred_on=days_ago(4), client=ClientFactory(last_name="Fourdays"))
    services.prioritise_referral(
        A2AReferralFactory(referred_on=days_ago(1), client=ClientFactory(last_name="Urgent")),
        1,
        by=None,
    )
    page = as_role(Role.PANEL).get(reverse("accommodation:referral_list")).content.decode()
    assert page.index("Urgent") < page.index("Fourdays")
    assert "waiting 4 days" in page and "Priority 1" in page


def test_a_decision_keeps_who_when_why_and_the_time_it_took(coordinator):
    referral = A2AReferralFactory(referred_on=days_ago(6))
    services.decide_referral(
        referral, approve=False, reason="No recourse to public funds", by=coordinator
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert referral.decided_by == coordinator and referral.decided_at is not None
    assert referral.decision_reason == "No recourse to public funds"
    assert referral.days_to_decision == 6 and referral.days_waiting() == 6
    assert referral.history.first().history_change_reason == "Declined"


def test_a_decision_needs_a_reason_and_is_made_once(coordinator):
    referral = A2AReferralFactory()
    with pytest.raises(services.AccommodationError, match="reason"):
        services.decide_referral(referral, approve=True, reason="  ", by=coordinator)
    services.decide_referral(referral, approve=True, reason="Yes", by=coordinator)
    with pytest.raises(services.AccommodationError, match="approved already"):
        services.decide_referral(referral, approve=False, reason="No", by=coordinator)


def test_a_person_has_one_live_referral(sam, support):
    A2AReferralFactory(client=sam)
    second = A2AReferral(client=sam, requested_type="hostel", needs="x", reasons="y")
    with pytest.raises(services.AccommodationError, match="already has a live A2A referral"):
        services.refer_to_panel(second, by=support)


def test_after_a_decline_a_new_referral_can_be_made(sam, support, coordinator):
    first = A2AReferralFactory(client=sam)
    services.decide_referral(first, approve=False, reason="Not now", by=coordinator)
    again = services.refer_to_panel(
        A2AReferral(client=sam, requested_type="hostel", needs="x", reasons="y"), by=support
    )
    assert again.status == ReferralStatus.SUBMITTED and again.referred_by == support


def test_a_decided_referral_cannot_be_edited(as_role, coordinator):
    referral = A2AReferralFactory()
    services.decide_referral(referral, approve=True, reason="Yes", by=coordinator)
    browser = as_role(Role.SUPPORT)
    response = browser.post(
        reverse("accommodation:referral_edit", args=[referral.pk]),
        {
            "referred_on": referral.referred_on.isoformat(),
            "requested_type": "temporary",
            "needs": "changed",
            "reasons": "changed",
        },
    )
    assert response.status_code == 200 and b"can no longer be changed" in response.content
    assert b"changed</textarea>" in response.content  # what was typed is kept
    referral.refresh_from_db()
    assert referral.needs != "changed"


def test_withdrawing_needs_a_reason_and_frees_the_person_to_be_referred_again(sam, support):
    referral = A2AReferralFactory(client=sam)
    with pytest.raises(services.AccommodationError):
        services.withdraw_referral(referral, reason="", by=support)
    services.withdraw_referral(referral, reason="Found a private let", by=support)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN
    assert not A2AReferral.objects.filter(client=sam, status__in=["submitted"]).exists()


def test_a_future_referral_date_is_refused_beside_the_field(as_role, sam):
    browser = as_role(Role.SUPPORT)
    response = browser.post(
        reverse("accommodation:referral_create", args=[sam.pk]),
        {
            "referred_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
            "requested_type": "hostel",
            "needs": "Support with drinking",
            "reasons": "Out at the Hoe",
        },
    )
    assert response.status_code == 200
    assert b"cannot be dated in the future" in response.content
    assert b"Support with drinking" in response.content
    assert not A2AReferral.objects.exists()


def test_priority_is_one_to_three(coordinator):
    referral = A2AReferralFactory()
    with pytest.raises(services.AccommodationError, match="1, 2 or 3"):
        services.prioritise_referral(referral, 4, by=coordinator)
    services.prioritise_referral(referral, 2, by=coordinator)
    referral.refresh_from_db()
    assert referral.priority == 2 and referral.status == ReferralStatus.UNDER_REVIEW


@pytest.mark.parametrize("show", ["queue", "approved", "decided", "all"])
def test_the_tab_counts_are_each_tabs_own_whichever_tab_is_open(as_role, coordinator, show):
    for _ in range(3):
        A2AReferralFactory()
    services.decide_referral(
        A2AReferralFactory(), approve=True, reason="Meets need", by=coordinator
    )
    page = as_role(Role.PANEL).get(reverse("accommodation:referral_list"), {"show": show})
    text = page.content.decode()
    assert "Waiting for the panel (3)" in text
    assert "Approved, to place (1)" in text
