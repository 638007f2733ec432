"""Backups that are proven: a dump, the uploaded files and a manifest; a restore that checks them.

A backup is a folder: `database.dump` (pg_dump's custom format), `media.tar.gz` (every stored
file: receipts, report files, read through the storages, on disk or in an S3-compatible store alike)
and `manifest.json`, written last, with each file's SHA-256 and
size, every uploaded file's SHA-256, the source's row count per table, its applied migrations and
one month's contract figures. The counts and figures are read in the very snapshot pg_dump dumps, so
a restore must reproduce them exactly. The check restores into a scratch database on the same
server, which it creates and always drops. Connection details travel to pg_dump and pg_restore in
their environment, never on a command line, and are never printed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from psycopg import sql
from psycopg.conninfo import make_conninfo

from mars.dates import previous_month
from reporting import kpis

FORMAT = "mars-backup/1"
DUMP = "database.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"
SCRATCH_PREFIX = "mars_restore_check_"
# The storages a backup keeps, each a folder of media.tar.gz (the layout of MEDIA_ROOT and of the
# bucket's prefix alike). Bundles waiting to be imported are not kept: they hold nothing that is
# not imported into the database (or refused) within minutes.
BACKED_UP = ("receipts", "reports", "default")


class BackupError(Exception):
    """A backup or restore check that cannot go on, with what to do about it."""


# Finding pg_dump and pg_restore


@dataclass(frozen=True)
class Tool:
    path: Path
    version: str

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])


def _version(path: Path) -> str | None:
    try:
        done = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return None
    # "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"
    found = re.search(r"\)\s+(\d+(?:\.\d+)*)", done.stdout)
    return found.group(1) if found and done.returncode == 0 else None


def _embedded_bin() -> Path | None:
    try:
        from pgserver._commands import POSTGRES_BIN_PATH
    except ImportError:
        return None
    return Path(POSTGRES_BIN_PATH)


def _candidates(name: str) -> list[Path]:
    if settings.PG_DUMP:
        # Named by the setting: that one only (pg_restore from beside it).
        return [Path(settings.PG_DUMP).with_name(name)]
    on_path = shutil.which(name)
    embedded = _embedded_bin()
    found = [Path(on_path)] if on_path else []
    if embedded is not None:
        # The embedded server's own tools match it: first when it is the database in use.
        mine = embedded / name
        found = [mine, *found] if settings.DATABASE_EMBEDDED else [*found, mine]
    return found


def find_tool(name: str, *, at_least: int, why: str) -> Tool:
    """The first pg_dump or pg_restore of major version at_least or newer.

    Rules: PG_DUMP, when set, names the only one tried; else PATH and the pgserver wheel's. An
    older pg_dump cannot dump a newer server, and an older pg_restore cannot read a newer dump.
    """
    tried: list[str] = []
    for path in _candidates(name):
        version = _version(path)
        if version is None:
            tried.append(f"{path} (not found or does not run)")
            continue
        tool = Tool(path, version)
        if tool.major >= at_least:
            return tool
        tried.append(f"{path} (version {version})")
    where = "PG_DUMP" if settings.PG_DUMP else "PATH and the pgserver wheel"
    raise BackupError(
        f"No {name} of PostgreSQL {at_least} or newer, which {why}: tried "
        + ("; ".join(tried) if tried else f"{where}, which has none")
        + f". Install the PostgreSQL {at_least} client programs, or set PG_DUMP to the path of "
        f"a pg_dump {at_least} or newer (pg_restore is taken from beside it)."
    )


# Connections, without a password on any command line


def _pg_env(database: str) -> dict[str, str]:
    """The environment that points libpq (pg_dump, pg_restore, psycopg) at a database of the
    server Django uses."""
    db = connection.settings_dict
    env = {
        "PGHOST": str(db.get("HOST") or ""),
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": str(db.get("USER") or ""),
        "PGPASSWORD": str(db.get("PASSWORD") or ""),
        "PGDATABASE": database,
        "PGSSLMODE": str((db.get("OPTIONS") or {}).get("sslmode") or ""),
    }
    return {**os.environ, **{key: value for key, value in env.items() if value}}


def _hide_secrets(text: str) -> str:
    password = str(connection.settings_dict.get("PASSWORD") or "")
    return text.replace(password, "********") if password else text


def _run(command: list[str], *, env: dict[str, str], what: str) -> str:
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        message = _hide_secrets((done.stderr or done.stdout).strip())
        raise BackupError(f"{what} failed: {message}")
    return done.stdout


# Reading the database


def _row_counts(cursor: Any) -> dict[str, int]:
    # Read the same way from the source (Django's cursor) and the restore (psycopg's).
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")
    counts: dict[str, int] = {}
    for (table,) in cursor.fetchall():
        quoted = '"' + table.replace('"', '""') + '"'
        cursor.execute(f"SELECT count(*) FROM {quoted}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _migrations(cursor: Any) -> list[str]:
    cursor.execute("SELECT app || '.' || name FROM django_migrations ORDER BY app, name")
    return [row[0] for row in cursor.fetchall()]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _file_entry(path: Path) -> dict[str, Any]:
    return {"sha256": _sha256(path), "bytes": path.stat().st_size}


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


def _stored_names(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return  # a folder on disk that nothing was ever stored in
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for name in sorted(folders):
        yield from _stored_names(storage, f"{folder}/{name}" if folder else name)


class _Hashing:
    """A stored file read once, into the archive, counting its bytes and SHA-256 on the way."""

    def __init__(self, source: Any) -> None:
        self.source, self.digest, self.bytes = source, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        block: bytes = self.source.read(size)
        self.digest.update(block)
        self.bytes += len(block)
        return block


def _archive_stored_files(archive: tarfile.TarFile) -> dict[str, dict[str, Any]]:
    """Every file of the backed-up storages into the archive as `<storage>/<name>`; each one's
    SHA-256 and size."""
    media: dict[str, dict[str, Any]] = {}
    for alias in BACKED_UP:
        storage = storages[alias]
        for name in _stored_names(storage):
            info = tarfile.TarInfo(f"{alias}/{name}")
            info.size, info.mode = storage.size(name), 0o600
            info.mtime = int(timezone.now().timestamp())
            with storage.open(name, "rb") as source:
                reading = _Hashing(source)
                archive.addfile(info, reading)
            media[info.name] = {"sha256": reading.digest.hexdigest(), "bytes": reading.bytes}
    return media


# Making a backup


def make_backup(target: Path, *, period: date | None = None) -> dict[str, Any]:
    """Write a dump, the media archive and the manifest into target, a new or empty folder.

    Rules: each backup has a folder of its own (nothing is overwritten); the manifest's counts and
    figures are read in the snapshot that pg_dump dumps; the manifest is written last, so a folder
    without one is a backup that did not finish.
    """
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(
            f"{target} is not an empty folder: each backup goes in a folder of its own."
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int / 10000")
        server_major = int(cursor.fetchone()[0])
    pg_dump = find_tool(
        "pg_dump", at_least=server_major, why=f"this PostgreSQL {server_major} server needs"
    )
    if connection.in_atomic_block:
        raise BackupError("A backup reads its own snapshot: it cannot run inside a transaction.")
    as_of = timezone.localdate()
    month = period or previous_month(as_of)
    # Every person's record and receipt: readable by the owner (the backup's account) alone.
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    target.chmod(0o700)
    database = str(connection.settings_dict["NAME"])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server_version = cursor.fetchone()
        counts = _row_counts(cursor)
        migrations = _migrations(cursor)
        figures = kpis.figures(month, as_of)
        # pg_dump joins this transaction's snapshot, which lives until the transaction ends.
        _run(
            [
                str(pg_dump.path),
                "--format=custom",
                f"--snapshot={snapshot}",
                "--file",
                str(target / DUMP),
            ],
            env=_pg_env(database),
            what="pg_dump",
        )
    # After the dump: every file a dumped row names was already there.
    with tarfile.open(target / MEDIA, "w:gz") as archive:
        media = _archive_stored_files(archive)
    manifest = {
        "format": FORMAT,
        "made_at": timezone.now().isoformat(),
        "database": {
            "name": database,
            "server_version": server_version,
            "pg_dump_version": pg_dump.version,
        },
        "files": {DUMP: _file_entry(target / DUMP), MEDIA: _file_entry(target / MEDIA)},
        "media_files": media,
        "row_counts": counts,
        "migrations": migrations,
        "kpis": {
            "period": kpis.period_label(month),
            "as_of": as_of.isoformat(),
            "figures": figures,
        },
    }
    partial = target / f".{MANIFEST}.partial"
    partial.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    partial.replace(target / MANIFEST)
    for written in (DUMP, MEDIA, MANIFEST):
        (target / written).chmod(0o600)
    return manifest


# Checking a backup


class _Report:
    """Each comparison printed as it is made; the differences counted."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write, self.differences = write, 0

    def same(self, label: str, expected: Any, found: Any) -> bool:
        if expected == found:
            self.write(f"ok    {label}: {found}")
            return True
        self.differ(f"{label}: {expected} in the backup's source, {found} restored")
        return False

    def differ(self, message: str) -> None:
        self.differences += 1
        self.write(f"DIFF  {message}")


def read_manifest(source: Path) -> dict[str, Any]:
    """The backup's manifest, or a BackupError saying why there is none to trust."""
    path = source / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError as error:
        raise BackupError(
            f"{source} has no {MANIFEST}: it is not a backup, or its backup did not finish."
        ) from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{path} cannot be read: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f'{path} is not a "{FORMAT}" manifest.')
    return manifest


def _flat(figures: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(figures, dict):
        return {prefix: figures}
    flat: dict[str, Any] = {}
    for key, value in figures.items():
        flat.update(_flat(value, f"{prefix}.{key}" if prefix else key))
    return flat


def _check_files(source: Path, manifest: dict[str, Any], report: _Report) -> set[str]:
    """The backup's files against their checksums; the names of those that do not match."""
    damaged: set[str] = set()
    for name in (DUMP, MEDIA):
        recorded = manifest["files"].get(name, {})
        path = source / name
        if not path.is_file():
            report.differ(f"{name}: missing from {source}")
            damaged.add(name)
            continue
        found = _file_entry(path)
        if found["sha256"] != recorded.get("sha256"):
            report.differ(
                f"{name}: its SHA-256 is not the manifest's ({found['bytes']} bytes, "
                f"{recorded.get('bytes')} recorded): the file is damaged or was changed"
            )
            damaged.add(name)
        else:
            report.write(f"ok    {name}: SHA-256 and size ({found['bytes']} bytes) as recorded")
    return damaged


def _check_media(source: Path, manifest: dict[str, Any], report: _Report) -> None:
    recorded: dict[str, dict[str, Any]] = manifest.get("media_files", {})
    with tempfile.TemporaryDirectory(prefix="mars-restore-check-media-") as folder:
        try:
            with tarfile.open(source / MEDIA, "r:gz") as archive:
                archive.extractall(folder, filter="data")
        except (OSError, tarfile.TarError, EOFError) as error:
            report.differ(f"{MEDIA}: cannot be unpacked ({error})")
            return
        found = {name: _file_entry(path) for name, path in _media_files(Path(folder))}
    for name in sorted(set(recorded) | set(found)):
        if name not in found:
            report.differ(f"media {name}: in the manifest, not in the archive")
        elif name not in recorded:
            report.differ(f"media {name}: in the archive, not in the manifest")
        elif found[name] != recorded[name]:
            report.differ(f"media {name}: its SHA-256 or size is not the manifest's")
    report.same("uploaded files unpacked with their recorded SHA-256", len(recorded), len(found))


def _connect(database: str, *, autocommit: bool = False) -> psycopg.Connection[Any]:
    env = _pg_env(database)
    params = {
        "host": env.get("PGHOST"),
        "port": env.get("PGPORT"),
        "user": env.get("PGUSER"),
        "password": env.get("PGPASSWORD"),
        "sslmode": env.get("PGSSLMODE"),
    }
    given = {key: value for key, value in params.items() if value}
    return psycopg.connect(make_conninfo(dbname=database, **given), autocommit=autocommit)


@contextmanager
def scratch_database() -> Iterator[str]:
    """A new, empty database on the server Django uses, dropped afterwards whatever happens."""
    name = f"{SCRATCH_PREFIX}{secrets.token_hex(4)}"
    home = str(connection.settings_dict["NAME"])
    try:
        with _connect(home, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        raise BackupError(
            f"Cannot create the scratch database {name} (the database user needs CREATEDB): "
            + _hide_secrets(str(error).strip())
        ) from error
    try:
        yield name
    finally:
        with _connect(home, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def unapplied_migrations(applied: list[str]) -> list[str]:
    """The migrations of this code that `migrate --check` would find missing from a database
    whose django_migrations holds these ("app.name")."""
    done = {tuple(name.split(".", 1)) for name in applied}
    # With no connection the loader reads the code's migrations only (a squashed migration
    # stands for those it replaces, and counts as applied when they all are).
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    missing = []
    for key in sorted(graph.nodes):
        migration = graph.nodes[key]
        if key in done or (
            migration.replaces and all(tuple(r) in done for r in migration.replaces)
        ):
            continue
        missing.append(f"{key[0]}.{key[1]}")
    return missing


def _manage(database: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    """This code's manage.py, run against another database of the same server."""
    env = {**_pg_env(database), "DATABASE_URL": f"postgres:///{database}"}
    return subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *arguments],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        check=False,
    )


def _check_database(source: Path, manifest: dict[str, Any], report: _Report) -> None:
    made_by = str(manifest["database"]["pg_dump_version"])
    pg_restore = find_tool(
        "pg_restore",
        at_least=int(made_by.split(".")[0]),
        why=f"reads a dump made by pg_dump {made_by}",
    )
    with scratch_database() as scratch:
        report.write(f"Restoring {DUMP} into the scratch database {scratch} (dropped afterwards)")
        _run(
            [
                str(pg_restore.path),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--dbname",
                scratch,
                str(source / DUMP),
            ],
            env=_pg_env(scratch),
            what="pg_restore",
        )
        with _connect(scratch) as restored, restored.cursor() as cursor:
            counts, migrations = _row_counts(cursor), _migrations(cursor)
        unapplied = unapplied_migrations(migrations)
        if not unapplied:
            report.write("ok    migrate --check: every migration of this code is applied")
        else:
            report.differ(
                f"migrate --check: {len(unapplied)} migration(s) of this code are not applied "
                f"({', '.join(unapplied[:5])}): restore with the code of the backup's day, or "
                "run migrate after restoring"
            )
        recorded: dict[str, int] = manifest["row_counts"]
        for table in sorted(set(recorded) | set(counts)):
            report.same(
                f"rows in {table}", recorded.get(table, "no table"), counts.get(table, "no table")
            )
        report.same("applied migrations", len(manifest["migrations"]), len(migrations))
        for name in sorted(set(manifest["migrations"]) ^ set(migrations)):
            where = "source" if name in manifest["migrations"] else "restore"
            report.differ(f"migration {name}: applied only in the {where}")
        month = manifest["kpis"]
        figures = _manage(
            scratch,
            "kpis",
            "--period",
            month["period"],
            "--as-of",
            month["as_of"],
            "--format",
            "json",
        )
        if figures.returncode != 0:
            failure = _hide_secrets(figures.stderr.strip())
            report.differ(f"contract figures for {month['period']}: kpis failed: {failure}")
            return
        expected, found = _flat(month["figures"]), _flat(json.loads(figures.stdout))
        for key in sorted(set(expected) | set(found)):
            report.same(
                f"{month['period']} as of {month['as_of']} {key}", expected.get(key), found.get(key)
            )


def check_backup(source: Path, *, write: Callable[[str], None]) -> int:
    """Restore a backup into a scratch database and compare it with its manifest; the number of
    differences (each printed as it is found)."""
    manifest = read_manifest(source)
    report = _Report(write)
    made = manifest["database"]
    write(
        f"Backup of {made['name']} made {manifest['made_at']} (PostgreSQL "
        f"{made['server_version']}, pg_dump {made['pg_dump_version']})"
    )
    damaged = _check_files(source, manifest, report)
    if (source / MEDIA).is_file():
        # Even a damaged archive is unpacked, to say which files differ.
        _check_media(source, manifest, report)
    if DUMP in damaged:
        report.differ(f"{DUMP}: not restored, since it is not the file the backup wrote")
    else:
        _check_database(source, manifest, report)
    return report.differences
