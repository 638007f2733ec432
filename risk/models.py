"""Risk: assessments of a person, risk plans approved by a coordinator with the alerts every worker
sees, risk-management and professionals' meetings with their actions, and safeguarding concerns."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clients.models import Agency, Client, ClientStatus
from mars.text import limited_text

USER = settings.AUTH_USER_MODEL


class Level(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


RANK = {Level.LOW: 1, Level.MEDIUM: 2, Level.HIGH: 3}


def highest(levels: list[str]) -> str:
    """The overall level of an assessment: the highest of its areas."""
    return max(levels, key=lambda level: RANK[Level(level)])


class Area(models.TextChoices):
    TO_SELF = "to_self", "Risk to self"
    TO_OTHERS = "to_others", "Risk to others"
    FROM_OTHERS = "from_others", "Risk from others"
    TO_STAFF = "to_staff", "Risk to staff"
    SELF_NEGLECT = "self_neglect", "Self-neglect"
    EXPLOITATION = "exploitation", "Exploitation"
    SUBSTANCES = "substance_use", "Substance use and overdose"
    FIRE = "fire", "Fire"
    OTHER = "other", "Other"


class AssessmentQuerySet(models.QuerySet["RiskAssessment"]):
    def current(self) -> AssessmentQuerySet:
        """Each person's latest assessment: the one whose review date is the person's."""
        later = RiskAssessment.objects.filter(client=OuterRef("client")).filter(
            Q(assessed_on__gt=OuterRef("assessed_on"))
            | Q(assessed_on=OuterRef("assessed_on"), pk__gt=OuterRef("pk"))
        )
        return self.exclude(Exists(later))

    def to_review(self) -> AssessmentQuerySet:
        """Current assessments of people the team still works with (not merged, not deceased)."""
        return (
            self.current()
            .filter(client__merged_into__isnull=True)
            .exclude(client__status=ClientStatus.DECEASED)
        )

    def overdue(self, today: date) -> AssessmentQuerySet:
        return self.to_review().filter(review_due__lt=today)

    def due_within(self, today: date, days: int) -> AssessmentQuerySet:
        return self.to_review().filter(
            review_due__gte=today, review_due__lte=today + timedelta(days=days)
        )


class RiskAssessment(models.Model):
    """A dated assessment of the risks to and from a person, area by area."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="risk_assessments")
    assessed_on = models.DateField()
    assessor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(
        "overall level",
        max_length=6,
        choices=Level.choices,
        help_text="The highest level of any area.",
    )
    review_due = models.DateField(
        help_text="Follows the level (high 1 month, medium 3, low 6) unless set earlier."
    )
    summary = limited_text(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords(excluded_fields=["created_at"])

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_due__gt=models.F("assessed_on")),
                name="assessment_reviewed_after_it_is_made",
                violation_error_message="The review is due after the assessment date.",
            )
        ]

    def __str__(self) -> str:
        return f"Risk assessment of {self.assessed_on:%d/%m/%Y} ({self.get_level_display()})"

    def get_absolute_url(self) -> str:
        return reverse("risk:assessment_detail", args=[self.pk])

    def review_state(self, today: date | None = None) -> str:
        today = today or timezone.localdate()
        if self.review_due < today:
            return "overdue"
        if self.review_due <= today + timedelta(days=settings.RISK_REVIEW_NOTICE_DAYS):
            return "due"
        return ""


class AreaRating(models.Model):
    """One area of an assessment: its level, what is known and what sets it off."""

    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="areas")
    area = models.CharField(max_length=20, choices=Area.choices)
    level = models.CharField(max_length=6, choices=Level.choices)
    notes = limited_text(blank=True)
    # Covers the notes only: the triggers stay readable by every worker, because they keep the
    # staff meeting the person safe.
    sensitive = models.BooleanField(
        "mark this note sensitive",
        default=False,
        help_text="Only those who may see the person's special category data read the notes.",
    )
    triggers = limited_text(blank=True, help_text="What makes the risk worse or sets it off.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "area"], name="one_rating_per_area")
        ]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.get_level_display()}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for approval"
    RETURNED = "returned", "Returned"
    APPROVED = "approved", "Approved"
    SUPERSEDED = "superseded", "Superseded"


# Versions still being written or decided: a person has at most one at a time.
OPEN = [PlanStatus.DRAFT, PlanStatus.SUBMITTED, PlanStatus.RETURNED]
EDITABLE = [PlanStatus.DRAFT, PlanStatus.RETURNED]


class PlanQuerySet(models.QuerySet["RiskPlan"]):
    def in_force(self) -> PlanQuerySet:
        return self.filter(status=PlanStatus.APPROVED)

    def open(self) -> PlanQuerySet:
        return self.filter(status__in=OPEN)


class RiskPlan(models.Model):
    """One version of a person's risk plan, answering an assessment.

    A version is drafted, submitted and approved (or returned with a comment). An approved version
    is read-only and stays in force until a newer version is approved, which supersedes it.
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="risk_plans")
    assessment = models.ForeignKey(
        RiskAssessment,
        on_delete=models.PROTECT,
        related_name="plans",
        help_text="The assessment this plan answers.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="next_versions",
        help_text="The approved version this one changes.",
    )
    status = models.CharField(
        max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT, editable=False
    )
    summary = limited_text(
        "how the risks are managed", help_text="The plan in a few lines, for anyone meeting them."
    )
    drafted_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, editable=False, related_name="+"
    )
    submitted_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, editable=False, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, editable=False)
    approved_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, editable=False, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords(excluded_fields=["created_at"])

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-version", "-id"]
        permissions = [
            ("approve_riskplan", "Can approve risk plans"),
            ("approve_coordinators_riskplan", "Can approve a risk plan a coordinator submitted"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(status=PlanStatus.APPROVED),
                name="one_risk_plan_in_force_per_person",
                violation_error_message="This person already has a risk plan in force.",
            ),
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(status__in=OPEN),
                name="one_open_risk_plan_version_per_person",
                violation_error_message="This person already has a plan version being written.",
            ),
            models.UniqueConstraint(
                fields=["previous"],
                condition=Q(previous__isnull=False),
                name="one_new_version_per_plan",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[PlanStatus.APPROVED, PlanStatus.SUPERSEDED])
                | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="approved_plan_says_who_and_when",
            ),
        ]

    def __str__(self) -> str:
        return f"Risk plan, version {self.version}"

    def get_absolute_url(self) -> str:
        return reverse("risk:plan_detail", args=[self.pk])

    @property
    def review_due(self) -> date:
        return self.assessment.review_due

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def in_force(self) -> bool:
        return self.status == PlanStatus.APPROVED


class PlanAction(models.Model):
    """Something a plan says will be done to manage the risk: what, by whom, by when."""

    plan = models.ForeignKey(RiskPlan, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField("what", max_length=300)
    owner = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risk_plan_actions",
        help_text="A member of the team, or name someone else below.",
    )
    owner_other = models.CharField(
        "or someone else", max_length=120, blank=True, help_text="For example: PC Jones, police."
    )
    due = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "id"]

    def __str__(self) -> str:
        return self.description

    @property
    def owner_label(self) -> str:
        if self.owner is not None:
            return self.owner.get_full_name() or self.owner.username
        return self.owner_other


class AlertKind(models.TextChoices):
    VISIT_IN_PAIRS = "visit_in_pairs", "Visit in pairs"
    VIOLENCE_TO_STAFF = "violence_to_staff", "Violence to staff"
    DOG = "dog_on_site", "Dog on site"
    WEAPONS = "weapons", "Weapons"
    DO_NOT_DISCLOSE_ADDRESS = "do_not_disclose_address", "Do not disclose address"
    SEXUAL_RISK = "sexual_risk", "Sexual risk: no lone visits"
    MEDICAL = "medical", "Medical: overdose or seizures"
    FIRE = "fire", "Fire risk"
    OTHER = "other", "Other"


# Restricted alerts carry information to protect (a hidden address, a perpetrator nearby): that
# an alert is there is shown to everyone who may see the person; what it says only to those who
# need to know (risk.access.may_read_restricted).
RESTRICTED = {AlertKind.DO_NOT_DISCLOSE_ADDRESS}

# The alerts that keep staff safe when they meet the person: the ones an outreach phone keeps
# offline (outreach.phone). A medical alert is health information and stays off the phone; so does
# "other", whose words could say anything.
STAFF_SAFETY = (
    AlertKind.VISIT_IN_PAIRS,
    AlertKind.VIOLENCE_TO_STAFF,
    AlertKind.DOG,
    AlertKind.WEAPONS,
    AlertKind.SEXUAL_RISK,
    AlertKind.FIRE,
)


class RiskAlert(models.Model):
    """A short flag of a plan, shown wherever the person appears once the plan is in force."""

    plan = models.ForeignKey(RiskPlan, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=30, choices=AlertKind.choices)
    detail = models.CharField(max_length=120, blank=True, help_text="A few words, if needed.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "id"]
        permissions = [
            ("view_restricted_alerts", "Can read restricted alerts about anyone they may see")
        ]

    def __str__(self) -> str:
        label = self.get_kind_display()
        return f"{label}: {self.detail}" if self.detail else label

    @property
    def restricted(self) -> bool:
        return self.kind in RESTRICTED


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned"


class PlanDecision(models.Model):
    """An approver's decision on a submitted version, with their comment: kept for every round."""

    plan = models.ForeignKey(RiskPlan, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(max_length=10, choices=DecisionOutcome.choices)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    comment = limited_text(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome=DecisionOutcome.RETURNED) | ~Q(comment=""),
                name="returned_plan_has_a_comment",
                violation_error_message="Say what needs to change.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.decided_at:%d/%m/%Y}"


class MeetingKind(models.TextChoices):
    RISK_MANAGEMENT = "risk_management", "Risk-management meeting"
    PROFESSIONALS = "professionals", "Professionals' meeting"


class Meeting(models.Model):
    """A risk-management or professionals' meeting about a person, with its actions."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    held_on = models.DateField()
    chair = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    chair_other = models.CharField(
        "or chaired by", max_length=120, blank=True, help_text="If someone outside the team."
    )
    # Named in full, not as USER: the type checker finds the users' model only from the setting.
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name="team present"
    )
    agencies = models.ManyToManyField(
        Agency, blank=True, related_name="meetings", verbose_name="agencies present"
    )
    others_present = limited_text(
        "other people present", blank=True, help_text="One a line: name and organisation."
    )
    notes = limited_text()
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, editable=False, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[staff, agencies])

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.held_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("risk:meeting_detail", args=[self.pk])

    @property
    def chair_label(self) -> str:
        if self.chair is not None:
            return self.chair.get_full_name() or self.chair.username
        return self.chair_other


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class MeetingActionQuerySet(models.QuerySet["MeetingAction"]):
    def open(self) -> MeetingActionQuerySet:
        return self.filter(status=ActionStatus.OPEN)

    def past_due(self, today: date) -> MeetingActionQuerySet:
        return self.open().filter(due__lt=today)


class MeetingAction(models.Model):
    """An action a meeting agreed: who does it, by when, and whether it is done."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField("action", max_length=300)
    owner = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="meeting_actions"
    )
    owner_other = models.CharField("or someone else", max_length=120, blank=True)
    due = models.DateField()
    status = models.CharField(
        max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    objects = MeetingActionQuerySet.as_manager()

    class Meta:
        ordering = ["due", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | ~Q(owner_other=""),
                name="meeting_action_has_an_owner",
                violation_error_message="Say who will do it.",
            ),
            models.CheckConstraint(
                condition=Q(status=ActionStatus.DONE, done_on__isnull=False)
                | (~Q(status=ActionStatus.DONE) & Q(done_on__isnull=True)),
                name="done_action_has_its_date",
                violation_error_message="A done action has the date it was done, and only then.",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    def get_absolute_url(self) -> str:
        return reverse("risk:meeting_detail", args=[self.meeting_id]) + f"#action-{self.pk}"

    @property
    def owner_label(self) -> str:
        if self.owner is not None:
            return self.owner.get_full_name() or self.owner.username
        return self.owner_other

    @property
    def is_open(self) -> bool:
        return self.status == ActionStatus.OPEN

    def is_past_due(self, today: date | None = None) -> bool:
        return self.status == ActionStatus.OPEN and self.due < (today or timezone.localdate())


class SafeguardingCategory(models.TextChoices):
    ADULT = "adult", "Adult safeguarding"
    CHILD = "child", "Child safeguarding"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    EXPLOITATION = "exploitation", "Exploitation"


class SafeguardingQuerySet(models.QuerySet["SafeguardingConcern"]):
    def open(self) -> SafeguardingQuerySet:
        return self.filter(closed_on__isnull=True)


class SafeguardingConcern(models.Model):
    """A safeguarding concern raised about a person, where it was referred and what came of it."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="safeguarding_concerns"
    )
    raised_on = models.DateField()
    raised_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, editable=False, related_name="+"
    )
    category = models.CharField(max_length=20, choices=SafeguardingCategory.choices)
    details = limited_text(help_text="What was seen or said, and by whom.")
    referred_to = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="safeguarding_concerns",
        help_text="The agency the concern went to, for example the council's adult social care.",
    )
    referred_on = models.DateField(null=True, blank=True)
    agency_reference = models.CharField(max_length=60, blank=True)
    outcome = limited_text(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    objects = SafeguardingQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | ~Q(outcome=""),
                name="closed_concern_has_an_outcome",
                violation_error_message="Say what the outcome was before closing the concern.",
            ),
            models.CheckConstraint(
                condition=Q(referred_on__isnull=True) | Q(referred_to__isnull=False),
                name="referral_date_has_an_agency",
                violation_error_message="Say which agency the concern was referred to.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} concern, {self.raised_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("risk:concern_detail", args=[self.pk])
