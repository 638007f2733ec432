"""`make run`: migrate, load the demo data, then serve (with Celery when Redis is configured)."""

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from mars import demo


class Command(BaseCommand):
    help = "Set up and serve MARS for development with demo data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
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
        children = [subprocess.Popen(command, env=os.environ.copy()) for command in commands]
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGINT)
            deadline = time.monotonic() + 10
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
        # Leaving the command lets the embedded PostgreSQL stop (it stops with its last user).
