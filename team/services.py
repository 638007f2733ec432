"""Recording supervision and team meetings: the pages, the API and the demo all come here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from mars.access import AnyUser
from mars.records import Refusal, acting, note_change, save_record
from team.models import Supervision, TeamAction, TeamMeeting


class TeamError(Refusal):
    """A supervision or team meeting change the rules refuse."""


def _not_future(day: date, field: str, what: str) -> None:
    if day > timezone.localdate():
        raise TeamError(f"{what} cannot be in the future.", field=field)


def _fields(row: Any) -> tuple[Any, ...]:
    return tuple(getattr(row, f.attname) for f in row._meta.concrete_fields)


def _sync_rows(related: Any, rows: Sequence[Mapping[str, Any]], *, by: AnyUser | None) -> None:
    """Make a record's action rows the rows given: rows with an id change that row, rows
    without one are added, rows left out are removed. A row saves (and gains a history entry)
    only when it is new or something in it changed."""
    existing = {row.pk: row for row in related.all()}
    kept = set()
    for data in rows:
        row_id = data.get("id")
        if row_id and row_id not in existing:
            raise TeamError(f"Row {row_id} does not belong to this record.")
        row = (
            existing[row_id] if row_id else related.model(**{related.field.name: related.instance})
        )
        before = _fields(row)
        for name, value in data.items():
            if name != "id":
                setattr(row, name, value)
        if row.done_on is not None:
            _not_future(row.done_on, "done_on", "The date an action was done")
        if row.pk is None or _fields(row) != before:
            save_record(row, by=by)
        kept.add(row.pk)
    for pk, row in existing.items():
        if pk not in kept:
            note_change(row, by=by)
            row.delete()


@transaction.atomic
def record_supervision(
    supervision: Supervision,
    *,
    actions: Sequence[Mapping[str, Any]] = (),
    by: AnyUser | None,
) -> Supervision:
    """Record a one-to-one supervision with the actions agreed (or correct one).

    Rules: not dated in the future; the supervisor is someone else; a supervision stays with
    its worker; actions left out are removed.
    """
    if supervision.pk is not None:
        before = Supervision.objects.select_for_update().get(pk=supervision.pk)
        if before.worker_id != supervision.worker_id:
            raise TeamError("A supervision cannot be moved to another worker.", field="worker")
    else:
        supervision.recorded_by = acting(by)
    _not_future(supervision.held_on, "held_on", "A supervision")
    if supervision.worker_id == supervision.supervisor_id:
        raise TeamError("A worker cannot supervise themselves.", field="supervisor")
    save_record(supervision, by=by, exclude=["recorded_by"])
    _sync_rows(supervision.actions, actions, by=by)
    return supervision


@transaction.atomic
def record_team_meeting(
    meeting: TeamMeeting,
    *,
    present: Iterable[Any] = (),
    actions: Sequence[Mapping[str, Any]] = (),
    by: AnyUser | None,
) -> TeamMeeting:
    """Record a team meeting with who was there and the actions agreed (or correct it).

    Rules: not dated in the future; every action has an owner and a due date; actions left out
    are removed.
    """
    if meeting.pk is not None:
        TeamMeeting.objects.select_for_update().get(pk=meeting.pk)
    else:
        meeting.recorded_by = acting(by)
    _not_future(meeting.held_on, "held_on", "A team meeting")
    for row in actions:
        if not row.get("owner") or not row.get("due"):
            raise TeamError("Each action needs who will do it and by when.")
    save_record(meeting, by=by, exclude=["recorded_by"])
    meeting.present.set(list(present))
    _sync_rows(meeting.actions, actions, by=by)
    return meeting


@transaction.atomic
def complete_team_action(action: TeamAction, *, done_on: date | None, by: AnyUser) -> TeamAction:
    """Record that a team action was done (or undo that).

    Rules: not done in the future.
    """
    action = TeamAction.objects.select_for_update().get(pk=action.pk)
    if done_on is not None:
        _not_future(done_on, "done_on", "The date it was done")
    action.done_on = done_on
    return save_record(action, by=by, reason="Done" if done_on else "Reopened")
