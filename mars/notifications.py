"""Notifying members of staff: kept in the app (a count in the header, a list) and emailed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet
from django.utils import timezone

from mars import outbox
from mars.access import AnyUser
from mars.models import Notification, NotificationQuerySet
from mars.roles import Role

EMAIL_NOTIFICATION = "mars.tasks.email_notification"


def coordinators() -> QuerySet[Any]:
    return get_user_model().objects.filter(is_active=True, groups__name=Role.COORDINATOR)


def holders_of(permission: str) -> QuerySet[Any]:
    """Active users who hold a permission ("app_label.codename") through a role or directly."""
    app_label, codename = permission.split(".")
    held = Q(permissions__content_type__app_label=app_label, permissions__codename=codename)
    roles = Group.objects.filter(held)
    own = Q(
        user_permissions__content_type__app_label=app_label, user_permissions__codename=codename
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__in=roles) | own | Q(is_superuser=True))
        .distinct()
    )


def notify(
    recipients: Iterable[Any], *, key: str, subject: str, body: str = "", url: str = ""
) -> list[Notification]:
    """Notify each (active) recipient once for a key; return only the notifications new now.

    Rules: a recipient never gets two notifications with one key, even from two runs at once
    (the database's unique key decides); each new one is emailed through the outbox, so the
    email is sent once the transaction commits (or, with Redis down, once it is back).
    """
    created = []
    for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values():
        # get_or_create inserts in a savepoint and, should another run win the race, reads theirs.
        notification, new = Notification.objects.get_or_create(
            recipient=user, key=key, defaults={"subject": subject, "body": body, "url": url}
        )
        if new:
            created.append(notification)
            outbox.enqueue(EMAIL_NOTIFICATION, notification.pk)
    return created


def mark_read(notification: Notification, *, by: AnyUser) -> Notification:
    """Mark one of the user's own notifications read (once: the first reading is kept)."""
    Notification.objects.filter(pk=notification.pk, recipient_id=by.pk, read_at=None).update(
        read_at=timezone.now()
    )
    notification.refresh_from_db()
    return notification


def mark_all_read(*, by: AnyUser) -> int:
    return Notification.objects.filter(recipient_id=by.pk, read_at=None).update(
        read_at=timezone.now()
    )


def mine(user: AnyUser) -> NotificationQuerySet:
    """A user's own notifications: nobody sees another's."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk)
