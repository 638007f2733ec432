"""Who may approve payments (mars.access holds the machinery)."""

from __future__ import annotations

from mars.access import AnyUser, can


def can_approve_payments(user: AnyUser) -> bool:
    """Coordinators, the director and the resettlement manager each approve in their part."""
    return any(
        can(user, name)
        for name in (
            "funds.approve_paymentrequest",
            "funds.approve_large_paymentrequest",
            "funds.approve_property_paymentrequest",
        )
    )


def can_see_requests(user: AnyUser) -> bool:
    return can(user, "funds.view_paymentrequest")


def can_see_funds_only(user: AnyUser) -> bool:
    """Those who see the funds' budgets but no payment requests (the director's reading)."""
    return can(user, "funds.view_fund") and not can_see_requests(user)
