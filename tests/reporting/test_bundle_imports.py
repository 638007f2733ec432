"""Bundles imported by a worker: uploaded on the page or the API, followed on the import's page
while the worker checks and writes them, and ended done, refused with every problem, or failed;
the task is idempotent, its progress is seen from other connections, its file is deleted."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from mars.celery import app
from mars.roles import Role
from reporting import imports, tasks
from reporting.bundle import BundleError, ImportSummary, Progress
from reporting.models import NEVER_TAKEN, WORKER_STOPPED, BundleImport, ImportStatus
from tests.concurrency import at_once
from tests.factories import ClientFactory
from tests.reporting.conftest import DATA

pytestmark = pytest.mark.django_db

OTHERS = [role for role in Role if role != Role.COORDINATOR]


def example() -> bytes:
    return (DATA / "example-2026-10.json").read_bytes()


def upload(raw: bytes, name: str = "team.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, raw, content_type="application/json")


def queued(coordinator: Any, raw: bytes = b"{}") -> BundleImport:
    """A job waiting for a worker, its file in the imports storage (nothing run yet)."""
    job = BundleImport(uploaded_by=coordinator, file_name="team.json", size=len(raw))
    job.file.save("waiting.json", ContentFile(raw), save=True)
    return job


def in_progress(coordinator: Any, **fields: Any) -> BundleImport:
    now = timezone.now()
    values = {
        "status": ImportStatus.WRITING,
        "claimed_at": now - timedelta(minutes=2),
        "progress_at": now,
        "done": 120_000,
        "total": 1_300_000,
        "rate": 6_123.4,
        "seconds_left": 190.0,
    }
    values.update(fields)
    return BundleImport.objects.create(
        uploaded_by=coordinator, file_name="national.json", size=300_000_000, **values
    )


def test_coordinator_uploads_a_bundle_and_its_page_shows_the_summary(
    client: Any, coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("reporting:bundle_import"), {"file": upload(example())})
    job = BundleImport.objects.get()
    assert answer["Location"] == job.get_absolute_url()
    assert job.status == ImportStatus.DONE and job.uploaded_by == coordinator
    assert job.file_name == "team.json" and job.size == len(example())
    assert "clients: 9 new, 0 changed, 0 unchanged" in job.summary and job.changed_anything
    assert job.finished_at is not None
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Imported." in page and "clients: 9 new" in page
    assert "<progress" not in page and "hx-trigger" not in page
    listing = client.get(reverse("reporting:bundle_import")).content.decode()
    assert "Recent imports" in listing and job.get_absolute_url() in listing
    assert Client.objects.count() == 9


def test_the_uploaded_file_is_deleted_once_the_import_ends(coordinator: Any) -> None:
    job = queued(coordinator, example())
    storage, name = job.file.storage, job.file.name
    assert storage.exists(name)
    imports.run_import(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert not storage.exists(name) and job.file.name == ""


def test_a_refused_bundle_lists_every_problem_beside_the_file_field(
    client: Any, coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    bad = json.loads(example())
    bad["contacts"][3]["client"] = "C99"
    bad["clients"].append({"ref": "C10"})
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("reporting:bundle_import"), {"file": upload(json.dumps(bad).encode())}
        )
    job = BundleImport.objects.get()
    assert job.status == ImportStatus.REFUSED and job.file.name == ""
    assert len(job.problems) == 2
    html = client.get(answer["Location"]).content.decode()
    assert "Nothing was imported: 2 problems." in html
    assert "contacts[3].client: unknown client ref &quot;C99&quot;" in html
    assert "clients[9].first_name: required" in html
    assert "Import the corrected file" in html
    assert Client.objects.count() == 0


def test_an_import_that_breaks_is_failed_with_why_and_its_file_deleted(
    coordinator: Any, monkeypatch: pytest.MonkeyPatch, client: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> ImportSummary:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(imports, "import_bundle_file", broken)
    job = queued(coordinator)
    storage, name = job.file.storage, job.file.name
    imports.run_import(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.error == "RuntimeError: the disk is full"
    assert not storage.exists(name)
    client.force_login(coordinator)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "The import failed on something other than the file" in page
    # What broke is for the administrator, not the page.
    assert "disk is full" not in page


def test_a_second_delivery_of_the_task_does_nothing(
    coordinator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def counted(source: Any, **kwargs: Any) -> ImportSummary:
        calls.append(source.read())
        return ImportSummary()

    monkeypatch.setattr(imports, "import_bundle_file", counted)
    job = queued(coordinator, b'{"format": "mars-bundle/1"}')
    imports.run_import(job.pk)
    imports.run_import(job.pk)
    assert calls == [b'{"format": "mars-bundle/1"}']
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.changed_anything is False


def test_a_job_taken_by_a_worker_is_not_taken_again(
    coordinator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "import_bundle_file", pytest.fail)
    job = in_progress(coordinator)
    imports.run_import(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.WRITING and job.done == 120_000


@pytest.mark.django_db(transaction=True)
def test_progress_is_seen_by_other_connections_while_the_import_transaction_is_open(
    coordinator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, int, int | None]] = []

    def read_elsewhere() -> tuple[str, int, int | None]:
        job = BundleImport.objects.get()
        return (job.status, job.done, job.total)

    def slow_import(source: Any, *, by: Any, progress: Any) -> ImportSummary:
        progress(Progress("checking", 0, None, 0.0))
        seen.append(at_once(read_elsewhere)[0])
        progress(Progress("checking", 500, 1000, 0.5))  # within a second: not written
        seen.append(at_once(read_elsewhere)[0])
        with transaction.atomic():
            Client.objects.create(first_name="Written", last_name="Inside")
            progress(Progress("writing", 0, 1000, 1.1))
            seen.append(at_once(read_elsewhere)[0])
            progress(Progress("writing", 600, 1000, 2.3))
            seen.append(at_once(read_elsewhere)[0])
            # The import's own rows are not seen until it commits; its progress is.
            assert at_once(lambda: Client.objects.count())[0] == 0
            raise BundleError(["contacts[0].at: in the future"])

    monkeypatch.setattr(imports, "import_bundle_file", slow_import)
    job = queued(coordinator)
    imports.run_import(job.pk)
    assert seen == [
        ("checking", 0, None),
        ("checking", 0, None),
        ("writing", 0, 1000),
        ("writing", 600, 1000),
    ]
    job.refresh_from_db()
    assert job.status == ImportStatus.REFUSED
    assert job.problems == ["contacts[0].at: in the future"]
    assert job.seconds_left is None and Client.objects.count() == 0


def test_the_page_of_an_import_being_written_shows_its_progress_and_polls(
    client: Any, coordinator: Any
) -> None:
    job = in_progress(coordinator)
    client.force_login(coordinator)
    page = client.get(job.get_absolute_url()).content.decode()
    words = (
        "Writing the records: 120,000 of 1,300,000 records, 6,100 a second, about 3 minutes left"
    )
    assert words in page
    assert '<progress max="1300000" value="120000"' in page
    assert 'hx-trigger="every 2s"' in page
    part = client.get(f"{job.get_absolute_url()}?part=status", headers={"HX-Request": "true"})
    assert words in part.content.decode() and "HX-Refresh" not in part
    assert "<h1>" not in part.content.decode()


def test_the_status_part_asks_for_the_whole_page_once_the_import_ends(
    client: Any, coordinator: Any
) -> None:
    job = in_progress(coordinator, status=ImportStatus.DONE, summary=["clients: 1 new"])
    client.force_login(coordinator)
    part = client.get(f"{job.get_absolute_url()}?part=status", headers={"HX-Request": "true"})
    assert part["HX-Refresh"] == "true"
    assert "hx-trigger" not in part.content.decode()


def test_an_import_waiting_for_a_worker_says_so(client: Any, coordinator: Any) -> None:
    job = queued(coordinator)
    client.force_login(coordinator)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Waiting for a worker to take the file" in page and "hx-trigger" in page


def test_an_import_whose_worker_died_is_shown_failed(client: Any, coordinator: Any) -> None:
    job = in_progress(coordinator)
    client.force_login(coordinator)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        page = client.get(job.get_absolute_url()).content.decode()
        assert BundleImport.objects.stalled().get() == job
        api = client.get(f"/api/bundle-imports/{job.pk}/").json()
    assert "The import stopped without finishing: no progress for 10 minutes" in page
    assert "hx-trigger" not in page
    assert api["status"] == "failed"
    with time_machine.travel(timezone.now() + timedelta(minutes=9)):
        assert not BundleImport.objects.stalled().exists()


@override_settings(BUNDLE_UPLOAD_MAX_BYTES=100)
def test_a_file_over_the_limit_is_refused_beside_the_field(client: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    answer = client.post(reverse("reporting:bundle_import"), {"file": upload(b"x" * 101)})
    assert answer.status_code == 200
    assert answer.context["form"].errors["file"] == [
        "The file is larger than 100\xa0bytes: split it into several bundles."
    ]
    assert not BundleImport.objects.exists()


def test_the_limit_is_a_national_bundle_and_more() -> None:
    from django.conf import settings

    # A 100,000-person bundle with six years of history is about 300 MB.
    assert settings.BUNDLE_UPLOAD_MAX_BYTES >= 600 * 1024 * 1024


@pytest.mark.parametrize("role", OTHERS)
def test_only_the_coordinator_uploads_or_sees_imports(
    as_role: Any, role: Role, coordinator: Any
) -> None:
    job = in_progress(coordinator)
    browser = as_role(role)
    assert browser.get(reverse("reporting:bundle_import")).status_code == 403
    posted = browser.post(reverse("reporting:bundle_import"), {"file": upload(b"{}")})
    assert posted.status_code == 403
    assert browser.get(job.get_absolute_url()).status_code == 404
    assert browser.get("/api/bundle-imports/").status_code == 403
    assert browser.get(f"/api/bundle-imports/{job.pk}/").status_code == 403
    api_post = browser.post("/api/bundle-imports/", {"file": upload(b"{}")})
    assert api_post.status_code == 403
    assert BundleImport.objects.count() == 1


def test_the_api_takes_a_file_and_gives_the_job_to_follow(
    client: Any, coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        made = client.post("/api/bundle-imports/", {"file": upload(example())})
    assert made.status_code == 201
    job = made.json()
    assert job["file_name"] == "team.json" and job["uploaded_by"] == "coordinator"
    assert "file" not in job
    followed = client.get(f"/api/bundle-imports/{job['id']}/").json()
    assert followed["status"] == "done"
    assert "clients: 9 new, 0 changed, 0 unchanged" in followed["summary"]
    assert client.get("/api/bundle-imports/").json()["results"][0]["id"] == job["id"]


def test_the_api_refuses_an_empty_file_on_its_field(client: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    answer = client.post("/api/bundle-imports/", {"file": upload(b"")})
    assert answer.status_code == 400 and "file" in answer.json()
    assert not BundleImport.objects.exists()


def test_the_api_gives_a_refusal_every_problem(
    client: Any, coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        made = client.post("/api/bundle-imports/", {"file": upload(b'{"format": "other"}')})
    followed = client.get(f"/api/bundle-imports/{made.json()['id']}/").json()
    assert followed["status"] == "refused" and followed["problems"]
    assert all(": " in problem for problem in followed["problems"])


def test_the_openapi_schema_describes_the_upload_and_the_job(client: Any) -> None:
    schema = client.get("/api/schema/", headers={"Accept": "application/json"}).json()
    create = schema["paths"]["/api/bundle-imports/"]["post"]
    body = create["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
    name = body.rsplit("/", 1)[1]
    assert schema["components"]["schemas"][name]["properties"]["file"]["format"] == "binary"
    assert "/api/bundle-imports/{id}/" in schema["paths"]


def test_the_page_of_a_failed_import_says_so_without_naming_the_status(
    client: Any, coordinator: Any
) -> None:
    job = in_progress(coordinator, status=ImportStatus.FAILED, error="RuntimeError: full")
    assert job.failed and not job.stopped and not job.imported
    client.force_login(coordinator)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "The import failed on something other than the file" in page


# The beat task: jobs whose worker died or whose task was lost, and jobs long ended.


def test_beat_sweeps_the_bundle_imports_every_five_minutes() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-bundle-imports"]
    assert entry == {"task": "reporting.tasks.sweep_bundle_imports", "schedule": 300.0}
    assert entry["task"] in app.tasks


def test_a_job_whose_worker_died_is_failed_and_its_file_deleted_once(
    client: Any, coordinator: Any
) -> None:
    job = in_progress(coordinator, progress_at=timezone.now() - timedelta(minutes=11))
    job.file.save("taken.json", ContentFile(b"{}"), save=True)
    storage, name = job.file.storage, job.file.name
    swept = tasks.sweep_bundle_imports()
    assert swept == {"stopped": [job.pk], "lost": [], "deleted": []}
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.error == WORKER_STOPPED
    assert job.finished_at is not None and job.seconds_left is None
    assert not storage.exists(name) and job.file.name == ""
    assert tasks.sweep_bundle_imports() == {"stopped": [], "lost": [], "deleted": []}
    client.force_login(coordinator)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "The import stopped without finishing: no progress for 10 minutes" in page
    assert "hx-trigger" not in page


def test_a_job_showing_progress_within_the_stale_minutes_is_left_alone(coordinator: Any) -> None:
    job = in_progress(coordinator, progress_at=timezone.now() - timedelta(minutes=9))
    assert imports.sweep_imports()["stopped"] == []
    job.refresh_from_db()
    assert job.status == ImportStatus.WRITING


def test_a_job_still_waiting_after_the_wait_minutes_is_failed_and_its_file_deleted(
    client: Any, coordinator: Any
) -> None:
    lost = queued(coordinator)
    BundleImport.objects.filter(pk=lost.pk).update(
        uploaded_at=timezone.now() - timedelta(minutes=61)
    )
    fresh = queued(coordinator)
    storage, name = lost.file.storage, lost.file.name
    assert imports.sweep_imports()["lost"] == [lost.pk]
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == ImportStatus.FAILED and lost.error == NEVER_TAKEN
    assert not storage.exists(name) and lost.file.name == ""
    assert fresh.status == ImportStatus.WAITING and storage.exists(fresh.file.name)
    # Its task, should it come after all, finds the job taken and does nothing.
    imports.run_import(lost.pk)
    lost.refresh_from_db()
    assert lost.status == ImportStatus.FAILED
    client.force_login(coordinator)
    page = client.get(lost.get_absolute_url()).content.decode()
    assert "No worker took the file within 60 minutes" in page


def test_jobs_ended_more_than_the_keep_days_ago_are_deleted(coordinator: Any) -> None:
    now = timezone.now()
    old = in_progress(
        coordinator,
        status=ImportStatus.REFUSED,
        problems=["clients[0].placements[0]: a problem naming someone"],
        finished_at=now - timedelta(days=31),
    )
    recent = in_progress(
        coordinator, status=ImportStatus.DONE, finished_at=now - timedelta(days=29)
    )
    working = in_progress(coordinator)
    assert imports.sweep_imports()["deleted"] == [old.pk]
    assert set(BundleImport.objects.values_list("pk", flat=True)) == {recent.pk, working.pk}


@pytest.mark.django_db(transaction=True)
def test_a_living_worker_slow_at_the_end_is_not_taken_for_dead(
    coordinator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "HEARTBEAT_EVERY", 0.01)
    swept: list[dict[str, list[int]]] = []

    def slow_at_the_end(source: Any, *, by: Any, progress: Any) -> ImportSummary:
        progress(Progress("writing", 1000, 1000, 1.0))
        with time_machine.travel(timezone.now() + timedelta(minutes=11)):
            # The duplicate search and the commit: no progress, but the worker lives.
            now = timezone.now()
            for _ in range(500):
                if at_once(lambda: BundleImport.objects.get().progress_at)[0] >= now:
                    break
                time.sleep(0.01)
            swept.append(at_once(imports.sweep_imports)[0])
        return ImportSummary()

    monkeypatch.setattr(imports, "import_bundle_file", slow_at_the_end)
    job = queued(coordinator)
    imports.run_import(job.pk)
    assert swept == [{"stopped": [], "lost": [], "deleted": []}]
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE


def test_the_job_keeps_no_one_s_name_from_the_summary(coordinator: Any) -> None:
    here = ClientFactory(first_name="Sam", last_name="Ash", date_of_birth=date(1985, 2, 1))
    job = queued(coordinator, example())
    imports.run_import(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert "clients: 9 new, 0 changed, 0 unchanged" in job.summary
    new = Client.objects.get(external_ref="C01")
    assert (
        f"clients[0]: may be someone already here ({new.reference}, {here.reference}): check, "
        "and merge if so"
    ) in job.summary
    assert "Sam" not in json.dumps(job.summary) and "Ash" not in json.dumps(job.summary)


def test_a_summary_line_of_a_shape_not_known_is_left_out() -> None:
    summary = ImportSummary(possible_duplicates=["Sam Ash may be here"])
    summary.created["clients"] = 1
    assert imports.kept_lines(summary) == [
        "clients: 1 new, 0 changed, 0 unchanged",
        "a new person: a line of the summary left out (it may name a person)",
    ]


def test_a_failed_job_keeps_only_the_first_line_of_its_error(
    coordinator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> ImportSummary:
        raise RuntimeError(
            "new row violates check constraint\nDETAIL:  Failing row contains (Sam, Ash)"
        )

    monkeypatch.setattr(imports, "import_bundle_file", broken)
    job = queued(coordinator)
    imports.run_import(job.pk)
    job.refresh_from_db()
    assert job.error == "RuntimeError: new row violates check constraint"
