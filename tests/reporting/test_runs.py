"""Report runs: made by the task, idempotent, failures kept and retried, published as versions;
the documents' contents; the beat schedule; small numbers suppressed."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any
from unittest import mock

import pytest
from celery.schedules import crontab
from django.conf import settings
from openpyxl import load_workbook
from pypdf import PdfReader

from clients.models import Client
from mars.celery import app
from reporting import services
from reporting.models import ReportRun, RunState, RunTrigger, Target
from reporting.report import suppress
from tests.concurrency import at_once
from tests.reporting.conftest import expected

OCTOBER = date(2026, 10, 1)


def pdf_text(run: ReportRun) -> str:
    run.pdf.open("rb")
    try:
        reader = PdfReader(io.BytesIO(run.pdf.read()))
    finally:
        run.pdf.close()
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.django_db
def test_task_makes_the_run_with_the_scenario_figures_and_three_files(made_run: ReportRun) -> None:
    assert made_run.state == RunState.DONE
    assert made_run.figures == expected("example-2026-10.expected.json")
    assert made_run.progress == 100
    assert made_run.pdf.name.endswith(".pdf")
    assert made_run.csv.name.endswith(".csv")
    assert made_run.xlsx.name.endswith(".xlsx")
    assert made_run.attempts == 1


@pytest.mark.django_db
def test_pdf_reads_back_with_figures_targets_and_page_numbers(
    scenario: Any, coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    Target.objects.create(measure="left_streets_within_14_days", year=2026, value=60)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_run(OCTOBER, as_of=date(2026, 11, 20), by=coordinator)
    run.refresh_from_db()
    text = pdf_text(run)
    assert "Contract report" in text
    assert "October 2026" in text
    assert re.search(
        r"Left the streets within 14 days\s+60\.0%\s+50\.0%\s+2\s+4\s+Off target", text
    )
    assert re.search(r"Reconnections that succeeded\s+66\.7%\s+2\s+3", text)
    assert re.search(r"Access to primary care\s+33\.3%\s+2\s+6", text)
    assert "Page 1 of" in text
    # The charts are printed with their target line labelled.
    assert re.search(r"Target\s*60%", text)
    assert "Appendix: what each figure means" in text
    assert "Draft: not published" in text


@pytest.mark.django_db
def test_pdf_embeds_its_fonts(made_run: ReportRun) -> None:
    made_run.pdf.open("rb")
    reader = PdfReader(io.BytesIO(made_run.pdf.read()))
    made_run.pdf.close()
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts.append("/FontFile2" in descriptor.get_object())
    assert fonts and all(fonts)
    assert reader.pages[0].mediabox.width == pytest.approx(595.3, abs=1)  # A4


@pytest.mark.django_db
def test_csv_and_xlsx_hold_the_same_figures(made_run: ReportRun) -> None:
    made_run.csv.open("rb")
    text = made_run.csv.read().decode("utf-8-sig")
    made_run.csv.close()
    assert "Figures 2026-10,Left the streets within 14 days (%),,50.0,2,4,No target" in text
    made_run.xlsx.open("rb")
    book = load_workbook(io.BytesIO(made_run.xlsx.read()))
    made_run.xlsx.close()
    figures = {row[0]: row for row in book["Figures"].iter_rows(values_only=True)}
    assert figures["People seen rough sleeping"][2] == 6
    assert book.sheetnames == ["Figures", "Trend", "People seen", "About"]


@pytest.mark.django_db
def test_no_name_birth_date_or_reference_appears_in_any_commissioner_download(
    made_run: ReportRun, coordinator: Any
) -> None:
    run = services.publish_run(made_run, commentary="A steady month.", by=coordinator)
    made_run.csv.open("rb")
    documents = {"csv": run.csv.read().decode("utf-8-sig")}
    run.csv.close()
    run.xlsx.open("rb")
    book = load_workbook(io.BytesIO(run.xlsx.read()))
    run.xlsx.close()
    documents["xlsx"] = "\n".join(
        str(value) for sheet in book for row in sheet.iter_rows(values_only=True) for value in row
    )
    documents["pdf"] = pdf_text(run)
    people = list(Client.objects.all())
    assert len(people) == 9
    for person in people:
        born = person.date_of_birth
        words = [person.first_name, person.last_name]
        strings = [
            person.reference,
            person.external_ref,
            born.isoformat(),
            f"{born:%d/%m/%Y}",
        ]
        for kind, text in documents.items():
            for word in words:
                assert not re.search(rf"\b{re.escape(word)}\b", text), (kind, word)
            for value in strings:
                assert value not in text, (kind, value)
    assert "A steady month." in documents["pdf"]


@pytest.mark.django_db
def test_making_a_run_again_changes_nothing(made_run: ReportRun) -> None:
    names = (made_run.pdf.name, made_run.csv.name, made_run.xlsx.name)
    services.make_report(made_run.pk)
    made_run.refresh_from_db()
    assert (made_run.pdf.name, made_run.csv.name, made_run.xlsx.name) == names
    assert made_run.attempts == 1


@pytest.mark.django_db
def test_a_failed_run_keeps_why_and_can_be_retried(
    scenario: Any, coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    failing = mock.patch("reporting.documents.pdf_bytes", side_effect=OSError("disk full"))
    with failing, django_capture_on_commit_callbacks(execute=True):
        run = services.start_run(OCTOBER, as_of=date(2026, 11, 20), by=coordinator)
    run.refresh_from_db()
    assert run.state == RunState.FAILED
    assert run.error == "OSError: disk full"
    assert not run.pdf
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_run(run, by=coordinator)
    run.refresh_from_db()
    assert run.state == RunState.DONE
    assert run.attempts == 2
    assert run.error == ""


@pytest.mark.django_db
def test_only_a_failed_run_is_retried(made_run: ReportRun, coordinator: Any) -> None:
    with pytest.raises(services.ReportError, match="Only a run that failed"):
        services.retry_run(made_run, by=coordinator)


@pytest.mark.django_db
def test_a_month_not_yet_begun_is_refused(coordinator: Any) -> None:
    with pytest.raises(services.ReportError, match="has not begun"):
        services.start_run(date(2999, 1, 1), by=coordinator)
    assert not ReportRun.objects.exists()


@pytest.mark.django_db
def test_publishing_makes_versions_and_a_published_run_never_changes(
    made_run: ReportRun, coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = services.publish_run(made_run, commentary="First.", by=coordinator)
    assert (first.version, first.replaces) == (1, None)
    assert "Version 1, published" in pdf_text(first)
    with pytest.raises(services.ReportError, match="never changes"):
        services.save_commentary(first, "Changed.", by=coordinator)
    with pytest.raises(services.ReportError, match="never changes"):
        services.publish_run(first, commentary="Again.", by=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        correction = services.start_run(OCTOBER, as_of=date(2026, 11, 25), by=coordinator)
    correction.refresh_from_db()
    second = services.publish_run(correction, commentary="Corrected.", by=coordinator)
    assert (second.version, second.replaces_id) == (2, first.pk)
    assert "replaces version 1" in pdf_text(second)
    first.refresh_from_db()
    assert first.commentary == "First."
    assert first.history.first().history_change_reason == "Published as version 1"


@pytest.mark.django_db(transaction=True)
def test_two_runs_published_at_once_get_different_versions(
    roles: None, scenario: Any, coordinator: Any
) -> None:
    runs = []
    for as_of in (date(2026, 11, 20), date(2026, 11, 21)):
        run = ReportRun.objects.create(period=OCTOBER, as_of=as_of, trigger=RunTrigger.PERSON)
        services.make_report(run.pk)
        runs.append(run)
    results = at_once(
        *(lambda run=run: services.publish_run(run, commentary="", by=coordinator) for run in runs)
    )
    assert not any(isinstance(result, Exception) for result in results), results
    assert sorted(ReportRun.objects.published().values_list("version", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_the_schedule_starts_last_month_once(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_scheduled_run(date(2026, 11, 15))
    again = services.start_scheduled_run(date(2026, 11, 15))
    assert again.pk == run.pk
    run.refresh_from_db()
    assert (run.period, run.as_of, run.trigger, run.state) == (
        OCTOBER,
        date(2026, 11, 15),
        RunTrigger.SCHEDULE,
        RunState.DONE,
    )
    assert run.started_by is None


def test_beat_runs_the_monthly_report_on_the_15th_at_six() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["monthly-report"]
    assert entry["schedule"] == crontab(day_of_month=15, hour=6, minute=0)
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    assert settings.CELERY_TIMEZONE == "Europe/London"


def test_counts_from_one_to_four_are_shown_as_under_five() -> None:
    assert suppress([("Male", 12), ("Female", 7), ("Other", 0)]) == {
        "rows": [
            {"label": "Male", "shown": "12"},
            {"label": "Female", "shown": "7"},
            {"label": "Other", "shown": "0"},
        ],
        "total": "19",
    }
    two_small = suppress([("Male", 10), ("Female", 3), ("Other", 1)])
    assert [row["shown"] for row in two_small["rows"]] == ["10", "<5", "<5"]
    assert two_small["total"] == "14"


def test_a_total_that_would_reveal_one_small_count_is_suppressed_with_the_next_smallest() -> None:
    result = suppress([("Male", 12), ("Female", 3), ("Other", 6)])
    assert [row["shown"] for row in result["rows"]] == ["12", "<5", "*"]
    assert result["total"] == "*"


def test_a_total_under_five_is_itself_suppressed() -> None:
    result = suppress([("Male", 0), ("Female", 2)])
    assert [row["shown"] for row in result["rows"]] == ["0", "<5"]
    assert result["total"] == "<5"


@pytest.mark.django_db
def test_the_report_has_the_annual_count_and_swep_of_its_month_with_small_numbers_hidden() -> None:
    from datetime import datetime

    from outreach.models import CountedPerson
    from reporting import report
    from tests.factories import RoughSleepingCountFactory, SwepActivationFactory

    count = RoughSleepingCountFactory(night=date(2026, 10, 14))
    for gender in ["male"] * 9 + ["female"] * 2:
        CountedPerson.objects.create(
            count=count, gender=gender, age_band="26_plus", nationality_group="uk"
        )
    SwepActivationFactory(
        starts=datetime.fromisoformat("2026-10-20T18:00:00+01:00"),
        ends=datetime.fromisoformat("2026-10-23T09:00:00+01:00"),
    )
    content = report.build(OCTOBER, date(2026, 11, 20))
    assert content["count"]["total"] == 11
    gender = {
        row["label"]: row["shown"] for row in content["count"]["breakdowns"]["Gender"]["rows"]
    }
    assert gender == {"Male": "*", "Female": "<5", "Other or non-binary": "0", "Not known": "0"}
    assert content["count"]["breakdowns"]["Gender"]["total"] == "*"
    assert [(row["from"], row["to"]) for row in content["swep"]] == [("2026-10-20", "2026-10-23")]
    assert report.build(date(2026, 9, 1), date(2026, 11, 20))["count"] is None
