"""Which people a request read: noted by the few functions that fetch people and their records for
a request (mars.access.get_visible, mars.pages.page_of, the API's viewsets), so that no page about a
person can forget it. The access log (audit) opens a record around each request and writes what
was noted as one row after a successful response.

Outside a request (a shell, a task, a test calling a service) nothing is open and noting does
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from typing import Any, cast

from django.apps import apps
from django.conf import settings
from django.db import models


@dataclass
class Reads:
    """What one request read: the people (by id, in the order first read) and what it was."""

    people: dict[int, None] = field(default_factory=dict)
    what: str = ""
    # A download or export about no one in particular (an aggregate report) is still a read.
    noted: bool = False
    # Why, when the reading needed one (an urgent "break glass" reading): the access log keeps it.
    reason: str = ""

    @property
    def ids(self) -> list[int]:
        return list(self.people)


_current: ContextVar[Reads | None] = ContextVar("mars_reads", default=None)


@contextmanager
def reading() -> Iterator[Reads]:
    """Note the reads of what runs inside (one request)."""
    reads = Reads()
    token = _current.set(reads)
    try:
        yield reads
    finally:
        _current.reset(token)


def note(ids: Iterable[int | None], what: str) -> None:
    """The request read these people (their ids); the first name given says what it was."""
    reads = _current.get()
    if reads is None:
        return
    reads.noted = True
    if not reads.what:
        reads.what = what
    for pk in ids:
        if pk is not None:
            reads.people[int(pk)] = None


@cache
def _person_fields(model: type[models.Model]) -> tuple[str, ...]:
    """The columns of a model that hold a person's id: its own id for the person model, else its
    foreign keys to people (a contact's `client`, a house issue's `resident`)."""
    person = apps.get_model(settings.MARS_PERSON_MODEL)
    if model is person:
        return ("pk",)
    return tuple(
        field.attname
        for field in model._meta.concrete_fields
        if field.many_to_one and field.related_model is person
    )


@cache
def _parent_links(model: type[models.Model]) -> tuple[Any, ...]:
    """For a record with no person of its own, its foreign keys to a record that has one (a
    meeting action's meeting, a plan action's plan, a payment's request)."""
    if _person_fields(model):
        return ()
    return tuple(
        field
        for field in model._meta.concrete_fields
        if field.many_to_one and _person_fields(cast(type[models.Model], field.related_model))
    )


def _note_through_parents(records: list[models.Model], what: str) -> None:
    for link in _parent_links(type(records[0])):
        if all(link.is_cached(record) for record in records):
            note_records([getattr(record, link.name) for record in records], what)
            continue
        # The parents were not fetched with the records: their people in one query.
        ids = {getattr(record, link.attname) for record in records} - {None}
        if ids:
            names = _person_fields(link.related_model)
            rows = link.related_model._default_manager.filter(pk__in=ids).values_list(*names)
            note((pk for row in rows for pk in row), what)


def note_reason(reason: str) -> None:
    """The request read something only because of this reason (break glass): the log keeps it.
    Several reasons in one request are all kept."""
    reads = _current.get()
    if reads is None or not reason:
        return
    if reason not in reads.reason.split(" | "):
        reads.reason = f"{reads.reason} | {reason}" if reads.reason else reason


def note_records(records: Iterable[Any], what: str) -> None:
    """The request read these records (people, or records about people): note their people.
    Records about no one note nothing."""
    if _current.get() is None:
        return
    records = list(records)
    if not records:
        return
    if not isinstance(records[0], models.Model):
        return
    names = _person_fields(type(records[0]))
    if names:
        note((getattr(record, name) for record in records for name in names), what)
    elif _parent_links(type(records[0])):
        _note_through_parents(records, what)


def note_record(record: Any, what: str) -> None:
    note_records([record], what)
