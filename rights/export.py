"""The subject access export: everything MARS holds about a person, as a ZIP of a readable PDF,
the same data as JSON (with each record's change history and the access log of the record), the
person's receipt files, and a list of what was redacted and where.

Other people's names are redacted (staff names stay): a link to another person's record, and the
full names, known-as and aliases of other people found in free text. Finding those uses the
PersonName index: the words of the export's free text are looked up in one indexed query, and
only the people with a whole name among them are searched for in the text.
"""

from __future__ import annotations

import json
import re
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import capfirst

from audit.models import AccessEvent
from clients import names
from clients.models import Client, ClientAlias, NameKind, PersonName
from mars import reads
from mars.dates import uk_datetime
from mars.history import ACTIONS
from mars.models import Notification
from rights.contents import EXPORTED, LEFT_OUT, Part

FORMAT = "mars-subject-access/1"
REDACTED = "[name of another person removed]"
ANOTHER_PERSON = "[another person]"
# Shorter known-as or aliases ("Al", "Jo") would remove parts of ordinary words and names.
SHORTEST_NAME = 3
# Fields that never reach the export: bookkeeping of the system, not information about anyone.
SKIPPED = {"external_ref"}


def people_of(client: Client) -> list[int]:
    """The person and every record merged into them (directly or through another merge): the
    same person entered more than once, whose records are theirs too."""
    ids = [client.pk]
    frontier = [client.pk]
    while frontier:
        frontier = list(
            Client.objects.filter(merged_into__in=frontier).values_list("pk", flat=True)
        )
        ids += frontier
    return ids


def _model(label: str) -> type[models.Model]:
    return apps.get_model(label)


def _condition(part: Part, ids: list[int]) -> Q:
    """The part's records about these people (on the model or on its history model alike)."""
    condition = Q()
    for path in part.paths:
        condition |= Q(id__in=ids) if path == "pk" else Q(**{f"{path}__in": ids})
    return condition


def _records_of(part: Part, ids: list[int]) -> models.QuerySet[Any]:
    model = _model(part.model)
    return model._default_manager.filter(_condition(part, ids)).distinct().order_by("pk")


def _is_free_text(model_field: Any) -> bool:
    return (
        isinstance(model_field, (models.CharField, models.TextField))
        and not model_field.choices
        and not isinstance(model_field, models.SlugField)
    )


def _date_of(model: type[models.Model], values: dict[str, Any]) -> str:
    """The record's first date or time, to name it in the PDF and the list of redactions."""
    for model_field in model._meta.concrete_fields:
        if isinstance(model_field, (models.DateField, models.DateTimeField)):
            value = values.get(model_field.name)
            if value:
                return value
    return ""


@dataclass
class Redactions:
    """Other people's names found and removed, where (never what: the list goes to the person)."""

    rows: list[dict[str, str]] = field(default_factory=list)

    def add(self, where: str, what: str, count: int = 1) -> None:
        self.rows.append({"where": where, "what": what, "count": str(count)})


class _Labels:
    """Related records as the export shows them, fetched in one query per model and batch."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = set(ids)
        self.user_model = get_user_model()
        self._cache: dict[tuple[type[models.Model], Any], str] = {}

    def prime(self, model: type[models.Model], pks: Iterable[Any]) -> None:
        wanted = {pk for pk in pks if pk is not None and (model, pk) not in self._cache}
        if not wanted or model is Client:
            return
        for pk, obj in model._default_manager.in_bulk(list(wanted)).items():
            if isinstance(obj, self.user_model):
                self._cache[(model, pk)] = obj.get_full_name() or obj.get_username()
            else:
                self._cache[(model, pk)] = str(obj)
        for pk in wanted:
            self._cache.setdefault((model, pk), f"#{pk} (removed)")

    def label(self, model: type[models.Model], pk: Any) -> str:
        if model is Client:
            return "this person" if pk in self.ids else ANOTHER_PERSON
        if (model, pk) not in self._cache:
            self.prime(model, [pk])
        return self._cache[(model, pk)]


@dataclass
class _Text:
    """A free-text value in the export, to be searched for other people's names."""

    holder: dict[str, Any]
    key: str
    where: str


class Builder:
    """Gathers one person's export as plain data (the JSON), then renders the PDF from it."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.ids = people_of(client)
        self.labels = _Labels(self.ids)
        self.texts: list[_Text] = []
        self.redactions = Redactions()
        self.files: list[tuple[str, Any]] = []  # (name in the ZIP, FieldFile)
        self.urls: set[str] = set()

    # Values --------------------------------------------------------------------------------
    def _value(self, model_field: Any, raw: Any) -> Any:
        if raw is None or raw == "":
            return raw
        if model_field.is_relation:
            return self.labels.label(model_field.related_model, raw)
        if isinstance(model_field, ArrayField):
            labels = dict(model_field.base_field.flatchoices)
            return [str(labels.get(item, item)) for item in raw]
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(raw, raw))
        if isinstance(model_field, models.FileField):
            return PurePath(str(raw)).name
        if isinstance(raw, datetime):
            return timezone.localtime(raw).isoformat()
        if isinstance(raw, date):
            return raw.isoformat()
        if isinstance(raw, Decimal):
            return str(raw)
        return raw

    def _fields(self, model: type[models.Model]) -> list[Any]:
        return [f for f in model._meta.concrete_fields if f.name not in SKIPPED]

    def _values(self, model: type[models.Model], row: Any, where: str) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for model_field in self._fields(model):
            if not hasattr(row, model_field.attname):
                continue  # a field its history does not keep (created_at)
            raw = getattr(row, model_field.attname)
            values[model_field.name] = self._value(model_field, raw)
            if model_field.is_relation and model_field.related_model is Client:
                if raw is not None and raw not in self.ids:
                    self.redactions.add(
                        f"{where}, {capfirst(str(model_field.verbose_name))}",
                        "a link to another person's record",
                    )
            elif _is_free_text(model_field) and values[model_field.name]:
                label = capfirst(str(model_field.verbose_name))
                self.texts.append(_Text(values, model_field.name, f"{where}, {label}"))
        return values

    def _prime(self, model: type[models.Model], rows: list[Any]) -> None:
        for model_field in self._fields(model):
            if model_field.is_relation:
                self.labels.prime(
                    model_field.related_model,
                    (getattr(r, model_field.attname, None) for r in rows),
                )

    # Records -------------------------------------------------------------------------------
    def part(self, part: Part) -> dict[str, Any]:
        model = _model(part.model)
        name = str(model._meta.verbose_name)
        queryset = _records_of(part, self.ids)
        m2m = [f for f in model._meta.many_to_many]
        if m2m:
            queryset = queryset.prefetch_related(*(f.name for f in m2m))
        rows = list(queryset)
        self._prime(model, rows)
        history: dict[Any, list[Any]] = defaultdict(list)
        if hasattr(model, "history"):
            # Every version of the person's records, and of records about them since deleted
            # (a removed alias, a deleted goal): what the history holds is held too.
            versions = list(
                model.history.filter(  # type: ignore[attr-defined]
                    Q(id__in=[r.pk for r in rows]) | _condition(part, self.ids)
                )
                .select_related("history_user")
                .order_by("history_date", "history_id")
            )
            self._prime(model, versions)
            for version in versions:
                history[version.id].append(version)
        records = []
        for row in rows:
            where = f"{capfirst(name)} #{row.pk}"
            values = self._values(model, row, where)
            for m2m_field in m2m:
                values[m2m_field.name] = sorted(
                    self.labels.label(m2m_field.related_model, o.pk)
                    for o in getattr(row, m2m_field.name).all()
                )
            if isinstance(row, Client) or hasattr(row, "get_absolute_url"):
                self._remember_url(row)
            self._files(model, row, values)
            records.append(
                self._record(model, name, row.pk, values, history.pop(row.pk, []), where)
            )
        for pk, versions in sorted(history.items()):
            where = f"{capfirst(name)} #{pk} (deleted or moved)"
            values = self._values(model, versions[-1], where)
            records.append(
                self._record(model, f"{name} (deleted or moved)", pk, values, versions, where)
            )
        return {
            "model": part.model,
            "name": str(model._meta.verbose_name_plural),
            "labels": {f.name: capfirst(str(f.verbose_name)) for f in self._fields(model)}
            | {f.name: capfirst(str(f.verbose_name)) for f in m2m},
            "records": records,
        }

    def _record(
        self,
        model: type[models.Model],
        name: str,
        pk: Any,
        values: dict[str, Any],
        versions: list[Any],
        where: str,
    ) -> dict[str, Any]:
        return {
            "id": pk,
            "label": " ".join(filter(None, [capfirst(name), _date_of(model, values)])),
            "fields": values,
            "history": [self._version(model, v, f"{where}, change history") for v in versions],
        }

    def _files(self, model: type[models.Model], row: Any, values: dict[str, Any]) -> None:
        """Uploaded files (receipts, invoices) go into the ZIP beside the record."""
        for model_field in self._fields(model):
            file = (
                getattr(row, model_field.name)
                if isinstance(model_field, models.FileField)
                else None
            )
            if file:
                stored = f"files/{model._meta.model_name}-{row.pk}-{PurePath(file.name).name}"
                values[f"{model_field.name}_in_export"] = stored
                self.files.append((stored, file))

    def _version(self, model: type[models.Model], version: Any, where: str) -> dict[str, Any]:
        user = version.history_user
        return {
            "at": timezone.localtime(version.history_date).isoformat(),
            "action": ACTIONS.get(version.history_type, version.history_type),
            "by": (user.get_full_name() or user.get_username()) if user else "System",
            "reason": version.history_change_reason or "",
            "fields": self._values(model, version, where),
        }

    def _remember_url(self, row: Any) -> None:
        try:
            self.urls.add(row.get_absolute_url())
        except Exception:
            return

    def notifications(self) -> list[dict[str, Any]]:
        """Messages to staff about the person's records (by the page they point at)."""
        found = (
            Notification.objects.filter(url__in=self.urls)
            .select_related("recipient")
            .order_by("created_at", "id")
        )
        rows = []
        for n in found:
            row = {
                "sent_at": timezone.localtime(n.created_at).isoformat(),
                "to": n.recipient.get_full_name() or n.recipient.get_username(),
                "subject": n.subject,
                "body": n.body,
                "read_at": timezone.localtime(n.read_at).isoformat() if n.read_at else None,
            }
            where = f"Notification of {uk_datetime(n.created_at)}"
            self.texts.append(_Text(row, "subject", f"{where}, Subject"))
            self.texts.append(_Text(row, "body", f"{where}, Body"))
            rows.append(row)
        return rows

    def access_log(self) -> list[dict[str, Any]]:
        """Who read the person's record, when and how (the audit log's rows naming them)."""
        events = AccessEvent.objects.filter(people__overlap=self.ids).order_by("at", "id")
        return [
            {
                "at": timezone.localtime(e.at).isoformat(),
                "who": (e.user.get_full_name() or e.username) if e.user else e.username,
                "what": e.what,
                "reason": e.reason,
            }
            for e in events.select_related("user")
        ]

    # Redaction -----------------------------------------------------------------------------
    def redact(self) -> None:
        pattern = other_names_pattern(self.client, self.ids, [t.holder[t.key] for t in self.texts])
        if pattern is None:
            return
        for text in self.texts:
            value = text.holder[text.key]
            if not isinstance(value, str):
                continue
            changed, count = pattern.subn(REDACTED, value)
            if count:
                text.holder[text.key] = changed
                self.redactions.add(text.where, "another person's name", count)

    # The whole -----------------------------------------------------------------------------
    def build(self, *, made_by: str) -> dict[str, Any]:
        sections: dict[str, list[dict[str, Any]]] = {}
        for part in EXPORTED:
            sections.setdefault(part.section, []).append(self.part(part))
        data = {
            "format": FORMAT,
            "person": {"reference": self.client.reference, "name": self.client.full_name},
            "made_at": timezone.localtime().isoformat(),
            "made_by": made_by,
            "sections": [{"title": title, "parts": parts} for title, parts in sections.items()],
            "notifications": self.notifications(),
            "access_log": self.access_log(),
            "left_out": LEFT_OUT,
        }
        self.redact()
        data["redactions"] = self.redactions.rows
        return data


def other_names_pattern(
    client: Client, ids: list[int], texts: Iterable[Any]
) -> re.Pattern[str] | None:
    """A pattern matching the full names, known-as and aliases of other people that appear in
    the texts; None when there are none. The subject's own names and staff names are kept."""
    words: set[str] = set()
    for text in texts:
        if isinstance(text, str):
            words.update(names.words(text))
    if not words:
        return None
    # One indexed query (person_name_prefix serves equality): who has a name word in the text.
    matched: dict[int, set[str]] = defaultdict(set)
    rows = (
        PersonName.objects.filter(normalised__in=words)
        .exclude(client_id__in=ids)
        .values_list("client_id", "kind")
    )
    for client_id, kind in rows:
        matched[client_id].add(kind)
    # A full name needs its first and last words; a known-as or alias any of its words.
    candidates = [
        pk
        for pk, kinds in matched.items()
        if {NameKind.FIRST, NameKind.LAST} <= kinds or kinds & {NameKind.KNOWN_AS, NameKind.ALIAS}
    ]
    phrases: set[str] = set()
    for start in range(0, len(candidates), 1000):
        chunk = candidates[start : start + 1000]
        for first, last, known_as in Client.objects.filter(pk__in=chunk).values_list(
            "first_name", "last_name", "known_as"
        ):
            if last:
                phrases.add(f"{first} {last}")
                if known_as:
                    phrases.add(f"{known_as} {last}")
            phrases.add(known_as)
        phrases.update(
            ClientAlias.objects.filter(client_id__in=chunk).values_list("name", flat=True)
        )
    phrases = {p.strip() for p in phrases if len(p.strip()) >= SHORTEST_NAME}
    kept = _kept_words(ids)
    phrases = {p for p in phrases if " ".join(names.words(p)) not in kept}
    if not phrases:
        return None
    ordered = sorted(phrases, key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in ordered)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


def _kept_words(ids: list[int]) -> set[str]:
    """Names not to redact, normalised: the person's own (all their records' names, known-as and
    aliases) and every member of staff's full name."""
    kept: set[str] = set()
    for first, last, known_as in Client.objects.filter(pk__in=ids).values_list(
        "first_name", "last_name", "known_as"
    ):
        kept.update({f"{first} {last}", first, last, known_as, f"{known_as} {last}"})
    kept.update(ClientAlias.objects.filter(client_id__in=ids).values_list("name", flat=True))
    for first, last in get_user_model().objects.values_list("first_name", "last_name"):
        kept.update({f"{first} {last}"})
    return {" ".join(names.words(name)) for name in kept if name and name.strip()}


# Files -------------------------------------------------------------------------------------


def pdf_bytes(data: dict[str, Any]) -> bytes:
    """The export as a readable A4 PDF: a section per area, each record with its dates and who
    recorded and changed it."""
    from weasyprint import HTML

    html = render_to_string(
        "rights/export_pdf.html",
        {
            "data": data,
            "sections": _readable_sections(data),
            "notifications": [
                n | {"sent_at": _shown(n["sent_at"]), "read_at": _shown(n["read_at"] or "—")}
                for n in data["notifications"]
            ],
            "access_log": [e | {"at": _shown(e["at"])} for e in data["access_log"]],
            "service": settings.MARS_SERVICE_NAME,
            "made": uk_datetime(timezone.now()),
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def _shown(value: Any) -> str:
    """A value as a person reads it: dates and times in UK form, lists joined, yes or no."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, str) and _ISO_DATE.match(value):
        if len(value) == 10:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        return uk_datetime(datetime.fromisoformat(value))
    return str(value)


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2})?$")


def _readable_sections(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The JSON's sections as the PDF lays them out: each record's filled-in fields in words, who
    recorded it and when, and one line for each later change naming the fields changed."""
    sections = []
    for section in data["sections"]:
        parts = []
        for part in section["parts"]:
            labels = part["labels"]
            records = []
            for record in part["records"]:
                facts = [
                    (labels.get(name, name), _shown(value))
                    for name, value in record["fields"].items()
                    # "this person" on every record says nothing in a PDF all about them.
                    if name != "id" and value not in (None, "", [], False, "this person")
                ]
                changes = []
                previous: dict[str, Any] | None = None
                for version in record["history"]:
                    changed = (
                        [
                            labels.get(n, n)
                            for n, v in version["fields"].items()
                            if previous.get(n) != v
                        ]
                        if previous is not None
                        else []
                    )
                    changes.append(
                        {
                            "at": _shown(version["at"]),
                            "action": version["action"],
                            "by": version["by"],
                            "reason": version["reason"],
                            "changed": ", ".join(changed),
                        }
                    )
                    previous = version["fields"]
                # One line of facts and one of changes a record: WeasyPrint lays out each box,
                # and a busy person has thousands of records.
                records.append(
                    {
                        "label": _shown_label(record["label"]),
                        "facts": "; ".join(f"{label}: {value}" for label, value in facts),
                        "changes": "; ".join(
                            f"{c['at']} {c['action'].lower()} by {c['by']}"
                            + (f" ({c['changed']})" if c["changed"] else "")
                            + (f": {c['reason']}" if c["reason"] else "")
                            for c in changes
                        ),
                    }
                )
            parts.append({"name": capfirst(part["name"]), "records": records})
        sections.append({"title": section["title"], "parts": parts})
    return sections


def _shown_label(label: str) -> str:
    head, _, tail = label.rpartition(" ")
    return f"{head} {_shown(tail)}" if head and _ISO_DATE.match(tail) else label


def redactions_text(data: dict[str, Any]) -> str:
    lines = [
        f"What was redacted from the subject access export of {data['person']['reference']}",
        "Other people's names are removed; staff names are kept.",
        "",
    ]
    if not data["redactions"]:
        lines.append("Nothing was redacted.")
    for row in data["redactions"]:
        times = f" ({row['count']} times)" if row["count"] != "1" else ""
        lines.append(f"{row['where']}: {row['what']}{times}")
    return "\n".join(lines) + "\n"


def file_name(client: Client) -> str:
    return f"subject-access-{client.reference}-{timezone.localdate():%Y-%m-%d}"


def write_zip(client: Client, out: IO[bytes], *, made_by: str) -> dict[str, Any]:
    """Write the export of everything held about the person as a ZIP to `out`; return its data.

    The ZIP holds the PDF, the JSON, the person's receipt files and REDACTIONS.txt.
    """
    builder = Builder(client)
    data = builder.build(made_by=made_by)
    stem = file_name(client)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}.pdf", pdf_bytes(data))
        archive.writestr(
            f"{stem}.json", json.dumps(data, ensure_ascii=False, indent=1, default=str)
        )
        archive.writestr("REDACTIONS.txt", redactions_text(data))
        for stored, file in builder.files:
            try:
                with file.open("rb") as handle:
                    archive.writestr(stored, handle.read())
            except (OSError, ValueError):
                archive.writestr(f"{stored}.missing.txt", "The stored file could not be read.\n")
    return data


def pdf_of(client: Client, *, made_by: str) -> bytes:
    """The export's PDF alone, made afresh (the same as the one in the ZIP)."""
    return pdf_bytes(Builder(client).build(made_by=made_by))


WHAT = "subject access export"


def log_export(client: Client, *, system: str | None = None, path: str = "") -> None:
    """Write the export to the access log as a reading of the person's record: noted for the
    request's row, or (`system`: a command on the server) a row of its own with no user."""
    if system is None:
        reads.note([client.pk], WHAT)
        return
    AccessEvent.objects.create(
        user=None, username=system, people=[client.pk], what=WHAT, path=path[:500], method=""
    )


def export_file(client: Client, *, made_by: str) -> IO[bytes]:
    """The ZIP in a temporary file (on disk past a few megabytes), rewound for reading."""
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115  (returned open)
    write_zip(client, out, made_by=made_by)
    out.seek(0)
    return out  # type: ignore[return-value]
