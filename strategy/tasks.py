"""The Strategy Group's background work: emailing papers and minutes to the members."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from mars import outbox
from mars.tasks import MAIL_RETRY
from strategy.models import SEND_CLAIM_STALE, Sending, SendKind, SentTo
from strategy.services import SEND_TASK


def _message(sending: Sending, to: str) -> EmailMessage:
    meeting = sending.meeting
    when = f"{timezone.localtime(meeting.starts_at):%A %d %B %Y at %H:%M}"
    lines = [f"Rough Sleeping Strategy Group, {when}"]
    if meeting.where:
        lines.append(f"Where: {meeting.where}")
    if sending.kind == SendKind.PAPERS:
        subject = f"Strategy Group papers: {meeting.day:%d/%m/%Y}"
        agenda = list(meeting.agenda.select_related("owner"))
        if agenda:
            lines += ["", "Agenda:"]
            lines += [
                f"{n}. {item.title}" + (f" ({item.owner.name})" if item.owner else "")
                for n, item in enumerate(agenda, 1)
            ]
    else:
        subject = f"Strategy Group minutes: {meeting.day:%d/%m/%Y}"
        if meeting.minutes.strip():
            lines += ["", "Minutes:", meeting.minutes]
    papers = list(sending.papers.all())
    if papers:
        lines += ["", "Attached:"] + [f"- {p.title} ({p.original_name})" for p in papers]
    message = EmailMessage(subject, "\n".join(lines) + "\n", settings.DEFAULT_FROM_EMAIL, [to])
    for paper in papers:
        with paper.file.open("rb") as handle:
            message.attach(paper.original_name, handle.read(), paper.content_type)
    return message


@shared_task(**MAIL_RETRY)
def send_to_members(sending_id: int) -> int:
    """Email one sending to each of its members not yet sent it; return how many were sent.

    Each member's email is claimed (claimed_at) with a conditional update before it is sent and
    marked sent_at only once it has gone, so a repeated task emails nobody twice and a worker
    that dies mid-send leaves the row to be sent again (once its claim is stale). A member whose
    email fails does not stop the others; the task then fails, and is retried for the rest.
    """
    sending = Sending.objects.select_related("meeting").get(pk=sending_id)
    sent = 0
    failure: Exception | None = None
    for recipient in SentTo.objects.filter(sending=sending).to_send(timezone.now()):
        claimed = (
            SentTo.objects.filter(pk=recipient.pk)
            .to_send(timezone.now())
            .update(claimed_at=timezone.now())
        )
        if not claimed:
            continue
        try:
            _message(sending, recipient.email).send()
        except Exception as error:
            SentTo.objects.filter(pk=recipient.pk).update(claimed_at=None)
            failure = failure or error
            continue
        SentTo.objects.filter(pk=recipient.pk).update(sent_at=timezone.now())
        sent += 1
    if failure is not None:
        raise failure
    return sent


# A sending still not emailed to everyone after its retries (the mail server was down past
# them, a job was lost, a worker died mid-send) is tried again by beat for this long, no longer:
# an address that is refused for good is not tried forever.
SWEEP_FOR = timedelta(days=2)


@shared_task
def resend_unsent() -> int:
    """Every few minutes: queue again the sendings some of whose members were not emailed; return
    how many. Only sendings older than a claim can last, so a task still at work is left to it."""
    now = timezone.now()
    pending = (
        SentTo.objects.to_send(now)
        .filter(sending__requested_at__range=(now - SWEEP_FOR, now - SEND_CLAIM_STALE))
        .values_list("sending_id", flat=True)
        .distinct()
    )
    sending_ids = sorted(set(pending))
    for sending_id in sending_ids:
        with transaction.atomic():
            outbox.enqueue(SEND_TASK, sending_id)
    return len(sending_ids)
