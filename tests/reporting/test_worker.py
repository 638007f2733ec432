"""The report task through a real Celery worker: Redis when REDIS_URL is set, else in memory."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any
from unittest import mock

import pytest
from celery.contrib.testing.worker import start_worker

from mars.celery import app
from reporting import services
from reporting.models import RunState
from tests.reporting.conftest import expected


@pytest.fixture
def worker() -> Iterator[str]:
    """A worker thread on its own queue, with tasks sent to the broker instead of run eagerly."""
    broker = os.environ.get("REDIS_URL") or "memory://"
    queue = f"mars-test-{uuid.uuid4().hex[:8]}"
    saved = {
        name: app.conf[name] for name in ("broker_url", "task_always_eager", "task_default_queue")
    }
    app.conf.update(broker_url=broker, task_always_eager=False, task_default_queue=queue)
    _forget_connections()
    try:
        with start_worker(app, perform_ping_check=False, queues=[queue], pool="solo"):
            yield broker
    finally:
        app.conf.update(saved)
        _forget_connections()


def _forget_connections() -> None:
    """Drop what the app built from its earlier settings: the producer pool and the routing
    (queues), both cached on first use."""
    app._pool = None
    app.__dict__.pop("amqp", None)


@pytest.mark.django_db(transaction=True)
def test_a_worker_makes_a_run_started_by_the_coordinator(
    roles: None, scenario: Any, coordinator: Any, worker: str
) -> None:
    threads: list[int] = []
    make = services.make_report

    def make_and_note_thread(run_id: int) -> None:
        threads.append(threading.get_ident())
        make(run_id)

    with mock.patch.object(services, "make_report", make_and_note_thread):
        run = services.start_run(date(2026, 10, 1), as_of=date(2026, 11, 20), by=coordinator)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.is_finished:
                break
            time.sleep(0.2)
    # Made once, on the worker's thread: sent through the broker, not run eagerly in this one.
    assert len(threads) == 1 and threads[0] != threading.get_ident()
    assert run.state == RunState.DONE, (worker, run.state, run.error)
    assert run.figures == expected("example-2026-10.expected.json")
    assert run.pdf and run.csv and run.xlsx
