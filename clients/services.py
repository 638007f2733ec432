"""Changes to people and their records that carry rules: one entry point for page, API, command."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from clients import names
from clients.consent import (
    Consent,
    ConsentHow,
    ConsentOutcome,
    LawfulBasis,
    SharingWithoutConsent,
    consent_state,
    default_review_by,
)
from clients.models import (
    SPECIAL_NEEDS,
    Agency,
    BreakGlass,
    Client,
    ClientAlias,
    Discharge,
    DischargeEvidence,
    HealthAccess,
    HealthAccessKind,
    PersonName,
    PublicFunds,
    Referral,
    ReferralDirection,
    SupportGoal,
    SupportPlan,
    name_rows,
)
from clients.special import forget_grants, may_see_special_category
from mars.access import AnyUser
from mars.records import Refusal, acting, note_change, save_record

User = AnyUser

# A possible match is a name at least this alike (clients.names.name_likeness, 0..1), after the
# date of birth moved it: the same date adds DOB_AGREES, a different one takes off DOB_DIFFERS.
POSSIBLE_MATCH = 0.7
DOB_AGREES = 0.3
DOB_DIFFERS = 0.25
# How many people the warning shows at most, the likeliest first.
MOST_CANDIDATES = 10


class ClientError(Refusal):
    """A change to a person's record that the rules refuse, with a message a person can act on."""


class PossibleDuplicates(ClientError):
    """The new person may already have a record; the caller must confirm they are different."""

    def __init__(self, candidates: list[Client]) -> None:
        self.candidates = candidates
        super().__init__(
            "This person may already have a record. Check the possible matches, or confirm that "
            "this is a different person."
        )


def _names_of(client: Client) -> list[str]:
    return [client.full_name, client.known_as, *(a.name for a in client.aliases.all())]


def find_possible_duplicates(
    *,
    first_name: str,
    last_name: str = "",
    known_as: str = "",
    date_of_birth: date | str | None = None,
    aliases: Sequence[str] = (),
    exclude_pk: int | None = None,
) -> list[Client]:
    """People who may be the same as the one described, the likeliest first.

    Rules: a name, known-as or alias alike enough to one of theirs (clients.names) is enough,
    with no date of birth; the same date of birth makes a match stronger and a different one
    weaker.
    """
    if isinstance(date_of_birth, str):
        date_of_birth = date.fromisoformat(date_of_birth)
    full_name = f"{first_name} {last_name}".strip()
    mine = [n for n in [full_name, known_as, *aliases] if n.strip()]
    my_words = {word for name in mine for word in names.words(name)}
    sought = Q(pk__in=[])
    for word in my_words:
        metaphone, nysiis = names.sounds(word)
        sought |= Q(normalised__in=names.nicknames(word))
        if metaphone:
            sought |= Q(metaphone=metaphone) | Q(nysiis=nysiis)
    found = PersonName.objects.filter(sought).values("client_id")
    people = Q(pk__in=found)
    if date_of_birth is not None:
        people |= Q(date_of_birth=date_of_birth)
    base = Client.objects.active()
    if exclude_pk is not None:
        base = base.exclude(pk=exclude_pk)
    scored: list[tuple[float, Client]] = []
    for candidate in base.filter(people).prefetch_related("aliases")[:500]:
        score = names.best_likeness(mine, _names_of(candidate))
        if date_of_birth is not None and candidate.date_of_birth is not None:
            score += DOB_AGREES if candidate.date_of_birth == date_of_birth else -DOB_DIFFERS
        if score >= POSSIBLE_MATCH:
            scored.append((score, candidate))
    scored.sort(key=lambda pair: (-pair[0], pair[1].last_name, pair[1].first_name, pair[1].pk))
    return [candidate for _, candidate in scored[:MOST_CANDIDATES]]


def index_names(client: Client) -> None:
    """Bring the words a person is found by (PersonName) into step with their names and aliases.

    Rules: every change to a person's names or aliases calls this, in the same transaction.
    """
    PersonName.objects.filter(client=client).delete()
    aliases = list(ClientAlias.objects.filter(client=client).values_list("name", flat=True))
    PersonName.objects.bulk_create(name_rows(client, aliases))


def _clean_aliases(names: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        name = " ".join(name.split())
        if name and name.upper() not in seen:
            seen[name.upper()] = name
    return list(seen.values())


def _set_aliases(client: Client, names: Iterable[str], *, by: User | None) -> None:
    wanted = {name.upper(): name for name in _clean_aliases(names)}
    for alias in client.aliases.all():
        if alias.name.upper() in wanted:
            wanted.pop(alias.name.upper())
        else:
            note_change(alias, by=by)
            alias.delete()
    for name in wanted.values():
        alias = ClientAlias(client=client, name=name)
        note_change(alias, by=by)
        alias.save()


@transaction.atomic
def create_client(
    fields: dict[str, Any],
    *,
    aliases: Sequence[str] = (),
    by: User | None,
    confirmed_distinct: bool = False,
) -> Client:
    """Create a person's record.

    Rules: unless the caller confirms the person is different, a record that may duplicate an
    existing one is refused with the candidates (PossibleDuplicates).
    """
    if not confirmed_distinct:
        candidates = find_possible_duplicates(
            first_name=fields.get("first_name", ""),
            last_name=fields.get("last_name", ""),
            known_as=fields.get("known_as", ""),
            date_of_birth=fields.get("date_of_birth"),
            aliases=aliases,
        )
        if candidates:
            raise PossibleDuplicates(candidates)
    pk = Client.next_id()
    client = Client(pk=pk, reference=Client.reference_for(pk), **fields)
    note_change(client, by=by)
    client.full_clean(exclude=["reference"])
    client.save(force_insert=True)
    _set_aliases(client, aliases, by=by)
    index_names(client)
    return client


@transaction.atomic
def update_client(
    client: Client, fields: dict[str, Any], *, aliases: Sequence[str] | None = None, by: User | None
) -> Client:
    """Change a person's details (and, when given, their aliases).

    Rules: a merged record is read-only; a person with a GP registration on record is registered
    with a GP; one who may not see the person's special category data leaves it as it is (their
    ethnicity, access to public funds and special category needs are kept whatever is sent); a
    country set for the nationality replaces the free text it was once recorded as.
    """
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.is_merged:
        raise ClientError("This record was merged into another and can no longer be changed.")
    if by is not None and not _may_see_person(by, client):
        fields = keep_special_category(client, fields)
    registration = gp_registration_on_record(client)
    if registration is not None and fields.get("gp_registered") is False:
        raise ClientError(
            f"{registration} is on record, so this person is registered with a GP.",
            field="gp_registered",
        )
    for name, value in fields.items():
        setattr(client, name, value)
    if client.nationality:
        # The old text is kept only while no country says it (clients:nationalities_to_fix).
        client.nationality_as_recorded = ""
    client.full_clean(exclude=["reference"])
    note_change(client, by=by)
    client.save()
    if aliases is not None:
        _set_aliases(client, aliases, by=by)
    index_names(client)
    return client


@dataclass
class MergeSummary:
    survivor: Client
    duplicate: Client
    moved: dict[str, int]


# Details of the duplicate that fill the survivor's gaps when it is merged.
_FILLED_BY_MERGE = [
    "known_as",
    "date_of_birth",
    "nationality",
    "ethnicity",
    "phone",
    "key_worker",
]


def records_to_move(client: Client) -> dict[str, int]:
    """How many records of each kind point at this person (what a merge would move)."""
    counts: dict[str, int] = {}
    for relation in Client._meta.related_objects:
        if relation.related_model is Client:
            continue
        model = relation.related_model
        count = model._default_manager.filter(**{relation.field.name: client}).count()
        if count:
            counts[str(model._meta.verbose_name_plural)] = count
    return counts


@transaction.atomic
def merge_clients(duplicate: Client, survivor: Client, *, by: User | None) -> MergeSummary:
    """Merge a duplicate record into the one that stays.

    Rules: every record that points at the duplicate, in every app (found through the model
    relations), moves to the survivor in one transaction; the duplicate's names become the
    survivor's aliases; blanks in the survivor are filled from the duplicate; the duplicate stays
    as a read-only tombstone that points at the survivor. Both histories show the merge.
    """
    if duplicate.pk == survivor.pk:
        raise ClientError("A record cannot be merged into itself.")
    # Lock both rows in a fixed order, so two merges of the same pair cannot interleave.
    locked = {
        c.pk: c
        for c in Client.objects.select_for_update()
        .filter(pk__in=[duplicate.pk, survivor.pk])
        .order_by("pk")
    }
    duplicate, survivor = locked[duplicate.pk], locked[survivor.pk]
    for client in (duplicate, survivor):
        if client.is_merged:
            raise ClientError(f"{client.reference} has already been merged into another record.")

    reason = f"Moved from {duplicate.reference} when it was merged into {survivor.reference}"
    moved: dict[str, int] = {}

    survivor_aliases = {a.name.upper() for a in survivor.aliases.all()}
    for alias in duplicate.aliases.all():
        if (
            alias.name.upper() in survivor_aliases
            or alias.name.upper() == survivor.full_name.upper()
        ):
            note_change(alias, by=by, reason=reason)
            alias.delete()
    # The same leaving recorded on both records is one leaving: the survivor's stays (one a day
    # of a kind, the constraint says), with the duplicate's notes added to it if they differ.
    for twin in Discharge.objects.select_for_update().filter(client=duplicate):
        kept = Discharge.objects.filter(client=survivor, kind=twin.kind, date=twin.date).first()
        if kept is None:
            continue
        if twin.notes and twin.notes not in kept.notes:
            kept.notes = "\n\n".join(n for n in (kept.notes, twin.notes) if n)
            note_change(kept, by=by, reason=reason)
            kept.save(update_fields=["notes"])
        note_change(twin, by=by, reason=f"The same as one of {survivor.reference}'s: {reason}")
        twin.delete()

    for relation in Client._meta.related_objects:
        model = relation.related_model
        if model is Client:
            continue
        name = relation.field.name
        if relation.many_to_many:
            for obj in model._default_manager.filter(**{name: duplicate}):
                getattr(obj, name).remove(duplicate)
                getattr(obj, name).add(survivor)
                moved[str(model._meta.verbose_name_plural)] = (
                    moved.get(str(model._meta.verbose_name_plural), 0) + 1
                )
            continue
        for obj in model._default_manager.select_for_update().filter(**{name: duplicate}):
            setattr(obj, name, survivor)
            note_change(obj, by=by, reason=reason)
            try:
                with transaction.atomic():
                    obj.save(update_fields=[name])
            except IntegrityError as error:
                raise ClientError(
                    f"A {model._meta.verbose_name} of {duplicate.reference} cannot move to "
                    f"{survivor.reference}: {error}"
                ) from error
            label = str(model._meta.verbose_name_plural)
            moved[label] = moved.get(label, 0) + 1

    new_aliases = [a.name for a in survivor.aliases.all()]
    for name in (duplicate.full_name, duplicate.known_as):
        if name and name.upper() != survivor.full_name.upper():
            new_aliases.append(name)
    for name in _FILLED_BY_MERGE:
        if not getattr(survivor, name) and getattr(duplicate, name):
            setattr(survivor, name, getattr(duplicate, name))
    if survivor.nationality:
        survivor.nationality_as_recorded = ""
    elif not survivor.nationality_as_recorded:
        survivor.nationality_as_recorded = duplicate.nationality_as_recorded
    if survivor.public_funds == PublicFunds.NOT_KNOWN:
        survivor.public_funds = duplicate.public_funds
    survivor.support_needs = sorted(set(survivor.support_needs) | set(duplicate.support_needs))
    survivor.gp_registered = survivor.gp_registered or duplicate.gp_registered
    note_change(
        survivor,
        by=by,
        reason=f"{duplicate.reference} ({duplicate.full_name}) merged into this record",
    )
    survivor.save()
    _set_aliases(survivor, new_aliases, by=by)

    duplicate.merged_into = survivor
    duplicate.merged_at = timezone.now()
    note_change(duplicate, by=by, reason=f"Merged into {survivor.reference} ({survivor.full_name})")
    duplicate.save()
    index_names(survivor)
    return MergeSummary(survivor=survivor, duplicate=duplicate, moved=moved)


def final_record(client: Client) -> Client:
    """The record a merged duplicate now lives on (following merges of merges)."""
    seen = {client.pk}
    while client.merged_into_id is not None and client.merged_into_id not in seen:
        seen.add(client.merged_into_id)
        client = Client.objects.get(pk=client.merged_into_id)
    return client


def lock_unmerged_person(client_id: int, *, refusal: type[Refusal] = ClientError) -> Client:
    """The person a record is about, locked: a merge running at the same time waits or has won.
    A merged record is refused with the caller's own domain error."""
    client = Client.objects.select_for_update().get(pk=client_id)
    if client.is_merged:
        raise refusal("This person's record was merged into another; record it there.")
    return client


def follow_status(client: Client, status: str | None, *, by: AnyUser | None, reason: str) -> None:
    """Give a person the status the latest event in their case leaves them with.

    Rules: placements (accommodation) and a reconnection that succeeded (outreach) set it; no
    status from the event, or the one the person has already, changes nothing; the history
    notes why.
    """
    if status is not None and status != client.status:
        client.status = status
        note_change(client, by=by, reason=reason)
        client.save(update_fields=["status"])


@transaction.atomic
def save_agency(agency: Agency, *, by: AnyUser | None) -> Agency:
    """Add a partner agency or change one.

    Rules: the model's own validation applies (a unique key, a valid email); who made the change
    is kept in its history.
    """
    return save_record(agency, by=by)


def gp_registration_on_record(client: Client) -> HealthAccess | None:
    """The person's latest GP registration among their health access records, if any."""
    return client.health_access.filter(kind=HealthAccessKind.GP_REGISTRATION).first()


def follow_health_access(client: Client, *, by: AnyUser | None) -> None:
    """Keep "registered with a GP" in step with health access: one fact, one answer.

    Rules: a GP registration on record means the person is registered with a GP (the flag also
    holds a registration the team knows of without a record of it).
    """
    if not client.gp_registered and gp_registration_on_record(client) is not None:
        client.gp_registered = True
        note_change(client, by=by, reason="GP registration on record")
        client.save(update_fields=["gp_registered"])


@transaction.atomic
def save_person_record(
    record: Referral | HealthAccess,
    *,
    by: User | None,
    basis: str = "",
    basis_reason: str = "",
) -> Referral | HealthAccess:
    """Create or change a referral or a health access record.

    Rules: a merged person's record takes nothing new (it belongs on the survivor); who made the
    record is kept from its creation; the model's own validation applies; a GP registration
    makes the person registered with a GP; a referral out to an agency the person's consent does
    not cover on the referral date needs another lawful basis with a reason (check_sharing).
    """
    person = lock_unmerged_person(record.client_id)
    if record.pk is None:
        record.created_by = acting(by)
    record.full_clean(exclude=["created_by"])
    allowed: list[SharingWithoutConsent] = []
    if isinstance(record, Referral) and record.direction == ReferralDirection.OUT:
        before = Referral.objects.filter(pk=record.pk).first() if record.pk else None
        if (
            before is None
            or before.direction != record.direction
            or before.agency_id != record.agency_id
            or before.referred_on != record.referred_on
        ):
            allowed = check_sharing(
                person, [record.agency], on=record.referred_on, basis=basis, reason=basis_reason
            )
    note_change(record, by=by)
    record.save()
    if isinstance(record, Referral):
        _keep_sharing(allowed, referral=record, by=by)
    follow_health_access(person, by=by)
    return record


@transaction.atomic
def save_support_plan(
    plan: SupportPlan,
    *,
    agencies: Iterable[Agency],
    goals: Sequence[dict[str, Any]],
    by: User | None,
    basis: str = "",
    basis_reason: str = "",
) -> SupportPlan:
    """Create or change a support plan with its agencies and goals.

    Rules: the plan ends on or after it starts; goals given with an id change that goal, without
    one are added, and goals marked delete are removed; a plan of a merged record cannot change;
    an agency added that the person's consent does not cover needs another lawful basis with a
    reason (check_sharing), checked on the plan's start for a new plan and, for an agency added
    to a plan already under way, on the day it is added.
    """
    person = lock_unmerged_person(plan.client_id)
    agencies = list(agencies)
    already: set[int] = set()
    if plan.pk is not None:
        SupportPlan.objects.select_for_update().get(pk=plan.pk)
        already = set(plan.agencies.values_list("pk", flat=True))
        day = max(plan.start, timezone.localdate()) if plan.start else timezone.localdate()
    else:
        plan.created_by = acting(by)
        day = plan.start
    plan.full_clean(exclude=["client", "created_by"])
    added = [agency for agency in agencies if agency.pk not in already]
    allowed = (
        check_sharing(person, added, on=day, basis=basis, reason=basis_reason) if added else []
    )
    note_change(plan, by=by)
    plan.save()
    plan.agencies.set(agencies)
    _keep_sharing(allowed, support_plan=plan, by=by)
    existing = {goal.pk: goal for goal in plan.goals.all()}
    for data in goals:
        goal_id = data.get("id")
        goal = existing.get(goal_id) if goal_id else SupportGoal(plan=plan)
        if goal is None:
            raise ClientError(f"Goal {goal_id} does not belong to this plan.")
        note_change(goal, by=by)
        if data.get("delete"):
            if goal.pk:
                goal.delete()
            continue
        goal.description = data["description"]
        goal.status = data.get("status") or goal.status
        goal.target_date = data.get("target_date")
        # A note left out (one its writer may not read) is kept as it is.
        if "notes" in data and data["notes"] is not None:
            goal.notes = data["notes"]
        if "sensitive" in data and data["sensitive"] is not None:
            goal.sensitive = bool(data["sensitive"])
        goal.save()
    return plan


# Discharges from institutions (England's rough sleeping return counts those who left one in the
# last 85 days): special category, so only those who may see the person's changes them.


def _may_change_discharges(by: User | None, client: Client) -> None:
    if by is not None and not may_see_special_category(by, client):
        # Nobody changes what they may not read (break glass reads; it does not write).
        raise ClientError(
            "Only those who may see this person's special category data can change it."
        )


def _refuse_same_discharge(discharge: Discharge) -> None:
    same = Discharge.objects.filter(
        client_id=discharge.client_id, kind=discharge.kind, date=discharge.date
    ).exclude(pk=discharge.pk)
    if same.exists():
        raise ClientError(
            f"Leaving {discharge.get_kind_display().lower()} on {discharge.date:%d/%m/%Y} is "
            "already recorded for this person: change that record instead.",
            field="date",
        )


def _save_discharge(discharge: Discharge, *, by: User | None) -> Discharge:
    # The person's row is locked (record_discharge, change_discharge), so the check for the same
    # leaving cannot be overtaken before the save.
    _refuse_same_discharge(discharge)
    return save_record(discharge, by=by, exclude=["client", "created_by"])


@transaction.atomic
def record_discharge(
    client: Client,
    *,
    kind: str,
    date: date,
    evidence: str = DischargeEvidence.SELF_REPORTED,
    notes: str = "",
    by: User | None,
) -> Discharge:
    """Record that a person left an institution (prison, hospital, the armed forces...).

    Rules: a merged person's record takes nothing new; the date is not in the future; one leaving
    of one kind of institution a day (a second is refused beside the date, except for one who
    may not see the person's special category data: they get the record already there, so a
    refusal tells them nothing); the person's row is locked, so two workers recording the same
    leaving at once take turns.
    """
    person = lock_unmerged_person(client.pk)
    if by is not None and not may_see_special_category(by, person):
        # One who may add but not read (an outreach worker) is never told what is recorded:
        # the same leaving sent again is taken as already done, not refused by its kind and date.
        same = Discharge.objects.filter(client=person, kind=kind, date=date).first()
        if same is not None:
            return same
    discharge = Discharge(
        client=person,
        kind=kind,
        date=date,
        evidence=evidence,
        notes=notes,
        created_by=acting(by),
    )
    return _save_discharge(discharge, by=by)


@transaction.atomic
def change_discharge(discharge: Discharge, fields: dict[str, Any], *, by: User | None) -> Discharge:
    """Change a discharge's kind, date, evidence or notes.

    Rules: only one who may see the person's special category data changes it; it stays with its
    person; the rules of record_discharge apply.
    """
    person = lock_unmerged_person(discharge.client_id)
    _may_change_discharges(by, person)
    discharge = Discharge.objects.select_for_update().get(pk=discharge.pk)
    for name in ("kind", "date", "evidence", "notes"):
        if name in fields:
            setattr(discharge, name, fields[name])
    return _save_discharge(discharge, by=by)


@transaction.atomic
def remove_discharge(discharge: Discharge, *, by: User | None) -> None:
    """Delete a discharge recorded in error; its history keeps what it was and who removed it.

    Rules: only one who may see the person's special category data removes it.
    """
    person = lock_unmerged_person(discharge.client_id)
    _may_change_discharges(by, person)
    discharge = Discharge.objects.select_for_update().get(pk=discharge.pk)
    note_change(discharge, by=by, reason="Removed")
    discharge.delete()


# Information-sharing consent (clients.consent)


class SharingNotCovered(ClientError):
    """Sharing the consent does not cover, and no other lawful basis given: the page shows the
    message beside the lawful-basis choice."""

    def __init__(self, message: str) -> None:
        super().__init__(
            f"{message} Record another lawful basis and the reason to go ahead.", field="basis"
        )


def check_sharing(
    person: Client, agencies: Sequence[Agency], *, on: date, basis: str = "", reason: str = ""
) -> list[SharingWithoutConsent]:
    """Sharing with these agencies on a day: allowed when the person's consent on that day covers
    each; otherwise only on another lawful basis with a reason, returned as the (unsaved)
    records to keep of it.

    Rules: a basis without a reason (or a reason without a basis) is refused; a basis is not
    recorded for agencies the consent covers.
    """
    state = consent_state(person, on)
    uncovered = [agency for agency in agencies if not state.covers(agency)]
    reason = reason.strip()
    if basis and basis not in LawfulBasis.values:
        raise ClientError("Choose a lawful basis from the list.", field="basis")
    if not uncovered:
        return []
    said = " ".join(dict.fromkeys(state.refusal_for(agency) for agency in uncovered))
    if not basis:
        raise SharingNotCovered(said)
    if not reason:
        raise ClientError(
            "Say why sharing without consent is justified on this basis.", field="basis_reason"
        )
    return [
        SharingWithoutConsent(
            client=person, agency=agency, basis=basis, reason=reason, consent_said=said[:500]
        )
        for agency in uncovered
    ]


def _keep_sharing(
    allowed: list[SharingWithoutConsent],
    *,
    referral: Referral | None = None,
    support_plan: SupportPlan | None = None,
    by: User | None,
) -> None:
    for record in allowed:
        record.referral, record.support_plan = referral, support_plan
        record.recorded_by = acting(by)
        note_change(record, by=by)
        record.full_clean()
        record.save()


def _check_consent_day(day: date, field: str) -> None:
    if day > timezone.localdate():
        raise ClientError("This date cannot be in the future.", field=field)


@transaction.atomic
def record_consent(
    client: Client,
    *,
    how: str,
    given_on: date,
    scopes: Sequence[str] = (),
    agencies: Iterable[Agency] = (),
    review_by: date | None = None,
    notes: str = "",
    by: User | None,
) -> Consent:
    """Record the information-sharing consent a person gave.

    Rules: it covers at least one kind of agency or one named agency; given on is not in the
    future; review by defaults to given on plus CONSENT_REVIEW_MONTHS and comes after it; the
    person's row is locked, so two workers recording at once take turns and the same consent
    is not recorded twice; the latest consent decides from its given-on day.
    """
    person = lock_unmerged_person(client.pk)
    agencies = list(agencies)
    scopes = sorted(set(scopes))
    if not scopes and not agencies:
        raise ClientError(
            "Say what the consent covers: at least one kind of agency or one agency.",
            field="scopes",
        )
    if how == ConsentHow.NOT_RECORDED:
        raise ClientError("Say how the consent was given.", field="how")
    _check_consent_day(given_on, "given_on")
    _refuse_same_day(person, given_on, ConsentOutcome.GIVEN)
    consent = Consent(
        client=person,
        outcome=ConsentOutcome.GIVEN,
        how=how,
        scopes=scopes,
        given_on=given_on,
        review_by=review_by or default_review_by(given_on),
        notes=notes,
        recorded_by=acting(by),
    )
    save_record(consent, by=by)
    consent.agencies.set(agencies)
    return consent


def _refuse_same_day(person: Client, day: date, outcome: str) -> None:
    same = Consent.objects.filter(client=person, given_on=day, outcome=outcome, withdrawn_on=None)
    if same.exists():
        said = "given" if outcome == ConsentOutcome.GIVEN else "refused"
        raise ClientError(
            f"A consent {said} on {day:%d/%m/%Y} is already recorded for this person; "
            "withdraw it first to record a different one.",
            field="given_on",
        )


@transaction.atomic
def record_refusal(
    client: Client, *, how: str, refused_on: date, notes: str = "", by: User | None
) -> Consent:
    """Record that a person refused consent to share their information.

    Rules: refused on is not in the future; a refusal covers nothing and has no review-by; the
    person's row is locked (as for record_consent); it decides from its day, like a consent.
    """
    person = lock_unmerged_person(client.pk)
    if how == ConsentHow.NOT_RECORDED:
        raise ClientError("Say how the refusal was given.", field="how")
    _check_consent_day(refused_on, "given_on")
    _refuse_same_day(person, refused_on, ConsentOutcome.REFUSED)
    consent = Consent(
        client=person,
        outcome=ConsentOutcome.REFUSED,
        how=how,
        given_on=refused_on,
        notes=notes,
        recorded_by=acting(by),
    )
    return save_record(consent, by=by)


@transaction.atomic
def withdraw_consent(consent: Consent, *, withdrawn_on: date, by: User | None) -> Consent:
    """Record that a person withdrew a consent they gave.

    Rules: only a consent given, and not already withdrawn, can be withdrawn; not before it was
    given, not in the future; the person's row is locked first (the order every consent change
    takes), then the consent's.
    """
    lock_unmerged_person(consent.client_id)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.outcome != ConsentOutcome.GIVEN:
        raise ClientError("A refusal cannot be withdrawn; record a consent instead.")
    if consent.withdrawn_on is not None:
        raise ClientError(f"This consent was already withdrawn on {consent.withdrawn_on:%d/%m/%Y}.")
    _check_consent_day(withdrawn_on, "withdrawn_on")
    if withdrawn_on < consent.given_on:
        raise ClientError("Withdrawal cannot be before consent was given.", field="withdrawn_on")
    consent.withdrawn_on = withdrawn_on
    return save_record(consent, by=by, reason="Consent withdrawn")


def _may_see_person(by: User, client: Client) -> bool:
    return may_see_special_category(by, client)


def keep_special_category(client: Client, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields sent, with the person's special category data as it is: what one who may not
    see it sent (nothing, or a masked value) never changes it."""
    fields = dict(fields)
    fields.pop("ethnicity", None)
    fields.pop("public_funds", None)
    if "support_needs" in fields:
        ordinary = [n for n in fields["support_needs"] or [] if n not in SPECIAL_NEEDS]
        fields["support_needs"] = sorted(set(ordinary) | set(client.special_needs))
    return fields


@transaction.atomic
def break_glass(client: Client, *, by: User, reason: str) -> BreakGlass:
    """Let one who may not normally see a person's special category data read it, urgently.

    Rules: a reason of at least BREAK_GLASS_REASON_MIN_LENGTH characters is required; the grant
    lasts BREAK_GLASS_MINUTES; a grant is appended, never changed; the coordinators are notified
    of who, whom and why. The caller has already checked that `by` may see the person.
    """
    from mars import notifications

    reason = " ".join((reason or "").split())
    shortest = settings.BREAK_GLASS_REASON_MIN_LENGTH
    if len(reason) < shortest:
        raise ClientError(
            f"Say why you need to see this now, in at least {shortest} characters: "
            "the coordinator reads it."
        )
    if len(reason) > 500:
        raise ClientError("Keep the reason to 500 characters.")
    user = acting(by)
    if user is None:
        raise ClientError("Sign in to see restricted information.")
    person = lock_unmerged_person(client.pk)
    now = timezone.now()
    grant = BreakGlass(
        user=user,
        client=person,
        reason=reason,
        at=now,
        expires_at=now + timedelta(minutes=settings.BREAK_GLASS_MINUTES),
    )
    note_change(grant, by=by, reason=reason)
    grant.save()
    # The user's own grants are read once a request; this one counts from now.
    forget_grants(by)
    from django.urls import reverse

    who = user.get_full_name() or user.get_username()
    notifications.notify(
        notifications.coordinators().exclude(pk=user.pk),
        key=f"break-glass:{grant.pk}",
        subject=f"Break glass: {who} read restricted information about {person.reference}",
        body=f"{who} asked to see {person.full_name} ({person.reference})'s restricted "
        f"information at {timezone.localtime(now):%d/%m/%Y %H:%M}. Reason: {reason}",
        url=reverse("clients:break_glass_list"),
    )
    return grant
