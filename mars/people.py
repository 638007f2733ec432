"""What a higher app shows beside every person, wherever people are listed or returned (the
alerts of a person's risk plan in force): registered from the app's AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.db.models import Prefetch
from django.utils.safestring import SafeString

from mars.access import AnyUser
from mars.registry import Registry

Q = TypeVar("Q", bound=models.QuerySet[Any])


@dataclass(frozen=True)
class AlertSource:
    # The prefetch that fetches a whole list's alerts at once; `path` leads from the list's model
    # to the person: "" for people, "client__" for records about a person.
    lookup: Callable[[str], Prefetch]
    # A person's alerts as the API shows them to a user (who may not read every one's words).
    read: Callable[[Any, AnyUser], list[dict[str, Any]]]
    # A person's alerts as flags on a page (rendered HTML) for a user; compact in lists.
    badges: Callable[[Any, AnyUser, bool], SafeString]


alert_sources: Registry[AlertSource] = Registry("sources of alerts about a person")


def with_alerts(queryset: Q, path: str = "") -> Q:
    """The queryset with each person's alerts fetched in a few queries for the lot: for the layers
    below the apps that hold alerts (people's own pages); those above import them directly."""
    lookups = [source.lookup(path) for source in alert_sources]
    return queryset.prefetch_related(*lookups) if lookups else queryset


def alerts_of(person: Any, user: AnyUser) -> list[dict[str, Any]]:
    return [alert for source in alert_sources for alert in source.read(person, user)]


# Where and when each of a list of people (by id) was last seen, as a phrase ("12/11/2026,
# Bus station"): registered by the app that records sightings, for the duplicate warning.
last_seen_sources: Registry[Callable[[list[int]], dict[int, str]]] = Registry(
    "sources of when and where a person was last seen"
)


def last_seen(ids: list[int]) -> dict[int, str]:
    seen: dict[int, str] = {}
    for source in last_seen_sources:
        seen.update(source(ids))
    return seen
