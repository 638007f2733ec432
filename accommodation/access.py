"""Who may decide A2A referrals and place people (mars.access holds the machinery)."""

from __future__ import annotations

from django.db.models import Q

from accommodation.models import BEFORE_PANEL
from mars.access import AnyUser, PeopleScope, can


def can_decide_a2a(user: AnyUser) -> bool:
    """The A2A panel (its members and the coordinator) prioritises and decides referrals."""
    return can(user, "accommodation.decide_a2areferral")


def people_before_the_panel() -> Q:
    """The people with an A2A referral before the panel (the panel's need to know)."""
    return Q(a2a_referrals__status__in=BEFORE_PANEL)


# Panel members who may not see everyone see these people (mars.access.people_scopes).
PANEL_SCOPE = PeopleScope("accommodation.decide_a2areferral", people_before_the_panel)


def can_place(user: AnyUser) -> bool:
    return can(user, "accommodation.add_placement")


def can_see_units(user: AnyUser) -> bool:
    """The availability board and everything from it starts from units."""
    return can(user, "accommodation.view_unit")
