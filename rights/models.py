"""Requests people make under UK GDPR about what MARS holds on them: subject access (Article 15),
and rectification, erasure, restriction and objection (Articles 16, 17, 18 and 21)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from simple_history.models import HistoricalRecords

from clients.models import Client
from mars.dates import add_months
from mars.text import limited_text

# Article 12(3): one month from receipt, extendable "by two further months" where necessary.
EXTENSION_MONTHS = 2


class Requester(models.TextChoices):
    PERSON = "person", "The person themselves"
    REPRESENTATIVE = "representative", "A named representative"


class AccessStatus(models.TextChoices):
    IDENTITY_AWAITED = "identity_awaited", "Identity awaited"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATUSES = (AccessStatus.IDENTITY_AWAITED, AccessStatus.IN_PROGRESS)


def month_after(day: date) -> date:
    """The calendar month the law gives: the same day next month, or that month's last day."""
    return add_months(day, 1)


class SubjectAccessRequestQuerySet(models.QuerySet["SubjectAccessRequest"]):
    def open(self) -> SubjectAccessRequestQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def deadline_first(self) -> SubjectAccessRequestQuerySet:
        """Open requests first, soonest deadline (an extension's, else the due date) first."""
        return self.annotate(
            answer_by=models.functions.Coalesce("extended_to", "due_on"),
            closed=models.Case(
                models.When(status__in=OPEN_STATUSES, then=0),
                default=1,
                output_field=models.IntegerField(),
            ),
        ).order_by("closed", "answer_by", "id")


class SubjectAccessRequest(models.Model):
    """A person's request for a copy of what MARS holds about them."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="subject_access_requests"
    )
    received_on = models.DateField()
    requested_by = models.CharField(
        "who asked", max_length=20, choices=Requester.choices, default=Requester.PERSON
    )
    representative = models.CharField(
        max_length=200,
        blank=True,
        help_text="A representative's name and how they act for the person "
        "(solicitor, advocate, family member with authority).",
    )
    identity_checked_on = models.DateField("identity checked on", null=True, blank=True)
    due_on = models.DateField(editable=False)
    extended_to = models.DateField(null=True, blank=True, editable=False)
    extension_reason = limited_text(blank=True, editable=False)
    status = models.CharField(
        max_length=20,
        choices=AccessStatus.choices,
        default=AccessStatus.IDENTITY_AWAITED,
        editable=False,
    )
    completed_on = models.DateField(null=True, blank=True, editable=False)
    closing_reason = limited_text("reason for refusing or closing", blank=True, editable=False)
    export_made_at = models.DateTimeField("last export made at", null=True, blank=True)
    export_made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="last export made by",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = limited_text(blank=True)
    history = HistoricalRecords()

    objects = SubjectAccessRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = "subject access request"
        permissions = [
            (
                "make_subject_access_export",
                "Can make the export of everything MARS holds about a person",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gt=F("received_on")), name="sar_due_after_received"
            ),
            # Up to two further months past the original due date, with a reason (Art. 12(3)).
            models.CheckConstraint(
                condition=Q(extended_to__isnull=True, extension_reason="")
                | Q(extended_to__gt=F("due_on"))
                & ~Q(extension_reason="")
                & Q(
                    LessThanOrEqual(
                        F("extended_to"),
                        Func(
                            F("due_on"),
                            template=f"(%(expressions)s + interval '{EXTENSION_MONTHS} months')"
                            "::date",
                            output_field=models.DateField(),
                        ),
                    )
                ),
                name="sar_extension_within_two_months_with_reason",
                violation_error_message="An extension is up to two months past the due date, "
                "with a reason.",
            ),
            models.CheckConstraint(
                condition=Q(status=AccessStatus.COMPLETED, completed_on__isnull=False)
                | ~Q(status=AccessStatus.COMPLETED) & Q(completed_on__isnull=True),
                name="sar_completed_on_when_completed",
            ),
            models.CheckConstraint(
                condition=~Q(requested_by=Requester.REPRESENTATIVE) | ~Q(representative=""),
                name="sar_representative_named",
                violation_error_message="Name the representative and how they act for the person.",
            ),
            # A double-click or two coordinators at once cannot open a second request.
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(status__in=OPEN_STATUSES),
                name="sar_one_open_per_person",
                violation_error_message="This person already has an open subject access request.",
            ),
        ]

    def __str__(self) -> str:
        return f"Subject access request received {self.received_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("rights:request_detail", args=[self.pk])

    @staticmethod
    def due_for(received_on: date) -> date:
        """One calendar month after receipt, on the month's last day when it is shorter."""
        return month_after(received_on)

    def latest_extension(self) -> date:
        """The furthest the deadline may be put back: two months past the original due date."""
        return add_months(self.due_on, EXTENSION_MONTHS)

    @property
    def deadline(self) -> date:
        return self.extended_to or self.due_on

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def days_left(self, today: date) -> int:
        """Days until the deadline (negative once it has passed)."""
        return (self.deadline - today).days

    def time_left(self, today: date) -> str:
        """ "5 days left", "Due today" or "Overdue by 3 days"; blank once closed."""
        if not self.is_open:
            return ""
        days = self.days_left(today)
        if days == 0:
            return "Due today"
        if days < 0:
            return f"Overdue by {-days} day{'s' if days != -1 else ''}"
        return f"{days} day{'s' if days != 1 else ''} left"

    def is_overdue(self, today: date) -> bool:
        return self.is_open and today > self.deadline


class RightsKind(models.TextChoices):
    RECTIFICATION = "rectification", "Rectification (correct what is wrong)"
    ERASURE = "erasure", "Erasure"
    RESTRICTION = "restriction", "Restriction of use"
    OBJECTION = "objection", "Objection to use"


class Decision(models.TextChoices):
    AGREED = "agreed", "Agreed"
    PARTLY_AGREED = "partly_agreed", "Partly agreed"
    REFUSED = "refused", "Refused"


class RightsRequest(models.Model):
    """A request to correct, erase, restrict or stop using what MARS holds, and its decision."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="rights_requests")
    kind = models.CharField(max_length=20, choices=RightsKind.choices)
    received_on = models.DateField()
    request = limited_text("what was asked")
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True, editable=False)
    decision_reason = limited_text(blank=True, editable=False)
    decided_on = models.DateField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = "rights request"
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="", decided_on__isnull=True, decision_reason="")
                | ~Q(decision="") & Q(decided_on__isnull=False) & ~Q(decision_reason=""),
                name="rights_decision_with_date_and_reason",
                violation_error_message="A decision has a date and a reason, and only then.",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=F("received_on")),
                name="rights_decided_after_received",
            ),
            models.UniqueConstraint(
                fields=["client", "kind", "received_on"],
                condition=Q(decision=""),
                name="rights_one_undecided_per_kind_and_day",
                violation_error_message="This request is already recorded.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} request received {self.received_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("rights:rights_detail", args=[self.pk])

    @property
    def is_decided(self) -> bool:
        return bool(self.decision)
