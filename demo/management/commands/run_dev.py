"""`make run`: migrate, load the demo data, then serve (with Celery when Redis is configured)."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from demo import load as demo


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _default_signals() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _signal_group(child: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signum)


def _group_alive(child: subprocess.Popen[bytes]) -> bool:
    child.poll()  # reap the leader, so that a finished group reads as gone
    try:
        os.killpg(child.pid, 0)
    except ProcessLookupError:
        return False
    return True


class Command(BaseCommand):
    help = "Set up and serve MARS for development with demo data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        # Ctrl-C and SIGTERM both stop everything cleanly, even when started with SIGINT ignored
        # (as a background job of a non-interactive shell is).
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, _interrupt)
        call_command("migrate", interactive=False, verbosity=1)
        call_command("load_demo", not_production=True)
        self.stdout.write(f"\nDemo sign-ins (password for all: {demo.DEMO_PASSWORD}):")
        for username, first, last, role in demo.USERS:
            self.stdout.write(f"  {username:<13} {first} {last}, {role.label}")
        manage = [sys.executable, "manage.py"]
        commands = [[*manage, "runserver", options["addr"]]]
        if settings.REDIS_URL:
            celery = [sys.executable, "-m", "celery", "-A", "mars"]
            commands.append([*celery, "worker", "--loglevel=INFO", "--concurrency=2"])
            commands.append(
                [
                    *celery,
                    "beat",
                    "--loglevel=INFO",
                    "--schedule",
                    str(settings.VAR_DIR / "celerybeat-schedule"),
                ]
            )
        else:
            self.stdout.write("No REDIS_URL: background tasks run at once, in the web process.")
        self.stdout.write(f"\nMARS is at http://{options['addr']}/  (Ctrl-C stops everything)\n")
        children = [
            # Each in its own process group, so that stopping one stops what it started too (the
            # autoreloader's child): the embedded database stops only once every user has gone.
            subprocess.Popen(
                command, env=os.environ.copy(), preexec_fn=_default_signals, start_new_session=True
            )
            for command in commands
        ]
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:
                _signal_group(child, signal.SIGINT)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and any(_group_alive(c) for c in children):
                time.sleep(0.2)
            for child in children:
                _signal_group(child, signal.SIGKILL)
                child.wait()
        # Leaving the command lets the embedded PostgreSQL stop (it stops with its last user).
