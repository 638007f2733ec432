"""Who may see and record absences and cover (mars.access holds the machinery).

Case staff see who is away and who covers whom: the team plans around it. The coordinator (and
anyone given `staffing.manage_absences`) records anyone's absence, sickness included; a worker
records and changes their own leave and training only. Sickness is health information about a
colleague: others read it as "Away" (an absence that ever was sickness too: its history tells),
in its kind, its history and the API's kind filter, and nobody but the coordinator and the
worker reads an absence's notes.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from mars.access import AnyUser, can
from staffing.models import Absence, AbsenceKind, AbsenceQuerySet

MANAGE_ABSENCES = "staffing.manage_absences"
# What a worker may record for themselves; sickness and the rest are the coordinator's to record.
OWN_KINDS = (AbsenceKind.LEAVE, AbsenceKind.TRAINING)
AWAY = "Away"
# The kind a reader who may not read sickness sees in its place (the API's value and filter).
AWAY_KIND = "away"
SHOWN_KINDS = [*AbsenceKind.choices, (AWAY_KIND, AWAY)]


def can_see_attendance(user: AnyUser) -> bool:
    """Whether the user sees the attendance page. Rules: case staff (staffing.view_absence)."""
    return can(user, "staffing.view_absence")


def manages_absences(user: AnyUser) -> bool:
    """Whether the user records and reads anyone's absences. Rules: the coordinator, or anyone
    given staffing.manage_absences."""
    return can(user, MANAGE_ABSENCES)


def may_record_absence(user: AnyUser) -> bool:
    """Whether the user may record an absence at all (their own, or anyone's)."""
    return can(user, "staffing.add_absence")


def may_record_for(user: AnyUser, worker: Any, kind: str) -> bool:
    """Whether the user may record this kind of absence for the worker.

    Rules: anyone's, of any kind, with manage_absences; else only one's own leave or training.
    """
    if manages_absences(user):
        return can(user, "staffing.add_absence")
    return may_record_absence(user) and worker.pk == user.pk and kind in OWN_KINDS


def may_change(user: AnyUser, absence: Absence) -> bool:
    """Whether the user may change the absence.

    Rules: anyone's with manage_absences (and the change permission); else only one's own
    leave or training.
    """
    if manages_absences(user):
        return can(user, "staffing.change_absence")
    return (
        can(user, "staffing.change_absence")
        and absence.worker_id == user.pk
        and absence.kind in OWN_KINDS
    )


def reads_details(user: AnyUser, absence: Absence) -> bool:
    """Whether the user reads the absence's sickness and notes. Rules: the coordinator's (with
    manage_absences) and the worker's own; nobody else's."""
    return manages_absences(user) or absence.worker_id == user.pk


def hides_kind(user: AnyUser, absence: Absence) -> bool:
    """Whether the user reads the absence's kind as "Away". Rules: when it is or ever was
    sickness (Absence.was_ever_sickness) and the user may not read its details."""
    return not reads_details(user, absence) and absence.was_ever_sickness()


def kind_label(user: AnyUser, absence: Absence) -> str:
    """The kind as the user reads it: "Away" where it hides sickness (hides_kind)."""
    return AWAY if hides_kind(user, absence) else absence.get_kind_display()


def shown_kind(user: AnyUser, absence: Absence) -> str:
    """The kind's value as the user reads it: AWAY_KIND where it hides sickness (hides_kind)."""
    return AWAY_KIND if hides_kind(user, absence) else absence.kind


def with_kind_shown(user: AnyUser, absences: AbsenceQuerySet, kind: str) -> AbsenceQuerySet:
    """The absences whose kind the user reads as `kind` (a value of SHOWN_KINDS).

    Rules: as hides_kind, in the database: an absence that is or was sickness, and not the
    user's own, is "away" to those without manage_absences, and never any other kind; to the
    coordinator nothing is "away".
    """
    if manages_absences(user):
        return absences.none() if kind == AWAY_KIND else absences.filter(kind=kind)
    hidden = Q(ever_sickness=True) & ~Q(worker_id=user.pk)
    absences = absences.with_sickness_known()
    if kind == AWAY_KIND:
        return absences.filter(hidden)
    return absences.filter(kind=kind).exclude(hidden)


def may_hand_over(user: AnyUser) -> bool:
    """Whether the user hands a caseload over. Rules: staffing.add_caseloadcover (the
    coordinator's); changing a cover asks for change_caseloadcover (mars.access.get_visible)."""
    return can(user, "staffing.add_caseloadcover")
