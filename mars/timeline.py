"""One timeline of everything that happened with a person, newest first, across the apps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.module_loading import import_string

from mars.access import AnyUser

# Each app that keeps records about a person adds a function (client, user) -> [TimelineEntry].
PROVIDERS = [
    "outreach.timeline.entries_for",
    "accommodation.timeline.entries_for",
    "risk.timeline.entries_for",
    "funds.timeline.entries_for",
]


@dataclass
class TimelineEntry:
    when: datetime
    kind: str
    title: str
    detail: str
    url: str
    all_day: bool = False


def timeline_for(client: object, user: AnyUser) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for provider in PROVIDERS:
        entries.extend(import_string(provider)(client, user))
    return sorted(entries, key=lambda e: e.when, reverse=True)
