"""The access log: who read which people's information, when, how and from where.

Both tables are append-only in the database (a trigger refuses UPDATE and DELETE: migrations 0002
and 0003). Neither keeps history: each row is itself the record.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone

# A browser's user agent can be long; what identifies the device is at its start.
DEVICE_LENGTH = 200


class AccessEventQuerySet(models.QuerySet["AccessEvent"]):
    def about(self, person_id: int) -> AccessEventQuerySet:
        """Reads of one person, alone or among others (a list, a drill-down): uses the GIN index."""
        return self.filter(people__contains=[person_id])

    def by(self, user_id: int) -> AccessEventQuerySet:
        return self.filter(user_id=user_id)

    def between(self, start: datetime | None, end: datetime | None) -> AccessEventQuerySet:
        """Reads at or after start and before end (either may be open)."""
        events = self
        if start is not None:
            events = events.filter(at__gte=start)
        if end is not None:
            events = events.filter(at__lt=end)
        return events

    def newest_first(self) -> AccessEventQuerySet:
        return self.order_by("-at", "-id")


class AccessEvent(models.Model):
    """One request that read people's information (or an export or download that may name
    people): written by audit.middleware after a successful response."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # PROTECT: a user who has read records is deactivated, never deleted. The username is kept
    # as it was, so the row reads the same if the account is renamed. No user: the system's own
    # scheduled work (retention), named in `username`.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_events",
    )
    username = models.CharField(max_length=150)
    # Ids of people, not foreign keys: a row outlives any change to the people it names.
    people = ArrayField(models.BigIntegerField(), default=list, blank=True)
    what = models.CharField(max_length=100)
    path = models.CharField(max_length=500)
    method = models.CharField(max_length=10)
    ip = models.GenericIPAddressField("IP address", null=True, blank=True)
    device = models.CharField(max_length=DEVICE_LENGTH, blank=True)
    # Why, where one was asked for (an urgent "break glass" reading) or the work was the system's.
    reason = models.CharField(max_length=500, blank=True)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        indexes = [
            GinIndex(fields=["people"], name="audit_access_people_gin"),
            models.Index(fields=["user", "at"], name="audit_access_user_at"),
        ]
        permissions = [("view_access_log", "Can see who looked at people's records")]

    def __str__(self) -> str:
        return f"{self.username} {self.what} at {self.at:%Y-%m-%d %H:%M}"


class HistoryRelease(models.Model):
    """A decision to change or delete rows of the change history, or to remove access log rows
    past their keeping (retention), with who and why: the only way past the history tables' and
    the access log's triggers (audit.retention). No user: the system's own scheduled retention."""

    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="history_releases",
    )
    reason = models.CharField(max_length=500)

    def __str__(self) -> str:
        who = self.user or "the system"
        return f"History released by {who} at {self.at:%Y-%m-%d %H:%M}: {self.reason}"
