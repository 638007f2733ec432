"""Backups that are proven (issue 19, item 6): `backup` writes a dump, the uploaded files and a
manifest; `restore_check` restores them into a scratch database and compares with the source."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from clients.models import Client
from funds.models import Receipt
from funds.services import attach_receipt
from outreach.models import Contact
from reporting import backups
from reporting.bundle import import_bundle
from tests.factories import PaymentRequestFactory
from tests.funds.files import image
from tests.reporting.conftest import expected, scenario_data

# pg_dump and pg_restore are other processes: they see only committed rows. (Tests refused before
# any dump need no committed rows.)
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def receipt(time_machine: Any) -> Receipt:
    """The shared scenario imported on 20 November 2026, and a payment request's receipt."""
    time_machine.move_to(datetime(2026, 11, 20, 12, 0, tzinfo=UTC))
    import_bundle(scenario_data())
    request = PaymentRequestFactory(client=Client.objects.get(external_ref="C01"))
    upload = ContentFile(image(), name="till.png")
    return attach_receipt(request, upload, kind="receipt", by=request.requested_by)


@pytest.fixture
def backup(receipt: Receipt, tmp_path: Path) -> Path:
    target = tmp_path / "mars-2026-11-20"
    call_command("backup", str(target), stdout=StringIO())
    return target


def restore_check(folder: Path) -> tuple[str, CommandError | None]:
    out = StringIO()
    try:
        call_command("restore_check", str(folder), stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "manifest.json").read_text())


def rewrite_manifest(folder: Path, change: Any) -> None:
    data = manifest(folder)
    change(data)
    (folder / "manifest.json").write_text(json.dumps(data))


def scratch_databases() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [backups.SCRATCH_PREFIX + "%"]
        )
        return [row[0] for row in cursor.fetchall()]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_backup_holds_a_dump_the_uploaded_files_and_a_manifest_of_them(
    backup: Path, receipt: Receipt
) -> None:
    recorded = manifest(backup)
    dump, media = backup / "database.dump", backup / "media.tar.gz"
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert recorded["files"] == {
        "database.dump": {"sha256": sha256(dump.read_bytes()), "bytes": dump.stat().st_size},
        "media.tar.gz": {"sha256": sha256(media.read_bytes()), "bytes": media.stat().st_size},
    }
    name = f"receipts/{receipt.file.name}"
    assert recorded["media_files"][name] == {"sha256": sha256(image()), "bytes": len(image())}
    with tarfile.open(media) as archive:
        stored = archive.extractfile(name)
        assert stored is not None and stored.read() == image()
    assert recorded["row_counts"]["clients_client"] == Client.objects.count() == 9
    assert recorded["row_counts"]["outreach_contact"] == Contact.objects.count() == 12
    assert recorded["row_counts"]["funds_receipt"] == 1
    assert "reporting.0001_initial" in recorded["migrations"]
    # The last complete month on 20 November, as of that day.
    assert recorded["kpis"] == {
        "period": "2026-10",
        "as_of": "2026-11-20",
        "figures": expected("example-2026-10.expected.json"),
    }


def test_restore_check_restores_the_backup_and_finds_what_its_source_held(backup: Path) -> None:
    out, failed = restore_check(backup)
    assert failed is None, out
    lines = out.splitlines()
    assert "ok    database.dump: SHA-256 and size" in out
    assert "ok    uploaded files unpacked with their recorded SHA-256: " in out
    assert "ok    migrate --check: every migration of this code is applied" in lines
    assert "ok    rows in clients_client: 9" in lines
    assert "ok    rows in funds_receipt: 1" in lines
    assert "ok    2026-10 as of 2026-11-20 rough_sleepers.seen: 6" in lines
    assert "ok    2026-10 as of 2026-11-20 left_streets_within_14_days.percent: 50.0" in lines
    assert not [line for line in lines if line.startswith("DIFF")]
    assert lines[-1].startswith("Restore check passed")
    assert "postgres://" not in out
    assert scratch_databases() == []


def test_a_changed_dump_fails_the_check_and_is_not_restored(backup: Path) -> None:
    dump = backup / "database.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    out, failed = restore_check(backup)
    assert failed is not None
    assert str(failed).startswith("Restore check FAILED: 2 difference(s)")
    assert "DIFF  database.dump: its SHA-256 is not the manifest's" in out
    assert "DIFF  database.dump: not restored, since it is not the file the backup wrote" in out
    assert "Restoring" not in out
    assert scratch_databases() == []


def test_a_changed_receipt_in_the_archive_fails_the_check(backup: Path, receipt: Receipt) -> None:
    name = f"receipts/{receipt.file.name}"
    other = image("JPEG")
    with tarfile.open(backup / "media.tar.gz") as archive:
        members = [(m, archive.extractfile(m).read()) for m in archive.getmembers() if m.isfile()]  # type: ignore[union-attr]
    with tarfile.open(backup / "media.tar.gz", "w:gz") as archive:
        for member, data in members:
            if member.name == name:
                member.size, data = len(other), other
            archive.addfile(member, io.BytesIO(data))
    out, failed = restore_check(backup)
    assert failed is not None
    assert "DIFF  media.tar.gz: its SHA-256 is not the manifest's" in out
    assert f"DIFF  media {name}: its SHA-256 or size is not the manifest's" in out
    # The database itself restored as it was.
    assert "ok    rows in funds_receipt: 1" in out.splitlines()
    assert str(failed).startswith("Restore check FAILED: 2 difference(s)")


def test_a_restore_that_differs_from_its_source_fails_on_each_difference(backup: Path) -> None:
    def source_had_one_more_sighting(data: dict[str, Any]) -> None:
        data["row_counts"]["outreach_contact"] = 13
        data["kpis"]["figures"]["rough_sleepers"]["seen"] = 7

    rewrite_manifest(backup, source_had_one_more_sighting)
    out, failed = restore_check(backup)
    assert failed is not None
    assert str(failed).startswith("Restore check FAILED: 2 difference(s)")
    lines = out.splitlines()
    assert "DIFF  rows in outreach_contact: 13 in the backup's source, 12 restored" in lines
    assert (
        "DIFF  2026-10 as of 2026-11-20 rough_sleepers.seen: 7 in the backup's source, 6 restored"
        in lines
    )
    assert scratch_databases() == []


def test_a_pg_restore_older_than_the_dump_is_refused_with_what_to_do(backup: Path) -> None:
    rewrite_manifest(backup, lambda data: data["database"].update(pg_dump_version="99.1"))
    out, failed = restore_check(backup)
    assert failed is not None
    assert (
        "No pg_restore of PostgreSQL 99 or newer, which reads a dump made by pg_dump 99.1"
        in str(failed)
    )
    assert "Install the PostgreSQL 99 client programs, or set PG_DUMP" in str(failed)
    assert "Restoring" not in out
    assert scratch_databases() == []


@pytest.mark.django_db
def test_no_backup_is_made_when_pg_dump_is_missing(
    tmp_path: Path, settings: Any, monkeypatch: Any
) -> None:
    settings.PG_DUMP = str(tmp_path / "nowhere" / "pg_dump")
    target = tmp_path / "backup"
    with pytest.raises(CommandError) as refused:
        call_command("backup", str(target), stdout=StringIO())
    message = str(refused.value)
    assert message.startswith("No backup was made: No pg_dump of PostgreSQL ")
    assert f"tried {tmp_path}/nowhere/pg_dump (not found or does not run)" in message
    assert not target.exists()

    settings.PG_DUMP = ""
    monkeypatch.setattr(backups.shutil, "which", lambda name: None)
    monkeypatch.setattr(backups, "_embedded_bin", lambda: None)
    with pytest.raises(CommandError, match="tried PATH and the pgserver wheel, which has none"):
        call_command("backup", str(target), stdout=StringIO())


@pytest.mark.django_db
def test_a_pg_dump_older_than_the_server_is_refused_with_what_to_do(
    tmp_path: Path, settings: Any
) -> None:
    old = tmp_path / "bin" / "pg_dump"
    old.parent.mkdir()
    old.write_text('#!/bin/sh\necho "pg_dump (PostgreSQL) 9.6.24"\n')
    old.chmod(0o755)
    settings.PG_DUMP = str(old)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int / 10000")
        server = cursor.fetchone()[0]
    with pytest.raises(CommandError) as refused:
        call_command("backup", str(tmp_path / "backup"), stdout=StringIO())
    assert str(refused.value) == (
        f"No backup was made: No pg_dump of PostgreSQL {server} or newer, which this PostgreSQL "
        f"{server} server needs: tried {old} (version 9.6.24). Install the PostgreSQL {server} "
        f"client programs, or set PG_DUMP to the path of a pg_dump {server} or newer (pg_restore "
        "is taken from beside it)."
    )


def test_a_backup_never_overwrites_another(backup: Path) -> None:
    with pytest.raises(CommandError, match="is not an empty folder: each backup goes in a folder"):
        call_command("backup", str(backup), stdout=StringIO())


@pytest.mark.django_db
def test_a_folder_without_a_manifest_is_not_a_backup(tmp_path: Path) -> None:
    _, failed = restore_check(tmp_path)
    assert str(failed) == (
        f"Restore check FAILED: {tmp_path} has no manifest.json: it is not a backup, or its "
        "backup did not finish."
    )


@pytest.mark.django_db
def test_the_migration_check_finds_what_a_restored_database_lacks() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app || '.' || name FROM django_migrations")
        applied = [row[0] for row in cursor.fetchall()]
    assert backups.unapplied_migrations(applied) == []
    without = [name for name in applied if name != "reporting.0001_initial"]
    assert backups.unapplied_migrations(without) == ["reporting.0001_initial"]
    assert "clients.0001_initial" in backups.unapplied_migrations([])
