"""Strategy Group actions past their due date, for the waiting list and its escalation."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date

from mars.waiting import Waiting, owned_by
from strategy.models import Action

KIND = "Strategy Group action"


def overdue(today: date, owners: Collection[int] | None = None) -> Iterator[Waiting]:
    """Actions not done whose due date is before today, in one query. The owner is the member's
    account when they are staff; a partner is named in owner_label."""
    actions = Action.objects.past_due(today).filter(owned_by(owners, "owner__user"))
    actions = actions.select_related("owner__user", "meeting")
    for action in actions:
        member = action.owner
        yield Waiting(
            key=f"strategy-action:{action.pk}",
            kind=KIND,
            title=f"Strategy Group: {action.description[:100]}",
            url=action.meeting.get_absolute_url(),
            since=action.meeting.day,
            due=action.due,
            owner=member.user,
            owner_label=member.name if member.user is None else "",
        )
