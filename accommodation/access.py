"""Who may decide A2A referrals and place people (mars.access holds the machinery)."""

from __future__ import annotations

from mars.access import AnyUser, can


def can_decide_a2a(user: AnyUser) -> bool:
    """The A2A panel (its members and the coordinator) prioritises and decides referrals."""
    return can(user, "accommodation.decide_a2areferral")


def can_place(user: AnyUser) -> bool:
    return can(user, "accommodation.add_placement")


def can_see_units(user: AnyUser) -> bool:
    """The availability board and everything from it starts from units."""
    return can(user, "accommodation.view_unit")
