"""A report run whose worker died: found by its heartbeat, queued again by beat (a few times at
most), retried by a person, and never overwritten by the worker that lost it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from mars.celery import app
from mars.models import OutboxJob
from reporting import services, tasks
from reporting.models import ReportRun, RunState, RunTrigger

pytestmark = pytest.mark.django_db

T0 = datetime.fromisoformat("2026-11-25T10:00:00+00:00")
STALE = timedelta(minutes=settings.REPORT_RUN_STALE_MINUTES)


def _taken_by_a_worker(time_machine: Any) -> tuple[ReportRun, datetime]:
    """A run a worker took at T0 (and, the test says, then died)."""
    time_machine.move_to(T0, tick=False)
    run = ReportRun.objects.create(
        period=date(2026, 10, 1), as_of=date(2026, 11, 20), trigger=RunTrigger.PERSON
    )
    claim = services._claim(run.pk)
    assert claim == T0
    run.refresh_from_db()
    return run, claim


def test_a_run_with_no_sign_of_life_is_queued_again_by_beat_and_made(
    time_machine: Any, django_capture_on_commit_callbacks: Any
) -> None:
    run, _ = _taken_by_a_worker(time_machine)
    time_machine.move_to(T0 + STALE - timedelta(seconds=1), tick=False)
    assert tasks.requeue_stalled_runs() == []
    time_machine.move_to(T0 + STALE + timedelta(seconds=1), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.requeue_stalled_runs() == [run.pk]
    run.refresh_from_db()
    assert (run.state, run.attempts, run.progress) == (RunState.DONE, 2, 100)
    reasons = list(run.history.values_list("history_change_reason", flat=True))
    assert "Its worker stopped: queued again" in reasons
    assert OutboxJob.objects.get().args == [run.pk]


def test_each_step_is_a_sign_of_life(time_machine: Any) -> None:
    run, claim = _taken_by_a_worker(time_machine)
    time_machine.move_to(T0 + timedelta(minutes=20), tick=False)
    services._progress(run.pk, claim, 25, "Working out the 12-month trend")
    time_machine.move_to(T0 + STALE + timedelta(minutes=1), tick=False)
    assert tasks.requeue_stalled_runs() == []
    run.refresh_from_db()
    assert run.state == RunState.RUNNING and not run.can_retry


def test_a_run_whose_worker_keeps_dying_fails_saying_why(time_machine: Any) -> None:
    run, _ = _taken_by_a_worker(time_machine)
    ReportRun.objects.filter(pk=run.pk).update(attempts=settings.REPORT_RUN_MAX_ATTEMPTS)
    time_machine.move_to(T0 + STALE + timedelta(seconds=1), tick=False)
    assert tasks.requeue_stalled_runs() == [run.pk]
    run.refresh_from_db()
    assert run.state == RunState.FAILED and run.can_retry
    assert "stopped without finishing, 3 times" in run.error
    assert not OutboxJob.objects.exists()


def test_the_coordinator_retries_a_run_whose_worker_died(
    client: Any, coordinator: Any, time_machine: Any, django_capture_on_commit_callbacks: Any
) -> None:
    run, _ = _taken_by_a_worker(time_machine)
    client.force_login(coordinator)
    time_machine.move_to(T0 + timedelta(minutes=5), tick=False)
    assert ">Retry</button>" not in client.get(run.get_absolute_url()).text
    refused = client.post(reverse("reporting:run_retry", args=[run.pk]), follow=True)
    assert "has shown no progress for 30 minutes" in refused.text
    run.refresh_from_db()
    assert run.state == RunState.RUNNING

    time_machine.move_to(T0 + STALE + timedelta(seconds=1), tick=False)
    assert ">Retry</button>" in client.get(run.get_absolute_url()).text
    with django_capture_on_commit_callbacks(execute=True):
        retried = client.post(reverse("reporting:run_retry", args=[run.pk]))
    assert retried.status_code == 302
    run.refresh_from_db()
    assert (run.state, run.attempts) == (RunState.DONE, 2)


def test_a_run_no_worker_took_is_queued_again_by_beat_and_made(
    time_machine: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """As the runs left "queued" for good before the outbox: no job, nobody working on it."""
    time_machine.move_to(T0, tick=False)
    run = ReportRun.objects.create(
        period=date(2026, 10, 1), as_of=date(2026, 11, 20), trigger=RunTrigger.PERSON
    )
    time_machine.move_to(T0 + STALE - timedelta(seconds=1), tick=False)
    assert tasks.requeue_stalled_runs() == [] and not run.can_retry
    time_machine.move_to(T0 + STALE + timedelta(seconds=1), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.requeue_stalled_runs() == [run.pk]
    run.refresh_from_db()
    assert (run.state, run.attempts) == (RunState.DONE, 1)
    assert run.history.filter(history_change_reason="Not taken by a worker: queued again")


def test_the_worker_that_lost_its_run_changes_nothing(time_machine: Any) -> None:
    run, lost = _taken_by_a_worker(time_machine)
    time_machine.move_to(T0 + STALE + timedelta(seconds=1), tick=False)
    tasks.requeue_stalled_runs()  # its job is not relayed here: a second worker takes the run
    time_machine.move_to(T0 + STALE + timedelta(minutes=1), tick=False)
    taken = services._claim(run.pk)
    assert taken == timezone.now()
    assert services._claim(run.pk) is None  # nor can a third
    services._progress(run.pk, lost, 55, "Accommodation, funds, risk and SWEP")
    run.refresh_from_db()
    assert (run.state, run.progress, run.started_at, run.attempts) == (
        RunState.RUNNING,
        5,
        taken,
        2,
    )


def test_beat_relays_the_outbox_and_looks_for_stalled_runs_every_minute() -> None:
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["relay-outbox"] == {"task": "mars.tasks.relay_outbox", "schedule": 60.0}
    assert schedule["requeue-stalled-report-runs"]["task"] in app.tasks
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
