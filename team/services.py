"""Recording supervision and team meetings: the pages, the API and the demo all come here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from mars.access import AnyUser
from mars.records import Refusal, acting, save_record, sync_rows
from mars.roles import Role
from team.models import Supervision, TeamAction, TeamMeeting
from team.schedule import supervised_workers


class TeamError(Refusal):
    """A supervision or team meeting change the rules refuse."""


# Who supervises, attends team meetings and owns their actions. A supervisor reads the worker's
# supervision notes (team.access), so nobody outside the team may be named one.
TEAM_ROLES = (Role.OUTREACH, Role.SUPPORT, Role.COORDINATOR, Role.DIRECTOR)


def team_members() -> QuerySet[Any]:
    """Active members of the team: who may supervise, attend a team meeting or own its action."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=TEAM_ROLES)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _not_future(day: date, field: str, what: str) -> None:
    if day > timezone.localdate():
        raise TeamError(f"{what} cannot be in the future.", field=field)


def _done_not_future(row: Any) -> None:
    if row.done_on is not None:
        _not_future(row.done_on, "done_on", "The date an action was done")


@transaction.atomic
def record_supervision(
    supervision: Supervision,
    *,
    actions: Sequence[Mapping[str, Any]] = (),
    by: AnyUser | None,
) -> Supervision:
    """Record a one-to-one supervision with the actions agreed (or correct one).

    Rules: not dated in the future; the supervisor is someone else; the worker is one who is
    supervised (a support or outreach worker) and the supervisor a member of the team (who then
    reads the worker's supervision notes); a supervision stays with its worker; actions left
    out are removed. A correction keeps a worker or supervisor who has since left.
    """
    before = None
    if supervision.pk is not None:
        before = Supervision.objects.select_for_update().get(pk=supervision.pk)
        if before.worker_id != supervision.worker_id:
            raise TeamError("A supervision cannot be moved to another worker.", field="worker")
    else:
        supervision.recorded_by = acting(by)
    _not_future(supervision.held_on, "held_on", "A supervision")
    if supervision.worker_id == supervision.supervisor_id:
        raise TeamError("A worker cannot supervise themselves.", field="supervisor")
    if before is None and not supervised_workers().filter(pk=supervision.worker_id).exists():
        raise TeamError(
            "Supervision is recorded for support and outreach workers: choose one of them.",
            field="worker",
        )
    supervisor_changed = before is None or before.supervisor_id != supervision.supervisor_id
    if supervisor_changed and not team_members().filter(pk=supervision.supervisor_id).exists():
        raise TeamError(
            "The supervisor must be a member of the team (a worker, the coordinator or the "
            "director).",
            field="supervisor",
        )
    save_record(supervision, by=by, exclude=["recorded_by"])
    sync_rows(supervision.actions, actions, by=by, error=TeamError, prepare=_done_not_future)
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

    Rules: not dated in the future; every action has an owner and a due date; those present
    and the owners are members of the team (an owner is reminded of the action past its due
    date), or were recorded so before; actions left out are removed.
    """
    members = set(team_members().values_list("pk", flat=True))
    if meeting.pk is not None:
        TeamMeeting.objects.select_for_update().get(pk=meeting.pk)
        # A correction keeps whoever was recorded already, though they have since left.
        members |= set(meeting.present.values_list("pk", flat=True))
        members |= set(meeting.actions.values_list("owner_id", flat=True))
    else:
        meeting.recorded_by = acting(by)
    _not_future(meeting.held_on, "held_on", "A team meeting")
    present = list(present)
    if any(getattr(person, "pk", person) not in members for person in present):
        raise TeamError("Only members of the team can be recorded as present.", field="present")
    for row in actions:
        if not row.get("owner") or not row.get("due"):
            raise TeamError("Each action needs who will do it and by when.")
        owner = row["owner"]
        if getattr(owner, "pk", owner) not in members:
            raise TeamError("Each action's owner must be a member of the team.", field="owner")
    save_record(meeting, by=by, exclude=["recorded_by"])
    meeting.present.set(present)
    sync_rows(meeting.actions, actions, by=by, error=TeamError, prepare=_done_not_future)
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
