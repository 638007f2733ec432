"""What MARS holds and why: the register the "What we hold and why" page, its downloads and the
API show, made from the code's own tables (privacy.tables) and the roles' permissions
(mars.roles.ROLE_PERMISSIONS), so it says what the code does."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models

from mars.roles import ROLE_PERMISSIONS
from privacy import tables
from privacy.services import access_log_years, retention_years


@dataclass(frozen=True)
class HeldField:
    model: str  # verbose name: "contact"
    label: str  # "app.Model"
    field: str
    name: str  # verbose name of the field
    removed: bool  # removed at anonymisation (or deleted with the rows)


@dataclass(frozen=True)
class Entry:
    key: str
    title: str
    description: str
    article_6: str
    condition: str
    special: bool
    criminal: bool
    fields: list[HeldField]
    seen_by: list[str]
    need_to_know: str
    kept: str


def _erased(label: str) -> set[str]:
    if label in tables.DELETED:
        return {f.name for f in apps.get_model(label)._meta.concrete_fields}
    if label == "clients.Client":
        return set(tables.CLIENT_ERASED) | set(tables.CLIENT_CLEARED)
    return {name for e in tables.ERASED if e.model == label for name in (*e.fields, *e.files)}


def _fields(held: tables.Held) -> list[tuple[str, models.Field[Any, Any]]]:
    """(category, field) for each stored field of the model but its id and its history's."""
    model = apps.get_model(held.model)
    return [
        (held.fields.get(f.name, held.category), f)
        for f in model._meta.concrete_fields
        if not f.primary_key
    ]


def _view_permission(label: str) -> str:
    if label in tables.VIEW_PERMISSION:
        return tables.VIEW_PERMISSION[label]
    app_label, name = label.split(".")
    return f"{app_label}.view_{name.lower()}"


def _kept(key: str, fields: list[HeldField]) -> str:
    if key == "access_log":
        return f"{access_log_years()} years, then removed by the monthly retention run."
    removed = [f"{f.model} {f.name}" for f in fields if f.removed]
    kept = [f"{f.model} {f.name}" for f in fields if not f.removed]
    text = (
        f"Until {retention_years()} years after the person's last activity (unless under a "
        "legal hold)."
    )
    if removed:
        text += " Then removed, with their history: " + ", ".join(removed) + "."
    if kept:
        text += " Kept without the person's identity, for the figures: " + ", ".join(kept) + "."
    return text


def _need_to_know(fields: list[HeldField]) -> str:
    """Which of a category's fields only some of those who see the record may read, and who."""
    always = [
        f"{f.model} {f.name}" for f in fields if f.field in tables.NEED_TO_KNOW.get(f.label, ())
    ]
    marked = [
        f"{f.model} {f.name}" for f in fields if f.field in tables.SENSITIVE_NOTES.get(f.label, ())
    ]
    if not always and not marked:
        return ""
    roles = [
        role.label
        for role, granted in ROLE_PERMISSIONS.items()
        if tables.SPECIAL_CATEGORY_PERMISSION in granted
    ]
    said = []
    if always:
        said.append(", ".join(always))
    if marked:
        said.append(", ".join(marked) + " when marked sensitive")
    return (
        f"{'; '.join(said)}: read only by {', '.join(roles) or 'no role'}, the person's key "
        f"worker, or for {settings.BREAK_GLASS_MINUTES} minutes by one who breaks glass with a "
        "reason (written to the access log; the coordinators are told). Others see that "
        "something is held, not what."
    )


def entries() -> list[Entry]:
    """The register: each category of personal data, what it is, on what basis, who sees it and
    how long it is kept."""
    found: dict[str, list[HeldField]] = {c.key: [] for c in tables.CATEGORIES}
    permissions: dict[str, set[str]] = {c.key: set() for c in tables.CATEGORIES}
    for held in tables.HELD:
        model = apps.get_model(held.model)
        erased = _erased(held.model)
        for key, f in _fields(held):
            found[key].append(
                HeldField(
                    str(model._meta.verbose_name),
                    held.model,
                    f.name,
                    str(f.verbose_name),
                    f.name in erased,
                )
            )
            permissions[key].add(_view_permission(held.model))
    return [
        Entry(
            key=c.key,
            title=c.title,
            description=c.description,
            article_6=c.article_6,
            condition=c.condition,
            special=c.special,
            criminal=c.criminal,
            fields=found[c.key],
            seen_by=[
                role.label
                for role, granted in ROLE_PERMISSIONS.items()
                if granted & permissions[c.key]
            ],
            need_to_know=_need_to_know(found[c.key]),
            kept=_kept(c.key, found[c.key]),
        )
        for c in tables.CATEGORIES
    ]


def as_json() -> list[dict[str, Any]]:
    return [asdict(entry) for entry in entries()]


CSV_HEADER = [
    "category",
    "data",
    "lawful basis (Article 6)",
    "condition (Article 9 / 10, DPA 2018 Schedule 1)",
    "special category",
    "criminal offence data",
    "who may see it",
    "need to know",
    "how long it is kept",
]


def csv_rows() -> list[list[str]]:
    rows = [CSV_HEADER]
    for e in entries():
        data = "; ".join(f"{f.model}: {f.name}" for f in e.fields)
        rows.append(
            [
                e.title,
                f"{e.description} ({data})",
                e.article_6,
                e.condition,
                "yes" if e.special else "no",
                "yes" if e.criminal else "no",
                ", ".join(e.seen_by),
                e.need_to_know,
                e.kept,
            ]
        )
    return rows
