"""One timeline of everything that happened with a person, newest first, across the apps, read a
page at a time.

Each entry has a place on the timeline (its Position): its time, then the name of the source it
comes from, then the record's id. The order is total, so a page that starts strictly after the last
entry of the one before never skips or repeats an entry, even among many at the same time (every
contact of a day entered at midnight, every all-day record at the day's start).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.db.models import DateField, DateTimeField, Model, Q, QuerySet
from django.utils import timezone

from mars.access import AnyUser
from mars.dates import day_start
from mars.registry import Registry

PAGE_SIZE = 50


@dataclass(frozen=True, order=True)
class Position:
    """Where an entry stands: by time, then source, then id (tie-breaks: the order is total)."""

    when: datetime
    source: str
    pk: int


@dataclass
class TimelineEntry:
    when: datetime
    kind: str
    title: str
    detail: str
    url: str
    all_day: bool = False
    # What the entry was read from (one source per query: "outreach.contact") and the row's id.
    source: str = ""
    pk: int = 0

    @property
    def position(self) -> Position:
        return Position(self.when, self.source, self.pk)


class BadCursor(ValueError):
    """A ?before= that no page of ours gave out (edited, cut short, or from another version)."""


_SOURCE = re.compile(r"^[a-z][a-z0-9_.]{0,63}$")


def encode_cursor(position: Position) -> str:
    """An opaque token for "the entries older than this one" (for a link's ?before=)."""
    when = position.when.astimezone(UTC).isoformat()
    raw = f"{when}|{position.source}|{position.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str) -> Position:
    """The position a token stands for; BadCursor for anything we did not make."""
    if len(token) > 200:
        raise BadCursor("That link to older entries is too long.")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        when_text, source, pk_text = raw.split("|")
        when = datetime.fromisoformat(when_text)
        pk = int(pk_text)
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise BadCursor("That link to older entries is not one this page made.") from error
    if when.tzinfo is None or not _SOURCE.match(source) or pk < 0:
        raise BadCursor("That link to older entries is not one this page made.")
    return Position(when, source, pk)


def _tie(source: str, before: Position) -> Q | None:
    """Among rows at exactly the cursor's time, those of this source that come after it (None:
    none do; an empty Q: all do)."""
    if source < before.source:
        return Q()
    if source == before.source:
        return Q(pk__lt=before.pk)
    return None


def older(
    rows: QuerySet[Any],
    field_name: str,
    source: str,
    before: Position | None,
    limit: int,
) -> QuerySet[Any]:
    """One source's rows that come after the cursor on the timeline, newest first, at most limit.

    field_name is a datetime column, or a date column for all-day entries (entered at the start of
    their local day, as day_start gives).
    """
    column = rows.model._meta.get_field(field_name)
    is_day = isinstance(column, DateField) and not isinstance(column, DateTimeField)
    rows = rows.filter(**{f"{field_name}__isnull": False})
    if before is not None:
        rows = rows.filter(_after(field_name, source, before, is_day=is_day))
    return rows.order_by(f"-{field_name}", "-pk")[:limit]


def _after(field_name: str, source: str, before: Position, *, is_day: bool) -> Q:
    tie = _tie(source, before)
    if not is_day:
        older_q = Q(**{f"{field_name}__lt": before.when})
        return older_q if tie is None else older_q | (Q(**{field_name: before.when}) & tie)
    day: date = timezone.localtime(before.when).date()
    if day_start(day) < before.when:
        return Q(**{f"{field_name}__lte": day})
    # The cursor sits exactly at the start of its day: that day's entries tie with it.
    older_q = Q(**{f"{field_name}__lt": day})
    return older_q if tie is None else older_q | (Q(**{field_name: day}) & tie)


# Each app that keeps records about a person adds a function (person, user, before, limit) ->
# [TimelineEntry]: at most `limit` of its entries that come after `before` (all from the newest
# when None), each with its source and pk set. `older` gives each source's query.
Provider = Callable[[Any, AnyUser, Position | None, int], list[TimelineEntry]]
providers: Registry[Provider] = Registry("timeline entries")


@dataclass
class TimelinePage:
    entries: list[TimelineEntry] = field(default_factory=list)
    # The token for the next (older) page, None on the last.
    next: str | None = None


def timeline_for(
    client: Model | object,
    user: AnyUser,
    *,
    before: Position | None = None,
    limit: int = PAGE_SIZE,
) -> TimelinePage:
    """One page of the person's timeline: the `limit` entries after `before`, newest first.

    Each provider gives at most limit + 1, so the cost follows the page and not the person's whole
    history; the one over says whether there is a next page.
    """
    entries: list[TimelineEntry] = []
    for provider in providers:
        entries.extend(provider(client, user, before, limit + 1))
    entries.sort(key=lambda e: e.position, reverse=True)
    page = entries[:limit]
    more = len(entries) > limit
    return TimelinePage(page, encode_cursor(page[-1].position) if more and page else None)
