"""Changes to outreach records that carry rules: one entry point for page, API and command."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from clients import services as client_services
from clients.models import Agency, Client, ClientStatus
from mars.access import AnyUser
from mars.dates import is_future, local_date
from mars.forms import staff_label
from mars.records import Refusal, acting, note_change, save_record
from outreach.models import (
    Contact,
    CountedPerson,
    Hotspot,
    Intervention,
    InterventionOutcome,
    OutreachSession,
    PublicReport,
    ReportAttempt,
    ReportStatus,
    RoughSleepingCount,
    SessionCover,
    SevereWeatherActivation,
    SwepOffer,
)
from staffing.models import Absence


class OutreachError(Refusal):
    """A change to outreach records the rules refuse."""


def _person(client_id: int | None) -> Client | None:
    if client_id is None:
        return None
    return client_services.lock_unmerged_person(client_id, refusal=OutreachError)


# Sessions


@transaction.atomic
def save_hotspot(hotspot: Hotspot, *, by: AnyUser | None) -> Hotspot:
    """Add a hotspot or change one.

    Rules: the model's own validation applies (names are unique; the map's coordinates come as a
    pair, in range); who made the change is kept in its history.
    """
    return save_record(hotspot, by=by)


def todays_session(user: AnyUser, today: date | None = None) -> OutreachSession | None:
    """The user's session today (the latest to start), if they are on one."""
    worker = acting(user)
    if worker is None:
        return None
    today = today or timezone.localdate()
    return (
        OutreachSession.objects.filter(date=today, staff=worker)
        .order_by("-start_time", "-id")
        .first()
    )


@transaction.atomic
def save_session(
    session: OutreachSession,
    *,
    staff: Iterable[Any],
    partners: Iterable[Agency],
    by: AnyUser | None,
) -> OutreachSession:
    """Create or change an outreach session.

    Rules: at least one member of staff is on it; it ends after it starts.
    """
    staff = list(staff)
    if not staff:
        raise OutreachError("Choose who is on the session.")
    if session.pk is None:
        session.created_by = acting(by)
    else:
        OutreachSession.objects.select_for_update().get(pk=session.pk)
    save_record(session, by=by, exclude=["created_by"])
    session.staff.set(staff)
    session.partners.set(list(partners))
    return session


# Contacts


@transaction.atomic
def log_contact(contact: Contact, *, by: AnyUser | None) -> Contact:
    """Record a contact or a sighting (or correct one).

    Rules: a known person's record must not have been merged; someone unidentified is described;
    a bedded-down contact says how rough sleeping was verified; nothing is logged in the future;
    the person a contact is about changes only through link_contact.
    """
    if contact.pk is not None:
        before = Contact.objects.select_for_update().get(pk=contact.pk)
        if before.client_id is not None and before.client_id != contact.client_id:
            raise OutreachError("A contact cannot be moved to another person; merge the people.")
        if before.client_id is None and contact.client_id is not None:
            raise OutreachError("Link a sighting to a person from the sighting's page.")
    _person(contact.client_id)
    if contact.worker_id is None:
        worker = acting(by)
        if worker is None:
            raise OutreachError("Say which worker made the contact.")
        contact.worker = worker
    if not contact.bedded_down:
        contact.verification = ""
    return save_record(contact, by=by)


@transaction.atomic
def link_contact(contact: Contact, client: Client, *, by: AnyUser | None) -> Contact:
    """Link an unidentified sighting to the person it turned out to be.

    Rules: only a sighting with no person yet can be linked (two workers linking it at once get
    one link); the person's record must not have been merged. The description stays, so the
    person can be found by it later.
    """
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.client_id is not None:
        raise OutreachError("This sighting is already linked to a person.")
    person = _person(client.pk)
    assert person is not None
    contact.client = person
    return save_record(
        contact, by=by, reason=f"Identified as {person.reference} ({person.full_name})"
    )


@transaction.atomic
def identify_as_new_person(
    contact: Contact,
    fields: dict[str, Any],
    *,
    aliases: Sequence[str] = (),
    by: AnyUser | None,
    confirmed_distinct: bool = False,
) -> Client:
    """Create a person's record from an unidentified sighting and link the sighting to it.

    Rules: those of create_client (possible duplicates are shown first) and link_contact.
    """
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    if locked.client_id is not None:
        raise OutreachError("This sighting is already linked to a person.")
    person = client_services.create_client(
        fields, aliases=aliases, by=by, confirmed_distinct=confirmed_distinct
    )
    link_contact(locked, person, by=by)
    return person


# Reports from the public


@transaction.atomic
def save_report(report: PublicReport, *, by: AnyUser | None) -> PublicReport:
    """Take in a report (or correct its details).

    Rules: the reporter's details are kept only with their consent; its status changes only
    through attempts, not-found and closing.
    """
    if report.pk is None:
        report.created_by = acting(by)
        report.status = ReportStatus.OPEN
    else:
        before = PublicReport.objects.select_for_update().get(pk=report.pk)
        report.status = before.status
    return save_record(report, by=by, exclude=["created_by"])


def _live_report(report: PublicReport) -> PublicReport:
    report = PublicReport.objects.select_for_update().get(pk=report.pk)
    if report.status not in (ReportStatus.OPEN, ReportStatus.SEARCHING):
        raise OutreachError(f"This report is {report.get_status_display().lower()} already.")
    return report


@transaction.atomic
def record_attempt(
    report: PublicReport,
    *,
    at: datetime | None = None,
    notes: str = "",
    session: OutreachSession | None = None,
    found_contact: Contact | None = None,
    by: AnyUser,
) -> ReportAttempt:
    """Record a go at finding the person a report is about.

    Rules: only an open or searching report takes attempts; attempts are not in the future nor
    before the report came in; an attempt that found the person links the contact and marks the
    report found.
    """
    report = _live_report(report)
    at = at or timezone.now()
    if is_future(at):
        raise OutreachError("An attempt cannot be in the future.")
    if at < report.received_at:
        raise OutreachError("An attempt cannot be before the report was received.")
    attempt = ReportAttempt(
        report=report,
        at=at,
        notes=notes,
        session=session,
        found=found_contact is not None,
        by=acting(by),
    )
    save_record(attempt, by=by)
    if found_contact is not None:
        report.status = ReportStatus.FOUND
        report.found_contact = found_contact
        reason = "Person found"
    else:
        report.status = ReportStatus.SEARCHING
        reason = "Attempt made, not found yet"
    save_record(report, by=by, reason=reason)
    return attempt


@transaction.atomic
def mark_not_found(report: PublicReport, *, outcome: str, by: AnyUser | None) -> PublicReport:
    """Stop searching: the person was not found after attempts.

    Rules: at least one attempt has been made; the outcome says what was done.
    """
    report = _live_report(report)
    if not report.attempts.exists():
        raise OutreachError("Record at least one attempt before marking the report not found.")
    if not outcome.strip():
        raise OutreachError("Say what was done to find the person.")
    report.status = ReportStatus.NOT_FOUND
    report.outcome = outcome
    report.closed_at = timezone.now()
    return save_record(report, by=by, reason="Not found after attempts")


@transaction.atomic
def close_report(report: PublicReport, *, outcome: str, by: AnyUser | None) -> PublicReport:
    """Close a report (after it was found or not found, or as a duplicate of another).

    Rules: a closed report stays closed; the outcome says why it was closed.
    """
    report = PublicReport.objects.select_for_update().get(pk=report.pk)
    if report.status == ReportStatus.CLOSED:
        raise OutreachError("This report is closed already.")
    if not outcome.strip():
        raise OutreachError("Say why the report is being closed.")
    report.outcome = "\n\n".join(part for part in (report.outcome, outcome) if part)
    report.status = ReportStatus.CLOSED
    report.closed_at = report.closed_at or timezone.now()
    return save_record(report, by=by, reason="Closed")


@transaction.atomic
def allocate_report(
    report: PublicReport, session: OutreachSession, *, by: AnyUser | None
) -> PublicReport:
    """Give a report to a session to follow up.

    Rules: only a live report; only a session today or later.
    """
    report = _live_report(report)
    if session.date < timezone.localdate():
        raise OutreachError("Allocate the report to a session that has not happened yet.")
    report.allocated_session = session
    return save_record(report, by=by, reason=f"Allocated to the session on {session.date:%d/%m/%Y}")


def next_sessions(today: date | None = None) -> models.QuerySet[OutreachSession]:
    """Sessions today or later, soonest first: where a report can be allocated."""
    today = today or timezone.localdate()
    return OutreachSession.objects.filter(date__gte=today).order_by("date", "start_time", "id")


# Interventions


@transaction.atomic
def save_intervention(intervention: Intervention, *, by: AnyUser | None) -> Intervention:
    """Open, change or close an intervention.

    Rules: the person's record must not have been merged; closing needs an outcome that fits
    the kind (reconnected, declined, failed or exempt for a reconnection); it closes on or after
    it opened. A reconnection closing "reconnected" makes the person's status "reconnected", as
    a placement ending that way does.
    """
    was_reconnected = False
    if intervention.pk is not None:
        before = Intervention.objects.select_for_update().get(pk=intervention.pk)
        if before.client_id != intervention.client_id:
            raise OutreachError("An intervention cannot be moved to another person.")
        was_reconnected = before.outcome == InterventionOutcome.RECONNECTED
    else:
        intervention.created_by = acting(by)
    person = _person(intervention.client_id)
    if intervention.worker_id is None:
        intervention.worker = acting(by)
    if not intervention.is_reconnection:
        intervention.destination = ""
        intervention.local_connection_verified_by = ""
        intervention.travel_arranged = ""
    save_record(intervention, by=by, exclude=["created_by"])
    reconnected = intervention.outcome == InterventionOutcome.RECONNECTED
    if person is not None and reconnected and not was_reconnected:
        where = f" to {intervention.destination}" if intervention.destination else ""
        client_services.follow_status(
            person, ClientStatus.RECONNECTED, by=by, reason=f"Reconnected{where}"
        )
    return intervention


# Severe Weather Emergency Protocol

# One number for the advisory lock that serialises SWEP activations (no two may overlap).
_SWEP_LOCK = 0x5357_4550


@transaction.atomic
def save_swep_activation(
    activation: SevereWeatherActivation, *, by: AnyUser | None
) -> SevereWeatherActivation:
    """Activate SWEP for a period, or change one (for example to stand it down early).

    Rules: activations never overlap (two coordinators activating at once get one); it ends after
    it starts.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SWEP_LOCK])
    if activation.pk is None:
        activator = acting(by)
        if activator is None:
            raise OutreachError("Say who is activating SWEP.")
        activation.activated_by = activator
    activation.full_clean(exclude=["activated_by"])
    overlapping = SevereWeatherActivation.objects.filter(
        starts__lt=activation.ends, ends__gt=activation.starts
    ).exclude(pk=activation.pk)
    clash = overlapping.first()
    if clash is not None:
        raise OutreachError(f"This overlaps {clash}; change that activation instead.")
    return save_record(activation, by=by, exclude=["activated_by"])


@transaction.atomic
def stand_down_swep(activation: SevereWeatherActivation, *, by: AnyUser | None) -> None:
    """End an active SWEP now."""
    activation = SevereWeatherActivation.objects.select_for_update().get(pk=activation.pk)
    now = timezone.now()
    if not activation.is_active(now):
        raise OutreachError("This SWEP activation is not in force.")
    activation.ends = max(now, activation.starts + timedelta(minutes=1))
    save_swep_activation(activation, by=by)


@transaction.atomic
def save_swep_offer(offer: SwepOffer, *, by: AnyUser | None) -> SwepOffer:
    """Record (or correct) an offer made to a person under SWEP.

    Rules: the offer is dated within the activation; a declined offer says why; the person's
    record must not have been merged.
    """
    _person(offer.client_id)
    if offer.pk is None:
        offer.made_by = acting(by)
    activation = offer.activation
    first, last = local_date(activation.starts), local_date(activation.ends)
    if offer.offered_on and not first <= offer.offered_on <= last:
        raise OutreachError(
            f"The offer must be dated within SWEP ({first:%d/%m/%Y} to {last:%d/%m/%Y})."
        )
    return save_record(offer, by=by, exclude=["made_by"])


# The annual count or estimate


@transaction.atomic
def save_count(
    count: RoughSleepingCount, *, agencies: Iterable[Agency], by: AnyUser | None
) -> RoughSleepingCount:
    """Record (or correct) the year's count or estimate.

    Rules: one per year, on a night in October or November, not in the future.
    """
    if count.pk is None:
        count.created_by = acting(by)
    if (
        count.night
        and RoughSleepingCount.objects.filter(night__year=count.night.year)
        .exclude(pk=count.pk)
        .exists()
    ):
        raise OutreachError(f"There is already a count for {count.night.year}; change that one.")
    save_record(count, by=by, exclude=["created_by"])
    count.agencies_consulted.set(list(agencies))
    return count


@transaction.atomic
def save_counted_person(person: CountedPerson, *, by: AnyUser | None) -> CountedPerson:
    """Add (or correct) one person in the count.

    Rules: a known person is counted once per count, and their record must not have been merged.
    """
    RoughSleepingCount.objects.select_for_update().get(pk=person.count_id)
    _person(person.client_id)
    if (
        person.client_id
        and CountedPerson.objects.filter(count_id=person.count_id, client_id=person.client_id)
        .exclude(pk=person.pk)
        .exists()
    ):
        raise OutreachError("This person is already in this count.")
    return save_record(person, by=by)


@transaction.atomic
def remove_counted_person(person: CountedPerson, *, by: AnyUser | None) -> None:
    """Take a person out of the count (entered twice, or not out that night)."""
    note_change(person, by=by)
    person.delete()


# The rota: cover for a member of staff away on the day of a planned session.


@transaction.atomic
def cover_session(
    session: OutreachSession, *, away: Any, covering: Any, replace: bool, by: AnyUser | None
) -> SessionCover:
    """Put a covering worker on a planned session in place of (or beside) a member of staff.

    Rules: only a session to come (today or later) is covered; the worker covered is on the
    session, and their place on it is covered once; the covering worker is someone else, active,
    not on the session already and not away that day too (two coordinators covering at once: the
    session's row is locked). The cover is kept (the rota reads it) and the session's history
    says who covers whom.
    """
    session = OutreachSession.objects.select_for_update().get(pk=session.pk)
    if session.date < timezone.localdate():
        raise OutreachError("This session has happened: its staff are who went.")
    done = SessionCover.objects.filter(session=session, away=away).select_related("covering")
    if earlier := done.first():
        raise OutreachError(
            f"{staff_label(away)}'s place on this session is already covered "
            f"by {staff_label(earlier.covering)}.",
            field="away",
        )
    on_session = set(session.staff.values_list("pk", flat=True))
    if away.pk not in on_session:
        raise OutreachError(f"{staff_label(away)} is not on this session.", field="away")
    if covering.pk in on_session:
        raise OutreachError(
            f"{staff_label(covering)} is already on this session.", field="covering"
        )
    if not covering.is_active:
        raise OutreachError(f"{staff_label(covering)} no longer works here.", field="covering")
    if Absence.objects.on(session.date).filter(worker=covering).exists():
        raise OutreachError(
            f"{staff_label(covering)} is away on {session.date:%d/%m/%Y} too.", field="covering"
        )
    cover = SessionCover(
        session=session, away=away, covering=covering, replaced=replace, created_by=acting(by)
    )
    try:
        with transaction.atomic():
            save_record(cover, by=by, exclude=["created_by"])
    except IntegrityError as error:  # the database's backstop, should the lock ever be bypassed
        raise OutreachError(
            f"{staff_label(away)}'s place on this session was covered by someone else just now.",
            field="away",
        ) from error
    note_change(session, by=by, reason=str(cover))
    if replace:
        # One version in the history for the whole change, not one for each half of it.
        session.skip_history_when_saving = True  # type: ignore[attr-defined]
        session.staff.remove(away)
        del session.skip_history_when_saving  # type: ignore[attr-defined]
    session.staff.add(covering)
    return cover
