"""A person's placements and accommodation referrals for their timeline."""

from __future__ import annotations

from django.utils import timezone

from accommodation.models import A2AReferral, MarsHouseReferral, Placement, ReferralStatus
from clients.models import Client
from mars import access
from mars.dates import day_start
from mars.timeline import TimelineEntry


def entries_for(client: Client, user: access.AnyUser) -> list[TimelineEntry]:
    entries = []
    placements = (
        access.visible(user, Placement.objects.all())
        .filter(client=client)
        .select_related("unit__property")
    )
    for p in placements:
        kind = p.unit.property.get_type_display()
        entries.append(
            TimelineEntry(
                when=day_start(p.start),
                kind="Moved in",
                title=str(p.unit),
                detail=kind,
                url=p.get_absolute_url(),
                all_day=True,
            )
        )
        if p.end is not None:
            where = f", to {p.move_on_destination}" if p.move_on_destination else ""
            entries.append(
                TimelineEntry(
                    when=day_start(p.end),
                    kind="Left",
                    title=str(p.unit),
                    detail=f"{p.get_end_reason_display()}{where}",
                    url=p.get_absolute_url(),
                    all_day=True,
                )
            )
    for r in access.visible(user, A2AReferral.objects.all()).filter(client=client):
        entries.append(
            TimelineEntry(
                when=day_start(r.referred_on),
                kind="A2A referral",
                title=r.get_requested_type_display(),
                detail=r.get_status_display(),
                url=r.get_absolute_url(),
                all_day=True,
            )
        )
        if r.decided_at is not None:
            entries.append(
                TimelineEntry(
                    when=timezone.localtime(r.decided_at),
                    kind="A2A panel decision",
                    title="Declined" if r.status == ReferralStatus.DECLINED else "Approved",
                    detail=r.decision_reason[:120],
                    url=r.get_absolute_url(),
                )
            )
    for m in access.visible(user, MarsHouseReferral.objects.all()).filter(client=client):
        entries.append(
            TimelineEntry(
                when=day_start(m.received_on),
                kind="MARS House referral",
                title=m.get_status_display(),
                detail=m.reasons[:120],
                url=m.get_absolute_url(),
                all_day=True,
            )
        )
    return entries
