"""What waits past its time in risk: overdue risk reviews, meeting and plan actions past their
due date, and risk plans submitted and not decided within mars.waiting.APPROVAL_DAYS."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date, timedelta

from django.utils import timezone

from mars.dates import day_start
from mars.waiting import APPROVAL_DAYS, Waiting, owned_by
from risk.models import MeetingAction, PlanAction, PlanStatus, RiskAssessment, RiskPlan


def overdue(today: date, owners: Collection[int] | None = None) -> Iterator[Waiting]:
    """Each person's overdue review (the key worker's), open actions past due (their owner's),
    submitted plans waiting for a decision (the coordinators'). The nightly risk reminders
    already tell the key worker and the coordinators of a review and of a meeting action."""
    reviews = RiskAssessment.objects.overdue(today).filter(owned_by(owners, "client__key_worker"))
    for a in reviews.select_related("client__key_worker"):
        yield Waiting(
            key=f"risk-review:{a.pk}",
            kind="Risk review",
            title=f"{a.client.reference}: risk review",
            url=a.get_absolute_url(),
            since=a.review_due,
            due=a.review_due,
            owner=a.client.key_worker,
            client_id=a.client_id,
            reference=a.client.reference,
            owner_reminded=True,
            leads_reminded=True,
        )
    meeting_actions = (
        MeetingAction.objects.past_due(today)
        .filter(owned_by(owners, "owner"), meeting__client__merged_into__isnull=True)
        .select_related("owner", "meeting__client")
    )
    for action in meeting_actions:
        client = action.meeting.client
        yield Waiting(
            key=f"meeting-action:{action.pk}",
            kind="Meeting action",
            title=f"{client.reference}: action from the {action.meeting}",
            url=action.get_absolute_url(),
            since=action.meeting.held_on,
            due=action.due,
            owner=action.owner,
            owner_label=action.owner_other,
            client_id=client.pk,
            reference=client.reference,
            owner_reminded=True,
            leads_reminded=True,
        )
    plan_actions = (
        PlanAction.objects.filter(done_on__isnull=True, due__lt=today)
        .exclude(plan__status=PlanStatus.SUPERSEDED)
        .filter(owned_by(owners, "owner"), plan__client__merged_into__isnull=True)
        .select_related("owner", "plan__client")
    )
    for step in plan_actions:
        assert step.due is not None
        plan = step.plan
        yield Waiting(
            key=f"plan-action:{step.pk}",
            kind="Risk plan action",
            title=f"{plan.client.reference}: action of risk plan version {plan.version}",
            url=plan.get_absolute_url(),
            since=timezone.localdate(plan.created_at),
            due=step.due,
            owner=step.owner,
            owner_label=step.owner_other,
            client_id=plan.client_id,
            reference=plan.client.reference,
        )
    if owners is not None:
        return
    submitted_before = day_start(today - timedelta(days=APPROVAL_DAYS))
    plans = RiskPlan.objects.filter(
        status=PlanStatus.SUBMITTED, submitted_at__lt=submitted_before
    ).select_related("client")
    for plan in plans:
        assert plan.submitted_at is not None
        submitted = timezone.localdate(plan.submitted_at)
        yield Waiting(
            key=f"risk-plan-decision:{plan.pk}",
            kind="Risk plan approval",
            title=f"{plan.client.reference}: risk plan version {plan.version} to decide",
            url=plan.get_absolute_url(),
            since=submitted,
            due=submitted + timedelta(days=APPROVAL_DAYS),
            client_id=plan.client_id,
            reference=plan.client.reference,
        )
