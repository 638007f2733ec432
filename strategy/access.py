"""Who may read and who may run the Strategy Group (mars.roles gives the permissions).

Every member of staff who works with people reads it (outreach and support workers, the
coordinator, the director); the coordinator, and anyone given `manage_strategy_group`, changes
it. Its records are about no person, so nobody's access to people is involved.
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404

from mars.access import AnyUser, can

READ = "strategy.view_strategy_group"
MANAGE = "strategy.manage_strategy_group"

M = TypeVar("M", bound=models.Model)


def can_read(user: AnyUser) -> bool:
    return can(user, READ) or can(user, MANAGE)


def can_manage(user: AnyUser) -> bool:
    return can(user, MANAGE)


def require_read(user: AnyUser) -> None:
    """A list or a form of the group: 403 to those who may not read it."""
    if not can_read(user):
        raise PermissionDenied


def require_manage(user: AnyUser) -> None:
    if not can_manage(user):
        raise PermissionDenied


def get_record(user: AnyUser, model: type[M], pk: object, *, manage: bool = False) -> M:
    """One of the group's records: 404 to those who may not read the group (its existence is
    not revealed), 403 to a reader when changing it is asked."""
    if not can_read(user):
        raise Http404
    try:
        record = model._default_manager.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error
    if manage:
        require_manage(user)
    return record
