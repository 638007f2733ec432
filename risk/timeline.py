"""A person's risk assessments, plan approvals, meetings and safeguarding concerns for their
timeline."""

from __future__ import annotations

from clients.models import Client
from mars import access
from mars.dates import day_start
from mars.timeline import TimelineEntry
from risk.models import Meeting, RiskAssessment, RiskPlan, SafeguardingConcern


def entries_for(client: Client, user: access.AnyUser) -> list[TimelineEntry]:
    entries = [
        TimelineEntry(
            when=day_start(a.assessed_on),
            kind="Risk assessment",
            title=f"{a.get_level_display()} risk",
            detail=f"review due {a.review_due:%d/%m/%Y}",
            url=a.get_absolute_url(),
            all_day=True,
        )
        for a in access.visible(user, RiskAssessment.objects.all()).filter(client=client)
    ]
    plans = access.visible(user, RiskPlan.objects.all()).filter(
        client=client, approved_at__isnull=False
    )
    entries += [
        TimelineEntry(
            when=p.approved_at,  # type: ignore[arg-type]  # approved_at__isnull=False above
            kind="Risk plan approved",
            title=f"Version {p.version}",
            detail=p.get_status_display(),
            url=p.get_absolute_url(),
        )
        for p in plans
    ]
    entries += [
        TimelineEntry(
            when=day_start(m.held_on),
            kind=m.get_kind_display(),
            title=m.chair_label and f"Chaired by {m.chair_label}",
            detail="",
            url=m.get_absolute_url(),
            all_day=True,
        )
        for m in access.visible(user, Meeting.objects.all())
        .filter(client=client)
        .select_related("chair")
    ]
    entries += [
        TimelineEntry(
            when=day_start(c.raised_on),
            kind="Safeguarding concern",
            title=c.get_category_display(),
            detail="closed" if c.closed_on else "open",
            url=c.get_absolute_url(),
            all_day=True,
        )
        for c in access.visible(user, SafeguardingConcern.objects.all()).filter(client=client)
    ]
    return entries
