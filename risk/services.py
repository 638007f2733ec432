"""Changes to risk records that carry rules: one entry point for page, API, task and command."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clients import services as client_services
from clients.access import may_see_special_category
from clients.models import Agency, Client
from mars import access
from mars.access import AnyUser
from mars.dates import add_months, uk_date
from mars.records import Refusal, acting, save_record, sync_rows
from risk.access import require_may_read_alerts
from risk.models import (
    ActionStatus,
    Area,
    AreaRating,
    DecisionOutcome,
    Meeting,
    MeetingAction,
    PlanAction,
    PlanDecision,
    PlanStatus,
    RiskAssessment,
    RiskPlan,
    SafeguardingConcern,
    highest,
)


class RiskError(Refusal):
    """A change to risk records the rules refuse."""


def _person(client_id: int) -> Client:
    """The person, locked: changes to one person's risk records happen one at a time."""
    return client_services.lock_unmerged_person(client_id, refusal=RiskError)


def _not_future(day: date, field: str, what: str) -> None:
    if day > timezone.localdate():
        raise RiskError(f"{what} cannot be in the future.", field=field)


# Assessments


def review_limit(level: str, assessed_on: date) -> date:
    """The latest review date a level allows (high 1 month, medium 3, low 6: settings)."""
    return add_months(assessed_on, settings.RISK_REVIEW_MONTHS[level])


@transaction.atomic
def record_assessment(
    assessment: RiskAssessment,
    ratings: Mapping[str, Mapping[str, Any]],
    *,
    review_due: date | None = None,
    by: AnyUser | None,
) -> RiskAssessment:
    """Record a risk assessment (or correct one) with a level for every area.

    Rules: every area is rated low, medium or high; the overall level is the highest area; the
    review is due when the level says (settings.RISK_REVIEW_MONTHS) unless set earlier, never
    later; it is not dated in the future; a merged person's record takes nothing new; an area's
    note may be marked sensitive, and one who may not read a sensitive note leaves it as it is.
    """
    _person(assessment.client_id)
    if assessment.pk is not None:
        stored = RiskAssessment.objects.select_for_update().get(pk=assessment.pk)
        if stored.client_id != assessment.client_id:
            raise RiskError("An assessment cannot be moved to another person.")
    _not_future(assessment.assessed_on, "assessed_on", "An assessment")
    missing = [label for area, label in Area.choices if not ratings.get(area, {}).get("level")]
    if missing:
        raise RiskError(f"Rate every area: {', '.join(missing)} not rated yet.")
    unknown = set(ratings) - set(Area.values)
    if unknown:
        raise RiskError(f"Unknown risk areas: {', '.join(sorted(unknown))}.")
    assessment.level = highest([ratings[area]["level"] for area in Area.values])
    limit = review_limit(assessment.level, assessment.assessed_on)
    if review_due is None:
        review_due = limit
    elif review_due > limit:
        raise RiskError(
            f"A {assessment.get_level_display().lower()} risk is reviewed by {uk_date(limit)}: "
            "choose that date or an earlier one.",
            field="review_due",
        )
    elif review_due <= assessment.assessed_on:
        raise RiskError("The review is due after the assessment date.", field="review_due")
    assessment.review_due = review_due
    if assessment.assessor_id is None:
        assessor = acting(by)
        if assessor is None:
            raise RiskError("Say who made the assessment.", field="assessor")
        assessment.assessor = assessor
    save_record(assessment, by=by)
    existing = {rating.area: rating for rating in assessment.areas.all()}
    # A sensitive note its writer may not read is kept as it is (they were shown it as held).
    sees_special = by is not None and may_see_special_category(by, assessment.client)
    for area in Area.values:
        given = ratings[area]
        rating = existing.get(area) or AreaRating(assessment=assessment, area=area)
        before = _fields(rating)
        rating.level = given["level"]
        if sees_special or not (rating.sensitive and rating.notes):
            rating.notes = (given.get("notes") or "").strip()
            rating.sensitive = bool(given.get("sensitive"))
        rating.triggers = (given.get("triggers") or "").strip()
        if rating.pk is None or _fields(rating) != before:
            save_record(rating, by=by)
    return assessment


# Risk plans


def can_approve(user: AnyUser, plan: RiskPlan) -> bool:
    """Coordinators approve plans; the director may approve one a coordinator submitted."""
    if access.can(user, "risk.approve_riskplan"):
        return True
    author = plan.submitted_by
    return (
        access.can(user, "risk.approve_coordinators_riskplan")
        and author is not None
        and author.has_perm("risk.approve_riskplan")
    )


def is_own_plan(plan: RiskPlan, user: AnyUser) -> bool:
    """Whether the user wrote or submitted this version (and so may not decide it)."""
    return user.pk in (plan.drafted_by_id, plan.submitted_by_id)


def decision_refusal(user: AnyUser, plan: RiskPlan) -> str | None:
    """Why the user may not approve or return this version now, or None if they may.

    Rules: only a submitted version is decided; nobody decides a version they wrote or
    submitted; only a coordinator decides (the director too, for a coordinator's plan).
    """
    if plan.status != PlanStatus.SUBMITTED:
        return f"This version is {plan.get_status_display().lower()}, not waiting."
    if is_own_plan(plan, user):
        return (
            "You cannot approve or return a plan you wrote or submitted: "
            "another coordinator (or the director, for a coordinator's plan) decides it."
        )
    if not can_approve(user, plan):
        return "Only a coordinator approves risk plans."
    return None


def may_decide(user: AnyUser, plan: RiskPlan) -> bool:
    """Whether the user may approve or return this version now."""
    return decision_refusal(user, plan) is None


def _check_assessment(plan: RiskPlan) -> None:
    if plan.assessment.client_id != plan.client_id:
        raise RiskError("Choose an assessment of this person.", field="assessment")


def _fields(row: Any) -> tuple[Any, ...]:
    return tuple(getattr(row, f.attname) for f in row._meta.concrete_fields)


def _require_may_read_alerts(plan: RiskPlan, by: AnyUser | None) -> None:
    """Only one who may read every alert a version carries writes over it: a new version
    replaces the alerts in force once approved, so otherwise a restricted one could be dropped
    unseen. (The app's own writes, with no user, are not refused.)"""
    if by is not None:
        require_may_read_alerts(by, plan.alerts.all(), plan.client)


@transaction.atomic
def draft_plan(
    plan: RiskPlan,
    *,
    actions: Sequence[Mapping[str, Any]] = (),
    alerts: Sequence[Mapping[str, Any]] = (),
    by: AnyUser | None,
) -> RiskPlan:
    """Start a new version of a person's risk plan, as a draft.

    Rules: a person has one version being written or decided at a time; the new version changes
    the plan in force (if any), which stays in force until the new one is approved; it answers an
    assessment of the same person.
    """
    _person(plan.client_id)
    _check_assessment(plan)
    writing = RiskPlan.objects.open().filter(client_id=plan.client_id).first()
    if writing is not None:
        raise RiskError(
            f"Version {writing.version} of this person's plan is "
            f"{writing.get_status_display().lower()}: change that one instead."
        )
    newest = RiskPlan.objects.filter(client_id=plan.client_id).order_by("-version").first()
    plan.previous = RiskPlan.objects.in_force().filter(client_id=plan.client_id).first()
    if plan.previous is not None:
        _require_may_read_alerts(plan.previous, by)
    plan.version = newest.version + 1 if newest is not None else 1
    plan.status = PlanStatus.DRAFT
    plan.drafted_by = acting(by)
    save_record(plan, by=by, reason=f"Version {plan.version} drafted")
    sync_rows(plan.actions, actions, by=by, error=RiskError)
    sync_rows(plan.alerts, alerts, by=by, error=RiskError)
    return plan


def _locked_plan(plan: RiskPlan) -> RiskPlan:
    _person(plan.client_id)
    return RiskPlan.objects.select_for_update().select_related("assessment").get(pk=plan.pk)


@transaction.atomic
def save_plan(
    plan: RiskPlan,
    *,
    actions: Sequence[Mapping[str, Any]],
    alerts: Sequence[Mapping[str, Any]],
    by: AnyUser | None,
) -> RiskPlan:
    """Change a draft or returned version: its text, actions and alerts.

    Rules: a submitted version waits for its decision; an approved or superseded version is
    read-only (a change is a new version).
    """
    before = _locked_plan(plan)
    _require_may_read_alerts(before, by)
    if not before.is_editable:
        raise RiskError(
            f"This version is {before.get_status_display().lower()}: it cannot be changed"
            + (" (start a new version)." if before.status != PlanStatus.SUBMITTED else ".")
        )
    if before.client_id != plan.client_id:
        raise RiskError("A plan cannot be moved to another person.")
    _check_assessment(plan)
    plan.status, plan.version, plan.previous_id = before.status, before.version, before.previous_id
    save_record(plan, by=by)
    sync_rows(plan.actions, actions, by=by, error=RiskError)
    sync_rows(plan.alerts, alerts, by=by, error=RiskError)
    return plan


@transaction.atomic
def submit_plan(plan: RiskPlan, *, by: AnyUser) -> RiskPlan:
    """Send a draft (or returned) version to a coordinator for approval.

    Rules: it has at least one action; the assessment it answers is not past its review date.
    """
    plan = _locked_plan(plan)
    if not plan.is_editable:
        raise RiskError(f"This version is {plan.get_status_display().lower()} already.")
    if not plan.actions.exists():
        raise RiskError("Add at least one action before submitting the plan.")
    if plan.assessment.review_due < timezone.localdate():
        raise RiskError(
            f"The assessment this plan answers was due for review on "
            f"{uk_date(plan.assessment.review_due)}: assess again and answer the new assessment."
        )
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_by = acting(by)
    plan.submitted_at = timezone.now()
    return save_record(plan, by=by, reason="Submitted for approval")


def _decidable(plan: RiskPlan, by: AnyUser) -> RiskPlan:
    plan = _locked_plan(plan)
    refusal = decision_refusal(by, plan)
    if refusal is not None:
        raise RiskError(refusal)
    return plan


def _decided(plan: RiskPlan, outcome: str, comment: str, by: AnyUser) -> RiskPlan:
    """Save the decided version and keep the decision, with its comment, beside it."""
    save_record(plan, by=by, reason=DecisionOutcome(outcome).label)
    decision = PlanDecision(
        plan=plan, outcome=outcome, decided_by=acting(by), comment=comment.strip()
    )
    save_record(decision, by=by)
    return plan


@transaction.atomic
def approve_plan(plan: RiskPlan, *, comment: str = "", by: AnyUser) -> RiskPlan:
    """Approve a submitted version: it comes into force and the version it changes is superseded.

    Rules: only a coordinator approves (the director too, for a plan a coordinator submitted);
    nobody approves a plan they wrote or submitted; a version is decided once.
    """
    plan = _decidable(plan, by)
    in_force = RiskPlan.objects.select_for_update().in_force().filter(client_id=plan.client_id)
    for old in in_force:
        old.status = PlanStatus.SUPERSEDED
        save_record(old, by=by, reason=f"Superseded by version {plan.version}")
    plan.status = PlanStatus.APPROVED
    plan.approved_by = acting(by)
    plan.approved_at = timezone.now()
    return _decided(plan, DecisionOutcome.APPROVED, comment, by)


@transaction.atomic
def return_plan(plan: RiskPlan, *, comment: str, by: AnyUser) -> RiskPlan:
    """Return a submitted version to its author with what needs to change.

    Rules: as for approval; the comment is required.
    """
    if not comment.strip():
        raise RiskError("Say what needs to change.", field="comment")
    plan = _decidable(plan, by)
    plan.status = PlanStatus.RETURNED
    return _decided(plan, DecisionOutcome.RETURNED, comment, by)


@transaction.atomic
def complete_plan_action(action: PlanAction, *, done_on: date | None, by: AnyUser) -> PlanAction:
    """Record that an action of a plan was done (or undo that), without changing the plan.

    Rules: only on a version in force or being written; not in the future.
    """
    plan = _locked_plan(action.plan)
    if plan.status == PlanStatus.SUPERSEDED:
        raise RiskError("This version has been superseded: record it on the plan in force.")
    action = PlanAction.objects.select_for_update().get(pk=action.pk)
    if done_on is not None:
        _not_future(done_on, "done_on", "The date it was done")
    action.done_on = done_on
    return save_record(action, by=by, reason="Done" if done_on else "Reopened")


def plan_in_force(client: Client) -> RiskPlan | None:
    return RiskPlan.objects.in_force().select_related("assessment").filter(client=client).first()


def require_current_plan(client: Client, *, today: date | None = None) -> RiskPlan:
    """The person's approved plan, if its review date has not passed; else a refusal saying why.

    (MARS House signs nobody up without one.)
    """
    today = today or timezone.localdate()
    plan = plan_in_force(client)
    if plan is None:
        raise RiskError(
            f"{client.reference} has no approved risk plan: one must be approved first."
        )
    if plan.review_due < today:
        raise RiskError(
            f"{client.reference}'s risk plan was due for review on {uk_date(plan.review_due)}: "
            "a reviewed plan must be approved first."
        )
    return plan


# Meetings


@transaction.atomic
def save_meeting(
    meeting: Meeting,
    *,
    staff: Iterable[Any] = (),
    agencies: Iterable[Agency] = (),
    actions: Sequence[Mapping[str, Any]] = (),
    by: AnyUser | None,
) -> Meeting:
    """Record a meeting about a person with who was there and the actions agreed (or correct it).

    Rules: not dated in the future; every action has an owner and a due date; actions left out
    are removed.
    """
    _person(meeting.client_id)
    if meeting.pk is not None:
        before = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if before.client_id != meeting.client_id:
            raise RiskError("A meeting cannot be moved to another person.")
    else:
        meeting.recorded_by = acting(by)
    _not_future(meeting.held_on, "held_on", "A meeting")
    save_record(meeting, by=by, exclude=["recorded_by"])
    meeting.staff.set(list(staff))
    meeting.agencies.set(list(agencies))
    sync_rows(meeting.actions, actions, by=by, error=RiskError, prepare=_dated_when_done)
    return meeting


def _dated_when_done(action: MeetingAction) -> None:
    """A done action keeps the day it was done (today, when first marked); others have none."""
    if action.status != ActionStatus.DONE:
        action.done_on = None
    elif action.done_on is None:
        action.done_on = timezone.localdate()


@transaction.atomic
def update_action(
    action: MeetingAction, *, status: str, done_on: date | None = None, by: AnyUser
) -> MeetingAction:
    """Mark a meeting action done, cancelled or open again.

    Rules: a done action has the day it was done (today unless given), not in the future.
    """
    action = MeetingAction.objects.select_for_update().get(pk=action.pk)
    if status not in ActionStatus.values:
        raise RiskError("Choose open, done or cancelled.", field="status")
    if status == ActionStatus.DONE:
        done_on = done_on or timezone.localdate()
        _not_future(done_on, "done_on", "The date it was done")
    else:
        done_on = None
    action.status, action.done_on = status, done_on
    return save_record(action, by=by, reason=ActionStatus(status).label)


# Safeguarding


@transaction.atomic
def save_concern(concern: SafeguardingConcern, *, by: AnyUser | None) -> SafeguardingConcern:
    """Raise a safeguarding concern, or record its referral and outcome.

    Rules: not raised in the future; referred and closed no earlier than raised; a closed concern
    says what came of it.
    """
    _person(concern.client_id)
    if concern.pk is None:
        concern.raised_by = acting(by)
    else:
        before = SafeguardingConcern.objects.select_for_update().get(pk=concern.pk)
        if before.client_id != concern.client_id:
            raise RiskError("A concern cannot be moved to another person.")
    _not_future(concern.raised_on, "raised_on", "A concern")
    for name in ("referred_on", "closed_on"):
        day = getattr(concern, name)
        if day is not None and day < concern.raised_on:
            raise RiskError("This is dated before the concern was raised.", field=name)
        if day is not None:
            _not_future(day, name, "This date")
    return save_record(concern, by=by, exclude=["raised_by"])
