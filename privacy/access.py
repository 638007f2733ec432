"""Who may run retention, place and lift legal holds, and read the register of what is held."""

from __future__ import annotations

from mars import access

RUN_RETENTION = "privacy.run_retention"
VIEW_RUNS = "privacy.view_retentionrun"
VIEW_HOLDS = "privacy.view_legalhold"
PLACE_HOLD = "privacy.add_legalhold"
LIFT_HOLD = "privacy.change_legalhold"
VIEW_REGISTER = "privacy.view_processing_register"


def can_run_retention(user: access.AnyUser) -> bool:
    return access.can(user, RUN_RETENTION)


def can_place_hold(user: access.AnyUser) -> bool:
    return access.can(user, PLACE_HOLD)


def can_view_register(user: access.AnyUser) -> bool:
    return access.can(user, VIEW_REGISTER)
