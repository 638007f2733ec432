"""The outbox (mars.outbox): a job is kept or lost with the change that needs it, sent after
commit, kept when the broker refuses, re-sent by beat, and sent once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from smtplib import SMTPServerDisconnected
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.tasks import send_password_reset_email, send_set_password_email
from mars import notifications, outbox
from mars.celery import app
from mars.models import Notification, OutboxJob, OutboxState
from mars.roles import Role
from mars.tasks import email_notification, relay_outbox

pytestmark = pytest.mark.django_db

EMAIL = notifications.EMAIL_NOTIFICATION


@pytest.fixture(autouse=True)
def broker_not_known_down() -> Iterator[None]:
    outbox._broker_down_until = None
    yield
    outbox._broker_down_until = None


@pytest.fixture
def broker_down() -> Iterator[mock.MagicMock]:
    """Celery's publish fails as it does with Redis stopped (not in eager mode: a broker)."""
    refused = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    app.conf.task_always_eager = False
    try:
        with mock.patch("celery.canvas.Signature.apply_async", side_effect=refused) as publish:
            yield publish
    finally:
        app.conf.task_always_eager = True


def _notify(user: Any, key: str = "k") -> Notification:
    (notification,) = notifications.notify([user], key=key, subject="Payment to approve")
    return notification


def test_a_job_is_rolled_back_with_the_change_that_needed_it(coordinator: Any) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        _notify(coordinator)
        assert OutboxJob.objects.count() == 1
        raise RuntimeError("the change failed")
    assert not OutboxJob.objects.exists() and not Notification.objects.exists()


def test_after_commit_the_job_is_sent_and_marked_sent(
    coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(coordinator)
    job = OutboxJob.objects.get()
    assert (job.task, job.args, job.attempts, job.state) == (
        EMAIL,
        [notification.pk],
        1,
        OutboxState.SENT,
    )
    assert len(mail.outbox) == 1  # eager mode: the task ran at once
    assert outbox.relay(job.pk) is False and len(mail.outbox) == 1


def test_with_the_broker_down_the_change_is_kept_and_beat_sends_the_job_later(
    coordinator: Any,
    django_capture_on_commit_callbacks: Any,
    broker_down: mock.MagicMock,
    time_machine: Any,
) -> None:
    time_machine.move_to("2026-11-25T10:00:00Z", tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(coordinator)
    job = OutboxJob.objects.get()
    assert job.state == OutboxState.FAILING and job.attempts == 1
    assert job.error.startswith("OperationalError: Error 111")

    broker_down.side_effect = None  # Redis is back
    time_machine.move_to("2026-11-25T10:00:59Z", tick=False)
    assert relay_outbox() == 0  # within the grace time: the after-commit relay's turn
    time_machine.move_to("2026-11-25T10:01:01Z", tick=False)
    assert relay_outbox() == 1
    job.refresh_from_db()
    assert job.state == OutboxState.SENT and job.attempts == 2 and job.error == ""
    assert relay_outbox() == 0 and broker_down.call_count == 2


def test_a_request_does_not_wait_on_a_broker_it_has_just_found_down(
    coordinator: Any, django_capture_on_commit_callbacks: Any, broker_down: mock.MagicMock
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for key in "abc":
            _notify(coordinator, key)
    assert broker_down.call_count == 1
    assert OutboxJob.objects.unsent().count() == 3


def test_a_sweep_stops_at_the_first_broker_error(
    coordinator: Any, broker_down: mock.MagicMock, time_machine: Any
) -> None:
    time_machine.move_to("2026-11-25T10:00:00Z", tick=False)
    for key in "abc":  # committed, and no after-commit relay ran (as if each had died)
        _notify(coordinator, key)
    time_machine.move_to("2026-11-25T10:05:00Z", tick=False)
    assert outbox.relay_due() == 0
    assert broker_down.call_count == 1
    assert OutboxJob.objects.filter(attempted_at__isnull=False).count() == 3  # all wait a minute


def test_beat_sends_every_job_its_relay_did_not_and_each_once(
    coordinator: Any, time_machine: Any
) -> None:
    time_machine.move_to("2026-11-25T10:00:00Z", tick=False)
    first, second = _notify(coordinator, "a"), _notify(coordinator, "b")  # no relay ran
    time_machine.move_to("2026-11-25T10:02:00Z", tick=False)
    assert outbox.relay_due() == 2
    assert [m.subject for m in mail.outbox] == ["MARS: Payment to approve"] * 2
    assert set(Notification.objects.values_list("emailed_at", flat=True)) == {timezone.now()}
    assert outbox.relay_due(timezone.now() + timedelta(hours=1)) == 0
    assert {first.pk, second.pk} == {job.args[0] for job in OutboxJob.objects.all()}


def test_the_administrator_sees_unsent_jobs_and_cannot_change_them(
    admin_client: Any,
    coordinator: Any,
    broker_down: mock.MagicMock,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _notify(coordinator)
    job = OutboxJob.objects.get()
    changelist = reverse("admin:mars_outboxjob_changelist")
    change = reverse("admin:mars_outboxjob_change", args=[job.pk])
    failing = admin_client.get(changelist, {"state": OutboxState.FAILING})
    assert failing.status_code == 200
    assert change in failing.text and "Not sent: the broker refused" in failing.text
    assert change not in admin_client.get(changelist, {"state": OutboxState.SENT}).text
    assert "Error 111" in admin_client.get(change).text
    assert admin_client.get(reverse("admin:mars_outboxjob_add")).status_code == 403
    assert admin_client.post(change, {"task": "x"}).status_code == 403
    delete = reverse("admin:mars_outboxjob_delete", args=[job.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert OutboxJob.objects.get().task == EMAIL


def test_the_support_worker_cannot_see_the_outbox(client: Any, make_user: Any) -> None:
    client.force_login(make_user(Role.SUPPORT))
    answer = client.get(reverse("admin:mars_outboxjob_changelist"))
    assert answer.status_code == 302 and "/admin/login/" in answer.url


def test_the_administrator_role_reads_the_outbox_and_the_idempotency_keys(
    client: Any, make_user: Any
) -> None:
    client.force_login(make_user(Role.ADMINISTRATOR))
    for name in ("mars_outboxjob", "mars_idempotencykey"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:{name}_add")).status_code == 403


def test_an_email_the_mail_server_refused_is_tried_again_until_it_is_sent(
    coordinator: Any,
) -> None:
    # The worker's retries (a minute, then two, and so on) are Celery's, given these settings.
    for task in (email_notification, send_set_password_email, send_password_reset_email):
        assert any(issubclass(SMTPServerDisconnected, error) for error in task.autoretry_for)
        assert any(issubclass(ConnectionRefusedError, error) for error in task.autoretry_for)
        assert task.max_retries >= 10 and task.retry_backoff
    notification = _notify(coordinator)
    down = mock.patch.object(
        locmem.EmailBackend, "send_messages", side_effect=SMTPServerDisconnected("closed")
    )
    with down, pytest.raises(SMTPServerDisconnected):
        email_notification.run(notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None and not mail.outbox  # free for the next try
    assert email_notification.run(notification.pk) is True and len(mail.outbox) == 1
