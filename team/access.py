"""Who may see and change supervision, team meetings and the caseloads (mars.roles).

A supervision is read only by its worker, their supervisor and whoever may read every
supervision (the coordinator): to anyone else it does not exist (404), in the pages and the API.
Team meetings are the team's: the case staff read them, the coordinator records them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from mars.access import AnyUser, can, require
from team.models import Supervision, TeamAction

EVERY_SUPERVISION = "team.view_every_supervision"
CASELOADS = "team.view_caseloads"


def visible_supervisions(user: AnyUser) -> QuerySet[Supervision]:
    supervisions = Supervision.objects.all()
    if not user.is_authenticated:
        return supervisions.none()
    if can(user, EVERY_SUPERVISION):
        return supervisions
    return supervisions.filter(Q(worker_id=user.pk) | Q(supervisor_id=user.pk))


def get_supervision(user: AnyUser, pk: int, *, write: bool = False) -> Supervision:
    """One supervision: 404 unless the user may read it; 403 if write is asked and they may
    not change supervision records."""
    try:
        supervision = visible_supervisions(user).select_related("worker", "supervisor").get(pk=pk)
    except (Supervision.DoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error
    if write:
        require(user, "team.change_supervision")
    return supervision


def may_see_supervisions_of(user: AnyUser, worker: Any) -> bool:
    """The worker themselves, the coordinator, and whoever has supervised them."""
    if not user.is_authenticated:
        return False
    if user.pk == worker.pk or can(user, EVERY_SUPERVISION):
        return True
    return Supervision.objects.filter(worker=worker, supervisor_id=user.pk).exists()


def can_record_supervision(user: AnyUser) -> bool:
    return can(user, "team.add_supervision")


def can_see_supervision_list(user: AnyUser) -> bool:
    """The team (who are supervised) and the coordinator; anyone else who has been supervised
    or supervises someone."""
    if not user.is_authenticated:
        return False
    if can(user, "team.view_teammeeting") or can(user, EVERY_SUPERVISION):
        return True
    return Supervision.objects.filter(Q(worker_id=user.pk) | Q(supervisor_id=user.pk)).exists()


def can_see_meetings(user: AnyUser) -> bool:
    return can(user, "team.view_teammeeting")


def can_see_caseloads(user: AnyUser) -> bool:
    return can(user, CASELOADS)


def may_update_action(user: AnyUser, action: TeamAction) -> bool:
    """The coordinator, and the action's owner, mark it done."""
    return can(user, "team.change_teamaction") or (
        can(user, "team.view_teamaction") and action.owner_id == user.pk
    )
