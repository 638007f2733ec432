"""A record's history as people read it: who, when, and each field from -> to."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.text import capfirst

from mars.dates import uk_datetime

ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}
EMPTY = "—"
# What a reader who may not see a masked field reads in its place (need to know).
HELD = "held (restricted)"

# For a historical record, the names of the fields its reader may not see (special category
# data, a sensitive note): their values are shown as HELD, on both sides of a change.
Mask = Callable[[Any], Collection[str]]


@dataclass
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    action: str
    record: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


class _Display:
    """Turns stored values into what a person reads, resolving related records once each."""

    def __init__(self) -> None:
        self._related: dict[tuple[type[models.Model], Any], str] = {}

    def __call__(self, model: type[models.Model], name: str, value: Any) -> str:
        model_field = _field(model, name)
        if value is None or value == "" or value == []:
            return EMPTY
        if model_field.many_to_many:
            target = _target(model_field)
            column = target._meta.model_name
            ids = [row[column] if isinstance(row, dict) else row for row in value]
            return ", ".join(sorted(self._related_name(target, pk) for pk in ids)) or EMPTY
        if model_field.is_relation:
            return self._related_name(_target(model_field), value)
        if isinstance(model_field, ArrayField):
            labels = dict(model_field.base_field.flatchoices)
            return ", ".join(str(labels.get(item, item)) for item in value)
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, datetime):
            return uk_datetime(value)
        if isinstance(value, date):
            return value.strftime("%d/%m/%Y")
        return str(value)

    def _related_name(self, model: type[models.Model], pk: Any) -> str:
        key = (model, pk)
        if key not in self._related:
            obj = model._default_manager.filter(pk=pk).first()
            if obj is None:
                self._related[key] = f"#{pk} (removed)"
            elif isinstance(obj, get_user_model()):
                self._related[key] = _person_name(obj)
            else:
                self._related[key] = str(obj)
        return self._related[key]


def _person_name(user: Any) -> str:
    """A member of staff as colleagues know them: their name, the username only when none is set."""
    return user.get_full_name() or user.username


def _who(record: Any) -> str:
    user = record.history_user
    if user is None:
        return "System"
    return _person_name(user)


def history_entries(
    *sources: tuple[str, Iterable[Any]], mask: Mask | None = None
) -> list[HistoryEntry]:
    """Entries, newest first, from (label, historical records) pairs such as ("Alias", qs);
    fields `mask` names for any version of a record are shown as held, not read, in them all."""
    display = _Display()
    entries: list[HistoryEntry] = []
    for label, records in sources:
        by_object: dict[Any, list[Any]] = {}
        for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
            by_object.setdefault(record.instance.pk, []).append(record)
        for versions in by_object.values():
            # A note marked sensitive once is held in every version, the earlier ones too.
            hidden: set[str] = set()
            if mask is not None:
                for record in versions:
                    hidden |= set(mask(record))
            previous = None
            for record in versions:
                entries.append(_entry(label, record, previous, display, hidden))
                previous = record
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def _entry(
    label: str, record: Any, previous: Any, display: _Display, hidden: Collection[str] = ()
) -> HistoryEntry:
    model = record.instance_type
    tracked = [f.name for f in record.instance._meta.concrete_fields] + [
        f.name for f in getattr(model, "_history_m2m_fields", [])
    ]
    changes: list[FieldChange] = []
    if record.history_type == "~" and previous is not None:
        delta = record.diff_against(previous, foreign_keys_are_objs=False)
        for change in delta.changes:
            changes.append(
                FieldChange(
                    capfirst(str(model._meta.get_field(change.field).verbose_name)),
                    HELD if change.field in hidden else display(model, change.field, change.old),
                    HELD if change.field in hidden else display(model, change.field, change.new),
                )
            )
    elif record.history_type == "+":
        for name in tracked:
            if name == "id" or not hasattr(record, _attname(model, name)):
                continue
            value = _value(record, model, name)
            shown = (
                HELD
                if name in hidden and value not in (None, "", [])
                else display(model, name, value)
            )
            if shown != EMPTY and not (isinstance(value, bool) and not value):
                changes.append(
                    FieldChange(
                        capfirst(str(model._meta.get_field(name).verbose_name)), EMPTY, shown
                    )
                )
    return HistoryEntry(
        when=record.history_date,
        who=_who(record),
        action=ACTIONS[record.history_type],
        record=_record_name(label, record, hidden),
        reason=record.history_change_reason or "",
        changes=changes,
    )


def _record_name(label: str, record: Any, hidden: Collection[str]) -> str:
    # A record whose very name says what is held (a health access's kind) is named by its model.
    name = (
        capfirst(str(record.instance_type._meta.verbose_name))
        if "__str__" in hidden
        else str(record.instance)
    )
    return f"{label}: {name}" if label else name


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """A field the model itself holds (history records only those, never reverse relations)."""
    model_field = model._meta.get_field(name)
    if not isinstance(model_field, models.Field):
        raise LookupError(f"{model.__name__}.{name} is not a field of its own")
    return model_field


def _target(model_field: models.Field[Any, Any]) -> type[models.Model]:
    target = model_field.related_model
    if not isinstance(target, type):
        raise LookupError(f"{model_field.name} relates to no model")
    return target


def _attname(model: type[models.Model], name: str) -> str:
    model_field = _field(model, name)
    return name if model_field.many_to_many else model_field.attname


def _value(record: Any, model: type[models.Model], name: str) -> Any:
    model_field = _field(model, name)
    if model_field.many_to_many:
        return [
            getattr(row, f"{_target(model_field)._meta.model_name}_id")
            for row in getattr(record, name).all()
        ]
    return getattr(record, model_field.attname)
