"""Saving a case record as every service does: validated, with who (and why) in its history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

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
