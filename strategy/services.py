"""Changes to the Strategy Group: every page, API call and task goes through these."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import IO

from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from mars import outbox
from mars.access import AnyUser
from mars.records import Refusal, acting, save_record
from strategy.models import (
    Action,
    AgendaItem,
    GroupMeeting,
    MeetingStatus,
    Member,
    NewsItem,
    Paper,
    PaperKind,
    Sending,
    SendKind,
    SentTo,
)
from strategy.uploads import PaperRefused, paper_type

SEND_TASK = "strategy.tasks.send_to_members"


class StrategyError(Refusal):
    """A change to the Strategy Group that its rules refuse."""


@transaction.atomic
def save_member(member: Member, *, by: AnyUser) -> Member:
    """Add or change a member.

    Rules: a member of staff's name and email default to their account's; a member of staff is
    a member once.
    """
    if member.user is not None:
        member.name = member.name or member.user.get_full_name() or member.user.username
        member.email = member.email or member.user.email
    return save_record(member, by=by)


@transaction.atomic
def save_meeting(meeting: GroupMeeting, *, by: AnyUser) -> GroupMeeting:
    """Plan a meeting or change one."""
    if meeting.pk is None:
        meeting.created_by = acting(by)
    return save_record(meeting, by=by)


@transaction.atomic
def save_agenda_item(item: AgendaItem, *, by: AnyUser) -> AgendaItem:
    """Add an item to a meeting's agenda (at the end unless an order is given) or change one.

    Rules: not on a cancelled meeting.
    """
    meeting = GroupMeeting.objects.select_for_update().get(pk=item.meeting_id)
    if meeting.status == MeetingStatus.CANCELLED:
        raise StrategyError("This meeting is cancelled: its agenda is closed.")
    if item.pk is None and not item.order:
        item.order = _next_order(meeting)
    return save_record(item, by=by)


def _next_order(meeting: GroupMeeting) -> int:
    return (meeting.agenda.aggregate(last=Max("order"))["last"] or 0) + 1


@transaction.atomic
def add_news_to_agenda(news: NewsItem, *, by: AnyUser) -> AgendaItem:
    """Put a news item on the next meeting's agenda, at the end, in one step.

    Rules: there must be a planned meeting to come; a news item is on that agenda once.
    """
    meeting = GroupMeeting.objects.coming().select_for_update().first()
    if meeting is None:
        raise StrategyError("There is no meeting planned yet: plan the next meeting first.")
    if meeting.agenda.filter(news=news).exists():
        raise StrategyError(f"This is already on the agenda of the {meeting}.")
    item = AgendaItem(meeting=meeting, title=news.title, news=news, order=_next_order(meeting))
    return save_record(item, by=by)


@transaction.atomic
def save_news(news: NewsItem, *, by: AnyUser) -> NewsItem:
    """Add a news item or change one. Rules: a link, a text or both."""
    if news.pk is None:
        news.added_by = acting(by)
    return save_record(news, by=by)


@transaction.atomic
def save_action(action: Action, *, by: AnyUser) -> Action:
    """Record an action or change one (marking it done with the day it was done).

    Rules: due no earlier than the meeting that agreed it; done on a day no later than today.
    """
    held_on = timezone.localdate(action.meeting.starts_at)
    if action.due is not None and action.due < held_on:
        raise StrategyError(
            f"An action cannot be due before its meeting ({held_on:%d/%m/%Y}).", field="due"
        )
    if action.done_on is not None and action.done_on > timezone.localdate():
        raise StrategyError("An action cannot be done on a day still to come.", field="done_on")
    return save_record(action, by=by)


@transaction.atomic
def save_minutes(meeting: GroupMeeting, *, minutes: str, by: AnyUser) -> GroupMeeting:
    """Write a meeting's minutes; a meeting with minutes has been held."""
    meeting = GroupMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == MeetingStatus.CANCELLED:
        raise StrategyError("This meeting was cancelled: it has no minutes.", field="minutes")
    meeting.minutes = minutes
    if minutes.strip():
        meeting.status = MeetingStatus.HELD
    return save_record(meeting, by=by, reason="Minutes written")


@transaction.atomic
def upload_paper(
    meeting: GroupMeeting,
    upload: IO[bytes] | UploadedFile,
    *,
    title: str = "",
    kind: str = PaperKind.PAPER,
    by: AnyUser,
) -> Paper:
    """Attach a paper (or the minutes as a document) to a meeting.

    Rules: PDF, DOCX, XLSX or ODT, judged by the content; at most STRATEGY_PAPER_MAX_BYTES; not
    on a cancelled meeting.
    """
    meeting = GroupMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == MeetingStatus.CANCELLED:
        raise StrategyError("This meeting is cancelled: nothing more is attached.", field="file")
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    try:
        content_type = paper_type(upload, size=size)
    except PaperRefused as error:
        raise StrategyError(str(error), field="file") from error
    name = (getattr(upload, "name", "") or "paper").replace("\\", "/").rsplit("/", 1)[-1][:255]
    paper = Paper(
        meeting=meeting,
        kind=kind,
        title=title or name.rsplit(".", 1)[0][:300],
        original_name=name,
        content_type=content_type,
        size=size,
        uploaded_by=acting(by),
    )
    paper.file.save(name, upload if isinstance(upload, File) else File(upload), save=False)
    return save_record(paper, by=by)


def _record_sending(meeting: GroupMeeting, kind: SendKind, *, by: AnyUser) -> Sending:
    meeting = GroupMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == MeetingStatus.CANCELLED:
        raise StrategyError("This meeting is cancelled: nothing is sent.")
    paper_kind = PaperKind.PAPER if kind == SendKind.PAPERS else PaperKind.MINUTES
    papers = list(meeting.papers.filter(kind=paper_kind))
    if kind == SendKind.PAPERS and not papers:
        raise StrategyError("There are no papers to send: upload them first.")
    if kind == SendKind.MINUTES and not (meeting.minutes.strip() or papers):
        raise StrategyError("There are no minutes to send: write or upload them first.")
    members = list(Member.objects.filter(active=True).exclude(email=""))
    if not members:
        raise StrategyError("No active member has an email address to send to.")
    sending = Sending.objects.create(meeting=meeting, kind=kind, requested_by=acting(by))
    sending.papers.set(papers)
    SentTo.objects.bulk_create(SentTo(sending=sending, member=m, email=m.email) for m in members)
    return sending


def _send(meeting: GroupMeeting, kind: SendKind, *, by: AnyUser) -> Sending:
    sending = _record_sending(meeting, kind, by=by)
    # Emailed after commit by a task (through the outbox), never inline: partners' mail
    # servers may be slow, and a send that failed halfway is picked up where it stopped.
    outbox.enqueue(SEND_TASK, sending.pk)
    return sending


@transaction.atomic
def record_past_sending(
    meeting: GroupMeeting, kind: SendKind, *, at: datetime, by: AnyUser
) -> Sending:
    """Record a sending made outside MARS (or the demo's, whose partners are made up) as sent
    at a time, emailing nobody.

    Rules: as a send (something to send, not cancelled, to each active member with an email
    address); each member recorded as sent it a minute after it was asked for.
    """
    sending = _record_sending(meeting, kind, by=by)
    Sending.objects.filter(pk=sending.pk).update(requested_at=at)
    sent = at + timedelta(minutes=1)
    sending.recipients.update(claimed_at=sent, sent_at=sent)
    sending.refresh_from_db()
    return sending


@transaction.atomic
def send_papers(meeting: GroupMeeting, *, by: AnyUser) -> Sending:
    """Email the meeting's papers to every active member, recording who was sent what and when.

    Rules: there are papers; the meeting is not cancelled; each member is emailed once per send.
    """
    return _send(meeting, SendKind.PAPERS, by=by)


@transaction.atomic
def send_minutes(meeting: GroupMeeting, *, by: AnyUser) -> Sending:
    """Email the meeting's minutes (text and any minutes documents) to every active member.

    Rules: there are minutes; the meeting is not cancelled; each member is emailed once per send.
    """
    return _send(meeting, SendKind.MINUTES, by=by)
