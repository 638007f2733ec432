"""What a person's page shows of their accommodation: placements and referrals."""

from __future__ import annotations

from accommodation.access import can_place
from accommodation.models import LIVE, MARS_HOUSE_LIVE, A2AReferral, MarsHouseReferral, Placement
from clients.models import Client
from mars import access
from mars.person_page import PersonSection


def section(client: Client, user: access.AnyUser) -> PersonSection | None:
    if not access.can(user, access.perm(Placement, "view")):
        return None
    a2a = (
        access.visible(user, A2AReferral.objects.all())
        .filter(client=client)
        .select_related("decided_by")
    )
    mars_house = access.visible(user, MarsHouseReferral.objects.all()).filter(client=client)
    placements = (
        access.visible(user, Placement.objects.all())
        .filter(client=client)
        .select_related("unit__property")
    )
    return PersonSection(
        id="accommodation",
        title="Accommodation",
        template="accommodation/_person_section.html",
        context={
            "placements": placements,
            "a2a_referrals": a2a,
            "mars_house_referrals": mars_house,
            "can_refer": access.can_add_for(user, A2AReferral)
            and not a2a.filter(status__in=LIVE).exists(),
            "can_refer_mars_house": access.can_add_for(user, MarsHouseReferral)
            and not mars_house.filter(status__in=MARS_HOUSE_LIVE).exists(),
            # Someone living somewhere already is moved from their placement's page instead.
            "can_place": can_place(user) and not placements.current().exists(),
        },
    )
