"""What the whole service shares: notifications to members of staff, and the outbox of
background jobs."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message to one member of staff, kept in the app and also sent by email.

    `key` names what it is about (for example `risk-review-overdue:12`): a recipient gets one
    notification a key, so a job run twice sends nothing new.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(max_length=120)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="one_notification_a_key")
        ]
        indexes = [
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="unread_notifications",
            )
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class OutboxJobQuerySet(models.QuerySet["OutboxJob"]):
    def unsent(self) -> OutboxJobQuerySet:
        return self.filter(sent_at__isnull=True)

    def due(self, now: datetime, grace: timedelta) -> OutboxJobQuerySet:
        """Unsent jobs no relay has tried within the grace time (the after-commit relay gets the
        first try; one that died or found the broker down leaves the job for the next sweep)."""
        return self.unsent().filter(
            models.Q(attempted_at__isnull=True, created_at__lt=now - grace)
            | models.Q(attempted_at__lt=now - grace)
        )


class OutboxState(models.TextChoices):
    WAITING = "waiting", "Waiting to be sent"
    FAILING = "failing", "Not sent: the broker refused"
    SENT = "sent", "Sent"


class OutboxJob(models.Model):
    """A background job (a Celery task by name, with its arguments), written in the same
    transaction as the change that needs it, so the change and its job are kept or lost together.
    mars.outbox hands it to the broker after commit and again from beat until it is sent."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    attempted_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutboxJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "outbox job"
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outbox_unsent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"

    @property
    def state(self) -> OutboxState:
        if self.sent_at is not None:
            return OutboxState.SENT
        return OutboxState.FAILING if self.error else OutboxState.WAITING


class IdempotencyKey(models.Model):
    """A create that a person or a program may send again after a timeout, and the answer it got.

    Claimed (inserted) in the same transaction as the work it guards, so the unique constraint
    holds a second copy of the request until the first has finished, and a failed first attempt
    leaves no key behind. Kept for IDEMPOTENCY_KEY_HOURS (mars.idempotency).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=2000)
    # sha256 of what was sent: the same key with something else is refused, not replayed.
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.PositiveSmallIntegerField(default=0)
    headers = models.JSONField(default=dict, blank=True)
    body = models.BinaryField(blank=True, default=b"")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_idempotency_key_a_user")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_age")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"


class WaitingList(models.Model):
    """No table: the home of the waiting list's permissions (mars.waiting)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_waiting", "Can see what waits past its time on them"),
            ("view_all_waiting", "Can see everything waiting past its time, everyone's"),
        ]

    def __str__(self) -> str:
        return "The waiting list"
