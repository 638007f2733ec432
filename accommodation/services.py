"""Changes to accommodation records that carry rules: one entry point for page, API and command."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from accommodation.models import (
    LIVE,
    MARS_HOUSE_LIVE,
    STATUS_AFTER,
    STATUS_WHILE_PLACED,
    A2AReferral,
    EndReason,
    HouseIssue,
    MarsHouseReferral,
    MarsHouseStatus,
    Placement,
    Property,
    PropertyType,
    Provider,
    ReferralStatus,
    Unavailability,
    Unit,
    UnitKind,
)
from clients import services as client_services
from clients.models import Client, ClientStatus
from mars.access import AnyUser
from mars.dates import uk_date
from mars.records import Refusal, acting, save_record
from risk import services as risk_services


class AccommodationError(Refusal):
    """A change to accommodation records the rules refuse."""


def _person(client_id: int) -> Client:
    return client_services.lock_unmerged_person(client_id, refusal=AccommodationError)


# Providers, properties, units


@transaction.atomic
def save_provider(provider: Provider, *, by: AnyUser | None) -> Provider:
    """Create or change a provider."""
    return save_record(provider, by=by)


def _free_key(name: str, exclude_pk: int | None) -> str:
    base = slugify(name)[:50] or "property"
    key, n = base, 1
    others = Property.objects.all()
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    while others.filter(key=key).exists():
        n += 1
        key = f"{base}-{n}"
    return key


@transaction.atomic
def save_property(prop: Property, *, units: Sequence[str] = (), by: AnyUser | None) -> Property:
    """Create or change a property, adding the named units.

    Rules: the key is made from the name when not given; a new property gets at least one unit
    ("Whole property" when none is named), since a placement is always in a unit.
    """
    if not prop.key:
        prop.key = _free_key(prop.name, prop.pk)
    is_new = prop.pk is None
    save_record(prop, by=by)
    names = [" ".join(name.split()) for name in units if name.strip()]
    if is_new and not names:
        names = ["Whole property"]
    existing = set(prop.units.values_list("name", flat=True))
    for name in dict.fromkeys(names):
        if name not in existing:
            save_record(Unit(property=prop, name=name, kind=unit_kind_for(prop.type)), by=by)
    return prop


def unit_kind_for(property_type: str) -> str:
    if property_type in (PropertyType.HOSTEL, PropertyType.NIGHT_SHELTER, PropertyType.SWEP):
        return UnitKind.BED
    if property_type in (PropertyType.HOUSING_FIRST, PropertyType.SOCIAL_HOUSING):
        return UnitKind.FLAT
    return UnitKind.ROOM


@transaction.atomic
def save_unit(unit: Unit, *, by: AnyUser | None) -> Unit:
    """Create or change a unit.

    Rules: names are unique within a property; a unit someone lives in stays in use.
    """
    if unit.pk is not None:
        Unit.objects.select_for_update().get(pk=unit.pk)
        if not unit.active and unit.placements.current().exists():
            raise AccommodationError("Someone lives in this unit: end their placement first.")
    return save_record(unit, by=by)


@transaction.atomic
def save_property_with_units(
    prop: Property, units: Sequence[Unit], *, by: AnyUser | None
) -> Property:
    """Create or change a property together with its units (new or changed), as one change.

    Rules: a property has at least one unit, since a placement is always in a unit (a new
    property with none given is refused, not given a default); the key is made from the name when
    not given; each unit is saved as save_unit saves it (names unique within the property; a unit
    someone lives in stays in use).
    """
    if not units and (prop.pk is None or not prop.units.exists()):
        raise AccommodationError(
            "A property needs at least one unit: add its rooms, beds or flats."
        )
    if not prop.key:
        prop.key = _free_key(prop.name, prop.pk)
    save_record(prop, by=by)
    for unit in units:
        unit.property = prop
        save_unit(unit, by=by)
    return prop


@transaction.atomic
def save_unavailability(period: Unavailability, *, by: AnyUser | None) -> Unavailability:
    """Mark a unit out of use for a period (or change such a period).

    Rules: periods of one unit do not overlap; it ends after it starts.
    """
    Unit.objects.select_for_update().get(pk=period.unit_id)
    if period.pk is None:
        period.recorded_by = acting(by)
    period.full_clean(exclude=["recorded_by"])
    clash = (
        Unavailability.objects.filter(unit_id=period.unit_id)
        .exclude(pk=period.pk)
        .overlapping(period.start, period.end)
        .first()
    )
    if clash is not None:
        raise AccommodationError(
            f"This overlaps another period out of use: {clash.reason}, from {uk_date(clash.start)}."
        )
    return save_record(period, by=by, exclude=["recorded_by"])


# A2A referrals and the panel


@transaction.atomic
def refer_to_panel(referral: A2AReferral, *, by: AnyUser | None) -> A2AReferral:
    """Send a person's referral to the A2A panel, or correct one that is still waiting.

    Rules: a merged person's record takes nothing new; it is not dated in the future; a person
    has one live referral at a time; once decided, only the panel's actions change a referral.
    """
    _person(referral.client_id)
    if referral.referred_on > timezone.localdate():
        raise AccommodationError("A referral cannot be dated in the future.", field="referred_on")
    if referral.pk is None:
        referral.status = ReferralStatus.SUBMITTED
        referral.priority = None
        if referral.referred_by_id is None:
            referrer = acting(by)
            if referrer is None:
                raise AccommodationError("Say who made the referral.")
            referral.referred_by = referrer
        live = A2AReferral.objects.filter(client_id=referral.client_id, status__in=LIVE).first()
        if live is not None:
            raise AccommodationError(
                f"This person already has a live A2A referral "
                f"({live.get_status_display().lower()}, made {uk_date(live.referred_on)}): "
                "change that one or withdraw it first."
            )
    else:
        before = A2AReferral.objects.select_for_update().get(pk=referral.pk)
        if not before.is_waiting:
            raise AccommodationError(
                f"This referral is {before.get_status_display().lower()}: "
                "it can no longer be changed."
            )
        if before.client_id != referral.client_id:
            raise AccommodationError("A referral cannot be moved to another person.")
        referral.status, referral.priority = before.status, before.priority
    return save_record(referral, by=by)


def _waiting_referral(referral: A2AReferral) -> A2AReferral:
    referral = A2AReferral.objects.select_for_update().get(pk=referral.pk)
    if not referral.is_waiting:
        raise AccommodationError(
            f"This referral is {referral.get_status_display().lower()} already."
        )
    return referral


@transaction.atomic
def prioritise_referral(referral: A2AReferral, priority: int, *, by: AnyUser) -> A2AReferral:
    """The panel takes a referral under review and sets its priority (1 most urgent, to 3).

    Rules: only a live referral is prioritised; an approved one keeps its status.
    """
    referral = A2AReferral.objects.select_for_update().get(pk=referral.pk)
    if referral.status not in LIVE:
        raise AccommodationError(f"This referral is {referral.get_status_display().lower()}.")
    if priority not in (1, 2, 3):
        raise AccommodationError("Priority is 1, 2 or 3.")
    referral.priority = priority
    if referral.status == ReferralStatus.SUBMITTED:
        referral.status = ReferralStatus.UNDER_REVIEW
    return save_record(referral, by=by, reason=f"Priority {priority}")


@transaction.atomic
def decide_referral(
    referral: A2AReferral,
    *,
    approve: bool,
    reason: str,
    priority: int | None = None,
    by: AnyUser,
) -> A2AReferral:
    """The panel approves or declines a waiting referral, with its reason.

    Rules: only a waiting referral is decided, once (two panel members deciding at once get one
    decision); a decision gives a reason; who decided and when is kept.
    """
    referral = _waiting_referral(referral)
    if not reason.strip():
        raise AccommodationError("Give the reason for the decision.")
    if priority is not None:
        referral.priority = priority
    referral.status = ReferralStatus.APPROVED if approve else ReferralStatus.DECLINED
    referral.decided_by = acting(by)
    referral.decided_at = timezone.now()
    referral.decision_reason = reason.strip()
    return save_record(referral, by=by, reason="Approved" if approve else "Declined")


@transaction.atomic
def withdraw_referral(referral: A2AReferral, *, reason: str, by: AnyUser) -> A2AReferral:
    """Withdraw a live referral (the person found somewhere, or no longer wants it).

    Rules: only a live referral is withdrawn, with a reason.
    """
    referral = A2AReferral.objects.select_for_update().get(pk=referral.pk)
    if referral.status not in LIVE:
        raise AccommodationError(
            f"This referral is {referral.get_status_display().lower()} already."
        )
    if not reason.strip():
        raise AccommodationError("Say why the referral is withdrawn.")
    referral.status = ReferralStatus.WITHDRAWN
    referral.decision_reason = reason.strip()
    return save_record(referral, by=by, reason="Withdrawn")


# Placements


def status_from_placements(client: Client, today: date | None = None) -> str | None:
    """The status a person's placements give them: where they live now, or how they last left."""
    today = today or timezone.localdate()
    placements = Placement.objects.filter(client=client).select_related("unit__property")
    current = placements.current(today).first()
    if current is not None:
        return STATUS_WHILE_PLACED.get(
            current.unit.property.type, ClientStatus.TEMPORARY_ACCOMMODATION
        )
    last = placements.filter(end__isnull=False, end__lte=today).order_by("-end", "-start").first()
    if last is None:
        return None
    return STATUS_AFTER.get(last.end_reason, ClientStatus.AT_RISK)


def follow_status(client: Client, *, by: AnyUser | None, reason: str) -> None:
    """Give a person the status their placements leave them with."""
    client_services.follow_status(client, status_from_placements(client), by=by, reason=reason)


def check_stay_dates(start: date, end: date | None, end_reason: str) -> None:
    """Refuse a stay's days the rules do not allow (placing, ending, correcting, importing).

    Rules: nobody moves in on a future day; an end is recorded on the day the person leaves, not
    before, and not before they moved in; an ended stay says why it ended.
    """
    today = timezone.localdate()
    if start > today:
        raise AccommodationError(
            "A placement starts on the day the person moves in, not later.", field="start"
        )
    if end is None:
        return
    if end > today:
        raise AccommodationError(
            "Record the end on the day the person leaves; use the planned end before then.",
            field="end",
        )
    if end < start:
        raise AccommodationError(
            f"A placement cannot end before it started ({uk_date(start)}).", field="end"
        )
    if end_reason not in EndReason.values:
        raise AccommodationError("Choose why the placement ended.", field="end_reason")


def check_in_use_on(unit: Unit, day: date) -> None:
    """Refuse a move into a unit on a day it is out of use."""
    out_of_use = Unavailability.objects.filter(unit=unit).on(day).first()
    if out_of_use is not None:
        raise AccommodationError(f"{unit} is out of use on {uk_date(day)}: {out_of_use.reason}.")


def check_free(
    client: Client, unit: Unit, start: date, end: date | None, *, exclude_pk: int | None = None
) -> None:
    """Refuse a stay that would share a day with another of the unit or of the person."""
    others = Placement.objects.all()
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    theirs = others.filter(unit=unit).overlapping(start, end).first()
    if theirs is not None:
        until = f" to {uk_date(theirs.end)}" if theirs.end else ""
        raise AccommodationError(
            f"{unit} is not free: {theirs.client.reference} is placed there from "
            f"{uk_date(theirs.start)}{until}."
        )
    mine = others.filter(client=client).overlapping(start, end).first()
    if mine is not None:
        raise AccommodationError(
            f"{client.display_name} already has a placement at {mine.unit} from "
            f"{uk_date(mine.start)}: end it or move them instead."
        )


def _lock_units(*units: Unit) -> dict[int, Unit]:
    # A fixed order, so two moves between the same two units cannot deadlock.
    ids = sorted({u.pk for u in units})
    return {
        u.pk: u
        for u in Unit.objects.select_for_update()
        .select_related("property")
        .filter(pk__in=ids)
        .order_by("pk")
    }


@transaction.atomic
def place_client(
    client: Client,
    unit: Unit,
    *,
    start: date,
    planned_end: date | None = None,
    nightly_cost: Decimal | None = None,
    referral: A2AReferral | None = None,
    notes: str = "",
    by: AnyUser | None,
) -> Placement:
    """Place a person in a unit from a day.

    Rules: the person's record is not merged; the unit is in use and not out of use that day;
    the unit never holds two placements on one day, nor does a person (the person's and the
    unit's rows are locked, in that order, so two workers placing into one bed at once get one
    placement); nobody moves in on a future day; an A2A referral it comes from is the person's
    and approved, and becomes placed. The person's status follows.
    """
    person = _person(client.pk)
    unit = _lock_units(unit)[unit.pk]
    check_stay_dates(start, None, "")
    if not unit.active or not unit.property.active:
        raise AccommodationError(f"{unit} is not in use.")
    check_in_use_on(unit, start)
    check_free(person, unit, start, None)
    if referral is not None:
        referral = A2AReferral.objects.select_for_update().get(pk=referral.pk)
        if referral.client_id != person.pk:
            raise AccommodationError("That A2A referral is for someone else.")
        if referral.status != ReferralStatus.APPROVED:
            raise AccommodationError(
                f"That A2A referral is {referral.get_status_display().lower()}: "
                "the panel must approve it first."
            )
    placement = Placement(
        client=person,
        unit=unit,
        start=start,
        planned_end=planned_end,
        nightly_cost=nightly_cost,
        referral=referral,
        notes=notes,
        placed_by=acting(by),
    )
    try:
        with transaction.atomic():
            save_record(placement, by=by, exclude=["placed_by"])
    except IntegrityError as error:  # the database's backstop, should the locks ever be bypassed
        raise AccommodationError(
            f"{unit} or {person.display_name} was placed by someone else just now."
        ) from error
    if referral is not None:
        referral.status = ReferralStatus.PLACED
        save_record(referral, by=by, reason=f"Placed at {unit}")
    follow_status(person, by=by, reason=f"Placed at {unit}")
    return placement


@transaction.atomic
def end_placement(
    placement: Placement,
    *,
    end: date,
    reason: str,
    destination: str = "",
    by: AnyUser | None,
) -> Placement:
    """Record that a person left a placement.

    Rules: only an open placement ends, with a reason, on or after its start and not in the
    future. The person's status follows.
    """
    person = _person(placement.client_id)
    placement = (
        Placement.objects.select_for_update().select_related("unit__property").get(pk=placement.pk)
    )
    if placement.end is not None:
        raise AccommodationError(f"This placement ended on {uk_date(placement.end)} already.")
    check_stay_dates(placement.start, end, reason)
    placement.end, placement.end_reason = end, reason
    placement.move_on_destination = destination or placement.move_on_destination
    save_record(placement, by=by, reason=f"Ended: {placement.get_end_reason_display()}")
    follow_status(
        person, by=by, reason=f"Left {placement.unit}: {placement.get_end_reason_display()}"
    )
    return placement


@transaction.atomic
def move_client(
    placement: Placement,
    unit: Unit,
    *,
    on: date,
    planned_end: date | None = None,
    nightly_cost: Decimal | None = None,
    by: AnyUser | None,
) -> Placement:
    """Move a person to another unit: one placement ends that day, the next starts that day.

    Rules: those of end_placement and place_client; the new unit is a different one.
    """
    if placement.unit_id == unit.pk:
        raise AccommodationError("Choose a different unit to move to.")
    person = _person(placement.client_id)
    _lock_units(placement.unit, unit)
    end_placement(placement, end=on, reason=EndReason.TRANSFERRED, destination=str(unit), by=by)
    old = Placement.objects.get(pk=placement.pk)
    return place_client(
        person,
        unit,
        start=on,
        planned_end=planned_end if planned_end is not None else old.planned_end,
        nightly_cost=nightly_cost if nightly_cost is not None else old.nightly_cost,
        by=by,
    )


@transaction.atomic
def correct_placement(placement: Placement, *, by: AnyUser | None) -> Placement:
    """Correct a placement's dates and details (not its person or unit: move the person instead).

    Rules: the corrected days still never overlap another placement of the unit or the person;
    an end has a reason. The person's status follows.
    """
    before = Placement.objects.get(pk=placement.pk)
    if before.client_id != placement.client_id or before.unit_id != placement.unit_id:
        raise AccommodationError(
            "A placement's person and unit stay as they are: move the person instead."
        )
    # The same order as place_client and end_placement: person, unit, then the placement.
    person = _person(placement.client_id)
    _lock_units(placement.unit)
    Placement.objects.select_for_update().get(pk=placement.pk)
    if placement.end is None:
        placement.end_reason = ""
    check_stay_dates(placement.start, placement.end, placement.end_reason)
    check_free(person, placement.unit, placement.start, placement.end, exclude_pk=placement.pk)
    save_record(placement, by=by, exclude=["placed_by", "referral"])
    follow_status(person, by=by, reason=f"Placement at {placement.unit} corrected")
    return placement


# MARS House


def _is_mars_house(unit: Unit) -> bool:
    return unit.property.type == PropertyType.MARS_HOUSE


@transaction.atomic
def receive_mars_house_referral(
    referral: MarsHouseReferral, *, by: AnyUser | None
) -> MarsHouseReferral:
    """Take in a MARS House referral, or correct its details.

    Rules: a person has one live MARS House referral; a merged person's record takes nothing new;
    the status changes only through assessment, decision, sign-up and withdrawal.
    """
    _person(referral.client_id)
    if referral.pk is None:
        referral.status = MarsHouseStatus.RECEIVED
        referral.referred_by = referral.referred_by or acting(by)
        live = MarsHouseReferral.objects.live().filter(client_id=referral.client_id).first()
        if live is not None:
            raise AccommodationError(
                "This person already has a live MARS House referral, received "
                f"{uk_date(live.received_on)}."
            )
    else:
        before = MarsHouseReferral.objects.select_for_update().get(pk=referral.pk)
        if before.client_id != referral.client_id:
            raise AccommodationError("A referral cannot be moved to another person.")
        referral.status = before.status
    return save_record(referral, by=by, exclude=["referred_by"])


def _live_mars_house(referral: MarsHouseReferral, *allowed: str) -> MarsHouseReferral:
    referral = MarsHouseReferral.objects.select_for_update().get(pk=referral.pk)
    if referral.status not in allowed:
        raise AccommodationError(f"This referral is {referral.get_status_display().lower()}.")
    return referral


@transaction.atomic
def assess_mars_house_referral(
    referral: MarsHouseReferral, *, assessed_on: date, notes: str, by: AnyUser
) -> MarsHouseReferral:
    """Record the assessment of a MARS House referral.

    Rules: a received referral is assessed (a fresh assessment may replace one not yet decided);
    the assessment has notes and is not dated before the referral or in the future.
    """
    referral = _live_mars_house(referral, MarsHouseStatus.RECEIVED, MarsHouseStatus.ASSESSED)
    if not notes.strip():
        raise AccommodationError("Write what the assessment found.")
    if assessed_on < referral.received_on or assessed_on > timezone.localdate():
        raise AccommodationError("The assessment is dated between the referral and today.")
    referral.status = MarsHouseStatus.ASSESSED
    referral.assessed_on, referral.assessment = assessed_on, notes.strip()
    return save_record(referral, by=by, reason="Assessed")


@transaction.atomic
def decide_mars_house_referral(
    referral: MarsHouseReferral, *, accept: bool, reason: str, by: AnyUser
) -> MarsHouseReferral:
    """Accept or decline an assessed MARS House referral.

    Rules: only after the assessment; once; with a reason when declined.
    """
    referral = _live_mars_house(referral, MarsHouseStatus.ASSESSED)
    if not accept and not reason.strip():
        raise AccommodationError("Give the reason the referral is declined.")
    referral.status = MarsHouseStatus.ACCEPTED if accept else MarsHouseStatus.DECLINED
    referral.decided_on, referral.decided_by = timezone.localdate(), acting(by)
    referral.decision_reason = reason.strip()
    return save_record(referral, by=by, reason="Accepted" if accept else "Declined")


@transaction.atomic
def sign_up(
    referral: MarsHouseReferral,
    unit: Unit,
    *,
    licence_date: date,
    planned_end: date | None = None,
    nightly_cost: Decimal | None = None,
    by: AnyUser,
) -> Placement:
    """Sign an accepted person up to a MARS House room: the licence starts their placement.

    Rules: only an accepted referral is signed up, once; the person has an approved risk plan
    whose review date has not passed; the room is a MARS House one; the rules of place_client
    apply to the room and the person.
    """
    person = _person(referral.client_id)  # the person before the referral, as receiving one does
    referral = _live_mars_house(referral, MarsHouseStatus.ACCEPTED)
    try:
        risk_services.require_current_plan(person)
    except risk_services.RiskError as error:
        raise AccommodationError(str(error)) from error
    if not _is_mars_house(Unit.objects.select_related("property").get(pk=unit.pk)):
        raise AccommodationError("Choose a MARS House room.")
    placement = place_client(
        referral.client,
        unit,
        start=licence_date,
        planned_end=planned_end,
        nightly_cost=nightly_cost,
        notes=f"Signed up from the MARS House referral of {uk_date(referral.received_on)}.",
        by=by,
    )
    referral.status = MarsHouseStatus.SIGNED_UP
    referral.licence_date, referral.placement = licence_date, placement
    save_record(referral, by=by, reason=f"Signed up to {unit}")
    return placement


@transaction.atomic
def withdraw_mars_house_referral(
    referral: MarsHouseReferral, *, reason: str, by: AnyUser
) -> MarsHouseReferral:
    """Withdraw a live MARS House referral, saying why."""
    referral = _live_mars_house(referral, *MARS_HOUSE_LIVE)
    if not reason.strip():
        raise AccommodationError("Say why the referral is withdrawn.")
    referral.status = MarsHouseStatus.WITHDRAWN
    referral.decision_reason = reason.strip()
    return save_record(referral, by=by, reason="Withdrawn")


@transaction.atomic
def save_issue(issue: HouseIssue, *, by: AnyUser | None) -> HouseIssue:
    """Log a day-to-day issue at a house, or record how it was dealt with.

    Rules: a unit named is in that house; a resolved issue says what was done.
    """
    if issue.unit is not None and issue.unit.property_id != issue.property_id:
        raise AccommodationError("That unit is in another property.")
    if issue.resolved_on is not None and not issue.action_taken.strip():
        raise AccommodationError("Say what was done before marking the issue resolved.")
    if issue.resident_id is not None:
        _person(issue.resident_id)
    if issue.pk is None:
        issue.logged_by = acting(by)
    else:
        HouseIssue.objects.select_for_update().get(pk=issue.pk)
    return save_record(issue, by=by, exclude=["logged_by"])
