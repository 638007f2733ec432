"""Papers and minutes reach every member: a failed email is retried without stopping the others,
a worker that died mid-send leaves its member to be emailed again, and beat sends what is left."""

from __future__ import annotations

import datetime as dt
from smtplib import SMTPException, SMTPRecipientsRefused

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from strategy import services, tasks
from strategy.models import GroupMeeting, SentTo
from tests.clock import ORDINARY_DAY
from tests.factories import GroupMeetingFactory, MemberFactory
from tests.funds.files import pdf

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]

REFUSED = "down@refusing.example"


class RefusingBackend(EmailBackend):
    """The locmem backend, but a mail server that refuses one address."""

    def send_messages(self, messages):  # type: ignore[no-untyped-def]
        if any(REFUSED in m.to for m in messages):
            raise SMTPRecipientsRefused({REFUSED: (550, b"mailbox unavailable")})
        return super().send_messages(messages)


def _with_paper(coordinator) -> GroupMeeting:  # type: ignore[no-untyped-def]
    meeting = GroupMeetingFactory()
    services.upload_paper(
        meeting, SimpleUploadedFile("papers.pdf", pdf()), title="Papers", by=coordinator
    )
    return meeting


def test_the_email_task_retries_like_the_other_mail_tasks() -> None:
    assert SMTPException in tasks.send_to_members.autoretry_for
    assert OSError in tasks.send_to_members.autoretry_for
    assert tasks.send_to_members.max_retries == 30


def test_one_refused_address_does_not_stop_the_other_members(
    coordinator, settings, django_capture_on_commit_callbacks
) -> None:
    settings.EMAIL_BACKEND = "tests.strategy.test_sending.RefusingBackend"
    MemberFactory(name="Amy", email="amy@council.example")
    MemberFactory(name="Bob", email=REFUSED)
    MemberFactory(name="Cat", email="cat@harbour.example")
    meeting = _with_paper(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        sending = services.send_papers(meeting, by=coordinator)
    assert sorted(m.to[0] for m in mail.outbox) == ["amy@council.example", "cat@harbour.example"]
    refused = SentTo.objects.get(email=REFUSED)
    assert (refused.sent_at, refused.claimed_at) == (None, None)

    # The mail server takes it later: beat's sweep sends it, to that member only.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with (
        time_machine.travel(timezone.now() + dt.timedelta(minutes=20)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.resend_unsent() == 1
    assert [m.to[0] for m in mail.outbox][2:] == [REFUSED]
    assert not SentTo.objects.filter(sending=sending, sent_at=None).exists()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=40)):
        assert tasks.resend_unsent() == 0
    assert len(mail.outbox) == 3


def test_a_worker_that_died_mid_send_leaves_the_member_to_be_sent_again(coordinator) -> None:
    MemberFactory(email="amy@council.example")
    meeting = _with_paper(coordinator)
    sending = services.send_papers(meeting, by=coordinator)
    claimed = timezone.now()
    # A worker claimed the row, then died before the email went.
    SentTo.objects.update(claimed_at=claimed)
    assert tasks.send_to_members(sending.pk) == 0  # still fresh: maybe still being sent
    assert mail.outbox == [] and SentTo.objects.get().sent_at is None
    with time_machine.travel(claimed + dt.timedelta(minutes=16)):
        assert tasks.send_to_members(sending.pk) == 1
    assert [m.to[0] for m in mail.outbox] == ["amy@council.example"]
    assert SentTo.objects.get().sent_at is not None


def test_the_sweep_leaves_fresh_and_old_sendings_alone(coordinator) -> None:
    MemberFactory()
    meeting = _with_paper(coordinator)
    services.send_papers(meeting, by=coordinator)  # its task has not run yet (no commit here)
    assert tasks.resend_unsent() == 0
    with time_machine.travel(timezone.now() + dt.timedelta(days=3)):
        assert tasks.resend_unsent() == 0
    assert mail.outbox == []


def test_the_sweep_is_on_beats_schedule(settings) -> None:
    tasks_run = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "strategy.tasks.resend_unsent" in tasks_run
