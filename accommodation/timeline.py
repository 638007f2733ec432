"""A person's placements and accommodation referrals for their timeline."""

from __future__ import annotations

from django.utils import timezone

from accommodation.models import A2AReferral, MarsHouseReferral, Placement, ReferralStatus
from clients.models import Client
from mars import access
from mars.dates import day_start
from mars.timeline import Position, TimelineEntry, older


def entries_for(
    client: Client, user: access.AnyUser, before: Position | None, limit: int
) -> list[TimelineEntry]:
    entries = []
    placements = (
        access.visible(user, Placement.objects.all())
        .filter(client=client)
        .select_related("unit__property")
    )
    # Moving in and leaving are two entries of one placement: two sources, each paged on its date.
    for p in older(placements, "start", "accommodation.moved_in", before, limit):
        entries.append(
            TimelineEntry(
                when=day_start(p.start),
                kind="Moved in",
                title=str(p.unit),
                detail=p.unit.property.get_type_display(),
                url=p.get_absolute_url(),
                all_day=True,
                source="accommodation.moved_in",
                pk=p.pk,
            )
        )
    for p in older(placements, "end", "accommodation.left", before, limit):
        assert p.end is not None  # older() keeps placements that have ended
        where = f", to {p.move_on_destination}" if p.move_on_destination else ""
        entries.append(
            TimelineEntry(
                when=day_start(p.end),
                kind="Left",
                title=str(p.unit),
                detail=f"{p.get_end_reason_display()}{where}",
                url=p.get_absolute_url(),
                all_day=True,
                source="accommodation.left",
                pk=p.pk,
            )
        )
    referrals = access.visible(user, A2AReferral.objects.all()).filter(client=client)
    for r in older(referrals, "referred_on", "accommodation.a2a", before, limit):
        entries.append(
            TimelineEntry(
                when=day_start(r.referred_on),
                kind="A2A referral",
                title=r.get_requested_type_display(),
                detail=r.get_status_display(),
                url=r.get_absolute_url(),
                all_day=True,
                source="accommodation.a2a",
                pk=r.pk,
            )
        )
    for r in older(referrals, "decided_at", "accommodation.a2a_decision", before, limit):
        assert r.decided_at is not None  # older() keeps decided referrals
        entries.append(
            TimelineEntry(
                when=timezone.localtime(r.decided_at),
                kind="A2A panel decision",
                title="Declined" if r.status == ReferralStatus.DECLINED else "Approved",
                detail=r.decision_reason[:120],
                url=r.get_absolute_url(),
                source="accommodation.a2a_decision",
                pk=r.pk,
            )
        )
    houses = access.visible(user, MarsHouseReferral.objects.all()).filter(client=client)
    for m in older(houses, "received_on", "accommodation.mars_house", before, limit):
        entries.append(
            TimelineEntry(
                when=day_start(m.received_on),
                kind="MARS House referral",
                title=m.get_status_display(),
                detail=m.reasons[:120],
                url=m.get_absolute_url(),
                all_day=True,
                source="accommodation.mars_house",
                pk=m.pk,
            )
        )
    return entries
