"""What of the team's is past its time (mars.waiting): supervisions overdue, team actions past
their due date."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date

from django.urls import reverse

from mars.forms import staff_label
from mars.waiting import Waiting, owned_by
from team import schedule
from team.models import TeamAction


def overdue(today: date, owners: Collection[int] | None = None) -> Iterator[Waiting]:
    """Overdue supervisions (the supervisor's, else the coordinators'; the worker is told by the
    nightly team reminders) and open team actions past their due date (their owner's). A
    supervision is private: nobody covering the supervisor sees it or is told of it."""
    for due in schedule.overdue(today):
        if owners is not None and (due.supervisor is None or due.supervisor.pk not in owners):
            continue
        since = due.last.held_on if due.last is not None else due.due
        yield Waiting(
            key=f"supervision:{due.worker.pk}",
            kind="Supervision overdue",
            title=f"Supervision of {staff_label(due.worker)}",
            url=reverse("team:worker_supervisions", args=[due.worker.pk]),
            since=since,
            due=due.due,
            owner=due.supervisor,
            private=True,
        )
    actions = TeamAction.objects.past_due(today).filter(owned_by(owners, "owner"))
    for action in actions.select_related("owner", "meeting"):
        yield Waiting(
            key=f"team-action:{action.pk}",
            kind="Team action",
            title=f"{action.description} ({action.meeting})",
            url=action.get_absolute_url(),
            since=action.meeting.held_on,
            due=action.due,
            owner=action.owner,
        )
