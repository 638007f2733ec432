"""One timeline of everything that happened with a person, newest first, across the apps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mars.access import AnyUser
from mars.registry import Registry


@dataclass
class TimelineEntry:
    when: datetime
    kind: str
    title: str
    detail: str
    url: str
    all_day: bool = False


# Each app that keeps records about a person adds a function (person, user) -> [TimelineEntry].
providers: Registry[Callable[[Any, AnyUser], list[TimelineEntry]]] = Registry("timeline entries")


def timeline_for(client: object, user: AnyUser) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for provider in providers:
        entries.extend(provider(client, user))
    return sorted(entries, key=lambda e: e.when, reverse=True)
