"""Special category and criminal-offence data (UK GDPR Articles 9 and 10) on a need-to-know
basis: the one rule for who reads a person's ethnicity, health, offending and immigration facts
and sensitive notes. clients.access re-exports it beside the other access rules."""

from __future__ import annotations

from clients.models import BreakGlass, Client
from mars import reads
from mars.access import AnyUser, can, perm

# Special category and criminal-offence data (UK GDPR Articles 9 and 10): need to know.

SPECIAL_CATEGORY = "clients.view_special_category"
# What those who may not see it read instead: that something is held, never what.
HELD = "Held (special category)"
SENSITIVE_NOTE_HELD = "Sensitive note held: ask the key worker"


def sees_all_special_category(user: AnyUser) -> bool:
    """Whether the user sees every person's special category data (the coordinator, and any role
    mars.roles grants `view_special_category`; superusers too)."""
    return bool(user.is_authenticated and (user.is_superuser or can(user, SPECIAL_CATEGORY)))


def _grants_in_force(user: AnyUser) -> dict[int, str]:
    """The user's break-glass grants in force, person id -> reason; read once per user object
    (one request), and forgotten when a new grant is made (clients.services.break_glass)."""
    cached: dict[int, str] | None = getattr(user, "_mars_break_glass", None)
    if cached is None:
        cached = {}
        grants = BreakGlass.objects.in_force().filter(user_id=int(user.pk or 0))
        for client_id, reason in grants.values_list("client_id", "reason"):
            cached.setdefault(client_id, reason)
        user._mars_break_glass = cached  # type: ignore[union-attr]  # a per-request cache
    return cached


def forget_grants(user: AnyUser) -> None:
    if hasattr(user, "_mars_break_glass"):
        del user._mars_break_glass  # type: ignore[union-attr]


def may_see_special_category(user: AnyUser, client: Client | None) -> bool:
    """The one rule for special category and criminal-offence data and sensitive notes.

    Rules: a user sees a person's ethnicity, health needs, health access, offending history,
    immigration fact (no recourse to public funds) and sensitive notes if they hold
    `clients.view_special_category`, or are the person's key worker, or have a break-glass grant
    in force for them (then the reading is written to the access log with its reason); superusers
    too. A record about no identifiable person (an unidentified sighting) names no one, so its
    notes are read by whoever may read the record.
    """
    if client is None:
        return True
    if not user.is_authenticated:
        return False
    if sees_all_special_category(user):
        return True
    if client.key_worker_id == user.pk and can(user, perm(Client, "view")):
        return True
    reason = _grants_in_force(user).get(client.pk)
    if reason is not None:
        reads.note_reason(f"Break glass: {reason}")
        reads.note([client.pk], "break-glass reading")
        return True
    return False
