"""A report run's files: the PDF (WeasyPrint, A4), the CSV and the XLSX, all from the run's
kept report, so every file of a run says the same. And the RSDF return's CSV and XLSX, one row
per figure, in the government form's order."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from mars import reads
from mars.dates import uk_datetime
from mars.downloads import private_download
from mars.spreadsheets import (
    CSV_TYPE,
    XLSX_TYPE,
    Sheet,
    csv_bytes,
    csv_response,
    xlsx_book,
    xlsx_response,
)
from reporting import rsdf
from reporting.charts import trend_charts
from reporting.models import FileKind, ReportRun, RsdfReturn

KPI_HEADER = ["Figure", "Target", "Actual", "Numerator", "Denominator", "Status"]
CONTENT_TYPES = {
    FileKind.PDF: "application/pdf",
    FileKind.CSV: CSV_TYPE,
    FileKind.XLSX: XLSX_TYPE,
}


def as_download(run: ReportRun, kind: str) -> FileResponse:
    """One of a run's files as a private download, for the page and the API alike; 404 for a
    kind of file the run does not have."""
    if kind not in FileKind.values or not run.file(kind):
        raise Http404
    # The files hold the month's figures only, no one's name or reference: the download is
    # logged, naming no one.
    reads.note([], "report file")
    return private_download(run.file(kind), run.download_name(kind), CONTENT_TYPES[FileKind(kind)])


def _status_line(run: ReportRun) -> str:
    if run.is_published and run.version:
        line = f"Version {run.version}"
        if run.published_at:
            line += f", published {uk_datetime(run.published_at)}"
        if run.replaces_id and run.replaces:
            line += f"; replaces version {run.replaces.version}"
        return line
    return "Draft: not published"


def pdf_bytes(run: ReportRun) -> bytes:
    """The report as an A4 PDF with page numbers and its fonts embedded."""
    from weasyprint import HTML

    report = run.report
    html = render_to_string(
        "reporting/report_pdf.html",
        {
            "run": run,
            "report": report,
            "charts": trend_charts(report["trend"], report["kpis"]),
            "service": settings.MARS_SERVICE_NAME,
            "made": uk_datetime(run.finished_at or timezone.now()),
            "status_line": _status_line(run),
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def _kpi_rows(report: dict[str, Any]) -> list[list[Any]]:
    return [
        [
            row["label"] + (" (%)" if row["percent"] else ""),
            row["target"] or "",
            float(row["value"]) if row["value"] is not None else "",
            row["numerator"],
            "" if row["denominator"] is None else row["denominator"],
            row["status_label"],
        ]
        for row in report["kpis"]
    ]


def _trend_rows(report: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    labels = {row["key"]: row["label"] for row in report["kpis"]}
    header = ["Figure", *(month["period"] for month in report["trend"])]
    rows = [
        [
            labels[key],
            *("" if m["values"][key] is None else m["values"][key] for m in report["trend"]),
        ]
        for key in labels
    ]
    return header, rows


def _breakdown_rows(report: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for title, table in report["people"]["breakdowns"].items():
        rows += [[title, cell["label"], cell["shown"]] for cell in table["rows"]]
        rows.append([title, "Total", table["total"]])
    return rows


def csv_file(run: ReportRun) -> bytes:
    """One long table: the figures with targets, each month of the trend, and the (suppressed)
    breakdowns of people seen; the first column says which."""
    report = run.report
    rows: list[list[Any]] = [[f"Figures {report['period']}", *row] for row in _kpi_rows(report)]
    labels = {row["key"]: row["label"] for row in report["kpis"]}
    for month in report["trend"]:
        rows += [
            [
                f"Trend {month['period']}",
                labels[key],
                "",
                "" if value is None else value,
                "",
                "",
                "",
            ]
            for key, value in month["values"].items()
        ]
    rows += [
        [f"People seen by {title.lower()}", group, "", shown, "", "", ""]
        for title, group, shown in _breakdown_rows(report)
    ]
    rows.append([f"Made as of {report['as_of']}", _status_line(run), "", "", "", "", ""])
    return csv_bytes(["Section", *KPI_HEADER], rows)


def xlsx_file(run: ReportRun) -> bytes:
    """A workbook: figures, trend, breakdowns of people seen, and notes."""
    report = run.report
    header, trend = _trend_rows(report)
    return xlsx_book(
        [
            Sheet("Figures", KPI_HEADER, _kpi_rows(report)),
            Sheet("Trend", header, trend),
            Sheet("People seen", ["Breakdown", "Group", "People"], _breakdown_rows(report)),
            Sheet(
                "About",
                ["", ""],
                [
                    ["Report", f"MARS contract report for {report['period_label']}"],
                    ["Figures as of", report["as_of"]],
                    ["Status", _status_line(run)],
                    [
                        "Small numbers",
                        "<5: from 1 to 4. *: hidden so a small number cannot be worked out.",
                    ],
                    *[[d["label"], d["definition"]] for d in report["definitions"]],
                ],
            ),
        ]
    )


RSDF_HEADER = ["Indicator", "Figure", "Value"]


def _rsdf_rows(figures: dict[str, Any]) -> list[list[Any]]:
    return [
        [code, label, "" if value is None else value] for code, label, value in rsdf.rows(figures)
    ]


def _rsdf_status(record: RsdfReturn) -> str:
    if record.is_submitted and record.submitted_at:
        return f"Submitted {uk_datetime(record.submitted_at)}"
    made = uk_datetime(timezone.now())
    return f"{record.get_status_display()}: not submitted (figures as of {made})"


def rsdf_download(record: RsdfReturn, figures: dict[str, Any], kind: str) -> HttpResponse:
    """The return as CSV or XLSX, one row per figure (indicator code, label, value), ready to
    key into the government's form; 404 for another kind of file."""
    # The figures only, no one's name or reference: logged, naming no one.
    reads.note([], "rsdf return file")
    rows = _rsdf_rows(figures)
    name = record.download_name(kind)
    if kind == FileKind.CSV:
        return csv_response(name, RSDF_HEADER, rows)
    if kind == FileKind.XLSX:
        about: list[list[Any]] = [
            ["Return", f"Rough Sleeping Data Framework, {record.period_label}"],
            ["Single night", record.night.isoformat() if record.night else "not chosen"],
            ["Population", "" if record.population is None else record.population],
            ["Definitions", figures.get("definitions", record.definitions)],
            ["Status", _rsdf_status(record)],
        ]
        return xlsx_response(
            name,
            xlsx_book([Sheet("RSDF", RSDF_HEADER, rows), Sheet("About", ["", ""], about)]),
        )
    raise Http404
