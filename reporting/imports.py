"""Bundle imports run by a worker: a file uploaded on the page or the API is stored and queued,
then imported (reporting.bundle) with its progress where the page can see it, and deleted when
the import ends. Pages, API and the task call these."""

from __future__ import annotations

import logging
import re
import threading
import uuid
from datetime import datetime

from django.conf import settings
from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from mars import outbox
from mars.access import AnyUser
from mars.records import Refusal, acting
from reporting.bundle import BundleError, ImportSummary, Progress, import_bundle_file
from reporting.models import (
    IMPORT_WORKING,
    NEVER_TAKEN,
    WORKER_STOPPED,
    BundleImport,
    ImportStatus,
)

logger = logging.getLogger(__name__)

# By name: the task calls these services, so they do not import it back.
IMPORT_BUNDLE = "reporting.tasks.import_bundle"

# Progress is written at most this often (seconds of the import): enough for a bar polled every
# two seconds, and a few hundred statements an hour at most.
PROGRESS_EVERY = 1.0

# The worker's sign of life while it imports, however long a step writes no progress (the final
# duplicate search and commit, or waiting for another import's lock): far inside
# BUNDLE_IMPORT_STALE_MINUTES, so only a worker that died goes stale.
HEARTBEAT_EVERY = 30.0


class ImportRefused(Refusal):
    """An upload the rules refuse before any worker reads it."""


@transaction.atomic
def queue_import(upload: File, *, by: AnyUser) -> BundleImport:
    """Keep an uploaded bundle for a worker to import, and queue the job.

    Rules: the file is at most BUNDLE_UPLOAD_MAX_BYTES and not empty. Its stored name is made
    here (never the uploader's): the original name is kept only to show."""
    user = acting(by)
    if user is None:
        raise ImportRefused("Sign in to import a bundle.")
    limit = settings.BUNDLE_UPLOAD_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise ImportRefused("The file is empty.", field="file")
    if upload.size > limit:
        raise ImportRefused(
            f"The file is larger than {filesizeformat(limit)}: split it into several bundles.",
            field="file",
        )
    job = BundleImport(
        uploaded_by=user, file_name=(upload.name or "bundle.json")[-255:], size=upload.size
    )
    # Through the storage API only: the worker that opens it may be on another machine.
    job.file.save(f"{uuid.uuid4().hex}.json", upload, save=False)
    try:
        job.save()
        # In the outbox, in the job's own transaction: a saved job always has its task.
        outbox.enqueue(IMPORT_BUNDLE, job.pk)
    except Exception:
        job.file.storage.delete(str(job.file.name))  # no job will ever read it
        raise
    return job


class ProgressWriter:
    """The import's progress callback: writes how far it has gone to the job's row, at most about
    once a second and whenever the stage changes.

    The import runs in one transaction on the worker's connection, and nothing written there is
    seen by anyone else until it commits. So the progress goes through a second connection of
    this writer's own, in autocommit: the page (another process, another connection) sees each
    write at once. A plain UPDATE of one row keyed by the job and its claim; the import's
    transaction never touches that row, so the two connections never wait on each other."""

    def __init__(self, job_id: int, claim: datetime) -> None:
        self.job_id, self.claim = job_id, claim
        self.last: Progress | None = None
        self._connection: BaseDatabaseWrapper | None = None

    def __call__(self, progress: Progress) -> None:
        last = self.last
        if (
            last is not None
            and last.stage == progress.stage
            and progress.elapsed - last.elapsed < PROGRESS_EVERY
        ):
            return
        self.last = progress
        self.write(progress)

    def write(self, progress: Progress) -> None:
        table = BundleImport._meta.db_table
        status = (
            ImportStatus.WRITING
            if progress.stage == ImportStatus.WRITING
            else ImportStatus.CHECKING
        )
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET status = %s, done = %s, total = %s, rate = %s,"
                    " seconds_left = %s, progress_at = %s"
                    " WHERE id = %s AND claimed_at = %s AND status = ANY(%s)",
                    [
                        str(status),
                        progress.done,
                        progress.total,
                        progress.rate,
                        progress.seconds_left,
                        timezone.now(),
                        self.job_id,
                        self.claim,
                        [str(working) for working in IMPORT_WORKING],
                    ],
                )
        except DatabaseError:
            # The bar stands still; the import goes on (and its end is written on its own).
            logger.warning("Bundle import %s: progress not written", self.job_id, exc_info=True)
            self.close()

    @property
    def connection(self) -> BaseDatabaseWrapper:
        if self._connection is None:
            # Not connections[...]: that is this thread's, the import's own.
            self._connection = connections.create_connection(DEFAULT_DB_ALIAS)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class Heartbeat:
    """Touches the job's progress_at every HEARTBEAT_EVERY seconds while the import runs, from a
    thread of its own with a connection of its own (in autocommit, as ProgressWriter's, which
    belongs to the import's thread). Progress alone is no proof of life: the import's last step
    (a duplicate search per new person, then the commit) and the wait for another import's lock
    write none for as long as they take. The thread lives and dies with the worker's process,
    so a job whose worker died goes stale, and one whose worker is slow does not."""

    def __init__(self, job_id: int, claim: datetime) -> None:
        self.job_id, self.claim = job_id, claim
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"bundle-import-{job_id}-heartbeat", daemon=True
        )

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        connection = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            while not self._stop.wait(HEARTBEAT_EVERY):
                self.beat(connection)
        finally:
            connection.close()

    def beat(self, connection: BaseDatabaseWrapper) -> None:
        table = BundleImport._meta.db_table
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET progress_at = %s"
                    " WHERE id = %s AND claimed_at = %s AND status = ANY(%s)",
                    [
                        timezone.now(),
                        self.job_id,
                        self.claim,
                        [str(working) for working in IMPORT_WORKING],
                    ],
                )
        except DatabaseError:
            # Tried again at the next beat, on a new connection.
            logger.warning("Bundle import %s: heartbeat not written", self.job_id, exc_info=True)
            connection.close()


def _claim(job_id: int) -> datetime | None:
    """Take a waiting job for this worker in one conditional UPDATE: a second delivery of the
    task (or a second worker) finds it taken and does nothing."""
    claim = timezone.now()
    taken = BundleImport.objects.filter(pk=job_id, status=ImportStatus.WAITING).update(
        status=ImportStatus.CHECKING, claimed_at=claim, progress_at=claim
    )
    return claim if taken else None


def _end(job_id: int, claim: datetime, status: ImportStatus, **fields: object) -> None:
    # Keyed by the claim, not the status: a worker taken for dead that did finish says so.
    BundleImport.objects.filter(pk=job_id, claimed_at=claim).update(
        status=status, finished_at=timezone.now(), seconds_left=None, **fields
    )


def run_import(job_id: int) -> None:
    """Import a queued bundle: done (its summary kept), refused (every problem kept) or failed
    (why, for the administrator). Safe to call again: a job already taken is left alone. The
    uploaded file is deleted however it ends: it holds people's details."""
    claim = _claim(job_id)
    if claim is None:
        return
    job = BundleImport.objects.select_related("uploaded_by").get(pk=job_id)
    progress = ProgressWriter(job_id, claim)
    try:
        with Heartbeat(job_id, claim), job.file.storage.open(str(job.file.name), "rb") as source:
            summary = import_bundle_file(source, by=job.uploaded_by, progress=progress)
    except BundleError as error:
        # Kept as they are, though one may name a person already here (a placement clash): a
        # person must be able to fix the file from them. The job is deleted with its problems
        # BUNDLE_IMPORT_KEEP_DAYS after it ends (sweep_imports), so no name outlives that.
        _end(job_id, claim, ImportStatus.REFUSED, problems=list(error.problems))
    except Exception as error:
        logger.exception("Bundle import %s failed", job_id)
        # Its first line only: PostgreSQL's DETAIL ("Failing row contains (...)") that follows
        # may hold a person's name and details; the log above has all of it.
        first = next(iter(str(error).splitlines()), "")
        _end(job_id, claim, ImportStatus.FAILED, error=f"{type(error).__name__}: {first}"[:2000])
    else:
        _end(
            job_id,
            claim,
            ImportStatus.DONE,
            summary=kept_lines(summary),
            changed_anything=summary.changed_anything,
        )
    finally:
        progress.close()
        _forget_file(job)


def _forget_file(job: BundleImport) -> None:
    name = job.file.name
    if not name:
        return
    try:
        job.file.storage.delete(name)
    except Exception:
        # Kept named on the job, for the administrator to delete by hand.
        logger.exception("Bundle import %s: its file %s could not be deleted", job.pk, name)
        return
    BundleImport.objects.filter(pk=job.pk).update(file="")


# A summary's count line ("clients: 9 new, 0 changed, 0 unchanged"): the only shape kept as it is.
COUNTS = re.compile(r"\w+: \d+ new, \d+ changed, \d+ unchanged")
# Where in the file a line points ("clients[12]"), and the MARS references it names.
PATH = re.compile(r"[a-z_]+\[\d+\]")
REFERENCE = re.compile(r"\bMARS-\d{6,}\b")


def kept_lines(summary: ImportSummary) -> list[str]:
    """The summary's lines as the job keeps them: without anyone's name. Its count lines are
    kept; any other line (a possible duplicate names the new person and those they may be) is
    rewritten to where it points in the file and the MARS references it names, whatever else it
    says: the job outlives the people it mentions, and erasure does not look for them here."""
    kept = []
    for line in summary.lines():
        if COUNTS.fullmatch(line):
            kept.append(line)
            continue
        path = PATH.match(line)
        references = list(dict.fromkeys(REFERENCE.findall(line)))
        where = path.group() if path else "a new person"
        if references:
            kept.append(
                f"{where}: may be someone already here ({', '.join(references)}): check, and "
                "merge if so"
            )
        else:
            kept.append(f"{where}: a line of the summary left out (it may name a person)")
    return kept


def sweep_imports() -> dict[str, list[int]]:
    """The beat task's round: fail the jobs whose worker died (no sign of life for
    BUNDLE_IMPORT_STALE_MINUTES: the heartbeat keeps a living worker's fresh) or whose task was
    lost (waiting for longer than BUNDLE_IMPORT_WAIT_MINUTES), deleting their files; delete the
    jobs ended more than BUNDLE_IMPORT_KEEP_DAYS ago. Each a conditional UPDATE or DELETE: a
    second round, or a worker ending its job at the same time, finds nothing to do.

    A lost task is failed, not queued again: the outbox has already sent it (the relay retries
    until the broker takes it), so one still waiting an hour on means the broker lost it or no
    worker runs, which a second send hides rather than mends; and the uploader, told, sends the
    file again at once, while the file (people's details) is not kept waiting for a worker."""
    now = timezone.now()
    stopped = _fail(BundleImport.objects.stalled(), WORKER_STOPPED, now)
    lost = _fail(BundleImport.objects.lost(), NEVER_TAKEN, now)
    old = BundleImport.objects.past_keeping()
    forgotten = []
    for job in old:
        _forget_file(job)  # normally gone already: deleted when the import ended
        if old.filter(pk=job.pk).delete()[0]:
            forgotten.append(job.pk)
    return {"stopped": stopped, "lost": lost, "deleted": forgotten}


def _fail(jobs: models.QuerySet[BundleImport], why: str, now: datetime) -> list[int]:
    failed = []
    for job in jobs:
        # Only if it is still as found: a worker that showed life since keeps its job.
        still = jobs.filter(pk=job.pk)
        if still.update(status=ImportStatus.FAILED, error=why, finished_at=now, seconds_left=None):
            _forget_file(job)
            failed.append(job.pk)
    return failed
