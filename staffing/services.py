"""Changes to absences and caseload cover: one entry point each for page, API and command."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction

from mars.access import AnyUser
from mars.forms import staff_label
from mars.records import Refusal, acting, save_record
from mars.roles import Role
from staffing import access
from staffing.models import Absence, CaseloadCover


class StaffingError(Refusal):
    """A change to absences or cover the rules refuse."""


def staff_choices() -> models.QuerySet[Any]:
    """Staff who go out on sessions or hold a caseload: who is away, covers or is covered."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True, groups__name__in=[Role.SUPPORT, Role.OUTREACH, Role.COORDINATOR]
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _lock_worker(worker_id: int) -> Any:
    # The worker's own row is the lock: two people recording for one worker at once wait in turn,
    # so the overlap check below sees the other's row.
    return get_user_model().objects.select_for_update().get(pk=worker_id)


def _lock_workers(*worker_ids: int) -> dict[int, Any]:
    # Each worker's row, locked in primary-key order: two coordinators handing A's caseload to B
    # and B's to A at once would each lock one and deadlock, or (locking only the worker) both
    # pass the checks that each cover's worker covers no one else.
    users = get_user_model().objects.select_for_update().filter(pk__in=set(worker_ids))
    return {user.pk: user for user in users.order_by("pk")}


def _days(starts: Any, ends: Any) -> str:
    return f"{starts:%d/%m/%Y} to {ends:%d/%m/%Y}"


@transaction.atomic
def record_absence(absence: Absence, *, by: AnyUser | None) -> Absence:
    """Record a planned absence, or change one.

    Rules: a worker records and changes their own leave and training, the coordinator (with
    manage_absences) anyone's absence of any kind; an absence stays with its worker; the last day
    is not before the first; a worker's absences do not overlap.
    """
    user = acting(by)
    worker = _lock_worker(absence.worker_id)
    if absence.pk is not None:
        before = Absence.objects.select_for_update().get(pk=absence.pk)
        if before.worker_id != absence.worker_id:
            raise StaffingError("An absence stays with its worker: record a new one.")
        if user is not None and not access.may_change(user, before):
            raise StaffingError("Only the coordinator changes this absence.")
    else:
        absence.created_by = user
    if user is not None and not access.may_record_for(user, worker, absence.kind):
        raise StaffingError(
            "You may record your own annual leave or training; the coordinator records the rest.",
            field="kind",
        )
    if absence.starts and absence.ends and absence.ends < absence.starts:
        raise StaffingError("The last day away cannot be before the first.", field="ends")
    clash = (
        Absence.objects.filter(worker_id=absence.worker_id)
        .overlapping(absence.starts, absence.ends)
        .exclude(pk=absence.pk)
        .first()
    )
    if clash is not None:
        raise StaffingError(
            f"{staff_label(worker)} is already away from {_days(clash.starts, clash.ends)}: "
            "change that absence instead.",
            field="starts",
        )
    return save_record(absence, by=by, exclude=["created_by"])


@transaction.atomic
def hand_over_caseload(cover: CaseloadCover, *, by: AnyUser | None) -> CaseloadCover:
    """Hand a worker's caseload to a covering worker for a period, or change such a cover.

    Rules: a cover stays with its worker; the covering worker is someone else, and active; the
    last day is not before the first; a worker has at most one cover on any day; the covering
    worker's own caseload is not handed over then, nor is the worker covering someone else then
    (their reminders would go to someone away).
    """
    locked = _lock_workers(cover.worker_id, cover.covered_by_id)
    worker = locked[cover.worker_id]
    if cover.pk is not None:
        before = CaseloadCover.objects.select_for_update().get(pk=cover.pk)
        if before.worker_id != cover.worker_id:
            raise StaffingError("A cover stays with its worker: hand the caseload over anew.")
    else:
        cover.created_by = acting(by)
    covering = locked[cover.covered_by_id]
    if covering.pk == worker.pk:
        raise StaffingError("A worker cannot cover their own caseload.", field="covered_by")
    if not covering.is_active:
        raise StaffingError(f"{staff_label(covering)} no longer works here.", field="covered_by")
    if cover.ends < cover.starts:
        raise StaffingError("The last day of cover cannot be before the first.", field="ends")
    period = CaseloadCover.objects.overlapping(cover.starts, cover.ends).exclude(pk=cover.pk)
    clash = period.filter(worker=worker).select_related("covered_by").first()
    if clash is not None:
        raise StaffingError(
            f"{staff_label(worker)}'s caseload is already covered by "
            f"{staff_label(clash.covered_by)} from {_days(clash.starts, clash.ends)}.",
            field="starts",
        )
    if period.filter(worker=covering).exists():
        raise StaffingError(
            f"{staff_label(covering)}'s own caseload is handed over in that time: choose "
            "someone else.",
            field="covered_by",
        )
    if period.filter(covered_by=worker).exists():
        raise StaffingError(
            f"{staff_label(worker)} covers someone else's caseload in that time: hand that "
            "caseload to someone else first.",
            field="worker",
        )
    return save_record(cover, by=by, exclude=["created_by"])
