"""Pages for one-to-one supervision, team meetings and the caseloads side by side."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from mars import access
from mars.forms import staff_label
from mars.pages import history_of, page_of, record_page, safe_next, service_form
from mars.records import acting
from team import access as team_access
from team import caseloads as caseload_figures
from team import schedule, services
from team.forms import (
    ActionDoneForm,
    SupervisionActionFormSet,
    SupervisionForm,
    TeamActionFormSet,
    TeamMeetingForm,
    action_rows,
)
from team.models import Supervision, SupervisionAction, TeamAction, TeamMeeting

REFUSALS = (services.TeamError,)


def _team_context(request: HttpRequest) -> dict[str, Any]:
    """What the team pages' own navigation shows the user."""
    user = request.user
    links = [
        ("Team meetings", "team:meeting_list", team_access.can_see_meetings(user)),
        ("Supervision", "team:supervision_list", team_access.can_see_supervision_list(user)),
        ("Caseloads", "team:caseloads", team_access.can_see_caseloads(user)),
    ]
    return {"team_links": [(label, reverse(name)) for label, name, shown in links if shown]}


# Supervision


@login_required
def supervision_list(request: HttpRequest) -> HttpResponse:
    """The coordinator: every supervised worker and when each is due. Others: their own, and
    the workers they supervise."""
    user = request.user
    if not team_access.can_see_supervision_list(user):
        raise PermissionDenied
    workers = schedule.supervised_workers()
    if not access.can(user, team_access.EVERY_SUPERVISION):
        supervised = Supervision.objects.filter(supervisor_id=user.pk).values("worker_id")
        workers = workers.filter(pk__in=supervised) | workers.filter(pk=user.pk)
    return render(
        request,
        "team/supervision_list.html",
        {
            "dues": schedule.due_for(workers.distinct()),
            "today": timezone.localdate(),
            "can_record": team_access.can_record_supervision(user),
            **_team_context(request),
        },
    )


@login_required
def worker_supervisions(request: HttpRequest, pk: int) -> HttpResponse:
    """One worker's supervisions: to the worker, their supervisors and the coordinator."""
    worker = get_object_or_404(get_user_model(), pk=pk)
    if not team_access.may_see_supervisions_of(request.user, worker):
        raise Http404
    supervisions = team_access.visible_supervisions(request.user).filter(worker=worker)
    return render(
        request,
        "team/worker_supervisions.html",
        {
            "worker": worker,
            "due": schedule.due_for([worker])[0],
            "page": page_of(request, supervisions.select_related("supervisor")),
            "today": timezone.localdate(),
            "can_record": team_access.can_record_supervision(request.user),
            **_team_context(request),
        },
    )


def _supervision_form(request: HttpRequest, supervision: Supervision, title: str) -> HttpResponse:
    form = SupervisionForm(request.POST or None, instance=supervision)
    initial = [
        {"id": a.pk, "description": a.description, "due": a.due, "done_on": a.done_on}
        for a in (supervision.actions.all() if supervision.pk else [])
    ]
    actions = SupervisionActionFormSet(request.POST or None, initial=initial, prefix="actions")
    return service_form(
        request,
        form,
        title,
        run=lambda data: services.record_supervision(
            form.save(commit=False),
            actions=action_rows(actions, ("description", "due", "done_on")),
            by=request.user,
        ),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Supervision saved.",
        formsets=[actions],
        template="team/supervision_form.html",
        actions=actions,
        cancel_url=supervision.get_absolute_url()
        if supervision.pk
        else reverse("team:supervision_list"),
    )


@login_required
def supervision_create(request: HttpRequest) -> HttpResponse:
    if not team_access.can_record_supervision(request.user):
        raise PermissionDenied
    supervision = Supervision(held_on=timezone.localdate(), supervisor=acting(request.user))
    asked = request.GET.get("worker", "")
    worker = schedule.supervised_workers().filter(pk=asked).first() if asked.isdigit() else None
    if worker is not None:
        supervision.worker = worker
    return _supervision_form(request, supervision, "Record a supervision")


@login_required
def supervision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    supervision = team_access.get_supervision(request.user, pk, write=True)
    return _supervision_form(request, supervision, "Change the supervision")


@login_required
def supervision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    s = team_access.get_supervision(request.user, pk)
    rows: list[tuple[str, Any]] = [
        ("Worker", staff_label(s.worker)),
        ("Supervisor", staff_label(s.supervisor)),
        ("Date", s.held_on),
        ("Caseload discussed", s.caseload_discussed),
        ("Wellbeing", s.wellbeing),
        ("Next supervision", s.next_due),
    ]
    history = history_of(
        s,
        (
            "Action",
            SupervisionAction.history.filter(supervision_id=s.pk).select_related("history_user"),
        ),
    )
    return record_page(
        request,
        s,
        rows,
        edit_url=reverse("team:supervision_edit", args=[pk]),
        template="team/supervision_detail.html",
        history=history,
        client=None,
        supervision_actions=s.actions.all(),
        today=timezone.localdate(),
    )


# Team meetings


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "team.view_teammeeting")
    today = timezone.localdate()
    return render(
        request,
        "team/meeting_list.html",
        {
            "page": page_of(request, TeamMeeting.objects.all()),
            "open_actions": TeamAction.objects.open()
            .select_related("owner", "meeting")
            .order_by("due", "id")[:50],
            "today": today,
            "can_add": access.can(request.user, "team.add_teammeeting"),
            **_team_context(request),
        },
    )


def _meeting_form(request: HttpRequest, meeting: TeamMeeting, title: str) -> HttpResponse:
    form = TeamMeetingForm(request.POST or None, instance=meeting)
    initial = [
        {
            "id": a.pk,
            "description": a.description,
            "owner": a.owner_id,
            "due": a.due,
            "done_on": a.done_on,
        }
        for a in (meeting.actions.all() if meeting.pk else [])
    ]
    actions = TeamActionFormSet(request.POST or None, initial=initial, prefix="actions")
    return service_form(
        request,
        form,
        title,
        run=lambda data: services.record_team_meeting(
            form.save(commit=False),
            present=data["present"],
            actions=action_rows(actions, ("description", "owner", "due", "done_on")),
            by=request.user,
        ),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Team meeting saved.",
        formsets=[actions],
        template="team/meeting_form.html",
        actions=actions,
        cancel_url=meeting.get_absolute_url() if meeting.pk else reverse("team:meeting_list"),
    )


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "team.add_teammeeting")
    meeting = TeamMeeting(held_on=timezone.localdate())
    return _meeting_form(request, meeting, "Record a team meeting")


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_visible(request.user, TeamMeeting, pk, write=True)
    return _meeting_form(request, meeting, "Change the team meeting")


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    m = access.get_visible(request.user, TeamMeeting, pk)
    rows: list[tuple[str, Any]] = [
        ("Date", m.held_on),
        ("Present", ", ".join(staff_label(u) for u in m.present.all()) or "—"),
        ("Notes", m.notes),
        ("Recorded by", staff_label(m.recorded_by) if m.recorded_by else "—"),
    ]
    history = history_of(
        m,
        ("Action", TeamAction.history.filter(meeting_id=m.pk).select_related("history_user")),
    )
    actions = list(m.actions.select_related("owner"))
    return record_page(
        request,
        m,
        rows,
        edit_url=reverse("team:meeting_edit", args=[pk]),
        template="team/meeting_detail.html",
        history=history,
        client=None,
        meeting_actions=[(a, team_access.may_update_action(request.user, a)) for a in actions],
        today=timezone.localdate(),
    )


@login_required
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a team action done (or open again): its owner or the coordinator."""
    action = access.get_visible(request.user, TeamAction, pk)
    if not team_access.may_update_action(request.user, action):
        raise PermissionDenied
    form = ActionDoneForm(request.POST or None, initial={"done": action.is_open})
    target = safe_next(request) or action.get_absolute_url()
    return service_form(
        request,
        form,
        f"Action: {action.description}",
        run=lambda data: services.complete_team_action(
            action,
            done_on=(data["done_on"] or timezone.localdate()) if data["done"] else None,
            by=request.user,
        ),
        refusals=REFUSALS,
        done=lambda saved: target,
        message="Action updated.",
        cancel_url=target,
        intro=f"Owner: {staff_label(action.owner)}. Due {action.due:%d/%m/%Y}.",
    )


# Caseloads


@login_required
def caseloads(request: HttpRequest) -> HttpResponse:
    """Every worker's caseload side by side: counts, no person named."""
    if not team_access.can_see_caseloads(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    return render(
        request,
        "team/caseloads.html",
        {
            "rows": caseload_figures.caseloads(today),
            "today": today,
            "notice_days": caseload_figures.REVIEW_NOTICE_DAYS,
            "people_url": reverse("clients:list"),
            **_team_context(request),
        },
    )
