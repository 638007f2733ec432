"""Recording and answering people's data protection requests: one entry point per change."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from clients.models import Client
from mars.access import AnyUser
from mars.records import Refusal, acting, save_record
from rights.models import (
    AccessStatus,
    Decision,
    Requester,
    RightsRequest,
    SubjectAccessRequest,
)


class RightsError(Refusal):
    """A change to a request that the rules refuse."""


def _not_future(day: date | None, field: str, what: str) -> None:
    if day is not None and day > timezone.localdate():
        raise RightsError(f"{what} cannot be in the future.", field=field)


def _live_person(client: Client) -> None:
    if client.is_merged:
        into = client.merged_into.reference if client.merged_into else "another record"
        raise RightsError(
            f"{client.reference} was merged into {into}: record the request on the record that "
            "stays.",
            field="client",
        )


@transaction.atomic
def record_access_request(request: SubjectAccessRequest, *, by: AnyUser) -> SubjectAccessRequest:
    """Record a subject access request as received.

    Rules: received on a day not in the future; a representative is named; the due date is one
    calendar month after receipt (computed, never typed); identity checked on or after receipt
    moves it straight to in progress; one open request a person (the database holds it too).
    """
    _live_person(request.client)
    # Lock the person, so two coordinators recording at once make one request, not a 500.
    Client.objects.select_for_update().get(pk=request.client_id)
    if request.pk is not None:
        raise RightsError("This request is already recorded.")
    _not_future(request.received_on, "received_on", "The day it was received")
    if request.requested_by == Requester.REPRESENTATIVE and not request.representative.strip():
        raise RightsError(
            "Name the representative and how they act for the person.", field="representative"
        )
    if request.requested_by == Requester.PERSON:
        request.representative = ""
    if request.identity_checked_on is not None:
        _check_identity_day(request, request.identity_checked_on)
    if SubjectAccessRequest.objects.filter(client=request.client_id).open().exists():
        raise RightsError("This person already has an open subject access request.")
    request.due_on = SubjectAccessRequest.due_for(request.received_on)
    request.status = (
        AccessStatus.IN_PROGRESS if request.identity_checked_on else AccessStatus.IDENTITY_AWAITED
    )
    request.recorded_by = acting(by)
    try:
        with transaction.atomic():
            return save_record(request, by=by)
    except IntegrityError as error:
        raise RightsError("This person already has an open subject access request.") from error


def _check_identity_day(request: SubjectAccessRequest, day: date) -> None:
    _not_future(day, "identity_checked_on", "The day identity was checked")
    if day < request.received_on:
        raise RightsError(
            "Identity is checked on or after the day the request was received.",
            field="identity_checked_on",
        )


def _locked(request: SubjectAccessRequest) -> SubjectAccessRequest:
    return SubjectAccessRequest.objects.select_for_update().get(pk=request.pk)


def _open(request: SubjectAccessRequest) -> None:
    if not request.is_open:
        raise RightsError(f"This request is {request.get_status_display().lower()}.")


@transaction.atomic
def record_identity_check(
    request: SubjectAccessRequest, *, checked_on: date, by: AnyUser
) -> SubjectAccessRequest:
    """Record that the requester's identity (and a representative's authority) was checked.

    Rules: only while the request is open; not before it was received nor in the future. The
    deadline does not move: the law counts from receipt.
    """
    request = _locked(request)
    _open(request)
    _check_identity_day(request, checked_on)
    request.identity_checked_on = checked_on
    request.status = AccessStatus.IN_PROGRESS
    return save_record(request, by=by, reason="Identity checked")


@transaction.atomic
def extend_request(
    request: SubjectAccessRequest, *, to: date, reason: str, by: AnyUser
) -> SubjectAccessRequest:
    """Put back the deadline of a complex request.

    Rules: only while open; with a reason; later than the due date and no more than two months
    past the original due date (Article 12(3)); a later extension may move it again within that.
    """
    request = _locked(request)
    _open(request)
    if not reason.strip():
        raise RightsError("Say why the request needs longer.", field="extension_reason")
    if to <= request.due_on:
        raise RightsError(
            f"An extension goes past the due date ({request.due_on:%d/%m/%Y}).", field="extended_to"
        )
    latest = request.latest_extension()
    if to > latest:
        raise RightsError(
            "An extension is at most two months past the due date: "
            f"{latest:%d/%m/%Y} at the latest.",
            field="extended_to",
        )
    request.extended_to = to
    request.extension_reason = reason.strip()
    return save_record(request, by=by, reason="Deadline extended")


@transaction.atomic
def complete_request(
    request: SubjectAccessRequest, *, completed_on: date, by: AnyUser
) -> SubjectAccessRequest:
    """Record that the person has been given their copy.

    Rules: only while open; identity checked first; not before the identity check nor in the
    future; the export has been made.
    """
    request = _locked(request)
    _open(request)
    if request.identity_checked_on is None:
        raise RightsError("Check the requester's identity before completing the request.")
    _not_future(completed_on, "completed_on", "The day it was completed")
    if completed_on < request.identity_checked_on:
        raise RightsError(
            "A request is completed on or after the day identity was checked.",
            field="completed_on",
        )
    if request.export_made_at is None:
        raise RightsError("Make the export before completing the request.")
    request.completed_on = completed_on
    request.status = AccessStatus.COMPLETED
    return save_record(request, by=by, reason="Completed")


@transaction.atomic
def close_request(
    request: SubjectAccessRequest, *, outcome: str, reason: str, by: AnyUser
) -> SubjectAccessRequest:
    """Close a request without an answer: refused (manifestly unfounded or excessive, or
    identity not proved) or withdrawn by the requester.

    Rules: only while open; with a reason, which the person is told.
    """
    request = _locked(request)
    _open(request)
    if outcome not in (AccessStatus.REFUSED, AccessStatus.WITHDRAWN):
        raise RightsError("A request is closed as refused or withdrawn.", field="outcome")
    if not reason.strip():
        raise RightsError("Give the reason.", field="reason")
    request.status = outcome
    request.closing_reason = reason.strip()
    return save_record(request, by=by, reason=AccessStatus(outcome).label)


@transaction.atomic
def note_export(request: SubjectAccessRequest, *, by: AnyUser) -> SubjectAccessRequest:
    """Record on the request that its export was made (the export itself is not kept).

    Rules: identity checked first; not on a refused or withdrawn request.
    """
    request = _locked(request)
    if request.status in (AccessStatus.REFUSED, AccessStatus.WITHDRAWN):
        raise RightsError(f"This request is {request.get_status_display().lower()}.")
    if request.identity_checked_on is None:
        raise RightsError("Check the requester's identity before making the export.")
    request.export_made_at = timezone.now()
    request.export_made_by = acting(by)
    return save_record(request, by=by, reason="Export made")


@transaction.atomic
def record_rights_request(request: RightsRequest, *, by: AnyUser) -> RightsRequest:
    """Record a request for rectification, erasure, restriction or objection.

    Rules: received on a day not in the future; says what was asked; the same kind on the same
    day is recorded once while undecided.
    """
    _live_person(request.client)
    Client.objects.select_for_update().get(pk=request.client_id)
    if request.pk is not None:
        raise RightsError("This request is already recorded.")
    _not_future(request.received_on, "received_on", "The day it was received")
    if not request.request.strip():
        raise RightsError("Say what the person asked for.", field="request")
    duplicate = RightsRequest.objects.filter(
        client=request.client_id, kind=request.kind, received_on=request.received_on, decision=""
    )
    if duplicate.exists():
        raise RightsError("This request is already recorded.")
    request.recorded_by = acting(by)
    try:
        with transaction.atomic():
            return save_record(request, by=by)
    except IntegrityError as error:
        raise RightsError("This request is already recorded.") from error


@transaction.atomic
def decide_rights_request(
    request: RightsRequest, *, decision: str, reason: str, decided_on: date, by: User | AnyUser
) -> RightsRequest:
    """Decide a rectification, erasure, restriction or objection request.

    Rules: decided once (a second decision is refused: record a new request); with a reason,
    which the person is told; on or after receipt and not in the future.
    """
    request = RightsRequest.objects.select_for_update().get(pk=request.pk)
    if request.is_decided:
        raise RightsError(
            f"This request was already decided ({request.get_decision_display().lower()})."
        )
    if decision not in Decision.values:
        raise RightsError("Choose agreed, partly agreed or refused.", field="decision")
    if not reason.strip():
        raise RightsError("Give the reason for the decision.", field="decision_reason")
    _not_future(decided_on, "decided_on", "The day it was decided")
    if decided_on < request.received_on:
        raise RightsError(
            "A decision is made on or after the day the request was received.",
            field="decided_on",
        )
    request.decision = decision
    request.decision_reason = reason.strip()
    request.decided_on = decided_on
    request.decided_by = acting(by)
    return save_record(request, by=by, reason="Decided")
