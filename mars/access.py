"""Who may see and change what: the machinery every app uses.

Role abilities are Django permissions granted to the role's group (mars.roles). A record a user
may not see is a 404 (its existence is not revealed); one they may see but not change is a 403.
Records about a person (a `client` foreign key to settings.MARS_PERSON_MODEL) are visible only
to those who may see people: a commissioner sees no one. Who may see which people is decided with
the people, in clients.access.

Need to know: seeing people (`view_client`) is seeing everyone only with `view_every_client`.
Without it a user sees only the people a registered scope puts before them (the A2A panel sees
the people whose referral is before the panel), and of their records only the kinds their role
may view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

from mars import reads
from mars.registry import Registry

M = TypeVar("M", bound=models.Model)
QS = TypeVar("QS", bound=models.QuerySet[Any])
AnyUser = User | AnonymousUser


def perm(model: type[models.Model], action: str) -> str:
    """The permission name for an action (view, add, change, delete) on a model."""
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def can(user: AnyUser, permission: str) -> bool:
    return bool(user.is_authenticated and user.has_perm(permission))


def require(user: AnyUser, permission: str) -> None:
    """Refuse (403) unless the user holds the permission."""
    if not can(user, permission):
        raise PermissionDenied


def person_model() -> type[models.Model]:
    """The model of the people the service works with (as AUTH_USER_MODEL names the users')."""
    return apps.get_model(settings.MARS_PERSON_MODEL)


@dataclass(frozen=True)
class PeopleScope:
    """The people put before those who hold `permission` but may not see everyone: `people()`
    is a condition on the person model (looked up when asked, so it follows the records)."""

    permission: str
    people: Callable[[], Q]


# Registered by the app that puts people before someone (accommodation: the A2A panel).
people_scopes: Registry[PeopleScope] = Registry("people put before those who see only some")


def sees_every_person(user: AnyUser) -> bool:
    person = person_model()
    return can(user, perm(person, "view")) and can(
        user, f"{person._meta.app_label}.view_every_{person._meta.model_name}"
    )


def _people_in_scope(user: AnyUser, people: QS) -> QS:
    """Of `people`, those the user may see: everyone, those put before them, or no one."""
    if not can(user, perm(person_model(), "view")):
        return people.none()
    if sees_every_person(user):
        return people
    scopes = [scope for scope in people_scopes if can(user, scope.permission)]
    if not scopes:
        return people.none()
    condition = Q()
    for scope in scopes:
        condition |= scope.people()
    # A subquery, not a join: a person with two referrals is still one person.
    return people.filter(pk__in=person_model()._default_manager.filter(condition).values("pk"))


def _is_about_a_person(model: type[models.Model]) -> bool:
    person = person_model()
    return model is not person and any(
        field.is_relation and field.related_model is person and field.many_to_one
        for field in model._meta.get_fields()
        if field.name == "client"
    )


def visible(user: AnyUser, records: QS) -> QS:
    """The records (of one model) the user may see; the queryset keeps its own type."""
    model = records.model
    if not can(user, perm(model, "view")):
        return records.none()
    if model is person_model():
        return _people_in_scope(user, records)
    if _is_about_a_person(model) and not sees_every_person(user):
        # A record that may be about no one (property spend, say) needs no right to see people
        # when it is not about anyone; a record about a person needs the right to see them.
        people = _people_in_scope(user, person_model()._default_manager.all()).values("pk")
        if model._meta.get_field("client").null:
            return records.filter(Q(client__isnull=True) | Q(client__in=people))
        return records.filter(client__in=people)
    return records


def visible_people(user: AnyUser) -> models.QuerySet[Any]:
    """The people a user may see and choose for a record. The person model's queryset says with
    `active()` who is a person of their own (a merged duplicate is not)."""
    return visible(user, person_model()._default_manager.all()).active()  # type: ignore[attr-defined]  # the person model's contract


def get_visible(user: AnyUser, model: type[M], pk: object, *, write: bool = False) -> M:
    """One record: 404 if the user may not see it; 403 if write is asked and they may not change it.

    (The 403 comes after the 404 check, so nothing is revealed to those who may not see.)
    """
    try:
        obj = visible(user, model._default_manager.all()).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error
    if write:
        require(user, perm(model, "change"))
    # Fetching a person or a record about one for a request is reading it: the access log's.
    reads.note_record(obj, _page_name(model))
    return obj


def _page_name(model: type[models.Model]) -> str:
    return "person page" if model is person_model() else f"{model._meta.verbose_name} page"


def can_add_for(user: AnyUser, model: type[models.Model]) -> bool:
    return can(user, perm(model, "add"))


def can_change(user: AnyUser, model: type[models.Model]) -> bool:
    return can(user, perm(model, "change"))
