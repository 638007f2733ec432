"""Risk counts for the home page."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from mars import access
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
    team = access.can_approve_risk_plans(user)
    assessments = access.visible(user, RiskAssessment)
    if not team:
        assessments = assessments.filter(client__key_worker_id=user.pk)
    actions = access.visible(user, MeetingAction).filter(owner_id=user.pk).open()
    return HomeRisk(
        team=team,
        overdue=assessments.overdue(today).count(),
        due=assessments.due_within(today, settings.RISK_REVIEW_NOTICE_DAYS).count(),
        waiting_approval=access.visible(user, RiskPlan).filter(status=PlanStatus.SUBMITTED).count()
        if team
        else None,
        my_open_actions=actions.count(),
        my_actions_past_due=actions.filter(due__lt=today).count(),
        open_concerns=access.visible(user, SafeguardingConcern).open().count(),
    )
