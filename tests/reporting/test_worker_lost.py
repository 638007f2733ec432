"""A real Celery worker killed (SIGKILL) in the middle of a report run: beat finds the run with no
sign of life, queues it again, and another worker makes it (issue 19)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import psycopg
import pytest
import time_machine
from django.conf import settings
from django.db import connection

from mars.models import OutboxJob
from mars.roles import Role
from reporting import services
from reporting.models import ReportRun, RunState
from tests.faults import PrivateRedis, Worker, broker, private_redis, wait_for  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def contacts_held() -> Iterator[psycopg.Connection[Any]]:
    """The contacts table locked by another connection: a run blocks at its first figure (10%),
    in the middle of its work, until the lock is let go (rollback)."""
    db = connection.settings_dict
    holder = psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
    )
    holder.execute("LOCK TABLE outreach_contact IN ACCESS EXCLUSIVE MODE")
    yield holder
    holder.close()


def _state(run: ReportRun) -> tuple[str, int]:
    run.refresh_from_db()
    return run.state, run.progress


def _waiting_on_the_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query ILIKE '%%outreach_contact%%'"
        )
        return bool(cursor.fetchone()[0])


def test_a_run_whose_worker_is_killed_is_queued_again_and_made_by_another_worker(
    roles: None,
    make_user: Any,
    private_redis: PrivateRedis,  # noqa: F811
    contacts_held: psycopg.Connection[Any],
) -> None:
    coordinator = make_user(Role.COORDINATOR)
    first = Worker(private_redis.url, "first")
    second: Worker | None = None
    try:
        with broker(private_redis.url), time_machine.travel("2026-11-25T10:00:00Z"):
            run = services.start_run(date(2026, 10, 1), as_of=date(2026, 11, 20), by=coordinator)
        wait_for("the first worker to take the run", lambda: _state(run) == ("running", 10))
        wait_for("the run to block on the contacts table", _waiting_on_the_lock)

        first.kill()
        contacts_held.rollback()
        run.refresh_from_db()
        assert (run.state, run.progress, run.attempts) == (RunState.RUNNING, 10, 1)
        assert not run.can_retry  # its heartbeat is fresh: it might still be working

        # Beat, once the run has shown no sign of life for REPORT_RUN_STALE_MINUTES.
        silent = run.heartbeat_at + timedelta(minutes=settings.REPORT_RUN_STALE_MINUTES)
        with broker(private_redis.url), time_machine.travel(silent + timedelta(seconds=1)):
            assert [r.pk for r in services.requeue_stalled_runs()] == [run.pk]
        assert _state(run) == (RunState.QUEUED, 0)
        assert OutboxJob.objects.unsent().count() == 0

        second = Worker(private_redis.url, "second")
        wait_for("the second worker to make the run", lambda: _state(run)[0] == RunState.DONE)
        assert (run.progress, run.attempts) == (100, 2)
        assert run.pdf and run.figures["rough_sleepers"]["seen"] == 0
        reasons = list(run.history.order_by("history_id").values_list("history_change_reason"))
        assert ("Its worker stopped: queued again",) in reasons
    except BaseException:
        print("first worker:", first.output(), "second worker:", second and second.output())
        raise
    finally:
        first.close()
        if second is not None:
            second.close()
