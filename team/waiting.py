"""What of the team's is past its time (mars.waiting): supervisions overdue, team actions past
their due date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.urls import reverse

from mars.forms import staff_label
from mars.waiting import Waiting
from team import schedule
from team.models import TeamAction


def overdue(today: date) -> Iterator[Waiting]:
    """Overdue supervisions (the supervisor's, else the coordinators'; the worker is told by the
    nightly team reminders) and open team actions past their due date (their owner's)."""
    for due in schedule.overdue(today):
        since = due.last.held_on if due.last is not None else due.due
        yield Waiting(
            key=f"supervision:{due.worker.pk}",
            kind="Supervision overdue",
            title=f"Supervision of {staff_label(due.worker)}",
            url=reverse("team:worker_supervisions", args=[due.worker.pk]),
            since=since,
            due=due.due,
            owner=due.supervisor,
        )
    for action in TeamAction.objects.past_due(today).select_related("owner", "meeting"):
        yield Waiting(
            key=f"team-action:{action.pk}",
            kind="Team action",
            title=f"{action.description} ({action.meeting})",
            url=action.get_absolute_url(),
            since=action.meeting.held_on,
            due=action.due,
            owner=action.owner,
        )
