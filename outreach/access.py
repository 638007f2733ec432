"""Who may see outreach's records (mars.access holds the machinery)."""

from __future__ import annotations

from mars.access import AnyUser, can


def can_see_contacts(user: AnyUser) -> bool:
    """Outreach's pages (sessions, contacts, reports from the public) start from contacts."""
    return can(user, "outreach.view_contact")
