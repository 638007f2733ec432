"""System checks for settings that would put case data or accounts at risk in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.management.base import SystemCheckError

# Backends that write a message (a password-reset link with it) where people other than its
# recipient can read it: the server's output or log, or files on its disk.
MAIL_TO_LOG = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


@checks.register(checks.Tags.security, deploy=False)
def mail_is_really_sent(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """With debug off, mail goes to a mail server: a reset link in a log takes over an account."""
    if settings.DEBUG or settings.EMAIL_BACKEND not in MAIL_TO_LOG:
        return []
    return [
        checks.Error(
            f"EMAIL_URL sends mail to {settings.EMAIL_BACKEND.rsplit('.', 2)[-2]} output with "
            "debug off: password-reset links would be written where others can read them.",
            hint="Set EMAIL_URL to your mail server, e.g. smtp+tls://user:password@host:587.",
            id="mars.E001",
        )
    ]


def refuse_to_start_on_errors() -> None:
    """Run the system checks, the deployment ones too, as `runserver` and `migrate` do; a server
    process (gunicorn, a Celery worker) that would run with an error in them stops instead."""
    errors = [
        message
        for message in checks.run_checks(include_deployment_checks=not settings.DEBUG)
        if message.level >= checks.ERROR and not message.is_silenced()
    ]
    if errors:
        raise SystemCheckError("\n".join(str(error) for error in errors))
