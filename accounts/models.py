"""Accounts' own records: second-factor resets and signed-in sessions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


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
