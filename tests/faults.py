"""Fault injection for tests: a private Redis the test may stop, the Celery app pointed at it,
and real Celery worker processes the test may kill. Never the machine's Redis (6379)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import pytest
import redis
from django.db import connection

from mars import outbox
from mars.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent
NO_DISK = ["--appendonly", "no", "--daemonize", "no"]
WORKER = ["-m", "celery", "-A", "mars", "worker", "--pool=solo", "--loglevel=INFO"]
QUIET = ["--without-gossip", "--without-mingle", "--without-heartbeat"]


def wait_for(what: str, check: Callable[[], Any], *, deadline: float = 45.0) -> Any:
    """Poll until check() returns something true; fail naming what never happened. The deadline
    is generous (a loaded 2-core CI machine) and only bounds a failure: a pass returns at once."""
    give_up = time.monotonic() + deadline
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > give_up:
            pytest.fail(f"Gave up waiting for {what} after {deadline:.0f} s")
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PrivateRedis:
    """A redis-server of the test's own, on its own port, with nothing saved to disk."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", *NO_DISK],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(f"Redis on port {self.port}", self._answers)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def _answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.exceptions.ConnectionError:
            return False

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=1)

    def queued(self, queue: str = "celery") -> int:
        """Messages waiting in a Celery queue (kombu keeps each queue as a Redis list)."""
        return int(self.client().llen(queue))  # type: ignore[arg-type]  # sync client


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


def _reset_pools() -> None:
    # The app keeps a pool of broker connections made for the URL it had: drop it.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker(url: str) -> Iterator[None]:
    """Send tasks to the broker at url instead of running them in the test (eager mode)."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager
    conf.broker_url, conf.task_always_eager = url, False
    _reset_pools()
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager = saved
        _reset_pools()
        outbox._broker_down_until = None


def database_url() -> str:
    """The test database, as a URL a worker process can be given."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    user = f"{quote(db['USER'])}{password}"
    if str(db["HOST"]).startswith("/"):  # a socket directory: the embedded database
        return f"postgres://{user}@/{db['NAME']}?host={quote(db['HOST'])}&port={db['PORT']}"
    return f"postgres://{user}@{db['HOST']}{port}/{db['NAME']}"


class Worker:
    """A real Celery worker process (one at a time, solo pool) on the test database."""

    def __init__(self, redis_url: str, name: str) -> None:
        # Kept open while the worker writes to it; closed in stop().
        self.log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "mars.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_url,
            "DJANGO_DEBUG": "1",
            "EMAIL_URL": "consolemail://",
        }
        self.process = subprocess.Popen(
            [sys.executable, *WORKER, *QUIET, "--hostname", f"{name}@%h"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, nothing acknowledged or given back."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def close(self) -> None:
        self.stop()
        self.log.close()

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]
