"""Saving a case record as every service does: validated, with who (and why) in its history."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db import models

from mars.access import AnyUser

M = TypeVar("M", bound=models.Model)


class Refusal(Exception):
    """A change the rules refuse, with a message a person can act on (and, when the refusal is
    about one input, its field, so a page can show the message beside it). Each app's domain
    error is one of these."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def acting(by: AnyUser | None) -> User | None:
    """The signed-in user behind a change, or None (a command, an anonymous request)."""
    return by if isinstance(by, User) and by.is_authenticated else None


def note_change(record: models.Model, *, by: AnyUser | None, reason: str = "") -> None:
    """Say who (and why) for the record's next save, as its history will show."""
    # simple-history reads these two attributes from the instance when it is saved.
    record._history_user = acting(by)  # type: ignore[attr-defined]
    if reason:
        record._change_reason = reason  # type: ignore[attr-defined]


def save_record(
    record: M, *, by: AnyUser | None, reason: str = "", exclude: Sequence[str] = ()
) -> M:
    """Validate the record (fields and constraints), save it, note who and why in its history."""
    record.full_clean(exclude=list(exclude))
    note_change(record, by=by, reason=reason)
    record.save()
    return record


def _fields(row: models.Model) -> tuple[object, ...]:
    return tuple(getattr(row, f.attname) for f in row._meta.concrete_fields)


def sync_rows(
    related: Any,
    rows: Sequence[Mapping[str, Any]],
    *,
    by: AnyUser | None,
    error: type[Refusal] = Refusal,
    prepare: Callable[[Any], None] | None = None,
) -> None:
    """Make a record's rows (a plan's actions or alerts, a meeting's or supervision's actions)
    the rows given: rows with an id change that row, rows without one are added, rows left out
    are removed. A row saves (and gains a history entry) only when it is new or something in it
    changed; `prepare` checks or completes each row before (raising `error`'s kind)."""
    existing = {row.pk: row for row in related.all()}
    kept = set()
    for data in rows:
        row_id = data.get("id")
        if row_id and row_id not in existing:
            raise error(f"Row {row_id} does not belong to this record.")
        row = (
            existing[row_id] if row_id else related.model(**{related.field.name: related.instance})
        )
        before = _fields(row)
        for name, value in data.items():
            if name != "id":
                setattr(row, name, value)
        if prepare is not None:
            prepare(row)
        if row.pk is None or _fields(row) != before:
            save_record(row, by=by)
        kept.add(row.pk)
    for pk, row in existing.items():
        if pk not in kept:
            note_change(row, by=by)
            row.delete()
