"""Retention: legal holds that keep a person out of it, the runs that anonymise people past the
schedule, and the record of each person anonymised.

The record that a person was anonymised is a model of its own (`Anonymisation`, one a person)
rather than a field on clients.Client: the person's own table is shared by every app, and the
flag is retention's business, so it lives here and clients stays as it is.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clients.models import Client
from mars.text import limited_text

USER = settings.AUTH_USER_MODEL


class LegalHoldQuerySet(models.QuerySet["LegalHold"]):
    def in_force(self) -> LegalHoldQuerySet:
        return self.filter(lifted_on__isnull=True)


class LegalHold(models.Model):
    """A decision that a person's records are kept whatever the retention schedule says (a claim,
    an inquiry, a safeguarding review), with why; lifted with why too."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="legal_holds")
    reason = limited_text(help_text="Why the records must be kept: a claim, inquiry or review.")
    placed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    placed_on = models.DateTimeField(default=timezone.now)
    lifted_on = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lift_reason = limited_text("why it was lifted", blank=True)
    history = HistoricalRecords()

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_on", "-id"]
        constraints = [
            # One hold in force a person: two coordinators placing one at once get one.
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(lifted_on__isnull=True),
                name="one_legal_hold_in_force_a_person",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="legal_hold_has_a_reason"),
            models.CheckConstraint(
                condition=Q(lifted_on__isnull=True)
                | (Q(lifted_by__isnull=False) & ~Q(lift_reason="")),
                name="legal_hold_lifted_by_someone_with_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Legal hold on {self.client.reference}"

    def get_absolute_url(self) -> str:
        return reverse("privacy:hold_detail", args=[self.pk])

    @property
    def in_force(self) -> bool:
        return self.lifted_on is None


class RunTrigger(models.TextChoices):
    SCHEDULE = "schedule", "Monthly schedule"
    COMMAND = "command", "Command"
    PAGE = "page", "Retention page"


class RetentionRun(models.Model):
    """One run of the retention schedule: who it anonymised (or, dry, would have) and why, and
    how many access log rows past their keeping it removed. Written by privacy.services only."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # None: the system (the monthly schedule or the command).
    by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    trigger = models.CharField(max_length=10, choices=RunTrigger.choices)
    dry_run = models.BooleanField(default=False)
    # The day the schedule was reckoned on (Europe/London).
    as_of = models.DateField()
    # A run for one person (the page's "anonymise now"), else the whole schedule.
    only = models.ForeignKey(
        Client, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=500)
    # Each person considered: {"id", "reference", "last_activity", "what", "due_on"}.
    people = models.JSONField(default=list, blank=True)
    anonymised_count = models.PositiveIntegerField(default=0)
    access_events_removed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        permissions = [
            ("run_retention", "Can run the retention schedule and anonymise a person"),
            ("view_processing_register", "Can see what personal data MARS holds and why"),
        ]

    def __str__(self) -> str:
        kind = "Dry run" if self.dry_run else "Retention run"
        return f"{kind} of {timezone.localtime(self.started_at):%d/%m/%Y %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("privacy:run_detail", args=[self.pk])

    @property
    def by_label(self) -> str:
        return self.by.get_full_name() or self.by.username if self.by else "The system"


class Anonymisation(models.Model):
    """That a person was anonymised, when, by which run and why: one a person (so a second run
    cannot anonymise them again). Kept for the record, as the person page says."""

    client = models.OneToOneField(Client, on_delete=models.PROTECT, related_name="anonymisation")
    at = models.DateTimeField(default=timezone.now)
    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, related_name="anonymisations")
    last_activity = models.DateField(null=True, blank=True)
    what = models.CharField("last activity was", max_length=200, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.client.reference} anonymised {timezone.localtime(self.at):%d/%m/%Y}"
