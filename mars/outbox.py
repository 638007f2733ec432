"""The outbox: background jobs written with the change that needs them, handed to Celery after.

A service calls `enqueue` inside its transaction: the job is a row, so it commits or rolls back
with the change. After commit the job is relayed to the broker; a broker that is down (Redis
stopped) is logged, never raised to the person whose change is already saved, and the beat task
`mars.tasks.relay_outbox` sends it later. Delivery is at least once: a job may reach a worker
twice (a relay that died between sending and marking), so every task is idempotent.
"""

from __future__ import annotations

import importlib
import logging
from datetime import datetime, timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from mars.models import OutboxJob

logger = logging.getLogger(__name__)

# What a broker that is down or unreachable raises (kombu wraps most; a socket error may not be).
BROKER_ERRORS = (OperationalError, OSError)

JSON = str | int | float | bool | None


def enqueue(task: str, *args: JSON) -> OutboxJob:
    """Write a job for a task (by name) in the current transaction; relay it once committed."""
    job = OutboxJob.objects.create(task=task, args=list(args))
    transaction.on_commit(partial(relay, job.pk))
    return job


def _publish(job: OutboxJob) -> None:
    if job.task not in current_app.tasks:
        # By name, so a service need not import its app's tasks (which import the service): the
        # task's module is imported here, in whichever process relays it.
        importlib.import_module(job.task.rsplit(".", 1)[0])
    # In eager mode (no REDIS_URL: development, tests) this runs the task now, here.
    # No publish retries: a broker that does not answer fails this try at once and beat sends
    # the job later, so a person's request never waits on Redis.
    current_app.signature(job.task, args=job.args).apply_async(retry=False)


def relay(job_id: int) -> bool:
    """Hand one job to the broker and mark it sent; False (logged, kept for beat) if it failed.

    Rules: this is a job's first try, claimed with a conditional UPDATE of attempted_at; a job
    already tried (by beat, or sent) is left alone.
    """
    if _broker_down_until is not None and timezone.now() < _broker_down_until:
        return False  # left for beat: a request does not wait on a broker known to be down
    claimed = OutboxJob.objects.filter(pk=job_id, sent_at=None, attempted_at=None).update(
        attempted_at=timezone.now()
    )
    if not claimed:
        return False
    return _send(OutboxJob.objects.get(pk=job_id))


# When the broker last refused, in this process: for BROKER_DOWN_PAUSE after, after-commit relays
# leave their jobs to beat, so a request that queues several jobs while Redis is down waits for
# one refused connection (under a second), not one for each.
_broker_down_until: datetime | None = None
BROKER_DOWN_PAUSE = timedelta(seconds=10)


def _send(job: OutboxJob) -> bool:
    try:
        _publish(job)
    except Exception as error:
        # Best effort: the change is saved and its job kept; beat sends it when the broker is back.
        # (In eager mode the error is the task's own, not a broker's.)
        if isinstance(error, BROKER_ERRORS) and not current_app.conf.task_always_eager:
            global _broker_down_until
            _broker_down_until = timezone.now() + BROKER_DOWN_PAUSE
        logger.warning("Outbox job %s (%s) not sent: %s", job.pk, job.task, error)
        OutboxJob.objects.filter(pk=job.pk).update(
            attempts=job.attempts + 1, error=f"{type(error).__name__}: {error}"[:2000]
        )
        return False
    OutboxJob.objects.filter(pk=job.pk, sent_at=None).update(
        sent_at=timezone.now(), attempts=job.attempts + 1, error=""
    )
    _broker_is_up()
    return True


def _broker_is_up() -> None:
    global _broker_down_until
    _broker_down_until = None


def _grace() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_RESEND_AFTER_SECONDS)


def relay_due(now: datetime | None = None, *, limit: int = 500) -> int:
    """Send the jobs not sent yet (oldest first); return how many were sent.

    Rules: a job is taken by one sweep only (FOR UPDATE SKIP LOCKED, then attempted_at marks it
    for the grace time, so two beats or a beat and an after-commit relay rarely send it twice);
    the sweep stops at the first broker error (the rest wait for the next).
    """
    now = now or timezone.now()
    _broker_is_up()  # the sweep is the probe: it tries whatever the after-commit relays found
    with transaction.atomic():
        ids = list(
            OutboxJob.objects.due(now, _grace())
            .order_by("created_at", "id")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        OutboxJob.objects.filter(pk__in=ids).update(attempted_at=now)
    sent = 0
    for job in OutboxJob.objects.filter(pk__in=ids).order_by("created_at", "id"):
        if _send(job):
            sent += 1
        elif _broker_down_until is not None:
            break
    return sent
