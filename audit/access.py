"""Who may see the access log, and the people it names as they may be shown."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mars import access

VIEW_ACCESS_LOG = "audit.view_access_log"


def can_view_access_log(user: access.AnyUser) -> bool:
    return access.can(user, VIEW_ACCESS_LOG)


def named_people(user: access.AnyUser, ids: Iterable[int]) -> dict[int, Any]:
    """The people (by id) among these that the user may see, fetched at once."""
    wanted = set(ids)
    if not wanted:
        return {}
    people = access.visible(user, access.person_model()._default_manager.filter(pk__in=wanted))
    return {person.pk: person for person in people}
