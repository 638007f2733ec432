"""Who may see which people and the records about them (mars.access holds the machinery)."""

from __future__ import annotations

from django.http import HttpRequest

from clients import services
from clients.models import Agency, Client, ClientQuerySet
from mars.access import AnyUser, can, get_visible, perm, visible


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


def can_review_sharing(user: AnyUser) -> bool:
    """The coordinator's list of sharing without consent (mars.roles)."""
    return can(user, "clients.review_sharingwithoutconsent")
