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
    HealthAccess,
)
from mars import reads
from mars.access import AnyUser, can, get_visible, perm, visible
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


# Special category and criminal-offence data (UK GDPR Articles 9 and 10): need to know.

SPECIAL_CATEGORY = "clients.view_special_category"
# What those who may not see it read instead: that something is held, never what.
HELD = "Held (special category)"
SENSITIVE_NOTE_HELD = "Sensitive note held: ask the key worker"


def sees_all_special_category(user: AnyUser) -> bool:
    """Whether the user sees every person's special category data (the coordinator, and any role
    mars.roles grants `view_special_category`; superusers too)."""
    return bool(user.is_authenticated and (user.is_superuser or can(user, SPECIAL_CATEGORY)))


def _grants_in_force(user: AnyUser) -> dict[int, str]:
    """The user's break-glass grants in force, person id -> reason; read once per user object
    (one request), and forgotten when a new grant is made (clients.services.break_glass)."""
    cached: dict[int, str] | None = getattr(user, "_mars_break_glass", None)
    if cached is None:
        cached = {}
        for client_id, reason in (
            BreakGlass.objects.in_force().filter(user_id=int(user.pk or 0)).values_list("client_id", "reason")
        ):
            cached.setdefault(client_id, reason)
        user._mars_break_glass = cached  # type: ignore[union-attr]  # a per-request cache
    return cached


def forget_grants(user: AnyUser) -> None:
    if hasattr(user, "_mars_break_glass"):
        del user._mars_break_glass  # type: ignore[union-attr]


def may_see_special_category(user: AnyUser, client: Client | None) -> bool:
    """The one rule for special category and criminal-offence data and sensitive notes.

    Rules: a user sees a person's ethnicity, health needs, health access, offending history,
    immigration fact (no recourse to public funds) and sensitive notes if they hold
    `clients.view_special_category`, or are the person's key worker, or have a break-glass grant
    in force for them (then the reading is written to the access log with its reason); superusers
    too. A record about no identifiable person (an unidentified sighting) names no one, so its
    notes are read by whoever may read the record.
    """
    if client is None:
        return True
    if not user.is_authenticated:
        return False
    if sees_all_special_category(user):
        return True
    if client.key_worker_id == user.pk and can_see_people(user):
        return True
    reason = _grants_in_force(user).get(client.pk)
    if reason is not None:
        reads.note_reason(f"Break glass: {reason}")
        reads.note([client.pk], "break-glass reading")
        return True
    return False


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
            return {"ethnicity", "support_needs"}
        if model is HealthAccess:
            return {"kind", "outcome", "notes", "__str__"}
        hidden = set()
        if hasattr(record, "needs_observed"):
            hidden.add("needs_observed")
        if getattr(record, "sensitive", False):
            hidden.add("notes")
        return hidden

    return mask
