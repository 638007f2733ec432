"""Who may see which people and the records about them (mars.access holds the machinery)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest

from clients import services
from clients.models import (
    SPECIAL_NEEDS,
    Agency,
    BreakGlass,
    Client,
    ClientQuerySet,
    Discharge,
    HealthAccess,
)
from clients.special import HELD as HELD
from clients.special import SENSITIVE_NOTE_HELD as SENSITIVE_NOTE_HELD
from clients.special import may_see_special_category as may_see_special_category
from clients.special import sees_all_special_category as sees_all_special_category
from mars.access import AnyUser, can, get_visible, perm, sees_every_person, visible
from mars.history import Mask


def visible_clients(user: AnyUser) -> ClientQuerySet:
    """People the user may see, merged duplicates left out."""
    return visible(user, Client.objects.all()).active()


def get_client(user: AnyUser, pk: object, *, write: bool = False) -> Client:
    return get_visible(user, Client, pk, write=write)


def person_for_record(request: HttpRequest, pk: object) -> Client:
    """The person a new record is for: one the user may see; for a merged record, the survivor."""
    client = get_visible(request.user, Client, pk)
    if client.is_merged:
        client = services.final_record(client)
    return client


def can_see_people(user: AnyUser) -> bool:
    return can(user, perm(Client, "view"))


def can_see_agencies(user: AnyUser) -> bool:
    return can(user, perm(Agency, "view"))


def can_merge_clients(user: AnyUser) -> bool:
    return can(user, "clients.merge_client")


def can_fix_nationalities(user: AnyUser) -> bool:
    """The list of nationalities recorded as text no country was found for: for those who may
    change anyone's details (the coordinator and the case workers, mars.roles)."""
    return can(user, perm(Client, "change")) and sees_every_person(user)


def nationalities_to_fix(user: AnyUser) -> ClientQuerySet:
    """People whose nationality was written as text that names no one country, and no country
    is set yet: none for those who may not fix them."""
    if not can_fix_nationalities(user):
        return Client.objects.none()
    return visible_clients(user).filter(nationality="").exclude(nationality_as_recorded="")


def may_change_discharge(user: AnyUser, discharge: Discharge) -> bool:
    """A discharge is special category data: changed or removed only by one who reads it."""
    return can(user, perm(Discharge, "change")) and may_see_special_category(user, discharge.client)


def may_remove_discharge(user: AnyUser, discharge: Discharge) -> bool:
    return can(user, perm(Discharge, "delete")) and may_see_special_category(user, discharge.client)


def can_review_sharing(user: AnyUser) -> bool:
    """The coordinator's list of sharing without consent (mars.roles)."""
    return can(user, "clients.review_sharingwithoutconsent")


# Special category and criminal-offence data (UK GDPR Articles 9 and 10): need to know. The one
# rule is clients.special.may_see_special_category (its own module, so that the services that keep
# such data as it is can ask it too); every page, serializer, timeline and list asks it.


def may_break_glass(user: AnyUser, client: Client) -> bool:
    """Whether the urgent "see restricted information" action is offered: to staff who may see
    the person's records but not their special category data."""
    return (
        can(user, perm(BreakGlass, "add"))
        and can_see_people(user)
        and not may_see_special_category(user, client)
    )


def people_whose_special_category_is_seen(user: AnyUser, people: ClientQuerySet) -> ClientQuerySet:
    """Of `people`, those whose special category data the user may see: a filter by such a need
    must not tell anyone else who has it."""
    if sees_all_special_category(user):
        return people
    granted = BreakGlass.objects.in_force().filter(user_id=int(user.pk or 0)).values("client_id")
    return people.filter(Q(key_worker_id=user.pk) | Q(pk__in=granted))


def with_need_seen_by(user: AnyUser, people: ClientQuerySet, need: str) -> ClientQuerySet:
    """People with a support need; a special category need only among those the user may see."""
    people = people.with_need(need)
    if need in SPECIAL_NEEDS:
        people = people_whose_special_category_is_seen(user, people)
    return people


def note_seen_by(user: AnyUser, client: Client | None, text: str, *, sensitive: bool) -> str:
    """A note as the user reads it: a sensitive one only under the rule above."""
    if text and sensitive and not may_see_special_category(user, client):
        return SENSITIVE_NOTE_HELD
    return text


def can_see_break_glass_log(user: AnyUser) -> bool:
    return can(user, perm(BreakGlass, "view"))


def history_mask(user: AnyUser, client: Client | None) -> Mask | None:
    """What of a person's records' history the user may not read: their special category data
    and sensitive notes (None: they may read it all)."""
    if may_see_special_category(user, client):
        return None

    def mask(record: Any) -> set[str]:
        model = record.instance_type
        if model is Client:
            return {"ethnicity", "support_needs", "public_funds"}
        if model is HealthAccess:
            return {"kind", "outcome", "notes", "__str__"}
        if model is Discharge:
            return {"kind", "date", "evidence", "notes", "__str__"}
        hidden = set()
        if hasattr(record, "needs_observed"):
            hidden.add("needs_observed")
        if getattr(record, "sensitive", False):
            hidden.add("notes")
        return hidden

    return mask
