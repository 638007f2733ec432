"""Pages of the Strategy Group: the group, its meetings, members and news."""

from __future__ import annotations

from collections.abc import Callable
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
        ("Meeting", meeting.history.select_related("history_user")),
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


def _record_form(
    request: HttpRequest,
    form: Any,
    title: str,
    save: Callable[..., Any],
    *,
    done: Callable[[Any], Any],
    message: str,
    cancel: str,
    **extra: Any,
) -> HttpResponse:
    """A model form whose record is saved by one of the group's services (by the person)."""
    return service_form(
        request,
        form,
        title,
        run=lambda data: save(form.save(commit=False), by=request.user),
        refusals=REFUSALS,
        done=done,
        message=message,
        cancel_url=cancel,
        **extra,
    )


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    access.require_manage(request.user)
    form = MeetingForm(request.POST or None)
    return _record_form(
        request,
        form,
        "Plan a Strategy Group meeting",
        services.save_meeting,
        done=lambda meeting: meeting,
        message="Meeting planned.",
        cancel=reverse("strategy:home"),
    )


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_record(request.user, GroupMeeting, pk, manage=True)
    form = MeetingForm(request.POST or None, instance=meeting)
    return _record_form(
        request,
        form,
        f"Change the {meeting}",
        services.save_meeting,
        done=lambda saved: saved,
        message="Meeting changed.",
        cancel=meeting.get_absolute_url(),
    )


@login_required
def agenda_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_record(request.user, GroupMeeting, pk, manage=True)
    form = AgendaItemForm(request.POST or None, instance=AgendaItem(meeting=meeting))
    return _record_form(
        request,
        form,
        f"Add to the agenda: {meeting}",
        services.save_agenda_item,
        done=lambda item: meeting,
        message="Added to the agenda.",
        cancel=meeting.get_absolute_url(),
    )


@login_required
def agenda_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.get_record(request.user, AgendaItem, pk, manage=True)
    form = AgendaItemForm(request.POST or None, instance=item)
    return _record_form(
        request,
        form,
        "Change an agenda item",
        services.save_agenda_item,
        done=lambda saved: saved.meeting,
        message="Agenda item changed.",
        cancel=item.meeting.get_absolute_url(),
    )


@login_required
def paper_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_record(request.user, GroupMeeting, pk, manage=True)
    form = PaperForm(request.POST or None, request.FILES or None)
    return service_form(
        request,
        form,
        f"Upload a paper: {meeting}",
        run=lambda d: services.upload_paper(
            meeting, d["file"], title=d["title"], kind=d["kind"], by=request.user
        ),
        refusals=REFUSALS,
        done=lambda paper: meeting,
        message="Paper uploaded.",
        cancel_url=meeting.get_absolute_url(),
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
    return service_form(
        request,
        form,
        f"Minutes: {meeting}",
        run=lambda d: services.save_minutes(meeting, minutes=d["minutes"], by=request.user),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Minutes saved.",
        cancel_url=meeting.get_absolute_url(),
    )


@login_required
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_record(request.user, GroupMeeting, pk, manage=True)
    form = ActionForm(request.POST or None, instance=Action(meeting=meeting))
    return _record_form(
        request,
        form,
        f"Record an action: {meeting}",
        services.save_action,
        done=lambda action: meeting,
        message="Action recorded.",
        cancel=meeting.get_absolute_url(),
    )


@login_required
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = access.get_record(request.user, Action, pk, manage=True)
    form = ActionForm(request.POST or None, instance=action)
    back = safe_back(request, action.meeting.get_absolute_url())
    return _record_form(
        request,
        form,
        "Change an action",
        services.save_action,
        done=lambda saved: back,
        message="Action changed.",
        cancel=back,
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
    return _record_form(
        request,
        form,
        "Add a member",
        services.save_member,
        done=lambda member: "strategy:member_list",
        message="Member added.",
        cancel=reverse("strategy:member_list"),
    )


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.get_record(request.user, Member, pk, manage=True)
    form = MemberForm(request.POST or None, instance=member)
    return _record_form(
        request,
        form,
        f"Change {member.name}",
        services.save_member,
        done=lambda saved: "strategy:member_list",
        message="Member changed.",
        cancel=reverse("strategy:member_list"),
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
    return _record_form(
        request,
        form,
        "Add news or an update",
        services.save_news,
        done=lambda news: "strategy:news_list",
        message="News added.",
        cancel=reverse("strategy:news_list"),
    )


@login_required
def news_edit(request: HttpRequest, pk: int) -> HttpResponse:
    news = access.get_record(request.user, NewsItem, pk, manage=True)
    form = NewsForm(request.POST or None, instance=news)
    return _record_form(
        request,
        form,
        f"Change: {news.title}",
        services.save_news,
        done=lambda saved: "strategy:news_list",
        message="News changed.",
        cancel=reverse("strategy:news_list"),
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
