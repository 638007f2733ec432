"""Targets for the contract's figures, and the monthly report runs made from them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, storages
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from mars.dates import financial_year, financial_year_label
from mars.text import COMMENTARY, limited_text
from reporting.measures import BY_KEY, TARGETABLE, Measure, status

USER = settings.AUTH_USER_MODEL


class TargetQuerySet(models.QuerySet["Target"]):
    def for_period(self, period: date) -> dict[str, Target]:
        """The targets of the contract year a month falls in, by measure."""
        return self.for_periods([period])[financial_year(period)]

    def for_periods(self, periods: Iterable[date]) -> dict[int, dict[str, Target]]:
        """The targets of the contract years some months fall in, by year and measure, in one
        query (a year without targets maps to none)."""
        years = {financial_year(period) for period in periods}
        found: dict[int, dict[str, Target]] = {year: {} for year in years}
        for target in self.filter(year__in=years):
            found[target.year][target.measure] = target
        return found


class Target(models.Model):
    """What the contract expects of one figure each month of a contract year (April to March)."""

    measure = models.CharField(max_length=50, choices=[(m.key.value, m.label) for m in TARGETABLE])
    year = models.PositiveSmallIntegerField(
        "contract year", help_text="The year it starts: 2026 for April 2026 to March 2027."
    )
    value = models.DecimalField(
        "target",
        max_digits=7,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="A percentage for the percentage figures, a number of people for the others.",
    )
    amber_margin = models.DecimalField(
        max_digits=6,
        decimal_places=1,
        default=Decimal("5"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="How far short of the target still counts as amber (same unit as the target).",
    )
    notes = limited_text(blank=True)
    history = HistoricalRecords()

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "measure"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "year"],
                name="target_one_per_measure_and_year",
                violation_error_message="This figure already has a target for that year.",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0) & Q(amber_margin__gte=0),
                name="target_not_negative",
                violation_error_message="A target and its margin cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="target_year_plausible",
                violation_error_message="Give the year the contract year starts, e.g. 2026.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_label} {self.year_label}: {self.value_label}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:target_detail", args=[self.pk])

    def clean(self) -> None:
        measure = BY_KEY.get(self.measure)
        if measure and measure.percent and self.value is not None and self.value > 100:
            raise ValidationError({"value": "A percentage target is at most 100."})

    @property
    def about(self) -> Measure:
        return BY_KEY[self.measure]

    @property
    def measure_label(self) -> str:
        return self.about.label

    @property
    def year_label(self) -> str:
        return financial_year_label(self.year)

    @property
    def value_label(self) -> str:
        return f"{self.value}{self.about.unit}" if self.about.percent else f"{self.value:.0f}"

    def status_of(self, actual: Decimal | None) -> str:
        return status(self.about, actual, self.value, self.amber_margin)


class RunState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class RunTrigger(models.TextChoices):
    SCHEDULE = "schedule", "Monthly schedule"
    PERSON = "person", "Started by hand"


class FileKind(models.TextChoices):
    PDF = "pdf", "PDF"
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"


def reports_storage() -> Storage:
    return storages["reports"]


def stale_before() -> datetime:
    return timezone.now() - timedelta(minutes=settings.REPORT_RUN_STALE_MINUTES)


class ReportRunQuerySet(models.QuerySet["ReportRun"]):
    def published(self) -> ReportRunQuerySet:
        return self.filter(published_at__isnull=False)

    def stalled(self) -> ReportRunQuerySet:
        """Queued or running with no sign of life for REPORT_RUN_STALE_MINUTES: its worker died,
        or no worker ever took it (its job was lost before the outbox, or the workers are down)."""
        stale = stale_before()
        return self.filter(state__in=[RunState.QUEUED, RunState.RUNNING]).filter(
            Q(heartbeat_at__lt=stale)
            | Q(heartbeat_at__isnull=True, started_at__lt=stale)
            | Q(heartbeat_at__isnull=True, started_at__isnull=True, created_at__lt=stale)
        )


class ReportRun(models.Model):
    """One making of the monthly contract report: its figures and files, how it went, and
    whether it was published (a published run never changes; a correction is a new version)."""

    period = models.DateField(help_text="The first day of the month reported on.")
    as_of = models.DateField("figures as of")
    trigger = models.CharField(max_length=10, choices=RunTrigger.choices)
    started_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=RunState.choices, default=RunState.QUEUED)
    step = models.CharField(max_length=120, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Its last sign of life: touched by the worker at every step, and when it is queued again. A
    # run whose heartbeat is older than REPORT_RUN_STALE_MINUTES has lost its worker (killed, out
    # of memory, machine gone) or was never taken by one.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    figures = models.JSONField(default=dict, blank=True)
    report = models.JSONField(default=dict, blank=True)
    pdf = models.FileField(storage=reports_storage, upload_to="runs/", blank=True)
    csv = models.FileField(storage=reports_storage, upload_to="runs/", blank=True)
    xlsx = models.FileField(storage=reports_storage, upload_to="runs/", blank=True)
    commentary = limited_text(
        "coordinator's commentary",
        blank=True,
        help_text="Printed in the report as written.",
        max_length=COMMENTARY,
    )
    version = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        editable=False,
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Progress is not a change anyone made, and the figures are the page itself: both stay out
    # of the history, which keeps who started, made, retried and published it, and its files.
    history = HistoricalRecords(
        excluded_fields=["step", "progress", "heartbeat_at", "report", "figures"]
    )

    objects = ReportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "-created_at", "-id"]
        permissions = [
            ("publish_reportrun", "Can review and publish report runs"),
            ("view_published_reportrun", "Can download published reports"),
            ("view_dashboard", "Can see the dashboard and the people behind its figures"),
            ("import_bundle", "Can import and export bundles"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(period__day=1), name="report_run_period_is_a_month"),
            # The schedule starts one run a month, however often beat fires.
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(trigger="schedule"),
                name="report_run_one_scheduled_per_month",
            ),
            models.UniqueConstraint(
                fields=["period", "version"],
                condition=Q(version__isnull=False),
                name="report_run_version_unique_per_month",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True, version__isnull=True)
                | Q(
                    published_at__isnull=False,
                    version__isnull=False,
                    published_by__isnull=False,
                    state="done",
                ),
                name="report_run_published_is_done_and_versioned",
            ),
            models.CheckConstraint(
                condition=~Q(state="failed") | ~Q(error=""),
                name="report_run_failure_says_why",
            ),
        ]

    def __str__(self) -> str:
        version = f" v{self.version}" if self.version else ""
        return f"Report for {self.period_label}{version}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:run_detail", args=[self.pk])

    @property
    def period_label(self) -> str:
        return f"{self.period:%B %Y}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_finished(self) -> bool:
        return self.state in (RunState.DONE, RunState.FAILED)

    @property
    def is_stalled(self) -> bool:
        """Queued or running with no sign of life for REPORT_RUN_STALE_MINUTES (see stalled())."""
        seen = self.heartbeat_at or self.started_at or self.created_at
        waiting = self.state in (RunState.QUEUED, RunState.RUNNING)
        return waiting and seen is not None and seen < stale_before()

    @property
    def can_retry(self) -> bool:
        return self.state == RunState.FAILED or self.is_stalled

    @property
    def can_publish(self) -> bool:
        return self.state == RunState.DONE and not self.is_published

    def file(self, kind: str) -> FieldFile:
        return getattr(self, FileKind(kind).value)

    def download_name(self, kind: str) -> str:
        version = f"-v{self.version}" if self.version else "-draft"
        return f"mars-report-{self.period:%Y-%m}{version}.{kind}"


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CHECKED = "checked", "Checked"
    SUBMITTED = "submitted", "Submitted"


class RsdfReturnQuerySet(models.QuerySet["RsdfReturn"]):
    def submitted(self) -> RsdfReturnQuerySet:
        return self.filter(status=ReturnStatus.SUBMITTED)

    def night_and_population(self, period: date) -> tuple[date | None, int | None] | None:
        """The single night and population the month's return holds; None with no return
        (reporting.returns.night_and_population: for the return's page, API, PDF and command)."""
        return self.filter(period=period.replace(day=1)).values_list("night", "population").first()


class RsdfReturn(models.Model):
    """England's monthly rough sleeping return (RSDF) for one month: the single night and the
    population it is counted with, whether it has been checked and sent, and, once sent, the
    figures as they were sent (reporting.rsdf computes them; reporting.returns changes this)."""

    period = models.DateField(unique=True, help_text="The first day of the month returned.")
    night = models.DateField(
        "single night",
        null=True,
        blank=True,
        help_text="The night counted for the single-night figures: a day in the month, not its "
        "last (the count runs from 18:00 that evening to 10:00 the next morning).",
    )
    population = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Residents of the area, for the figures per 100,000. Empty: none given.",
    )
    definitions = models.CharField("definitions version", max_length=20)
    # As sent: the figures (DESIGN.md's shape) and the gaps left when it was sent. A draft's
    # figures are computed afresh each time they are shown.
    figures = models.JSONField(default=dict, blank=True)
    gaps = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = limited_text(blank=True)
    gaps_reason = limited_text(
        "why it was sent with gaps",
        blank=True,
        help_text="Asked for when the return is sent while some people counted have facts not "
        "known.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The figures and gaps as sent are shown whole on the page; the history keeps who opened,
    # changed, checked and sent the return, and why it went with gaps.
    history = HistoricalRecords(excluded_fields=["created_at", "figures", "gaps"])

    objects = RsdfReturnQuerySet.as_manager()

    class Meta:
        ordering = ["-period"]
        verbose_name = "RSDF return"
        permissions = [
            ("view_rsdf_people", "Can see the people behind the RSDF return's figures"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period__day=1), name="rsdf_return_period_is_a_month"
            ),
            models.CheckConstraint(
                condition=Q(night__isnull=True) | Q(night__gte=F("period")),
                name="rsdf_return_night_in_month",
                violation_error_message="The single night must be a day in the month.",
            ),
            models.CheckConstraint(
                condition=~Q(status="submitted")
                | Q(submitted_at__isnull=False, submitted_by__isnull=False, night__isnull=False),
                name="rsdf_return_submitted_says_who_and_when",
            ),
        ]

    def __str__(self) -> str:
        return f"RSDF return for {self.period_label}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:rsdf_detail", args=[self.pk])

    @property
    def period_label(self) -> str:
        return f"{self.period:%B %Y}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ReturnStatus.SUBMITTED

    def download_name(self, kind: str) -> str:
        state = "submitted" if self.is_submitted else "draft"
        return f"rsdf-{self.period:%Y-%m}-{state}.{kind}"


class LongTermTarget(models.Model):
    """The team's target for long-term rough sleeping (the national plan's: halve it by a date):
    from the long-term count of a baseline month, worked out when the target was set, to a
    target count by a target date. One for the team; each change is kept in its history."""

    # One row: the team has one such target at a time (see set_long_term_target).
    ONLY = 1

    baseline_month = models.DateField(
        help_text="The first day of the month whose long-term count the target starts from."
    )
    baseline_count = models.PositiveIntegerField(
        help_text="People long-term in the baseline month, as counted when the target was set."
    )
    target_count = models.PositiveIntegerField(
        help_text="How many long-term people at most by the target date."
    )
    target_date = models.DateField("by")
    set_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="long_term_target_one_row"),
            models.CheckConstraint(
                condition=Q(baseline_month__day=1), name="long_term_target_baseline_is_a_month"
            ),
            models.CheckConstraint(
                condition=Q(target_count__lte=models.F("baseline_count")),
                name="long_term_target_not_above_baseline",
                violation_error_message="The target is a fall: at most the baseline's count.",
            ),
            models.CheckConstraint(
                condition=Q(target_date__gt=models.F("baseline_month")),
                name="long_term_target_after_baseline",
            ),
        ]

    def __str__(self) -> str:
        return f"Long-term rough sleeping: {self.target_count} by {self.target_date:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:long_term_target")

    @property
    def baseline_label(self) -> str:
        return f"{self.baseline_month:%B %Y}"

    @property
    def months_to_target(self) -> int:
        """Whole months from the baseline month to the target date's month (at least one)."""
        target = self.target_date
        months = (target.year - self.baseline_month.year) * 12 + target.month
        return max(months - self.baseline_month.month, 1)

    def course_on(self, month: date) -> float | None:
        """Where a straight course from the baseline to the target stands in a month: None
        before the baseline month; the target itself from the target date's month on."""
        passed = (month.year - self.baseline_month.year) * 12 + month.month
        passed -= self.baseline_month.month
        if passed < 0:
            return None
        share = min(passed / self.months_to_target, 1.0)
        return self.baseline_count + (self.target_count - self.baseline_count) * share


class KeptMonth(models.Model):
    """A past month's contract figures, kept once none of them can change with time (every 14-day
    window of the month has closed), so the dashboard does not work them out again on each view.

    The database forgets a kept month when a record it was worked out from changes (triggers
    installed by migration 0007, see reporting.kept): whatever path the change took."""

    month = models.DateField(unique=True, help_text="The month's first day.")
    figures = models.JSONField()
    kept_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class ImportStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for a worker"
    CHECKING = "checking", "Checking the file"
    WRITING = "writing", "Writing the records"
    DONE = "done", "Imported"
    REFUSED = "refused", "Refused"
    FAILED = "failed", "Failed"


# A worker is busy with these; the others are waiting for one or have ended.
IMPORT_WORKING = (ImportStatus.CHECKING, ImportStatus.WRITING)
IMPORT_ENDED = (ImportStatus.DONE, ImportStatus.REFUSED, ImportStatus.FAILED)


# The error kept on a job the beat task (reporting.imports.sweep_imports) ended: the page says
# each in words of its own.
WORKER_STOPPED = "Its worker stopped: no progress for BUNDLE_IMPORT_STALE_MINUTES."
NEVER_TAKEN = "No worker took it within BUNDLE_IMPORT_WAIT_MINUTES."


def imports_storage() -> Storage:
    return storages["imports"]


def import_stale_before() -> datetime:
    return timezone.now() - timedelta(minutes=settings.BUNDLE_IMPORT_STALE_MINUTES)


class BundleImportQuerySet(models.QuerySet["BundleImport"]):
    def stalled(self) -> BundleImportQuerySet:
        """Taken by a worker that has shown no sign of life (progress or heartbeat) for
        BUNDLE_IMPORT_STALE_MINUTES: it died (killed, out of memory, machine gone), and its
        transaction with it."""
        return self.filter(status__in=IMPORT_WORKING, progress_at__lt=import_stale_before())

    def lost(self) -> BundleImportQuerySet:
        """Waiting for a worker for longer than BUNDLE_IMPORT_WAIT_MINUTES: its task never
        reached one (the outbox sends every task, so the broker lost it, or no worker runs)."""
        waited = timezone.now() - timedelta(minutes=settings.BUNDLE_IMPORT_WAIT_MINUTES)
        return self.filter(status=ImportStatus.WAITING, uploaded_at__lt=waited)

    def past_keeping(self) -> BundleImportQuerySet:
        """Ended more than BUNDLE_IMPORT_KEEP_DAYS ago: no longer worth keeping."""
        kept = timezone.now() - timedelta(days=settings.BUNDLE_IMPORT_KEEP_DAYS)
        return self.filter(status__in=IMPORT_ENDED, finished_at__lt=kept)


class BundleImport(models.Model):
    """One bundle uploaded to be imported by a worker: who sent which file, how far the import
    has gone, and how it ended (the summary's lines, or every problem that refused it).

    It keeps no history: it holds no case data (counts, file name, problem texts), and it is
    itself the record of who imported what and when; the records an import writes keep their
    own history. The file, which holds people's details, is deleted when the import ends (or
    when beat finds its worker dead or its task lost). Its summary keeps no one's name
    (reporting.imports.kept_lines); a refusal's problems may name a person already here, so the
    job is deleted BUNDLE_IMPORT_KEEP_DAYS after it ends, and retention and erasure (privacy)
    need not look here."""

    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField("file name", max_length=255)
    size = models.PositiveBigIntegerField(help_text="Bytes.")
    file = models.FileField(storage=imports_storage, upload_to="bundles/", blank=True)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.WAITING
    )
    # The worker's claim (a conditional UPDATE sets it): later writes of progress and the end
    # name it, so a second delivery of the task touches nothing.
    claimed_at = models.DateTimeField(null=True, blank=True)
    done = models.PositiveBigIntegerField("records done", default=0)
    total = models.PositiveBigIntegerField("records in the file", null=True, blank=True)
    rate = models.FloatField("records a second", null=True, blank=True)
    seconds_left = models.FloatField(null=True, blank=True)
    # The last sign of life: written with the progress (through a connection of its own, so it is
    # seen while the import's transaction is open) at most about once a second, and by the
    # worker's heartbeat every 30 seconds however long a step shows no progress.
    progress_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=list, blank=True, help_text="The summary's lines.")
    changed_anything = models.BooleanField(null=True, blank=True)
    problems = models.JSONField(default=list, blank=True, help_text="Each as path: message.")
    error = limited_text(
        blank=True, max_length=2000, help_text="What went wrong, for the administrator."
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = BundleImportQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ImportStatus.REFUSED) | ~Q(problems=[]),
                name="bundle_import_refusal_lists_problems",
            ),
        ]

    def __str__(self) -> str:
        return f"Import of {self.file_name}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:bundle_import_detail", args=[self.pk])

    @property
    def is_stalled(self) -> bool:
        """Taken by a worker that has shown no sign of life for BUNDLE_IMPORT_STALE_MINUTES."""
        seen = self.progress_at or self.claimed_at
        return self.status in IMPORT_WORKING and seen is not None and seen < import_stale_before()

    @property
    def outcome(self) -> str:
        """Its status as a person should read it: a job whose worker died has failed."""
        return ImportStatus.FAILED if self.is_stalled else self.status

    @property
    def stopped(self) -> bool:
        """Its worker died: seen so now, or ended for it by the beat task."""
        return self.is_stalled or (
            self.status == ImportStatus.FAILED and self.error == WORKER_STOPPED
        )

    @property
    def never_taken(self) -> bool:
        return self.status == ImportStatus.FAILED and self.error == NEVER_TAKEN

    @property
    def imported(self) -> bool:
        return self.outcome == ImportStatus.DONE

    @property
    def failed(self) -> bool:
        """Failed, or taken for failed (its worker died): for templates, which cannot name the
        statuses."""
        return self.outcome == ImportStatus.FAILED

    @property
    def outcome_label(self) -> str:
        return ImportStatus(self.outcome).label

    @property
    def is_finished(self) -> bool:
        return self.outcome in IMPORT_ENDED

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)

    @property
    def progress_text(self) -> str:
        """The progress bar in words: "Checking the file: 120,000 of 1,300,000 records, 6,100
        a second, about 3 minutes left"."""
        if self.status == ImportStatus.WAITING:
            return "Waiting for a worker to take the file"
        parts = [
            f"{self.done:,} of {self.total:,} records" if self.total else f"{self.done:,} records"
        ]
        if self.rate:
            parts.append(f"{_about(self.rate):,} a second")
        if self.seconds_left is not None:
            parts.append(_time_left(self.seconds_left))
        return f"{ImportStatus(self.status).label}: {', '.join(parts)}"


def _about(rate: float) -> int:
    """A rate to two significant figures (6,123 reads as 6,100): it moves every second."""
    whole = round(rate)
    if whole < 100:
        return whole
    step = 10 ** (len(str(whole)) - 2)
    return round(whole / step) * step


def _time_left(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 1:
        return "less than a minute left"
    if minutes < 60:
        return f"about {minutes} minute{'s' if minutes != 1 else ''} left"
    hours, minutes = divmod(minutes, 60)
    return f"about {hours} hour{'s' if hours != 1 else ''} {minutes} minutes left"
