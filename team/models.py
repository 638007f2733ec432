"""The coordinator's running of the team: one-to-one supervision of each worker, and team
meetings with the actions they agree."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from mars.text import limited_text

USER = settings.AUTH_USER_MODEL


class Supervision(models.Model):
    """A one-to-one supervision of a worker: what was discussed, how they are, what was agreed,
    and when the next one is. Only the worker, their supervisor and the coordinator read it
    (team.access)."""

    worker = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="supervisions")
    supervisor = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="supervisions_given"
    )
    held_on = models.DateField("date")
    caseload_discussed = limited_text(blank=True)
    wellbeing = limited_text(blank=True)
    next_on = models.DateField(
        "next supervision",
        null=True,
        blank=True,
        help_text="Leave empty for the usual interval after this one.",
    )
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, editable=False, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-id"]
        permissions = [
            ("view_every_supervision", "Can read every worker's supervision"),
            ("view_caseloads", "Can see every worker's caseload side by side"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(worker=F("supervisor")),
                name="supervision_by_someone_else",
                violation_error_message="A worker cannot supervise themselves.",
            ),
            models.CheckConstraint(
                condition=Q(next_on__isnull=True) | Q(next_on__gt=F("held_on")),
                name="next_supervision_after_this_one",
                violation_error_message="The next supervision comes after this one.",
            ),
        ]

    def __str__(self) -> str:
        return f"Supervision, {self.held_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("team:supervision_detail", args=[self.pk])

    @property
    def next_due(self) -> date:
        """The day the next supervision is due: the date set, else SUPERVISION_WEEKS after."""
        return self.next_on or self.held_on + timedelta(weeks=settings.SUPERVISION_WEEKS)


class SupervisionAction(models.Model):
    """Something agreed in a supervision, with the day it is due by (if any)."""

    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField("action", max_length=300)
    due = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.description


class TeamMeeting(models.Model):
    """A team meeting: who was there, the notes, and the actions agreed."""

    held_on = models.DateField("date")
    # Named in full, not as USER: the type checker finds the users' model only from the setting.
    present = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    notes = limited_text(blank=True)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, editable=False, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[present])

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Team meeting, {self.held_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("team:meeting_detail", args=[self.pk])


class TeamActionQuerySet(models.QuerySet["TeamAction"]):
    def open(self) -> TeamActionQuerySet:
        return self.filter(done_on__isnull=True)

    def past_due(self, today: date) -> TeamActionQuerySet:
        return self.open().filter(due__lt=today)


class TeamAction(models.Model):
    """An action a team meeting agreed: who does it, by when, and when it was done."""

    meeting = models.ForeignKey(TeamMeeting, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField("action", max_length=300)
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="team_actions")
    due = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    objects = TeamActionQuerySet.as_manager()

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.description

    def get_absolute_url(self) -> str:
        return reverse("team:meeting_detail", args=[self.meeting_id]) + f"#action-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.done_on is None
