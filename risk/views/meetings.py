"""Pages for meetings about a person (with their actions) and safeguarding concerns."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from clients.access import person_for_record
from mars import access
from mars.forms import staff_label
from mars.pages import history_of, record_page, safe_next, service_form
from mars.records import acting
from risk import services
from risk.forms import (
    ActionStatusForm,
    ConcernForm,
    MeetingActionFormSet,
    MeetingForm,
    meeting_rows,
)
from risk.models import ActionStatus, Meeting, MeetingAction, SafeguardingConcern

REFUSALS = (services.RiskError,)


def _meeting_form(request: HttpRequest, meeting: Meeting, title: str) -> HttpResponse:
    form = MeetingForm(request.POST or None, instance=meeting)
    initial = [
        {
            "id": a.pk,
            "description": a.description,
            "owner": a.owner_id,
            "owner_other": a.owner_other,
            "due": a.due,
            "status": a.status,
        }
        for a in (meeting.actions.all() if meeting.pk else [])
    ]
    actions = MeetingActionFormSet(request.POST or None, initial=initial, prefix="actions")
    return service_form(
        request,
        form,
        title,
        run=lambda data: services.save_meeting(
            form.save(commit=False),
            staff=data["staff"],
            agencies=data["agencies"],
            actions=meeting_rows(actions),
            by=request.user,
        ),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Meeting saved.",
        formsets=[actions],
        template="risk/meeting_form.html",
        client=meeting.client,
        actions=actions,
        cancel_url=meeting.get_absolute_url() if meeting.pk else None,
    )


@login_required
def meeting_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    access.require(request.user, access.perm(Meeting, "add"))
    client = person_for_record(request, client_pk)
    meeting = Meeting(client=client, held_on=timezone.localdate(), chair=acting(request.user))
    return _meeting_form(request, meeting, "Record a meeting")


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_visible(request.user, Meeting, pk, write=True)
    return _meeting_form(request, meeting, "Change the meeting")


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    m = access.get_visible(user, Meeting, pk)
    rows: list[tuple[str, Any]] = [
        ("Person", m.client),
        ("Kind", m.get_kind_display()),
        ("Held on", m.held_on),
        ("Chair", m.chair_label),
        ("Team present", ", ".join(staff_label(u) for u in m.staff.all()) or "—"),
        ("Agencies present", ", ".join(a.name for a in m.agencies.all()) or "—"),
        ("Others present", m.others_present),
        ("Notes", m.notes),
        ("Recorded by", staff_label(m.recorded_by) if m.recorded_by else "—"),
    ]
    history = history_of(
        m,
        (
            "Action",
            MeetingAction.history.filter(meeting_id=m.pk).select_related("history_user"),
        ),
    )
    return record_page(
        request,
        m,
        rows,
        edit_url=reverse("risk:meeting_edit", args=[pk]),
        template="risk/meeting_detail.html",
        history=history,
        meeting_actions=m.actions.select_related("owner"),
        can_update_actions=access.can_change(user, MeetingAction),
        today=timezone.localdate(),
    )


@login_required
def action_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a meeting action done, cancelled or open again."""
    action = access.get_visible(request.user, MeetingAction, pk, write=True)
    form = ActionStatusForm(
        request.POST or None,
        initial={
            "status": ActionStatus.DONE if action.status == ActionStatus.OPEN else action.status
        },
    )
    target = safe_next(request) or action.get_absolute_url()
    return service_form(
        request,
        form,
        f"Action: {action.description}",
        run=lambda data: services.update_action(
            action, status=data["status"], done_on=data["done_on"], by=request.user
        ),
        refusals=REFUSALS,
        done=lambda saved: target,
        message="Action updated.",
        client=action.meeting.client,
        cancel_url=target,
        intro=f"Owner: {action.owner_label}. Due {action.due:%d/%m/%Y}.",
    )


def _concern_form(request: HttpRequest, concern: SafeguardingConcern, title: str) -> HttpResponse:
    form = ConcernForm(request.POST or None, instance=concern)
    return service_form(
        request,
        form,
        title,
        run=lambda data: services.save_concern(form.save(commit=False), by=request.user),
        refusals=REFUSALS,
        done=lambda saved: saved,
        message="Safeguarding concern saved.",
        client=concern.client,
        cancel_url=concern.get_absolute_url() if concern.pk else None,
    )


@login_required
def concern_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    access.require(request.user, access.perm(SafeguardingConcern, "add"))
    client = person_for_record(request, client_pk)
    concern = SafeguardingConcern(client=client, raised_on=timezone.localdate())
    return _concern_form(request, concern, "Raise a safeguarding concern")


@login_required
def concern_edit(request: HttpRequest, pk: int) -> HttpResponse:
    concern = access.get_visible(request.user, SafeguardingConcern, pk, write=True)
    return _concern_form(request, concern, "Update the safeguarding concern")


@login_required
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    c = access.get_visible(request.user, SafeguardingConcern, pk)
    rows: list[tuple[str, Any]] = [
        ("Person", c.client),
        ("Category", c.get_category_display()),
        ("Raised on", c.raised_on),
        ("Raised by", staff_label(c.raised_by) if c.raised_by else "—"),
        ("Details", c.details),
        ("Referred to", c.referred_to),
        ("Referred on", c.referred_on),
        ("Their reference", c.agency_reference),
        ("Outcome", c.outcome),
        ("Closed on", c.closed_on or "Open"),
    ]
    return record_page(request, c, rows, edit_url=reverse("risk:concern_edit", args=[pk]))
