"""Accounts' own records: API tokens' names, signed-in sessions, second-factor resets; the
accounts' history."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone
from simple_history import register

# Every change to a staff account (name, email, active, role; never the password hash), with who
# made it, shown on the staff page. The role is group membership, so the staff service notes it as
# the change's reason.
register(User, app="accounts", excluded_fields=["password", "last_login"])


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def of(self, user: User) -> ApiTokenQuerySet:
        return self.filter(token__user=user)


class ApiToken(models.Model):
    """The name its owner gave a knox token (knox keeps only its hash and expiry), and when it
    was last used."""

    token = models.OneToOneField(
        settings.KNOX_TOKEN_MODEL, on_delete=models.CASCADE, related_name="label"
    )
    name = models.CharField(max_length=100)
    last_used = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API token"

    def __str__(self) -> str:
        return self.name


def hash_session_key(key: str) -> str:
    """A session's key is as good as a password while it lives: only its hash is kept here."""
    return hashlib.sha256(key.encode()).hexdigest()


class SignedInSessionQuerySet(models.QuerySet["SignedInSession"]):
    def of(self, user: User) -> SignedInSessionQuerySet:
        return self.filter(user=user)


class SignedInSession(models.Model):
    """One browser signed in to one account: shown to its owner, who may end it.

    A signed-in session without its row is ended on its next request (accounts.middleware_sessions),
    so deleting the row ends the session.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    key_hash = models.CharField(max_length=64, db_index=True)
    device = models.CharField(max_length=100, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    signed_in_at = models.DateTimeField()
    last_seen = models.DateTimeField()

    objects = SignedInSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.user} on {self.device or 'an unknown device'}"


class SecondFactorReset(models.Model):
    """One person's second factor reset by another, and why: written once, never changed."""

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="second_factor_resets_made"
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="second_factor_resets"
    )
    at = models.DateTimeField(default=timezone.now, editable=False)
    reason = models.TextField(max_length=1000)

    class Meta:
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)
        permissions = [("reset_second_factor", "Can reset another person's second factor")]

    def __str__(self) -> str:
        return f"{self.account} reset by {self.by} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: object, **kwargs: object) -> None:
        # Append-only: a record of a reset is evidence, so it is never rewritten.
        if self.pk is not None and not self._state.adding:
            raise ValueError("A second-factor reset is a record: it cannot be changed.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
