"""More than one machine (issue 22, item 6): with STORAGE_URL naming an S3-compatible store, a
file written by one process is read by another, and the checked views serve it from the store.

The store is moto in server mode, started here on a free port of this machine: a real HTTP S3
that this process and the others it starts talk to, as web and worker machines would."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import secrets
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.urls import reverse
from moto.server import ThreadedMotoServer

from funds.models import Receipt
from mars import file_store
from mars.roles import Role
from reporting import backups
from reporting.models import ReportRun, RunState, RunTrigger
from rights import export
from tests.factories import ClientFactory, PaymentRequestFactory, UserFactory
from tests.funds.files import image, pdf
from tests.roles import restore_roles

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "mars-shared-files"
# Committed rows, for the tests whose other process (or pg_dump) reads them through its own
# connection.
committed = pytest.mark.django_db(transaction=True)


class Store:
    """The running S3 server, the STORAGE_URL that names a fresh prefix in its bucket, and a
    client to look inside it directly."""

    def __init__(self, endpoint: str, prefix: str) -> None:
        self.endpoint, self.prefix = endpoint, prefix
        self.url = f"s3://{BUCKET}/{prefix}?endpoint_url={endpoint}&region=eu-west-2"
        self.s3 = boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-2")

    def read(self, key: str) -> bytes:
        body: bytes = self.s3.get_object(Bucket=BUCKET, Key=f"{self.prefix}/{key}")["Body"].read()
        return body

    def keys(self) -> list[str]:
        listed = self.s3.list_objects_v2(Bucket=BUCKET, Prefix=f"{self.prefix}/")
        return sorted(
            item["Key"].removeprefix(f"{self.prefix}/") for item in listed.get("Contents", [])
        )


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-2")
    # moto keeps its buckets in the process: pytest-django runs this module's transactional
    # tests after the others, so this fixture may start a second server that already has it.
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )
    yield endpoint
    server.stop()


@pytest.fixture
def store(s3_server: str, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Store:
    """This process configured as the app is from STORAGE_URL, with its own prefix; the roles
    put back after a transactional test's flush."""
    restore_roles()
    store = Store(s3_server, f"test-{secrets.token_hex(4)}")
    settings.STORAGE_URL = store.url
    settings.STORAGES = {**settings.STORAGES, **file_store.storages_for(store.url, Path("/"))}
    # A FileField takes its storage when its model class is made, at start-up: what a process
    # started with STORAGE_URL would have.
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and hasattr(field, "_storage_callable"):
                monkeypatch.setattr(field, "storage", field._storage_callable())
    return store


def other_process(store: Store, code: str) -> str:
    """Run code in a new process (manage.py shell) with the same settings and STORAGE_URL, on
    the test database, with an empty MEDIA_ROOT of its own: what another machine would see."""
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url,
        "STORAGE_URL": store.url,
        "PGPASSWORD": str(db.get("PASSWORD") or ""),
    }
    env.pop("MEDIA_ROOT", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def payment(make_user: Any) -> Any:
    return PaymentRequestFactory(client=ClientFactory(), requested_by=make_user(Role.SUPPORT))


@committed
def test_a_receipt_uploaded_through_the_app_is_read_by_another_process(
    store: Store, client: Any, payment: Any
) -> None:
    client.force_login(payment.requested_by)
    content = pdf()
    response = client.post(
        reverse("funds:receipt_create", args=[payment.pk]),
        {"kind": "receipt", "file": SimpleUploadedFile("till.pdf", content)},
    )
    assert response.status_code == 302
    receipt = Receipt.objects.get()
    assert store.read(f"receipts/{receipt.file.name}") == content
    read = other_process(
        store,
        "from funds.models import Receipt; import hashlib; r = Receipt.objects.get(); "
        "print(type(r.file.storage).__name__, hashlib.sha256(r.file.read()).hexdigest())",
    )
    assert read == f"PrivateS3Storage {sha256(content)}"


@committed
def test_a_report_file_a_worker_makes_is_served_by_the_web_process_to_those_allowed(
    store: Store, client: Any, make_user: Any
) -> None:
    coordinator = make_user(Role.COORDINATOR)
    run = ReportRun.objects.create(
        period=date(2026, 10, 1),
        as_of=date(2026, 11, 20),
        trigger=RunTrigger.PERSON,
        started_by=coordinator,
    )
    # The worker's side: the task's own service, in another process.
    other_process(store, f"from reporting import services; services.make_report({run.pk})")
    run.refresh_from_db()
    assert run.state == RunState.DONE, run.error
    made = store.read(f"reports/{run.pdf.name}")
    assert made.startswith(b"%PDF-")
    assert [f"reports/{run.file(kind).name}" for kind in ("csv", "pdf", "xlsx")] == store.keys()

    client.force_login(coordinator)
    download = client.get(reverse("reporting:run_download", args=[run.pk, "pdf"]))
    assert download.status_code == 200
    assert download["Content-Length"] == str(len(made))
    assert "no-store" in download["Cache-Control"]
    assert b"".join(download.streaming_content) == made
    # A draft is the team's: a commissioner (who sees published reports) is not shown it.
    client.force_login(make_user(Role.COMMISSIONER))
    assert client.get(reverse("reporting:run_download", args=[run.pk, "pdf"])).status_code == 404


@pytest.mark.django_db
def test_a_receipt_in_the_store_is_served_only_to_those_who_may_see_its_request(
    store: Store, client: Any, payment: Any, make_user: Any
) -> None:
    receipt = _attach(payment)
    client.force_login(make_user(Role.COORDINATOR))
    for url in (receipt.get_absolute_url(), f"/api/receipts/{receipt.pk}/download/"):
        download = client.get(url)
        assert download.status_code == 200, url
        assert download["Content-Disposition"] == 'attachment; filename="till.png"'
        assert download["Content-Length"] == str(len(image()))
        assert b"".join(download.streaming_content) == image()
    for role in (Role.COMMISSIONER, Role.PANEL, Role.RESETTLEMENT_MANAGER):
        client.force_login(make_user(role))
        assert client.get(receipt.get_absolute_url()).status_code == 404, role
        assert client.get(f"/api/receipts/{receipt.pk}/download/").status_code in (403, 404)


def _attach(payment: Any) -> Receipt:
    from funds.services import attach_receipt

    upload = ContentFile(image(), name="till.png")
    return attach_receipt(payment, upload, kind="receipt", by=payment.requested_by)


@pytest.mark.django_db
def test_a_stored_file_has_no_url_to_hand_out(store: Store, payment: Any) -> None:
    receipt = _attach(payment)
    with pytest.raises(NotImplementedError, match="private files have no URL"):
        _ = receipt.file.url


@pytest.mark.django_db
def test_a_subject_access_export_holds_the_receipt_from_the_store(
    store: Store, payment: Any
) -> None:
    receipt = _attach(payment)
    out = io.BytesIO()
    export.write_zip(payment.client, out, made_by="Test")
    archive = zipfile.ZipFile(out)
    stored = next(name for name in archive.namelist() if name.startswith("files/"))
    assert archive.read(stored) == image()
    assert stored.endswith(Path(str(receipt.file.name)).name)


@committed
def test_a_backup_holds_the_files_in_the_store_by_storage(
    store: Store, payment: Any, tmp_path: Path
) -> None:
    receipt = _attach(payment)
    UserFactory()  # a second row, so the dump is not only the receipt's
    manifest = backups.make_backup(tmp_path / "backup", period=date(2026, 10, 1))
    name = f"receipts/{receipt.file.name}"
    assert manifest["media_files"] == {name: {"sha256": sha256(image()), "bytes": len(image())}}
    with tarfile.open(tmp_path / "backup" / backups.MEDIA) as archive:
        packed = archive.extractfile(name)
        assert packed is not None and packed.read() == image()


@pytest.mark.django_db
def test_retention_deletes_an_anonymised_persons_receipt_from_the_store(
    store: Store, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from funds.services import attach_receipt
    from privacy.models import RunTrigger as RetentionTrigger
    from privacy.services import run_retention
    from tests.privacy.test_retention import OLD, TODAY, old_person

    request = PaymentRequestFactory(client=old_person())
    type(request).objects.filter(pk=request.pk).update(requested_at=OLD)
    upload = ContentFile(image(), name="boots.png")
    receipt = attach_receipt(request, upload, kind="receipt", by=make_user(Role.COORDINATOR))
    assert store.keys() == [f"receipts/{receipt.file.name}"]
    with django_capture_on_commit_callbacks(execute=True):
        run = run_retention(by=None, trigger=RetentionTrigger.SCHEDULE, today=TODAY)
    assert run.anonymised_count == 1
    assert store.keys() == []
