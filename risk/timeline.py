"""A person's risk assessments, plan approvals, meetings and safeguarding concerns for their
timeline."""

from __future__ import annotations

from clients.models import Client
from mars import access
from mars.dates import day_start
from mars.timeline import Position, TimelineEntry, older
from risk.models import Meeting, RiskAssessment, RiskPlan, SafeguardingConcern


def entries_for(
    client: Client, user: access.AnyUser, before: Position | None, limit: int
) -> list[TimelineEntry]:
    assessments = access.visible(user, RiskAssessment.objects.all()).filter(client=client)
    entries = [
        TimelineEntry(
            when=day_start(a.assessed_on),
            kind="Risk assessment",
            title=f"{a.get_level_display()} risk",
            detail=f"review due {a.review_due:%d/%m/%Y}",
            url=a.get_absolute_url(),
            all_day=True,
            source="risk.assessment",
            pk=a.pk,
        )
        for a in older(assessments, "assessed_on", "risk.assessment", before, limit)
    ]
    plans = access.visible(user, RiskPlan.objects.all()).filter(client=client)
    entries += [
        TimelineEntry(
            when=p.approved_at,  # type: ignore[arg-type]  # older() keeps approved plans only
            kind="Risk plan approved",
            title=f"Version {p.version}",
            detail=p.get_status_display(),
            url=p.get_absolute_url(),
            source="risk.plan",
            pk=p.pk,
        )
        for p in older(plans, "approved_at", "risk.plan", before, limit)
    ]
    meetings = (
        access.visible(user, Meeting.objects.all()).filter(client=client).select_related("chair")
    )
    entries += [
        TimelineEntry(
            when=day_start(m.held_on),
            kind=m.get_kind_display(),
            title=m.chair_label and f"Chaired by {m.chair_label}",
            detail="",
            url=m.get_absolute_url(),
            all_day=True,
            source="risk.meeting",
            pk=m.pk,
        )
        for m in older(meetings, "held_on", "risk.meeting", before, limit)
    ]
    concerns = access.visible(user, SafeguardingConcern.objects.all()).filter(client=client)
    entries += [
        TimelineEntry(
            when=day_start(c.raised_on),
            kind="Safeguarding concern",
            title=c.get_category_display(),
            detail="closed" if c.closed_on else "open",
            url=c.get_absolute_url(),
            all_day=True,
            source="risk.safeguarding",
            pk=c.pk,
        )
        for c in older(concerns, "raised_on", "risk.safeguarding", before, limit)
    ]
    return entries
