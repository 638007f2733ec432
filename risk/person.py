"""What a person's page shows of risk: the current level and review, the plan in force and any
version being written, assessments, meetings and safeguarding concerns."""

from __future__ import annotations

from django.utils import timezone

from clients.models import Client
from mars import access
from mars.person_page import PersonSection
from risk.models import (
    OPEN,
    Meeting,
    RiskAlert,
    RiskAssessment,
    RiskPlan,
    SafeguardingConcern,
)


def section(client: Client, user: access.AnyUser) -> PersonSection | None:
    if not access.can(user, access.perm(RiskAssessment, "view")):
        return level_only(client, user)
    assessments = access.visible(user, RiskAssessment.objects.all()).filter(client=client)
    plans = (
        access.visible(user, RiskPlan.objects.all())
        .filter(client=client)
        .select_related("assessment", "approved_by")
        .prefetch_related("alerts", "actions")
    )
    plan_list = list(plans)
    in_force = next((p for p in plan_list if p.in_force), None)
    writing = next((p for p in plan_list if p.status in OPEN), None)
    return PersonSection(
        id="risk",
        title="Risk",
        template="risk/_person_section.html",
        context={
            "current": assessments.first(),
            "assessments": assessments.select_related("assessor")[:10],
            "in_force": in_force,
            "writing": writing,
            "plans": plan_list,
            "meetings": access.visible(user, Meeting.objects.all())
            .filter(client=client)
            .select_related("chair")
            .prefetch_related("actions"),
            "concerns": access.visible(user, SafeguardingConcern.objects.all())
            .filter(client=client)
            .select_related("referred_to"),
            "today": timezone.localdate(),
            "can_assess": access.can_add_for(user, RiskAssessment),
            "can_plan": access.can_add_for(user, RiskPlan) and writing is None,
            "can_meet": access.can_add_for(user, Meeting),
            "can_raise": access.can_add_for(user, SafeguardingConcern),
        },
    )


def level_only(client: Client, user: access.AnyUser) -> PersonSection | None:
    """For those who see a person's alerts but not their assessments (the A2A panel): the
    current risk level and nothing of how it was reached."""
    if not access.can(user, access.perm(RiskAlert, "view")):
        return None
    return PersonSection(
        id="risk",
        title="Risk",
        template="risk/_person_level.html",
        context={"current": RiskAssessment.objects.filter(client=client).first()},
    )
