"""England's monthly return (RSDF) as a record: opening one for a month, choosing its single
night and population, checking it and sending it (its figures frozen as sent), and what to check
before sending. The figures themselves come from reporting.rsdf, and only from there.

Pages, API and commands all call these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from clients.models import Discharge
from mars.access import AnyUser
from mars.dates import first_of_month, month_bounds, uk_date
from mars.records import Refusal, acting, save_record
from outreach.models import Contact
from reporting import rsdf
from reporting.models import ReturnStatus, RsdfReturn


class ReturnError(Refusal):
    """A change to a month's return the rules refuse."""


# What a worker writes in a contact's notes when someone has just left an institution: a person
# counted with one of these and no discharge recorded may be missing from "left an institution"
# (P2). Matched anywhere in the notes, whatever the case. The one list.
RELEASE_PHRASES = (
    "left prison",
    "released from prison",
    "release from prison",
    "out of prison",
    "just out of jail",
    "released from jail",
    "released from custody",
    "left custody",
    "on licence",
    "discharged from hospital",
    "left hospital",
    "released from hospital",
    "discharged from the ward",
    "left the army",
    "left the forces",
    "discharged from the army",
    "left the navy",
    "left the raf",
    "asylum support ended",
    "left home office accommodation",
)
# How far back before the month a note (and the discharge it speaks of) matters: P2 counts a
# discharge up to 85 days before the person's first night out in the month.
RELEASE_LOOK_BACK_DAYS = 85

# The facts the return breaks people down by, each with the figure counting those not known.
NOT_KNOWN = (
    ("gender", "Gender not known", "over_month.gender.not_known"),
    ("age", "Age not known (no date of birth)", "over_month.age.not_known"),
    ("nationality", "Nationality not known", "over_month.nationality.not_known"),
    ("public_funds", "Access to public funds not known", "over_month.public_funds.not_known"),
)
DISCHARGE = "discharge"
DISCHARGE_LABEL = "Discharge not recorded, though a note says they left an institution"


@dataclass
class Checks:
    """What to check before sending: the people counted with a fact not known (by kind, each
    a list of client ids) and the bedded-down sightings of no one identified in the month."""

    people: dict[str, list[int]] = field(default_factory=dict)
    unidentified_sightings: int = 0

    @property
    def has_gaps(self) -> bool:
        return any(self.people.values())

    @property
    def people_with_gaps(self) -> int:
        return len({pk for ids in self.people.values() for pk in ids})

    def counts(self) -> dict[str, int]:
        """The counts kept with a return when it is sent."""
        return {
            **{kind: len(ids) for kind, ids in self.people.items()},
            "people": self.people_with_gaps,
            "unidentified_sightings": self.unidentified_sightings,
        }


def says_released() -> Q:
    """Contacts whose notes say the person left an institution (RELEASE_PHRASES)."""
    return reduce(or_, (Q(notes__icontains=phrase) for phrase in RELEASE_PHRASES))


def unrecorded_discharges(client_ids: list[int], period: date) -> list[int]:
    """People (of those given) with a note saying they left an institution, in the month or the
    85 days before it, and no discharge recorded from 85 days before the month to its end."""
    if not client_ids:
        return []
    first, last = month_bounds(period)
    since = first - timedelta(days=RELEASE_LOOK_BACK_DAYS)
    noted = set(
        Contact.objects.on_days(since, last)
        .filter(says_released(), client_id__in=client_ids)
        .values_list("client_id", flat=True)
    )
    recorded = set(
        Discharge.objects.filter(client_id__in=noted, date__gte=since, date__lte=last).values_list(
            "client_id", flat=True
        )
    )
    return sorted(noted - recorded)


def checks(period: date, found: rsdf.RsdfPeople) -> Checks:
    """What to check in a month's return before sending it, from its computed figures."""
    people = {kind: sorted(found.people(key)) for kind, _, key in NOT_KNOWN}
    people[DISCHARGE] = unrecorded_discharges(sorted(found.people("over_month.total")), period)
    # Bedded-down contacts in the month with no one identified: no figure can count them.
    return Checks(people=people, unidentified_sightings=found.unidentified_in_month)


def compute(record: RsdfReturn) -> rsdf.RsdfPeople:
    """The return's figures and people, computed now with its night and population."""
    return rsdf.compute(record.period, night=record.night, population=record.population)


def figures_of(record: RsdfReturn) -> dict[str, Any]:
    """The figures as sent for a submitted return; computed now for a draft or checked one."""
    if record.is_submitted:
        return record.figures
    return compute(record).figures()


def night_and_population(period: date) -> tuple[date | None, int | None]:
    """The single night and population a month's figures are computed with when none are
    given: the month's return's when one is open, else reporting.rsdf's defaults."""
    found = RsdfReturn.objects.night_and_population(period)
    return found if found is not None else rsdf.defaults_for(period)


def return_for(period: date) -> RsdfReturn | None:
    """The month's return, if one has been opened."""
    return RsdfReturn.objects.filter(period=first_of_month(period)).first()


def _locked(record: RsdfReturn) -> RsdfReturn:
    # Two people changing, checking or sending the same return take turns, and the second sees
    # what the first did (a return is never sent twice).
    return RsdfReturn.objects.select_for_update().get(pk=record.pk)


def _unsent(record: RsdfReturn) -> RsdfReturn:
    record = _locked(record)
    if record.is_submitted:
        raise ReturnError(
            f"The return for {record.period_label} was sent on "
            f"{uk_date(timezone.localtime(record.submitted_at).date())}: a sent return never "
            "changes."
        )
    return record


def _check_night(period: date, night: date | None) -> None:
    if night is None:
        return
    try:
        rsdf.check_night(period, night)
    except ValueError as error:
        raise ReturnError(str(error), field="night") from error


@transaction.atomic
def open_return(period: date, *, by: AnyUser) -> RsdfReturn:
    """Open the return for a month, or give the one already open. Rules: one return a month;
    the month has begun; its population starts as the MARS_POPULATION setting."""
    period = first_of_month(period)
    if period > first_of_month(timezone.localdate()):
        raise ReturnError("That month has not begun yet.", field="period")
    found = return_for(period)
    if found is not None:
        return found
    record = RsdfReturn(
        period=period, population=settings.MARS_POPULATION, definitions=rsdf.DEFINITIONS
    )
    try:
        with transaction.atomic():
            return save_record(record, by=by, reason="Opened", exclude=["period"])
    except IntegrityError:
        # Opened by someone else at the same moment: theirs is the month's return.
        return RsdfReturn.objects.get(period=period)


@transaction.atomic
def change_return(
    record: RsdfReturn,
    *,
    night: date | None,
    population: int | None,
    notes: str,
    by: AnyUser,
) -> RsdfReturn:
    """Choose the single night and population, or write notes. Rules: only before it is sent;
    the night is a day in the month, not its last, and has passed; a checked return whose night
    or population changes must be checked again."""
    record = _unsent(record)
    _check_night(record.period, night)
    if night is not None and night >= timezone.localdate():
        # The night runs to 10:00 the next morning: it can be counted once that has come.
        raise ReturnError(
            f"The night of {uk_date(night)} has not ended yet: choose a night that has passed.",
            field="night",
        )
    if population is not None and population < 0:
        raise ReturnError("A population cannot be negative.", field="population")
    moved = (night, population) != (record.night, record.population)
    record.night, record.population, record.notes = night, population, notes.strip()
    reason = "Changed"
    if moved and record.status == ReturnStatus.CHECKED:
        record.status, record.checked_at, record.checked_by = ReturnStatus.DRAFT, None, None
        reason = "Changed: to be checked again"
    return save_record(record, by=by, reason=reason)


@transaction.atomic
def mark_checked(record: RsdfReturn, *, by: AnyUser) -> RsdfReturn:
    """Say the return has been checked. Rules: a draft only, with its single night chosen."""
    record = _unsent(record)
    if record.status == ReturnStatus.CHECKED:
        raise ReturnError("The return is already marked checked.")
    if record.night is None:
        raise ReturnError("Choose the single night before marking the return checked.")
    record.status = ReturnStatus.CHECKED
    record.checked_at, record.checked_by = timezone.now(), acting(by)
    return save_record(record, by=by, reason="Checked")


@transaction.atomic
def submit_return(record: RsdfReturn, *, reason: str = "", by: AnyUser) -> RsdfReturn:
    """Send the return: its figures and its gaps are kept as they are now and never change.

    Rules: only a checked return, once, for a month that has ended; with people counted whose
    facts are not known, only with the reason it is sent with them.
    """
    record = _unsent(record)
    _, last = month_bounds(record.period)
    if last >= timezone.localdate():
        raise ReturnError(
            f"{record.period_label} has not ended yet: the return can be sent from "
            f"{uk_date(last + timedelta(days=1))}."
        )
    if record.status != ReturnStatus.CHECKED:
        raise ReturnError("Mark the return checked before sending it.")
    if record.night is None:
        raise ReturnError("Choose the single night before sending the return.")
    found = compute(record)
    gaps = checks(record.period, found)
    reason = reason.strip()
    if gaps.has_gaps and not reason:
        raise ReturnError(
            f"{gaps.people_with_gaps} of the people counted have facts not known: fix them, or "
            "say why the return is sent with them.",
            field="reason",
        )
    record.figures = found.figures()
    record.gaps = gaps.counts()
    record.definitions = rsdf.DEFINITIONS
    record.gaps_reason = reason if gaps.has_gaps else ""
    record.status = ReturnStatus.SUBMITTED
    record.submitted_at, record.submitted_by = timezone.now(), acting(by)
    return save_record(record, by=by, reason="Submitted")


def value_at(figures: dict[str, Any] | None, key: str) -> Any:
    """One figure of the return's JSON by its dotted key ("over_month.gender.male"); None when
    the figures, or that figure, are missing."""
    value: Any = figures
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


@dataclass(frozen=True)
class Row:
    code: str
    key: str
    label: str
    value: Any


def rows_of(figures: dict[str, Any]) -> list[Row]:
    """The return's figures one a row, in the government form's order (rsdf.INDICATORS)."""
    return [
        Row(item.code, item.key, item.label, value_at(figures, item.key))
        for item in rsdf.INDICATORS
    ]
