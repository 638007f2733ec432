"""The waiting list's finer rules (mars.waiting): who is told what and once, what an email may
say, approvals by what they still need, items listed ahead of their due date, private items,
and a worker's list read from their own items only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import ReferralDirection
from funds.models import Approval, Capacity
from mars import checks, waiting
from mars.models import Notification
from mars.roles import Role
from mars.tasks import escalate_waiting
from staffing import cover
from staffing.models import CaseloadCover
from tests.clock import ORDINARY_DAY
from tests.factories import (
    AgencyFactory,
    ClientFactory,
    PaymentRequestFactory,
    ReferralFactory,
    SupervisionFactory,
    TeamActionFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]

TODAY = dt.date(2027, 6, 16)


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def _notified(user: Any) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("key", flat=True))


def test_a_coordinator_who_owns_an_item_is_told_once_and_the_other_coordinators_escalated(
    coordinator: Any,
) -> None:
    other_lead = UserFactory(role=Role.COORDINATOR)
    referral = ReferralFactory(referred_on=days_ago(15), client__key_worker=coordinator)
    escalate_waiting()
    assert _notified(coordinator) == [f"waiting:referral:{referral.pk}:2027-06-11"]
    assert _notified(other_lead) == [f"waiting-escalated:referral:{referral.pk}:2027-06-11"]


def test_emails_carry_no_case_detail_only_the_kind_the_reference_and_a_link(
    coordinator: Any, support: Any, django_capture_on_commit_callbacks: Any
) -> None:
    agency = AgencyFactory(name="Harbour Drug Service")
    referral = ReferralFactory(
        direction="out", referred_on=days_ago(15), agency=agency, client__key_worker=support
    )
    TeamActionFactory(description="Ask about Sam's relapse", owner=support, due=days_ago(6))
    with django_capture_on_commit_callbacks(execute=True):
        escalate_waiting()
    reference = referral.client.reference
    subjects = [message.subject for message in mail.outbox]
    assert f"MARS: Referral out past its time: {reference}" in subjects
    assert "MARS: Team action past its time" in subjects
    for message in mail.outbox:
        assert "Harbour" not in message.subject + message.body
        assert "relapse" not in message.subject + message.body
    assert any(referral.get_absolute_url() in message.body for message in mail.outbox)
    # The page keeps the full title for those who may see it.
    items = waiting.past_time(TODAY)
    assert any("Harbour Drug Service" in item.title for item in items)


def test_a_payment_the_coordinator_approved_waits_on_the_director_from_that_approval(
    coordinator: Any,
) -> None:
    director = UserFactory(role=Role.DIRECTOR)
    payment = PaymentRequestFactory(
        amount=Decimal("400.00"), requested_at=timezone.now() - dt.timedelta(days=10)
    )
    Approval.objects.create(
        request=payment,
        capacity=Capacity.COORDINATOR,
        approved_by=coordinator,
        approved_at=timezone.now() - dt.timedelta(days=5),
    )
    fresh = PaymentRequestFactory(
        amount=Decimal("400.00"), requested_at=timezone.now() - dt.timedelta(days=10)
    )
    Approval.objects.create(
        request=fresh,
        capacity=Capacity.COORDINATOR,
        approved_by=coordinator,
        approved_at=timezone.now() - dt.timedelta(days=1),
    )
    (item,) = [i for i in waiting.past_time(TODAY) if i.kind == "Payment approval"]
    assert item.key == f"payment-request:{payment.pk}"
    assert (item.since, item.days_over(TODAY)) == (days_ago(5), 2)
    assert item.owner_name == "Director (approval)"
    escalate_waiting()
    assert _notified(director) == [f"waiting:payment-request:{payment.pk}:2027-06-14"]
    assert _notified(coordinator) == []
    assert [i.key for i in waiting.waiting_for(director, TODAY)] == [item.key]


def test_a_payment_not_yet_approved_waits_on_the_coordinators(coordinator: Any) -> None:
    director = UserFactory(role=Role.DIRECTOR)
    payment = PaymentRequestFactory(
        amount=Decimal("400.00"), requested_at=timezone.now() - dt.timedelta(days=10)
    )
    escalate_waiting()
    assert _notified(coordinator) == [f"waiting:payment-request:{payment.pk}:2027-06-09"]
    assert _notified(director) == []


def test_payment_approvals_read_two_queries_however_many(
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(6):
        PaymentRequestFactory(requested_at=timezone.now() - dt.timedelta(days=10))
    from funds import waiting as funds_waiting

    with django_assert_max_num_queries(2):
        assert len(list(funds_waiting.overdue(TODAY))) == 6


def test_a_subject_access_request_in_its_last_week_is_listed_as_due_not_over(
    client: Any, coordinator: Any
) -> None:
    from rights.models import SubjectAccessRequest

    received = dt.date(2027, 5, 20)
    SubjectAccessRequest.objects.create(
        client=ClientFactory(), received_on=received, due_on=SubjectAccessRequest.due_for(received)
    )
    client.force_login(coordinator)
    page = client.get(reverse("waiting")).content.decode()
    assert "due in 4 days" in page
    assert "days over" not in page
    assert escalate_waiting() == 0
    assert _notified(coordinator) == []


def test_whoever_covers_a_supervisor_neither_sees_nor_is_told_of_supervisions(
    coordinator: Any, support: Any
) -> None:
    supervisor = UserFactory(role=Role.SUPPORT)
    SupervisionFactory(supervisor=supervisor, held_on=days_ago(80))
    CaseloadCover.objects.create(
        worker=supervisor, covered_by=support, starts=days_ago(1), ends=TODAY
    )
    ReferralFactory(referred_on=days_ago(15), client__key_worker=supervisor)
    theirs = [i.kind for i in waiting.waiting_for(supervisor, TODAY)]
    assert "Supervision overdue" in theirs
    covering = [i.kind for i in waiting.waiting_for(support, TODAY)]
    assert covering == ["Referral out"]
    escalate_waiting()
    assert not [key for key in _notified(support) if key.startswith("waiting:supervision")]
    assert [key for key in _notified(supervisor) if key.startswith("waiting:supervision")]


def test_a_workers_list_is_read_for_their_own_items_only(support: Any) -> None:
    mine = ReferralFactory(referred_on=days_ago(15), client__key_worker=support)
    ReferralFactory(referred_on=days_ago(15), client__key_worker=UserFactory())
    PaymentRequestFactory(requested_at=timezone.now() - dt.timedelta(days=10))
    keys = [i.key for i in waiting.past_time(TODAY, owners={support.pk})]
    assert keys == [f"referral:{mine.pk}"]


def _home_queries(http: Any) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as read:
        page = http.get(reverse("home")).content.decode()
    return len(read.captured_queries), page


def test_a_workers_home_page_reads_as_much_for_a_busy_service_as_for_a_quiet_one(
    client: Any, support: Any
) -> None:
    ReferralFactory(referred_on=days_ago(15), client__key_worker=support)
    client.force_login(support)
    quiet, page = _home_queries(client)
    assert "<strong>1</strong> thing past its time of yours" in page
    for n in range(20):
        ReferralFactory(referred_on=days_ago(15 + n), client__key_worker=UserFactory())
    busy, page = _home_queries(client)
    assert "<strong>1</strong> thing past its time of yours" in page
    assert busy == quiet


def test_the_referral_kinds_the_check_knows_are_the_text_choices() -> None:
    assert tuple(waiting.ReferralKind.values) == checks.REFERRAL_KINDS
    assert set(ReferralDirection.values) <= set(waiting.ReferralKind.values)


def test_cover_is_merged_in_one_place() -> None:
    away, back, standing_in = UserFactory(), UserFactory(), UserFactory()
    CaseloadCover.objects.create(worker=away, covered_by=standing_in, starts=TODAY, ends=TODAY)
    merged = [away, standing_in, back]
    assert waiting.add_cover([away, None, back], {away.pk: standing_in}) == merged
    assert cover.with_cover([away, back], TODAY) == merged
    assert waiting.with_cover([away, back], TODAY) == merged
