"""A person's contacts, interventions and SWEP offers for their timeline."""

from __future__ import annotations

from clients.access import may_see_special_category
from clients.models import Client
from mars import access
from mars.dates import day_start
from mars.timeline import Position, TimelineEntry, older
from outreach.models import Contact, Intervention, SwepOffer


def entries_for(
    client: Client, user: access.AnyUser, before: Position | None, limit: int
) -> list[TimelineEntry]:
    entries = []
    contacts = older(
        access.visible(user, Contact.objects.all()).filter(client=client).select_related("hotspot"),
        "at",
        "outreach.contact",
        before,
        limit,
    )
    sees_special = may_see_special_category(user, client)
    for c in contacts:
        notes = c.notes if sees_special or not c.sensitive else ""
        facts = [c.get_kind_display(), c.place, c.get_engagement_display()]
        entries.append(
            TimelineEntry(
                when=c.at,
                kind="Contact, bedded down" if c.bedded_down else "Contact",
                title=notes[:120] if notes else c.place,
                detail=" · ".join(facts),
                url=c.get_absolute_url(),
                source="outreach.contact",
                pk=c.pk,
            )
        )
    interventions = access.visible(user, Intervention.objects.all()).filter(client=client)
    for i in older(interventions, "opened", "outreach.intervention", before, limit):
        state = f"closed {i.closed:%d/%m/%Y}: {i.get_outcome_display()}" if i.closed else "open"
        where = f" to {i.destination}" if i.destination else ""
        entries.append(
            TimelineEntry(
                when=day_start(i.opened),
                kind="Intervention",
                title=f"{i.get_kind_display()}{where}",
                detail=state,
                url=i.get_absolute_url(),
                all_day=True,
                source="outreach.intervention",
                pk=i.pk,
            )
        )
    offers = access.visible(user, SwepOffer.objects.all()).filter(client=client)
    for o in older(offers, "offered_on", "outreach.swep_offer", before, limit):
        answer = "accepted" if o.accepted else f"declined ({o.declined_reason})"
        entries.append(
            TimelineEntry(
                when=day_start(o.offered_on),
                kind="SWEP offer",
                title=o.get_offer_display(),
                detail=answer,
                url=o.get_absolute_url(),
                all_day=True,
                source="outreach.swep_offer",
                pk=o.pk,
            )
        )
    return entries
