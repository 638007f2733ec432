"""While a worker's caseload is covered, the nightly reminders that go to them go to the covering
worker too; once the cover has ended, they go to the worker alone again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.reminders import send_consent_reminders
from mars.models import Notification
from mars.roles import Role
from risk.models import RiskAssessment
from risk.reminders import send_reminders
from staffing import services
from staffing.models import CaseloadCover
from tests.clock import ORDINARY_DAY
from tests.factories import (
    ClientFactory,
    ConsentFactory,
    MeetingActionFactory,
    RiskAssessmentFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]


@pytest.fixture
def team(make_user):  # type: ignore[no-untyped-def]
    return {
        "coordinator": make_user(Role.COORDINATOR),
        "tom": UserFactory(username="tom", role=Role.SUPPORT),
        "priya": UserFactory(username="priya", role=Role.SUPPORT),
    }


def _cover(team, starts, ends):  # type: ignore[no-untyped-def]
    return services.hand_over_caseload(
        CaseloadCover(worker=team["tom"], covered_by=team["priya"], starts=starts, ends=ends),
        by=team["coordinator"],
    )


def _keys(user):  # type: ignore[no-untyped-def]
    return set(Notification.objects.filter(recipient=user).values_list("key", flat=True))


def test_an_overdue_risk_review_goes_to_the_covering_worker_during_the_cover(team):
    today = timezone.localdate()
    late = RiskAssessmentFactory(client=ClientFactory(key_worker=team["tom"]))
    RiskAssessment.objects.filter(pk=late.pk).update(
        assessed_on=today - dt.timedelta(days=200), review_due=today - dt.timedelta(days=3)
    )
    _cover(team, today - dt.timedelta(days=1), today + dt.timedelta(days=6))
    send_reminders(today)
    key = f"risk-review-overdue:{late.pk}"
    assert key in _keys(team["tom"]) and key in _keys(team["priya"])
    assert key in _keys(team["coordinator"])


def test_after_the_cover_has_ended_the_reminders_go_to_the_worker_alone(team):
    today = timezone.localdate()
    _cover(team, today - dt.timedelta(days=10), today - dt.timedelta(days=1))
    late = RiskAssessmentFactory(client=ClientFactory(key_worker=team["tom"]))
    RiskAssessment.objects.filter(pk=late.pk).update(
        assessed_on=today - dt.timedelta(days=200), review_due=today - dt.timedelta(days=3)
    )
    action = MeetingActionFactory(owner=team["tom"], due=today - dt.timedelta(days=1))
    send_reminders(today)
    assert _keys(team["priya"]) == set()
    assert {f"risk-review-overdue:{late.pk}", f"meeting-action-past-due:{action.pk}"} <= _keys(
        team["tom"]
    )


def test_a_cover_that_starts_later_is_told_from_its_first_day(team):
    today = timezone.localdate()
    action = MeetingActionFactory(owner=team["tom"], due=today - dt.timedelta(days=1))
    _cover(team, today + dt.timedelta(days=2), today + dt.timedelta(days=5))
    send_reminders(today)
    assert _keys(team["priya"]) == set()
    send_reminders(today + dt.timedelta(days=2))
    assert _keys(team["priya"]) == {f"meeting-action-past-due:{action.pk}"}
    # Told once: the next night in the cover sends nothing new.
    send_reminders(today + dt.timedelta(days=3))
    assert Notification.objects.filter(recipient=team["priya"]).count() == 1


def test_a_consent_review_goes_to_the_covering_worker_too(team):
    today = timezone.localdate()
    person = ClientFactory(key_worker=team["tom"])
    consent = ConsentFactory(
        client=person,
        given_on=today - dt.timedelta(days=340),
        review_by=today + dt.timedelta(days=20),
    )
    _cover(team, today, today + dt.timedelta(days=6))
    assert send_consent_reminders(today) == 2
    key = f"consent-review:{consent.pk}"
    assert key in _keys(team["tom"]) and key in _keys(team["priya"])


def _cover_lookups(queries) -> int:  # type: ignore[no-untyped-def]
    return sum('"staffing_caseloadcover"' in query["sql"] for query in queries.captured_queries)


def test_who_covers_whom_is_asked_once_a_run_however_many_reminders(team, make_user):
    today = timezone.localdate()
    workers = [team["tom"], team["priya"], UserFactory(role=Role.SUPPORT)]
    _cover(team, today, today + dt.timedelta(days=6))
    for worker in workers:
        late = RiskAssessmentFactory(client=ClientFactory(key_worker=worker))
        RiskAssessment.objects.filter(pk=late.pk).update(
            assessed_on=today - dt.timedelta(days=200), review_due=today - dt.timedelta(days=3)
        )
        MeetingActionFactory(owner=worker, due=today - dt.timedelta(days=1))
        ConsentFactory(
            client=ClientFactory(key_worker=worker),
            given_on=today - dt.timedelta(days=340),
            review_by=today + dt.timedelta(days=20),
        )
    with CaptureQueriesContext(connection) as consent_run:
        assert send_consent_reminders(today) == 4  # Tom's to Priya too
    assert _cover_lookups(consent_run) == 1
    with CaptureQueriesContext(connection) as nightly:
        sent = send_reminders(today)
    assert sent.reviews_overdue and sent.actions_past_due
    # One for the risk reminders, one for the consent reminders (sent already, asked all the same).
    assert _cover_lookups(nightly) == 2
