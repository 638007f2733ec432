"""A project-local PostgreSQL (the pgserver wheel) for development and tests.

Used only when DATABASE_URL is unset. The server lives under var/pgdata and is stopped when the last
process that uses it exits.
"""

from __future__ import annotations

import atexit
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

DATABASE_NAME = "mars"


def _prepare_runtime_dir(var_dir: Path) -> None:
    # pgserver resolves its lock file from XDG_RUNTIME_DIR when it is imported, and as root there is
    # often none: give it a private one inside var/ before the import.
    if os.environ.get("XDG_RUNTIME_DIR"):
        return
    runtime = var_dir / "run"
    runtime.mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)


def _forget_dead_handles(pgdata: Path) -> None:
    """Drop pids of processes that no longer run from pgserver's handle list.

    pgserver stops the server when the last pid in <pgdata>/.handle_pids.json exits cleanly; a
    killed process never removes its pid, and the server would then never be stopped.
    """
    import psutil

    handles = pgdata / ".handle_pids.json"
    if not handles.exists():
        return
    try:
        pids = json.loads(handles.read_text() or "[]")
    except json.JSONDecodeError:
        pids = []
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def _forget_dead_handles_locked(pgdata: Path) -> None:
    import pgserver

    with pgserver.PostgresServer._lock:
        _forget_dead_handles(pgdata)


def start(var_dir: Path) -> dict[str, Any]:
    """Start (or join) the embedded server and return Django DATABASES settings for it."""
    _prepare_runtime_dir(var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    pgdata = var_dir / "pgdata"

    import pgserver

    # The handle list is shared between processes: prune it under pgserver's own lock.
    _forget_dead_handles_locked(pgdata)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    # Runs before pgserver's own exit hook (atexit is last-in, first-out): children that were killed
    # must not keep the server alive after the last live user leaves.
    atexit.register(_forget_dead_handles_locked, pgdata)
    uri = urlparse(server.get_uri())
    socket_dir = parse_qs(uri.query)["host"][0]
    _ensure_database(socket_dir)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "HOST": socket_dir,
        "PORT": "",
        "CONN_MAX_AGE": 0,
    }


def _ensure_database(socket_dir: str) -> None:
    import psycopg

    with psycopg.connect(
        dbname="postgres", user="postgres", host=socket_dir, autocommit=True
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
