"""Who may do what with accounts' second factors (the rules on whose: accounts.rules)."""

from __future__ import annotations

from mars import access
from mars.access import AnyUser

RESET_SECOND_FACTOR = "accounts.reset_second_factor"


def can_reset_second_factors(user: AnyUser) -> bool:
    return access.can(user, RESET_SECOND_FACTOR)
