"""CSV and XLSX files for people to open in a spreadsheet, written so no cell can run as a
formula (CSV injection): any text that starts with =, +, -, @, a tab or a carriage return is
written with a leading apostrophe, which spreadsheets show as text. Every CSV and XLSX the site
sends is made here (tests/mars/test_exports_are_safe.py finds each one and checks it)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Row = Sequence[Any]


def safe_text(value: Any) -> str:
    """Text a spreadsheet will never take for a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv_value(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        # Numbers are numbers, but a negative one would still start with "-".
        return str(value) if value >= 0 else safe_text(value)
    return safe_text(value)


def csv_bytes(header: Row, rows: Iterable[Row]) -> bytes:
    """UTF-8 CSV with a byte-order mark, so Excel reads £ and accents correctly."""
    return b"".join(csv_chunks(header, rows))


def csv_chunks(header: Row, rows: Iterable[Row]) -> Iterator[bytes]:
    """The CSV of csv_bytes a line at a time, for a file too long to hold in memory."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_text(h) for h in header])
    yield ("\ufeff" + out.getvalue()).encode("utf-8")
    for row in rows:
        out.seek(0)
        out.truncate()
        writer.writerow([_csv_value(v) for v in row])
        yield out.getvalue().encode("utf-8")


def _attachment(response: HttpResponse | StreamingHttpResponse, filename: str) -> Any:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A CSV or XLSX made here (csv_bytes, xlsx_bytes, xlsx_book) as a download."""
    return _attachment(HttpResponse(content, content_type=content_type), filename)


def csv_response(filename: str, header: Row, rows: Iterable[Row]) -> HttpResponse:
    """A CSV (csv_bytes) as a download."""
    return download(csv_bytes(header, rows), CSV_TYPE, filename)


def csv_streaming_response(
    filename: str, header: Row, rows: Iterable[Row]
) -> StreamingHttpResponse:
    """A CSV (csv_chunks) as a download sent while it is written."""
    response = StreamingHttpResponse(csv_chunks(header, rows), content_type=CSV_TYPE)
    return _attachment(response, filename)


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    """An XLSX (xlsx_bytes or xlsx_book) as a download."""
    return download(content, XLSX_TYPE, filename)


def xlsx_bytes(title: str, header: Row, rows: Iterable[Row], *, money: Sequence[int] = ()) -> bytes:
    """One sheet: a bold header, then the rows (see xlsx_book)."""
    return xlsx_book([Sheet(title, header, rows, money)])


class Sheet(NamedTuple):
    title: str
    header: Row
    rows: Iterable[Row]
    money: Sequence[int] = ()


def xlsx_book(sheets: Sequence[Sheet]) -> bytes:
    """A workbook, each sheet a bold header then its rows. Numbers and dates stay typed; every
    text cell is written as a string (never a formula), and made safe as in CSV for when it is
    edited."""
    book = Workbook(write_only=True)
    for title, header, rows, money in sheets:
        _write_sheet(book, title, header, rows, money)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_sheet(
    book: Workbook, title: str, header: Row, rows: Iterable[Row], money: Sequence[int]
) -> None:
    sheet = book.create_sheet(title=title[:31])
    widths = [len(str(h)) for h in header]
    head = []
    for value in header:
        cell = WriteOnlyCell(sheet, value=safe_text(value))
        cell.font = Font(bold=True)
        head.append(cell)
    body = []
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            if isinstance(value, datetime | date | int | float | Decimal) and not isinstance(
                value, bool
            ):
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, date) and not isinstance(value, datetime):
                    cell.number_format = "DD/MM/YYYY"
                elif index in money:
                    cell.number_format = "£#,##0.00"
            else:
                cell = WriteOnlyCell(sheet, value=safe_text(value))
                cell.data_type = "s"
            if index < len(widths):
                widths[index] = min(60, max(widths[index], len(str(value or ""))))
            cells.append(cell)
        body.append(cells)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width + 2
    sheet.append(head)
    for cells in body:
        sheet.append(cells)
