"""Report runs: starting one (by hand or on the schedule), making it, retrying a failed one,
and publishing it. Targets are saved here too. Pages, API, tasks and admin all call these."""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from mars import outbox
from mars.access import AnyUser
from mars.dates import add_months, first_of_month, previous_month, uk_date
from mars.records import Refusal, acting, note_change, save_record
from reporting import documents, longterm, report
from reporting.models import FileKind, LongTermTarget, ReportRun, RunState, RunTrigger, Target

logger = logging.getLogger(__name__)


class ReportError(Refusal):
    """A report run or target change the rules refuse."""


# By name: the task calls these services, so they do not import it back.
MAKE_REPORT = "reporting.tasks.make_report"


def _enqueue(run: ReportRun) -> None:
    # In the outbox, in the run's own transaction: a saved run always has its job (sent after
    # commit, or by beat once Redis is back), and a rolled-back start queues nothing.
    outbox.enqueue(MAKE_REPORT, run.pk)


@transaction.atomic
def start_run(period: date, *, by: AnyUser, as_of: date | None = None) -> ReportRun:
    """Queue a report for a month. Rules: the month has begun; the as-of date is not before
    the month's end nor after today."""
    today = timezone.localdate()
    period = first_of_month(period)
    if period > today:
        raise ReportError("That month has not begun yet.", field="period")
    as_of = as_of or today
    if as_of > today:
        raise ReportError("Figures cannot be as of a day still to come.", field="as_of")
    if as_of < period:
        raise ReportError(
            f"Figures as of {uk_date(as_of)} would be before the month began.", field="as_of"
        )
    run = ReportRun(period=period, as_of=as_of, trigger=RunTrigger.PERSON, started_by=acting(by))
    save_record(run, by=by, reason="Started by hand")
    _enqueue(run)
    return run


def start_scheduled_run(today: date | None = None) -> ReportRun:
    """The month before's run, started once however often the schedule fires."""
    today = today or timezone.localdate()
    period = previous_month(today)
    try:
        with transaction.atomic():
            run, created = ReportRun.objects.get_or_create(
                period=period,
                trigger=RunTrigger.SCHEDULE,
                defaults={"as_of": today},
            )
            if created:
                _enqueue(run)
    except IntegrityError:
        # Beat fired twice at once: the other made it (the unique constraint kept it one).
        run = ReportRun.objects.get(period=period, trigger=RunTrigger.SCHEDULE)
    return run


def _progress(run_id: int, claim: datetime, percent: int, step: str) -> None:
    # Outside the run's history: progress is not a change anybody made. Each step is also the
    # heartbeat; only this worker's claim (its started_at) is touched, never a later worker's.
    ReportRun.objects.filter(pk=run_id, state=RunState.RUNNING, started_at=claim).update(
        progress=percent, step=step, heartbeat_at=timezone.now()
    )


def _claim(run_id: int) -> datetime | None:
    """Take a queued run (or one whose worker died) for this worker, in one conditional UPDATE,
    so two workers given the same run cannot both make it; the claim is its new started_at."""
    claim = timezone.now()
    runs = ReportRun.objects.filter(pk=run_id)
    taken = (runs.filter(state=RunState.QUEUED) | runs.stalled()).update(
        state=RunState.RUNNING,
        started_at=claim,
        heartbeat_at=claim,
        attempts=F("attempts") + 1,
        progress=5,
        step="Starting",
        error="",
    )
    return claim if taken else None


def _attach_files(run: ReportRun) -> None:
    """Render the PDF, CSV and XLSX from the run's report and put them on the run (unsaved)."""
    stem = f"{run.period:%Y-%m}-{run.pk}-{uuid.uuid4().hex[:8]}"
    for kind, render in (
        (FileKind.PDF, documents.pdf_bytes),
        (FileKind.CSV, documents.csv_file),
        (FileKind.XLSX, documents.xlsx_file),
    ):
        file = run.file(kind)
        replaced = file.name
        file.save(f"{stem}.{kind}", ContentFile(render(run)), save=False)
        if replaced:
            # A draft's earlier file, once the new one is safely recorded.
            storage = file.storage
            transaction.on_commit(partial(storage.delete, replaced))


def make_report(run_id: int) -> None:
    """Make a queued run: figures, trend and sections, then the files. Safe to call again: a run
    that is done, failed or being made elsewhere is left alone. A failure is kept with why."""
    claim = _claim(run_id)
    if claim is None:
        return
    try:
        run = ReportRun.objects.get(pk=run_id)
        content = report.build(run.period, run.as_of, progress=partial(_progress, run_id, claim))
        _progress(run_id, claim, 80, "Drawing the PDF, CSV and XLSX")
        with transaction.atomic():
            run = ReportRun.objects.select_for_update().get(pk=run_id)
            if run.state != RunState.RUNNING or run.started_at != claim:
                return  # taken to have died and given to another worker, which makes it
            run.report, run.figures = content, content["figures"]
            run.finished_at = timezone.now()
            _attach_files(run)
            run.state, run.progress, run.step = RunState.DONE, 100, "Done"
            note_change(run, by=None, reason="Made")
            run.save()
    except Exception as error:
        logger.exception("Report run %s failed", run_id)
        failed = ReportRun.objects.get(pk=run_id)
        if failed.state == RunState.RUNNING and failed.started_at == claim:
            failed.state = RunState.FAILED
            failed.error = f"{type(error).__name__}: {error}"[:2000]
            failed.finished_at = timezone.now()
            failed.step = "Failed"
            note_change(failed, by=None, reason="Failed")
            failed.save()


@transaction.atomic
def retry_run(run: ReportRun, *, by: AnyUser) -> ReportRun:
    """Queue a run again. Rule: only a run that failed, or that has lost its worker (queued or
    running with no sign of life for REPORT_RUN_STALE_MINUTES), is retried."""
    run = ReportRun.objects.select_for_update().get(pk=run.pk)
    if not run.can_retry:
        raise ReportError(
            "Only a run that failed, or that has shown no progress for "
            f"{settings.REPORT_RUN_STALE_MINUTES} minutes, can be retried."
        )
    _queue_again(run)
    save_record(run, by=by, reason="Retried")
    _enqueue(run)
    return run


def _queue_again(run: ReportRun) -> None:
    run.state, run.error, run.progress, run.step = RunState.QUEUED, "", 0, ""
    run.finished_at, run.heartbeat_at = None, timezone.now()


@transaction.atomic
def requeue_stalled_runs() -> list[ReportRun]:
    """Queue again every run whose worker died, or that no worker took (beat, every minute);
    return them.

    Rules: a run is taken to have lost its worker after REPORT_RUN_STALE_MINUTES with no sign of
    life; a running one that has had REPORT_RUN_MAX_ATTEMPTS tries fails instead, saying why, for
    a person to retry (a run that kills its worker each time must not loop for ever).
    """
    runs = list(ReportRun.objects.stalled().select_for_update(skip_locked=True).order_by("pk"))
    for run in runs:
        if run.state == RunState.QUEUED:
            _queue_again(run)
            save_record(run, by=None, reason="Not taken by a worker: queued again")
            _enqueue(run)
        elif run.attempts >= settings.REPORT_RUN_MAX_ATTEMPTS:
            run.state, run.step = RunState.FAILED, "Failed"
            run.error = (
                f"The worker making it stopped without finishing, {run.attempts} times: "
                "ask the administrator to check the workers' memory and logs, then retry."
            )
            run.finished_at = timezone.now()
            save_record(run, by=None, reason="Its worker stopped again: failed")
        else:
            _queue_again(run)
            save_record(run, by=None, reason="Its worker stopped: queued again")
            _enqueue(run)
    return runs


def _changeable(run: ReportRun) -> ReportRun:
    run = ReportRun.objects.select_for_update().get(pk=run.pk)
    if run.is_published:
        raise ReportError(
            "A published report never changes: start a new run for the month and publish it "
            "as a new version."
        )
    if run.state != RunState.DONE:
        raise ReportError("The run has not finished: wait for it to be done.")
    return run


@transaction.atomic
def save_commentary(run: ReportRun, commentary: str, *, by: AnyUser) -> ReportRun:
    """Keep the coordinator's commentary on a finished run before it is published."""
    run = _changeable(run)
    run.commentary = commentary.strip()
    _attach_files(run)
    return save_record(run, by=by, reason="Commentary written")


@transaction.atomic
def publish_run(run: ReportRun, *, commentary: str, by: AnyUser) -> ReportRun:
    """Publish a finished run for commissioners, with the coordinator's commentary. Rules: a
    published run never changes; publishing another run for the same month makes it the next
    version, which says which version it replaces."""
    # Two runs of a month published at once take turns: each locks all the month's runs, in one
    # order, before reading the latest version (the unique constraint is the backstop).
    month = list(ReportRun.objects.select_for_update().filter(period=run.period).order_by("pk"))
    run = _changeable(run)
    published = [other for other in month if other.is_published]
    latest = max(published, key=lambda other: other.version or 0, default=None)
    run.version = (latest.version if latest and latest.version else 0) + 1
    run.replaces = latest
    run.commentary = commentary.strip()
    run.published_at = timezone.now()
    run.published_by = acting(by)
    _attach_files(run)
    reason = f"Published as version {run.version}"
    if latest is not None:
        reason += f", replacing version {latest.version}"
    return save_record(run, by=by, reason=reason)


@transaction.atomic
def save_target(target: Target, *, by: AnyUser | None) -> Target:
    """Set a figure's target for a contract year (one a figure a year; percentages at most 100)."""
    return save_record(target, by=by)


# Further than this, a straight course from the baseline says little about any month.
LONG_TERM_HORIZON_YEARS = 10


@transaction.atomic
def set_long_term_target(
    *, baseline_month: date, target_date: date, target_count: int | None = None, by: AnyUser
) -> LongTermTarget:
    """Set, or change, the team's target for long-term rough sleeping.

    Rules: the baseline is a month that has ended, and its long-term count is worked out now
    and kept; the target count is at most that count (half of it, rounded down, when not
    given); the target date is still to come (so after the baseline month) and within
    LONG_TERM_HORIZON_YEARS years.
    """
    today = timezone.localdate()
    baseline_month = first_of_month(baseline_month)
    if baseline_month >= first_of_month(today):
        raise ReportError(
            "Choose a month that has ended: its count is the baseline.", field="baseline_month"
        )
    if target_date < today:
        raise ReportError("That date has passed: choose one still to come.", field="target_date")
    if target_date > add_months(today, 12 * LONG_TERM_HORIZON_YEARS):
        raise ReportError(
            f"Choose a date within {LONG_TERM_HORIZON_YEARS} years.", field="target_date"
        )
    baseline_count = longterm.count(baseline_month)
    if target_count is None:
        target_count = baseline_count // 2
    if target_count < 0 or target_count > baseline_count:
        raise ReportError(
            f"The target is a fall from the baseline: from 0 to {baseline_count} people.",
            field="target_count",
        )
    # Two coordinators setting it at once take turns on the one row (its primary key the backstop).
    target = LongTermTarget.objects.select_for_update().filter(pk=LongTermTarget.ONLY).first()
    changing = target is not None
    target = target or LongTermTarget(pk=LongTermTarget.ONLY)
    target.baseline_month, target.baseline_count = baseline_month, baseline_count
    target.target_count, target.target_date = target_count, target_date
    target.set_by, target.set_at = acting(by), timezone.now()
    return save_record(target, by=by, reason="Changed" if changing else "Set")
