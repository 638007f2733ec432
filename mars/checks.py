"""System checks for settings that would put case data or accounts at risk in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.management.base import SystemCheckError

from mars.waiting import ReferralKind

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


# clients.ReferralDirection's values and accommodation's two kinds (the core cannot import
# them: tests/mars/test_waiting.py holds ReferralDirection to these).
REFERRAL_KINDS: tuple[str, ...] = tuple(ReferralKind.values)


@checks.register()
def referral_response_days(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Every referral kind has a whole number of days, at least 1, to be answered in (the
    referral timers and the waiting list read them); a kind nobody knows is a typing mistake."""
    errors: list[checks.CheckMessage] = []
    days = settings.REFERRAL_RESPONSE_DAYS
    for kind in sorted(set(days) - set(REFERRAL_KINDS)):
        errors.append(
            checks.Error(
                f"REFERRAL_RESPONSE_DAYS names an unknown referral kind {kind!r}.",
                hint=f"The kinds are {', '.join(REFERRAL_KINDS)}.",
                id="mars.E002",
            )
        )
    for kind in REFERRAL_KINDS:
        value = days.get(kind)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            errors.append(
                checks.Error(
                    f"REFERRAL_RESPONSE_DAYS[{kind!r}] is {value!r}: it must be a whole number of "
                    "days, 1 or more.",
                    hint="For example REFERRAL_RESPONSE_DAYS=in=2,out=10,a2a=7,mars_house=7.",
                    id="mars.E003",
                )
            )
    return errors
