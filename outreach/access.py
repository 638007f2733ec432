"""Who may see outreach's records (mars.access holds the machinery)."""

from __future__ import annotations

from mars.access import AnyUser, can


def can_see_contacts(user: AnyUser) -> bool:
    """Outreach's pages (sessions, contacts, reports from the public) start from contacts."""
    return can(user, "outreach.view_contact")


def may_cover_sessions(user: AnyUser) -> bool:
    """Cover on the rota's sessions (the coordinator's): it makes a cover and changes the
    session's staff, on the page and through the API alike."""
    return can(user, "outreach.add_sessioncover") and can(user, "outreach.change_outreachsession")
