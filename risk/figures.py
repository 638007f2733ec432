"""Risk counts for the home page."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from clients.access import can_see_people
from mars import access
from mars.home import HomePart
from risk.access import can_approve_risk_plans
from risk.models import MeetingAction, PlanStatus, RiskAssessment, RiskPlan, SafeguardingConcern


@dataclass
class HomeRisk:
    team: bool
    overdue: int
    due: int
    waiting_approval: int | None
    my_open_actions: int
    my_actions_past_due: int
    open_concerns: int


def for_home(user: access.AnyUser) -> HomeRisk:
    """What needs doing about risk: the team's reviews for those who approve plans, otherwise
    the reviews of the user's own caseload; the user's own actions."""
    today = timezone.localdate()
    team = can_approve_risk_plans(user)
    assessments = access.visible(user, RiskAssessment.objects.all())
    if not team:
        assessments = assessments.filter(client__key_worker_id=user.pk)
    actions = access.visible(user, MeetingAction.objects.all()).filter(owner_id=user.pk).open()
    return HomeRisk(
        team=team,
        overdue=assessments.overdue(today).count(),
        due=assessments.due_within(today, settings.RISK_REVIEW_NOTICE_DAYS).count(),
        waiting_approval=access.visible(user, RiskPlan.objects.all())
        .filter(status=PlanStatus.SUBMITTED)
        .count()
        if team
        else None,
        my_open_actions=actions.count(),
        my_actions_past_due=actions.filter(due__lt=today).count(),
        open_concerns=access.visible(user, SafeguardingConcern.objects.all()).open().count(),
    )


def home_part(request: HttpRequest) -> HomePart | None:
    """The home page's risk tiles, for those who see assessments and people."""
    user = request.user
    if not (access.can(user, "risk.view_riskassessment") and can_see_people(user)):
        return None
    return HomePart("risk/_home.html", {"risk": for_home(user)})
