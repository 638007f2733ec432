"""The risk lists: reviews due and overdue, plans by status, meetings, safeguarding concerns and
each user's own actions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from mars import access, reads
from mars.pages import page_of
from risk.access import can_approve_risk_plans
from risk.alerts import with_alerts
from risk.models import (
    ActionStatus,
    Meeting,
    MeetingAction,
    PlanAction,
    PlanStatus,
    RiskAssessment,
    RiskPlan,
    SafeguardingConcern,
)


def _choices(lists: dict[str, tuple[str, Any]]) -> list[tuple[str, str, int]]:
    """Each list's key, label and how many it holds, for the tabs above it."""
    return [(key, label, queryset.count()) for key, (label, queryset) in lists.items()]


def _choice(request: HttpRequest, choices: dict[str, Any], default: str) -> str:
    show = request.GET.get("show", default)
    return show if show in choices else default


@login_required
def reviews(request: HttpRequest) -> HttpResponse:
    """Risk reviews overdue, and those due within the notice period (7 days)."""
    user = request.user
    access.require(user, access.perm(RiskAssessment, "view"))
    today = timezone.localdate()
    notice = settings.RISK_REVIEW_NOTICE_DAYS
    assessments = access.visible(user, RiskAssessment.objects.all()).select_related(
        "client", "assessor"
    )
    lists = {
        "overdue": ("Reviews overdue", assessments.overdue(today).order_by("review_due", "id")),
        "due": (
            f"Reviews due in the next {notice} days",
            assessments.due_within(today, notice).order_by("review_due", "id"),
        ),
    }
    show = _choice(request, lists, "overdue")
    title, chosen = lists[show]
    return render(
        request,
        "risk/reviews.html",
        {
            "title": title,
            "show": show,
            "page": page_of(request, with_alerts(chosen, "client__")),
            "choices": _choices(lists),
            "here": "reviews",
            "today": today,
            "until": today + timedelta(days=notice),
        },
    )


PLAN_LISTS = {
    "submitted": ("Waiting for approval", [PlanStatus.SUBMITTED]),
    "writing": ("Being written or returned", [PlanStatus.DRAFT, PlanStatus.RETURNED]),
    "approved": ("In force", [PlanStatus.APPROVED]),
}


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(user, access.perm(RiskPlan, "view"))
    show = _choice(request, PLAN_LISTS, "submitted")
    title, statuses = PLAN_LISTS[show]
    plans = access.visible(user, RiskPlan.objects.all()).select_related(
        "client", "assessment", "drafted_by", "submitted_by"
    )
    chosen = plans.filter(status__in=statuses).order_by("submitted_at", "-created_at", "id")
    return render(
        request,
        "risk/plan_list.html",
        {
            "title": title,
            "show": show,
            "page": page_of(request, with_alerts(chosen, "client__")),
            "choices": _choices(
                {key: (label, plans.filter(status__in=s)) for key, (label, s) in PLAN_LISTS.items()}
            ),
            "here": "plans",
            "can_approve": can_approve_risk_plans(user),
        },
    )


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(user, access.perm(Meeting, "view"))
    meetings = (
        access.visible(user, Meeting.objects.all())
        .select_related("client", "chair")
        .prefetch_related("actions")
        .order_by("-held_on", "-id")
    )
    return render(
        request,
        "risk/meeting_list.html",
        {
            "page": page_of(request, with_alerts(meetings, "client__")),
            "here": "meetings",
            "today": timezone.localdate(),
        },
    )


@login_required
def concern_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(user, access.perm(SafeguardingConcern, "view"))
    concerns = access.visible(user, SafeguardingConcern.objects.all()).select_related(
        "client", "referred_to"
    )
    lists = {"open": ("Open concerns", concerns.open()), "all": ("All concerns", concerns)}
    show = _choice(request, lists, "open")
    title, chosen = lists[show]
    return render(
        request,
        "risk/concern_list.html",
        {
            "title": title,
            "show": show,
            "page": page_of(request, with_alerts(chosen.order_by("-raised_on", "-id"), "client__")),
            "choices": _choices(lists),
            "here": "safeguarding",
        },
    )


@login_required
def my_actions(request: HttpRequest) -> HttpResponse:
    """Every action the signed-in user owns: from meetings, and from risk plans in force or
    being written. Open ones first, soonest due first; done ones from the last 30 days after."""
    user = request.user
    access.require(user, access.perm(MeetingAction, "view"))
    today = timezone.localdate()
    recent = today - timedelta(days=30)
    meeting_actions = (
        access.visible(user, MeetingAction.objects.all())
        .filter(owner_id=user.pk)
        .filter(Q(status=ActionStatus.OPEN) | Q(done_on__gte=recent))
        .select_related("meeting__client")
        .order_by("status", "due", "id")
    )
    plan_actions = (
        PlanAction.objects.filter(owner_id=user.pk)
        .exclude(plan__status=PlanStatus.SUPERSEDED)
        .filter(Q(done_on__isnull=True) | Q(done_on__gte=recent))
        .select_related("plan__client")
        .order_by("done_on", "due", "id")
    )
    if not access.can(user, access.perm(RiskPlan, "view")):
        plan_actions = plan_actions.none()
    from_meetings = list(with_alerts(meeting_actions, "meeting__client__"))
    from_plans = list(with_alerts(plan_actions, "plan__client__"))
    reads.note_records(from_meetings, "my actions")
    reads.note_records(from_plans, "my actions")
    return render(
        request,
        "risk/my_actions.html",
        {
            "meeting_actions": from_meetings,
            "plan_actions": from_plans,
            "here": "actions",
            "today": today,
        },
    )
