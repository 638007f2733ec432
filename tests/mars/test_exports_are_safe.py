"""Every CSV and XLSX the site sends is safe to open in a spreadsheet (issue 19, item 4): the
exports are found by walking every route (tests/route_walk.py) and keeping the answers whose
content type is CSV or XLSX, not from a list kept by hand; in each, no text cell starts with
= + - @, a tab or a carriage return unless it was defused (a leading apostrophe). The records
behind them have names that start with each of those. And no module but mars/spreadsheets.py
writes CSV or XLSX at all."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from mars.roles import Role
from mars.spreadsheets import CSV_TYPE, FORMULA_STARTS, XLSX_TYPE
from tests.conftest import TwoFactorClient
from tests.route_walk import Pattern, api_models, build_data_set, site_patterns
from tests.routes import ADMIN_PREFIX, QUERIES, kind_for

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TYPES = {CSV_TYPE.split(";")[0]: "csv", XLSX_TYPE: "xlsx"}
# A text that a spreadsheet would run, one for each way a formula can start.
POISON = [
    '=HYPERLINK("http://evil.example","Room")',
    "+SUM(1,2)",
    "-2+3",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
]


def _cells(kind: str, content: bytes) -> list[str]:
    """Every text cell of a CSV or an XLSX (numbers and dates in an XLSX are typed, not text)."""
    if kind == "csv":
        return [
            cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row
        ]
    book = load_workbook(io.BytesIO(content))
    return [
        cell.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]


def _content(response: Any) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _poisoned_data_set(coordinator: Any) -> dict[str, Any]:
    """The route table's data set, with text that starts like a formula wherever an export
    shows what someone typed: a MARS House and its rooms, a payment's payee, purpose and
    reference, and the report run's files made."""
    from funds import services as funds
    from reporting import services as reporting
    from reporting.models import RunState
    from tests import factories as f

    data = build_data_set()
    house = f.PropertyFactory(name=POISON[3], type="mars_house")
    for name in POISON:
        f.UnitFactory(property=house, name=name)
    request = data["paymentrequest"]
    request.payee, request.purpose = POISON[0], POISON[1]
    request.save()
    funds.approve_payment(request, by=coordinator)
    funds.record_payment(
        request, paid_on=dt.date(2026, 11, 20), method="card", reference=POISON[2], by=coordinator
    )
    run = data["reportrun"]
    run.pdf.delete(save=False)
    run.state = RunState.QUEUED
    run.save()
    reporting.make_report(run.pk)
    return data


def _urls(pattern: Pattern, data: dict[str, Any], models: dict[str, Any]) -> list[str]:
    """The route's URL for the data set's record (every kind of file for a <kind>), with the
    query the route table gives it and that query's other spreadsheet format."""
    kwargs: dict[str, Any] = {}
    for param in pattern.params:
        if param == "kind":
            continue
        if param in ("client_pk", "property_pk", "unit_pk"):
            kwargs[param] = data[param.removesuffix("_pk")].pk
        elif param == "pk":
            bases = [base for base in models if pattern.key.startswith(f"{base}-")]
            kind = models[max(bases, key=len)]._meta.model_name if bases else None
            kwargs[param] = data[kind or kind_for(pattern.key)].pk
        else:
            return []
    kinds = (
        [{"kind": kind} for kind in ("pdf", "csv", "xlsx")] if "kind" in pattern.params else [{}]
    )
    query = QUERIES.get(pattern.key, "").format(client=data["client"].pk)
    queries = {query, query.replace("csv", "xlsx"), query.replace("xlsx", "csv")}
    return [
        reverse(pattern.key, kwargs={**kwargs, **extra}) + (f"?{q}" if q else "")
        for extra in kinds
        for q in queries
    ]


@time_machine.travel(dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC), tick=False)
def test_every_csv_and_xlsx_export_defuses_cells_that_start_like_a_formula(
    make_user: Any,
) -> None:
    coordinator = make_user(Role.COORDINATOR, username="@coordinator")
    data = _poisoned_data_set(coordinator)
    models = api_models()
    browser = TwoFactorClient(HTTP_USER_AGENT=POISON[4])
    browser.force_login(coordinator)
    # Something in the access log the export below shows: the person's page, read.
    browser.get(data["client"].get_absolute_url())
    found: dict[str, str] = {}
    unsafe: list[str] = []
    defused: set[str] = set()
    for pattern in site_patterns():
        if pattern.route.startswith(ADMIN_PREFIX) or "set-password" in pattern.route:
            continue
        for url in _urls(pattern, data, models):
            response = browser.get(url)
            kind = TYPES.get(response.get("Content-Type", "").split(";")[0])
            if response.status_code != 200 or kind is None:
                continue
            found[url] = kind
            for cell in _cells(kind, _content(response)):
                if cell.startswith(FORMULA_STARTS):
                    unsafe.append(f"{url}: {cell!r}")
                elif cell.startswith("'") and cell[1:] in POISON:
                    defused.add(cell[1:])
    assert not unsafe, "\n".join(unsafe)
    # Each way a formula can start was written (and defused) in some export.
    assert defused == set(POISON), set(POISON) - defused
    # The exports the walk found: CSV and XLSX alike, pages and API alike.
    assert set(found.values()) == {"csv", "xlsx"}
    assert any(url.startswith("/api/") for url in found)
    assert any(not url.startswith("/api/") for url in found)


def test_only_mars_spreadsheets_writes_csv_or_xlsx() -> None:
    """Every export goes through the one helper: no other module imports csv or openpyxl."""
    apps = [p for p in ROOT.iterdir() if (p / "apps.py").exists() or p.name == "mars"]
    writers = []
    for app in apps:
        for path in app.rglob("*.py"):
            if "migrations" in path.parts or path == ROOT / "mars" / "spreadsheets.py":
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                if any(re.match(r"^(csv|openpyxl)(\.|$)", name) for name in names):
                    writers.append(str(path.relative_to(ROOT)))
    assert not writers, f"write CSV and XLSX through mars/spreadsheets.py: {writers}"
