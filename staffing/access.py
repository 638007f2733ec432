"""Who may see and record absences and cover (mars.access holds the machinery).

Case staff see who is away and who covers whom: the team plans around it. The coordinator (and
anyone given `staffing.manage_absences`) records anyone's absence, sickness included; a worker
records and changes their own leave and training only. Sickness is health information about a
colleague: others read it as "Away", and nobody but the coordinator and the worker reads an
absence's notes.
"""

from __future__ import annotations

from typing import Any

from mars.access import AnyUser, can
from staffing.models import Absence, AbsenceKind, CaseloadCover

MANAGE_ABSENCES = "staffing.manage_absences"
# What a worker may record for themselves; sickness and the rest are the coordinator's to record.
OWN_KINDS = (AbsenceKind.LEAVE, AbsenceKind.TRAINING)
AWAY = "Away"


def can_see_attendance(user: AnyUser) -> bool:
    return can(user, "staffing.view_absence")


def manages_absences(user: AnyUser) -> bool:
    return can(user, MANAGE_ABSENCES)


def may_record_absence(user: AnyUser) -> bool:
    """Whether the user may record an absence at all (their own, or anyone's)."""
    return can(user, "staffing.add_absence")


def may_record_for(user: AnyUser, worker: Any, kind: str) -> bool:
    """Anyone's absence with manage_absences; else only one's own leave or training."""
    if manages_absences(user):
        return can(user, "staffing.add_absence")
    return may_record_absence(user) and worker.pk == user.pk and kind in OWN_KINDS


def may_change(user: AnyUser, absence: Absence) -> bool:
    if manages_absences(user):
        return can(user, "staffing.change_absence")
    return (
        can(user, "staffing.change_absence")
        and absence.worker_id == user.pk
        and absence.kind in OWN_KINDS
    )


def reads_details(user: AnyUser, absence: Absence) -> bool:
    """The kind when it is sickness, and the notes: the coordinator's and the worker's own."""
    return manages_absences(user) or absence.worker_id == user.pk


def kind_label(user: AnyUser, absence: Absence) -> str:
    if absence.kind == AbsenceKind.SICKNESS and not reads_details(user, absence):
        return AWAY
    return absence.get_kind_display()


def may_hand_over(user: AnyUser) -> bool:
    return can(user, "staffing.add_caseloadcover")


def may_change_cover(user: AnyUser, cover: CaseloadCover | None = None) -> bool:
    return can(user, "staffing.change_caseloadcover")
