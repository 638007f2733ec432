"""Background work the whole service shares."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from mars import idempotency, outbox, waiting
from mars.models import Notification

# A mail server that is down or refuses for a while: the email task tries again, waiting longer
# each time (about 1, 2, 4 ... minutes, for a day), instead of being lost once its job was sent.
MAIL_RETRY: dict[str, object] = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": 60,
    "retry_backoff_max": 3600,
    "max_retries": 30,
}


@shared_task(**MAIL_RETRY)
def email_notification(notification_id: int) -> bool:
    """Email a notification to its recipient, once.

    The send is claimed with a conditional update, so a retried or repeated task sends nothing
    twice; a failed send gives the claim back for the retry.
    """
    claimed = Notification.objects.filter(pk=notification_id, emailed_at=None).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    address = notification.recipient.email
    if not address:
        return False
    link = f"{settings.SITE_URL}{notification.url}" if notification.url else settings.SITE_URL
    try:
        send_mail(
            f"MARS: {notification.subject}",
            f"{notification.body}\n\nOpen MARS to see it: {link}\n".lstrip(),
            None,
            [address],
        )
    except Exception:
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True


@shared_task
def relay_outbox() -> int:
    """Every minute: hand the broker the jobs not sent yet (Redis was down, or a relay died)."""
    return outbox.relay_due()


@shared_task
def forget_idempotency_keys() -> int:
    """Forget the idempotency keys past IDEMPOTENCY_KEY_HOURS (run hourly by beat)."""
    return idempotency.forget_expired()


@shared_task
def escalate_waiting() -> int:
    """Nightly: tell owners of what is past its time, then the coordinators (mars.waiting)."""
    sent = waiting.escalate(timezone.localdate())
    return sent.owners + sent.coordinators
