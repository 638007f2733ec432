"""Pages of the Strategy Group: the group, its meetings, members and news."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mars.downloads import private_download
from mars.history import history_entries
from mars.pages import page_of, safe_next, service_form
from strategy import access, services
from strategy.forms import (
    ActionForm,
    AgendaItemForm,
    MeetingForm,
    MemberForm,
    MinutesForm,
    NewsForm,
    PaperForm,
)
from strategy.models import (
    Action,
    AgendaItem,
    GroupMeeting,
    Member,
    NewsItem,
    NewsTag,
    Paper,
    PaperKind,
    SendKind,
)

REFUSALS = (services.StrategyError,)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The group: the next meeting, the meetings to come and those held, newest first."""
    access.require_read(request.user)
    coming = list(GroupMeeting.objects.coming()[:5])
    page = page_of(request, GroupMeeting.objects.all())
    return render(
        request,
        "strategy/home.html",
        {
            "next_meeting": coming[0] if coming else None,
            "coming": coming,
            "page": page,
            "open_actions": Action.objects.open().count(),
            "can_manage": access.can_manage(request.user),
        },
    )


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A meeting: agenda, papers, minutes, its actions and those carried over, what was sent."""
    meeting = access.get_record(request.user, GroupMeeting, pk)
    today = timezone.localdate()
    sendings = list(
        meeting.sendings.select_related("requested_by").prefetch_related(
            "recipients__member", "papers"
        )
    )
    history = history_entries(
        ("GroupMeeting", meeting.history.select_related("history_user")),
        ("Agenda item", AgendaItem.history.filter(meeting_id=meeting.pk)),
        ("Paper", Paper.history.filter(meeting_id=meeting.pk)),
        ("Action", Action.history.filter(meeting_id=meeting.pk)),
    )
    return render(
        request,
        "strategy/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": meeting.agenda.select_related("owner", "news"),
            "papers": [p for p in meeting.papers.all() if p.kind == PaperKind.PAPER],
            "minutes_papers": [p for p in meeting.papers.all() if p.kind == PaperKind.MINUTES],
            "actions": meeting.actions.select_related("owner"),
            "carried": Action.objects.carried_to(meeting).select_related("owner", "meeting"),
            "sendings": sendings,
            "history": history,
            "today": today,
            "can_manage": access.can_manage(request.user),
        },
    )


def _form(
    request: HttpRequest, form: Any, title: str, run: Any, done: Any, message: str, cancel: str
) -> HttpResponse:
    return service_form(
        request,
        form,
        title,
        run=run,
        refusals=REFUSALS,
        done=done,
        message=message,
        cancel_url=cancel,
    )


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    access.require_manage(request.user)
    form = MeetingForm(request.POST or None)
    return _form(
        request,
        form,
        "Plan a Strategy Group meeting",
        lambda d: services.save_meeting(form.save(commit=False), by=request.user),
        lambda meeting: meeting,
        "GroupMeeting planned.",
        reverse("strategy:home"),
    )


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_record(request.user, GroupMeeting, pk, manage=True)
    form = MeetingForm(request.POST or None, instance=meeting)
    return _form(
        request,
        form,
        f"Change the {meeting}",
        lambda d: services.save_meeting(form.save(commit=False), by=request.user),
        lambda saved: saved,
        "GroupMeeting changed.",
        meeting.get_absolute_url(),
    )


@login_required
def agenda_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_record(request.user, GroupMeeting, pk, manage=True)
    form = AgendaItemForm(request.POST or None, instance=AgendaItem(meeting=meeting))
    return _form(
        request,
        form,
        f"Add to the agenda: {meeting}",
        lambda d: services.save_agenda_item(form.save(commit=False), by=request.user),
        lambda item: meeting,
        "Added to the agenda.",
        meeting.get_absolute_url(),
    )


@login_required
def agenda_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.get_record(request.user, AgendaItem, pk, manage=True)
    form = AgendaItemForm(request.POST or None, instance=item)
    return _form(
        request,
        form,
        "Change an agenda item",
        lambda d: services.save_agenda_item(form.save(commit=False), by=request.user),
        lambda saved: saved.meeting,
        "Agenda item changed.",
        item.meeting.get_absolute_url(),
    )


@login_required
def paper_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_record(request.user, GroupMeeting, pk, manage=True)
    form = PaperForm(request.POST or None, request.FILES or None)
    return _form(
        request,
        form,
        f"Upload a paper: {meeting}",
        lambda d: services.upload_paper(
            meeting, d["file"], title=d["title"], kind=d["kind"], by=request.user
        ),
        lambda paper: meeting,
        "Paper uploaded.",
        meeting.get_absolute_url(),
    )


@login_required
def paper_download(request: HttpRequest, pk: int) -> FileResponse:
    """A paper, as a download, only to staff who read the group."""
    paper = access.get_record(request.user, Paper, pk)
    return private_download(paper.file, paper.original_name, paper.content_type)


@login_required
def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_record(request.user, GroupMeeting, pk, manage=True)
    form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes})
    return _form(
        request,
        form,
        f"Minutes: {meeting}",
        lambda d: services.save_minutes(meeting, minutes=d["minutes"], by=request.user),
        lambda saved: saved,
        "Minutes saved.",
        meeting.get_absolute_url(),
    )


@login_required
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_record(request.user, GroupMeeting, pk, manage=True)
    form = ActionForm(request.POST or None, instance=Action(meeting=meeting))
    return _form(
        request,
        form,
        f"Record an action: {meeting}",
        lambda d: services.save_action(form.save(commit=False), by=request.user),
        lambda action: meeting,
        "Action recorded.",
        meeting.get_absolute_url(),
    )


@login_required
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = access.get_record(request.user, Action, pk, manage=True)
    form = ActionForm(request.POST or None, instance=action)
    back = safe_back(request, action.meeting.get_absolute_url())
    return _form(
        request,
        form,
        "Change an action",
        lambda d: services.save_action(form.save(commit=False), by=request.user),
        lambda saved: back,
        "Action changed.",
        back,
    )


def safe_back(request: HttpRequest, default: str) -> str:
    return safe_next(request) or default


def _send(request: HttpRequest, pk: int, kind: SendKind) -> HttpResponse:
    meeting = access.get_record(request.user, GroupMeeting, pk, manage=True)
    send = services.send_papers if kind == SendKind.PAPERS else services.send_minutes
    error = ""
    if request.method == "POST":
        try:
            send(meeting, by=request.user)
        except services.StrategyError as refusal:
            error = str(refusal)
        else:
            messages.success(request, f"{kind.label} sent to the members.")
            return redirect(meeting)
    paper_kind = PaperKind.PAPER if kind == SendKind.PAPERS else PaperKind.MINUTES
    return render(
        request,
        "strategy/send.html",
        {
            "meeting": meeting,
            "kind": kind,
            "title": f"Send the {kind.label.lower()}: {meeting}",
            "papers": meeting.papers.filter(kind=paper_kind),
            "members": Member.objects.filter(active=True).exclude(email=""),
            "error": error,
        },
    )


@login_required
def send_papers(request: HttpRequest, pk: int) -> HttpResponse:
    return _send(request, pk, SendKind.PAPERS)


@login_required
def send_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    return _send(request, pk, SendKind.MINUTES)


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    access.require_read(request.user)
    return render(
        request,
        "strategy/member_list.html",
        {
            "page": page_of(
                request, Member.objects.select_related("user").order_by("-active", "name")
            ),
            "can_manage": access.can_manage(request.user),
        },
    )


@login_required
def member_create(request: HttpRequest) -> HttpResponse:
    access.require_manage(request.user)
    form = MemberForm(request.POST or None)
    return _form(
        request,
        form,
        "Add a member",
        lambda d: services.save_member(form.save(commit=False), by=request.user),
        lambda member: "strategy:member_list",
        "Member added.",
        reverse("strategy:member_list"),
    )


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.get_record(request.user, Member, pk, manage=True)
    form = MemberForm(request.POST or None, instance=member)
    return service_form(
        request,
        form,
        f"Change {member.name}",
        run=lambda d: services.save_member(form.save(commit=False), by=request.user),
        refusals=REFUSALS,
        done=lambda saved: "strategy:member_list",
        message="Member changed.",
        cancel_url=reverse("strategy:member_list"),
        template="strategy/member_form.html",
        history=history_entries(("Member", member.history.select_related("history_user"))),
    )


@login_required
def news_list(request: HttpRequest) -> HttpResponse:
    """News and updates, newest first, filtered by a tag."""
    access.require_read(request.user)
    items = NewsItem.objects.select_related("added_by")
    tag = request.GET.get("tag", "")
    if tag in NewsTag.values:
        items = items.filter(tags__contains=[tag])
    else:
        tag = ""
    return render(
        request,
        "strategy/news_list.html",
        {
            "page": page_of(request, items),
            "tags": NewsTag.choices,
            "tag": tag,
            "query": f"tag={tag}" if tag else "",
            "next_meeting": GroupMeeting.objects.coming().first(),
            "can_manage": access.can_manage(request.user),
        },
    )


@login_required
def news_create(request: HttpRequest) -> HttpResponse:
    access.require_manage(request.user)
    form = NewsForm(request.POST or None, initial={"day": timezone.localdate()})
    return _form(
        request,
        form,
        "Add news or an update",
        lambda d: services.save_news(form.save(commit=False), by=request.user),
        lambda news: "strategy:news_list",
        "News added.",
        reverse("strategy:news_list"),
    )


@login_required
def news_edit(request: HttpRequest, pk: int) -> HttpResponse:
    news = access.get_record(request.user, NewsItem, pk, manage=True)
    form = NewsForm(request.POST or None, instance=news)
    return service_form(
        request,
        form,
        f"Change: {news.title}",
        run=lambda d: services.save_news(form.save(commit=False), by=request.user),
        refusals=REFUSALS,
        done=lambda saved: "strategy:news_list",
        message="News changed.",
        cancel_url=reverse("strategy:news_list"),
        template="strategy/member_form.html",
        history=history_entries(("News item", news.history.select_related("history_user"))),
    )


@login_required
@require_POST
def news_to_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a news item on the next meeting's agenda in one click."""
    news = access.get_record(request.user, NewsItem, pk, manage=True)
    try:
        item = services.add_news_to_agenda(news, by=request.user)
    except services.StrategyError as refusal:
        messages.error(request, str(refusal))
        return redirect("strategy:news_list")
    messages.success(request, f"Added to the agenda of the {item.meeting}.")
    return redirect("strategy:news_list")
