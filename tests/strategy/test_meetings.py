"""Meetings: sending papers and minutes to the members, actions carried over until done, news
added to the next agenda in one click, and actions past due on the waiting list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from mars import waiting
from mars.roles import Role
from strategy import services, tasks
from strategy.models import Action, AgendaItem, GroupMeeting, Member, NewsItem, SentTo
from tests.clock import ORDINARY_DAY
from tests.factories import GroupMeetingFactory, MemberFactory
from tests.funds.files import pdf

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]


def _with_paper(coordinator) -> GroupMeeting:  # type: ignore[no-untyped-def]
    meeting = GroupMeetingFactory()
    services.upload_paper(
        meeting, SimpleUploadedFile("agenda-papers.pdf", pdf()), title="Papers", by=coordinator
    )
    return meeting


def test_send_papers_emails_each_active_member_once_and_records_it(
    as_role, coordinator, django_capture_on_commit_callbacks
) -> None:
    helen = MemberFactory(name="Helen Fox", email="helen@council.example")
    MemberFactory(name="Left", email="left@x.example", active=False)
    staff = Member.objects.create(
        user=coordinator, name="Cora", organisation="MARS", email=coordinator.email
    )
    meeting = _with_paper(coordinator)
    page = as_role(Role.COORDINATOR)
    with django_capture_on_commit_callbacks(execute=True):
        response = page.post(reverse("strategy:send_papers", args=[meeting.pk]))
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted([helen.email, staff.email])
    assert all(m.attachments[0][0] == "agenda-papers.pdf" for m in mail.outbox)
    rows = SentTo.objects.filter(sending__meeting=meeting)
    assert {r.member for r in rows} == {helen, staff}
    assert all(r.sent_at is not None for r in rows)

    # The task again (a retry, a second worker): nobody is emailed twice.
    assert tasks.send_to_members(rows[0].sending_id) == 0
    assert len(mail.outbox) == 2
    # The meeting's page says who was sent what and when.
    body = page.get(meeting.get_absolute_url()).content.decode()
    assert "helen@council.example" in body and "Waiting to send" not in body


def test_a_failed_email_is_left_for_the_retry(coordinator, monkeypatch) -> None:
    MemberFactory()
    meeting = _with_paper(coordinator)
    sending = services.send_papers(meeting, by=coordinator)
    monkeypatch.setattr("django.core.mail.EmailMessage.send", _refuse)
    with pytest.raises(ConnectionError):
        tasks.send_to_members(sending.pk)
    assert SentTo.objects.get().sent_at is None
    monkeypatch.undo()
    assert tasks.send_to_members(sending.pk) == 1


def _refuse(*args: object, **kwargs: object) -> None:
    raise ConnectionError("mail server down")


def test_papers_and_minutes_are_not_sent_when_there_are_none(coordinator) -> None:
    MemberFactory()
    meeting = GroupMeetingFactory()
    with pytest.raises(services.StrategyError, match="no papers"):
        services.send_papers(meeting, by=coordinator)
    with pytest.raises(services.StrategyError, match="no minutes"):
        services.send_minutes(meeting, by=coordinator)


def test_send_minutes_sends_the_minutes_text(coordinator, django_capture_on_commit_callbacks):
    MemberFactory(email="jo@harbour.example")
    meeting = GroupMeetingFactory(starts_at=timezone.now() - dt.timedelta(days=2))
    services.save_minutes(meeting, minutes="1. Figures reviewed.", by=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_minutes(meeting, by=coordinator)
    meeting.refresh_from_db()
    assert meeting.status == "held"
    (sent,) = mail.outbox
    assert sent.subject.startswith("Strategy Group minutes") and "1. Figures reviewed." in sent.body


def test_a_meeting_shows_every_action_not_done_from_earlier_meetings(as_role) -> None:
    owner = MemberFactory(name="Amira Nasser")
    first = GroupMeetingFactory(starts_at=timezone.now() - dt.timedelta(days=60))
    second = GroupMeetingFactory(starts_at=timezone.now() - dt.timedelta(days=30))
    coming = GroupMeetingFactory()
    today = timezone.localdate()
    Action.objects.create(meeting=first, description="Open one", owner=owner, due=today)
    Action.objects.create(
        meeting=first, description="Done one", owner=owner, due=today, done_on=today
    )
    Action.objects.create(meeting=second, description="From the second", owner=owner, due=today)
    Action.objects.create(meeting=coming, description="Raised later", owner=owner, due=today)

    assert [a.description for a in Action.objects.carried_to(coming)] == [
        "Open one",
        "From the second",
    ]
    assert [a.description for a in Action.objects.carried_to(second)] == ["Open one"]
    body = as_role(Role.OUTREACH).get(coming.get_absolute_url()).content.decode()
    assert "Open one" in body and "From the second" in body and "Done one" not in body


def test_an_action_cannot_be_done_on_a_day_to_come(coordinator) -> None:
    action = Action(
        meeting=GroupMeetingFactory(starts_at=timezone.now() - dt.timedelta(days=7)),
        description="x",
        owner=MemberFactory(),
        due=timezone.localdate(),
        done_on=timezone.localdate() + dt.timedelta(days=1),
    )
    with pytest.raises(services.StrategyError) as refused:
        services.save_action(action, by=coordinator)
    assert refused.value.field == "done_on"


def test_an_action_cannot_be_due_before_the_meeting_that_agreed_it(coordinator) -> None:
    meeting = GroupMeetingFactory(starts_at=timezone.now() + dt.timedelta(days=14))
    action = Action(
        meeting=meeting, description="x", owner=MemberFactory(), due=timezone.localdate()
    )
    with pytest.raises(services.StrategyError) as refused:
        services.save_action(action, by=coordinator)
    assert refused.value.field == "due" and "before its meeting" in str(refused.value)
    assert not Action.objects.exists()


def test_news_goes_on_the_next_meetings_agenda_in_one_click(as_role) -> None:
    GroupMeetingFactory(starts_at=timezone.now() - dt.timedelta(days=10))
    later = GroupMeetingFactory(starts_at=timezone.now() + dt.timedelta(days=40))
    coming = GroupMeetingFactory(starts_at=timezone.now() + dt.timedelta(days=10))
    AgendaItem.objects.create(meeting=coming, title="Figures", order=1)
    news = NewsItem.objects.create(
        title="New strategy", day=timezone.localdate(), link="https://gov.example/"
    )
    page = as_role(Role.COORDINATOR)
    url = reverse("strategy:news_to_agenda", args=[news.pk])
    assert page.post(url).status_code == 302
    item = AgendaItem.objects.get(news=news)
    assert (item.meeting, item.title, item.order) == (coming, "New strategy", 2)
    assert not later.agenda.exists()
    # Twice is refused, with a message.
    response = page.post(url, follow=True)
    assert "already on the agenda" in response.content.decode()
    assert AgendaItem.objects.filter(news=news).count() == 1
    assert as_role(Role.SUPPORT).post(url).status_code == 403


def test_news_is_not_added_when_no_meeting_is_planned(coordinator) -> None:
    news = NewsItem.objects.create(title="x", day=timezone.localdate(), text="y")
    with pytest.raises(services.StrategyError, match="plan the next meeting"):
        services.add_news_to_agenda(news, by=coordinator)


def test_news_needs_a_link_or_a_text(as_role) -> None:
    response = as_role(Role.COORDINATOR).post(
        reverse("strategy:news_create"), {"title": "Kept", "day": "2027-06-16", "tags": ["data"]}
    )
    assert response.status_code == 200
    assert "Give a link, a text, or both." in response.content.decode()
    assert not NewsItem.objects.exists()


def test_news_is_filtered_by_tag(as_role) -> None:
    NewsItem.objects.create(title="Money", day=timezone.localdate(), text="x", tags=["funding"])
    NewsItem.objects.create(title="Numbers", day=timezone.localdate(), text="x", tags=["data"])
    body = as_role(Role.SUPPORT).get(reverse("strategy:news_list") + "?tag=data").content.decode()
    assert "Numbers" in body and "Money" not in body


def test_actions_past_due_wait_for_the_member_or_are_named_for_a_partner(support) -> None:
    meeting = GroupMeetingFactory(starts_at=timezone.now() - dt.timedelta(days=20))
    staff = Member.objects.create(user=support, name="S", organisation="MARS", email="s@x.org")
    partner = MemberFactory(name="Helen Fox")
    today = timezone.localdate()
    late = Action.objects.create(
        meeting=meeting, description="Staff's", owner=staff, due=today - dt.timedelta(days=2)
    )
    Action.objects.create(
        meeting=meeting, description="Partner's", owner=partner, due=today - dt.timedelta(days=1)
    )
    Action.objects.create(meeting=meeting, description="Due today", owner=partner, due=today)
    Action.objects.create(
        meeting=meeting,
        description="Done",
        owner=partner,
        due=today - dt.timedelta(days=5),
        done_on=today,
    )
    items = [i for i in waiting.past_time(today) if i.key.startswith("strategy-action:")]
    assert [(i.key, i.owner, i.owner_name) for i in items] == [
        (f"strategy-action:{late.pk}", support, support.get_full_name() or support.username),
        (items[1].key, None, "Helen Fox"),
    ]
    assert items[0].url == meeting.get_absolute_url()
    assert items[0].since == meeting.day


def test_a_meeting_page_shows_its_history(as_role, coordinator) -> None:
    meeting = services.save_meeting(GroupMeetingFactory.build(), by=coordinator)
    services.save_agenda_item(AgendaItem(meeting=meeting, title="Figures"), by=coordinator)
    body = as_role(Role.DIRECTOR).get(meeting.get_absolute_url()).content.decode()
    assert "History" in body and "Agenda item" in body


def test_the_pages_of_the_group_answer_each_role(as_role) -> None:
    meeting = GroupMeetingFactory()
    for role in Role:
        page = as_role(role)
        home = page.get(reverse("strategy:home")).status_code
        detail = page.get(meeting.get_absolute_url()).status_code
        edit = page.get(reverse("strategy:meeting_edit", args=[meeting.pk])).status_code
        readers = {Role.OUTREACH, Role.SUPPORT, Role.COORDINATOR, Role.DIRECTOR}
        assert home == (200 if role in readers else 403), role
        assert detail == (200 if role in readers else 404), role
        assert edit == (200 if role == Role.COORDINATOR else 403 if role in readers else 404)


def test_planning_and_changing_a_meeting_says_meeting_not_the_class_name(as_role) -> None:
    page = as_role(Role.COORDINATOR)
    response = page.post(
        reverse("strategy:meeting_create"),
        {"starts_at": "2026-07-01T10:00", "place": "Room 4", "status": "planned"},
        follow=True,
    )
    body = response.content.decode()
    assert "Meeting planned." in body and "GroupMeeting" not in body
    meeting = GroupMeeting.objects.get()
    response = page.post(
        reverse("strategy:meeting_edit", args=[meeting.pk]),
        {"starts_at": "2026-07-01T11:00", "place": "Room 5", "status": "planned"},
        follow=True,
    )
    body = response.content.decode()
    assert "Meeting changed." in body and "GroupMeeting" not in body
