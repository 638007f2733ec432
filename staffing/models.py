"""Planned absences and caseload cover: who is away when, and who looks after their work."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from mars.text import limited_text

USER = settings.AUTH_USER_MODEL


class AbsenceKind(models.TextChoices):
    LEAVE = "leave", "Annual leave"
    TRAINING = "training", "Training"
    SICKNESS = "sickness", "Sickness"
    OTHER = "other", "Other"


class AbsenceQuerySet(models.QuerySet["Absence"]):
    def on(self, day: date) -> AbsenceQuerySet:
        """Absences that include the day."""
        return self.filter(starts__lte=day, ends__gte=day)

    def overlapping(self, starts: date, ends: date) -> AbsenceQuerySet:
        """Absences with at least one day in [starts, ends]."""
        return self.filter(starts__lte=ends, ends__gte=starts)

    def with_sickness_known(self) -> AbsenceQuerySet:
        """Each absence with `ever_sickness`: whether any version of it was sickness (one
        subquery), which Absence.was_ever_sickness reads without a query of its own."""
        if "ever_sickness" in self.query.annotations:
            return self
        versions = self.model.history.model.objects.filter(  # type: ignore[attr-defined]
            id=OuterRef("pk"), kind=AbsenceKind.SICKNESS
        )
        return self.annotate(ever_sickness=Exists(versions))


class Absence(models.Model):
    """A worker away from work for whole days, from `starts` to `ends` (both included)."""

    worker = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="absences")
    kind = models.CharField(max_length=10, choices=AbsenceKind.choices)
    starts = models.DateField("from")
    ends = models.DateField("to", help_text="The last day away.")
    notes = limited_text(blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    objects = AbsenceQuerySet.as_manager()

    class Meta:
        ordering = ["starts", "id"]
        permissions = [
            # Without it a worker records and changes only their own leave and training.
            ("manage_absences", "Record and change anyone's absences, sickness included"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gte=F("starts")),
                name="absence_ends_on_or_after_start",
                violation_error_message="The last day away cannot be before the first.",
            )
        ]

    def __str__(self) -> str:
        # Not the kind: sickness is for the coordinator and the worker (staffing.access).
        return f"Away {self.starts:%d/%m/%Y} to {self.ends:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("staffing:absence_detail", args=[self.pk])

    @property
    def days(self) -> int:
        return (self.ends - self.starts).days + 1

    def was_ever_sickness(self) -> bool:
        """Whether the absence is, or ever was, sickness.

        Rules: a kind changed from sickness still tells of it (its history holds the sickness),
        so it is read as sickness is (staffing.access); from `ever_sickness` when the queryset
        annotated it (AbsenceQuerySet.with_sickness_known), else one query of the history.
        """
        if self.kind == AbsenceKind.SICKNESS:
            return True
        known = getattr(self, "ever_sickness", None)
        if known is not None:
            return bool(known)
        if self.pk is None:
            return False
        return self.history.filter(kind=AbsenceKind.SICKNESS).exists()  # type: ignore[attr-defined]


class CoverQuerySet(models.QuerySet["CaseloadCover"]):
    def on(self, day: date) -> CoverQuerySet:
        return self.filter(starts__lte=day, ends__gte=day)

    def overlapping(self, starts: date, ends: date) -> CoverQuerySet:
        return self.filter(starts__lte=ends, ends__gte=starts)


class CaseloadCover(models.Model):
    """A worker's caseload handed to a covering worker from `starts` to `ends` (both included):
    the covering worker gets the worker's reviews and reminders too, and after `ends` they go
    back to the worker alone. A worker has at most one cover on any day (staffing.services)."""

    worker = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="covers_given")
    covered_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="covers_taken")
    starts = models.DateField("from")
    ends = models.DateField("to", help_text="The last day of cover.")
    notes = limited_text(blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    objects = CoverQuerySet.as_manager()

    class Meta:
        ordering = ["starts", "id"]
        verbose_name = "caseload cover"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gte=F("starts")),
                name="cover_ends_on_or_after_start",
                violation_error_message="The last day of cover cannot be before the first.",
            ),
            models.CheckConstraint(
                condition=~Q(worker=F("covered_by")),
                name="cover_by_someone_else",
                violation_error_message="A worker cannot cover their own caseload.",
            ),
        ]

    def __str__(self) -> str:
        return f"Cover from {self.starts:%d/%m/%Y} to {self.ends:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("staffing:cover_detail", args=[self.pk])

    def is_active_on(self, day: date) -> bool:
        return self.starts <= day <= self.ends
