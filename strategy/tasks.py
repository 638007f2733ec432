"""The Strategy Group's background work: emailing papers and minutes to the members."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from strategy.models import Sending, SendKind, SentTo


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


@shared_task
def send_to_members(sending_id: int) -> int:
    """Email one sending to each of its members not yet sent it; return how many were sent.

    Each member's email is claimed with a conditional update of sent_at, so a repeated or retried
    task emails nobody twice; a failed email gives its claim back for the retry.
    """
    sending = Sending.objects.select_related("meeting").get(pk=sending_id)
    sent = 0
    for recipient in SentTo.objects.filter(sending=sending, sent_at=None):
        claimed = SentTo.objects.filter(pk=recipient.pk, sent_at=None).update(
            sent_at=timezone.now()
        )
        if not claimed:
            continue
        try:
            _message(sending, recipient.email).send()
        except Exception:
            SentTo.objects.filter(pk=recipient.pk).update(sent_at=None)
            raise
        sent += 1
    return sent
