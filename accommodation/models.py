"""Accommodation: providers, properties and units; A2A referrals and the panel's decisions;
placements; MARS House referrals and day-to-day issues. Housing First tenancies are placements in
Housing First properties."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Self, TypeVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clients.models import Agency, Client, ClientStatus
from mars import waiting
from mars.text import ADDRESS, limited_text

USER = settings.AUTH_USER_MODEL


class PropertyType(models.TextChoices):
    HOSTEL = "hostel", "Hostel"
    SUPPORTED_HOUSING = "supported_housing", "Supported housing"
    MARS_HOUSE = "mars_house", "MARS House"
    HOUSING_FIRST = "housing_first", "Housing First"
    TEMPORARY = "temporary", "Temporary accommodation"
    NIGHT_SHELTER = "night_shelter", "Night shelter"
    SWEP = "swep", "SWEP bed"
    PRIVATE_RENTED = "private_rented", "Private rented"
    SOCIAL_HOUSING = "social_housing", "Social housing"
    OTHER = "other", "Other"


# The status a person has while they live in a property of each type (see Client.status).
STATUS_WHILE_PLACED: dict[str, ClientStatus] = {
    PropertyType.MARS_HOUSE: ClientStatus.MARS_HOUSE,
    PropertyType.HOUSING_FIRST: ClientStatus.SETTLED,
    PropertyType.PRIVATE_RENTED: ClientStatus.SETTLED,
    PropertyType.SOCIAL_HOUSING: ClientStatus.SETTLED,
}


class Provider(models.Model):
    """Who runs or lets a property: a hostel operator, a housing association, a landlord."""

    name = models.CharField(max_length=200, unique=True)
    contact_name = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = limited_text(max_length=ADDRESS, blank=True)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="providers",
        help_text="The partner agency record, if the provider is also one.",
    )
    notes = limited_text(blank=True)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accommodation:provider_detail", args=[self.pk])


class Property(models.Model):
    """A building or home people can be placed in, with its units."""

    key = models.SlugField(
        max_length=60,
        unique=True,
        help_text="A short code for imports and exports, for example mars-house.",
    )
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=PropertyType.choices)
    address = limited_text(max_length=ADDRESS, blank=True)
    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="properties",
        help_text="Who runs it or lets it (the landlord, for a Housing First tenancy).",
    )
    notes = limited_text(blank=True)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "properties"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accommodation:property_detail", args=[self.pk])


class UnitKind(models.TextChoices):
    ROOM = "room", "Room"
    BED = "bed", "Bed"
    FLAT = "flat", "Flat"
    HOUSE = "house", "House"


class UnitQuerySet(models.QuerySet["Unit"]):
    def unavailable_on(self, day: date) -> UnitQuerySet:
        return self.filter(Exists(Unavailability.objects.filter(unit=OuterRef("pk")).on(day)))

    def free_on(self, day: date) -> UnitQuerySet:
        """Active units in active properties with nobody in them and not out of use that day."""
        return (
            self.filter(active=True, property__active=True)
            .exclude(Exists(Placement.objects.filter(unit=OuterRef("pk")).on(day)))
            .exclude(Exists(Unavailability.objects.filter(unit=OuterRef("pk")).on(day)))
        )

    def with_free_on(self, day: date) -> UnitQuerySet:
        """Each unit with `is_free` (as free_on decides) for the day, in the same query."""
        return self.annotate(is_free=Exists(Unit.objects.free_on(day).filter(pk=OuterRef("pk"))))


class Unit(models.Model):
    """A room, bed or flat in a property: what one placement occupies."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(max_length=80, help_text="For example Room 2 or Flat 4B.")
    kind = models.CharField(max_length=10, choices=UnitKind.choices, default=UnitKind.ROOM)
    active = models.BooleanField(default=True, help_text="Untick if the unit is no longer let.")
    notes = limited_text(blank=True)
    history = HistoricalRecords()

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["property__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["property", "name"], name="unit_name_unique_in_property"
            )
        ]

    def __str__(self) -> str:
        return f"{self.property.name}, {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("accommodation:unit_detail", args=[self.pk])


_Dated = TypeVar("_Dated", bound=models.Model)


class DateRangeQuerySet(models.QuerySet[_Dated]):
    """Records that cover days from `start` up to (not including) `end`, open-ended when empty."""

    def on(self, day: date) -> Self:
        return self.filter(Q(end__isnull=True) | Q(end__gt=day), start__lte=day)

    def overlapping(self, start: date, end: date | None) -> Self:
        """Those sharing at least one day with [start, end) (end None: open-ended)."""
        queryset = self.filter(Q(end__isnull=True) | Q(end__gt=start))
        if end is not None:
            queryset = queryset.filter(start__lt=end)
        return queryset


class UnavailabilityQuerySet(DateRangeQuerySet["Unavailability"]):
    """Periods units are out of use."""


class Unavailability(models.Model):
    """A period a unit cannot be let (repairs, a deep clean, a fire risk)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="unavailable_periods")
    start = models.DateField("from")
    end = models.DateField(
        "back in use on", null=True, blank=True, help_text="Leave empty if not yet known."
    )
    reason = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    objects = UnavailabilityQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        verbose_name = "unit unavailability"
        verbose_name_plural = "unit unavailability"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="unavailability_ends_after_start",
                violation_error_message="A period out of use ends after it starts.",
            )
        ]

    def __str__(self) -> str:
        until = f" until {self.end:%d/%m/%Y}" if self.end else ""
        return f"{self.unit} out of use from {self.start:%d/%m/%Y}{until}: {self.reason}"

    def get_absolute_url(self) -> str:
        return self.unit.get_absolute_url()


class ReferralStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under review"
    APPROVED = "approved", "Approved"
    PLACED = "placed", "Placed"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


WAITING = [ReferralStatus.SUBMITTED, ReferralStatus.UNDER_REVIEW]
LIVE = [*WAITING, ReferralStatus.APPROVED]
DECIDED = [ReferralStatus.APPROVED, ReferralStatus.PLACED, ReferralStatus.DECLINED]
# Before the panel: waiting for its decision, or approved and waiting for a place (the panel still
# sets its priority). Those who sit only on the panel see these people and no one else.
BEFORE_PANEL = LIVE


class A2AReferralQuerySet(models.QuerySet["A2AReferral"]):
    def waiting(self) -> A2AReferralQuerySet:
        return self.filter(status__in=WAITING)

    def approved(self) -> A2AReferralQuerySet:
        return self.filter(status=ReferralStatus.APPROVED)

    def before_panel(self) -> A2AReferralQuerySet:
        return self.filter(status__in=BEFORE_PANEL)

    def queue_order(self) -> A2AReferralQuerySet:
        """The panel's order: priority 1 first (unset last), then the longest waiting."""
        return self.order_by(
            models.F("priority").asc(nulls_last=True), "referred_on", "created_at", "id"
        )


class A2AReferral(models.Model):
    """A request to the access-to-accommodation panel for a place for a person."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="a2a_referrals")
    referred_on = models.DateField(default=timezone.localdate)
    referred_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="a2a_referrals_made"
    )
    requested_type = models.CharField(
        "accommodation asked for", max_length=20, choices=PropertyType.choices
    )
    needs = limited_text(help_text="Support needs the accommodation must meet.")
    reasons = limited_text(help_text="Why this person needs accommodation now.")
    status = models.CharField(
        max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.SUBMITTED
    )
    priority = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text="Set by the panel: 1 is the most urgent.",
    )
    decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = limited_text(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = A2AReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = "A2A referral"
        permissions = [("decide_a2areferral", "Can decide A2A referrals, as the panel")]
        constraints = [
            models.CheckConstraint(
                condition=Q(priority__isnull=True) | Q(priority__gte=1, priority__lte=3),
                name="a2a_priority_1_to_3",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=DECIDED)
                | (Q(decided_by__isnull=False, decided_at__isnull=False) & ~Q(decision_reason="")),
                name="a2a_decision_has_who_when_why",
            ),
            # One live referral a person: a second one would split the panel's view of them.
            models.UniqueConstraint(
                fields=["client"], condition=Q(status__in=LIVE), name="a2a_one_live_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"A2A referral of {self.referred_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("accommodation:referral_detail", args=[self.pk])

    @property
    def is_waiting(self) -> bool:
        return self.status in WAITING

    @property
    def awaits_placement(self) -> bool:
        return self.status == ReferralStatus.APPROVED

    @property
    def decided_on(self) -> date | None:
        return timezone.localdate(self.decided_at) if self.decided_at else None

    def days_waiting(self, today: date | None = None) -> int:
        """Days from referral to the decision, or to today while it waits."""
        end = self.decided_on or today or timezone.localdate()
        return (end - self.referred_on).days

    @property
    def response_due(self) -> date:
        """The day the panel is to decide by (REFERRAL_RESPONSE_DAYS["a2a"])."""
        return waiting.response_due("a2a", self.referred_on)

    def days_over(self, today: date | None = None) -> int:
        """Days past the decision's due date while it waits (0 when not past it)."""
        if not self.is_waiting:
            return 0
        return max(0, ((today or timezone.localdate()) - self.response_due).days)

    @property
    def days_to_decision(self) -> int | None:
        decided = self.decided_on
        return (decided - self.referred_on).days if decided else None


class EndReason(models.TextChoices):
    PLANNED_MOVE_ON = "planned_move_on", "Planned move-on"
    TRANSFERRED = "transferred", "Moved to another unit"
    EVICTION = "eviction", "Eviction"
    ABANDONED = "abandoned", "Abandoned"
    HOSPITAL = "hospital", "Hospital"
    PRISON = "prison", "Prison"
    DECEASED = "deceased", "Deceased"
    RECONNECTED = "reconnected", "Reconnected"
    OTHER = "other", "Other"


# The status a person has after a placement ends with nowhere else to go to.
STATUS_AFTER: dict[str, ClientStatus] = {
    EndReason.PLANNED_MOVE_ON: ClientStatus.SETTLED,
    EndReason.RECONNECTED: ClientStatus.RECONNECTED,
    EndReason.DECEASED: ClientStatus.DECEASED,
}


class PlacementQuerySet(DateRangeQuerySet["Placement"]):
    def current(self, today: date | None = None) -> PlacementQuerySet:
        return self.on(today or timezone.localdate())

    def in_types(self, *types: str) -> PlacementQuerySet:
        return self.filter(unit__property__type__in=types)

    def housing_first(self) -> PlacementQuerySet:
        return self.in_types(PropertyType.HOUSING_FIRST)


class Placement(models.Model):
    """A person living in a unit from `start` until the day they left (`end`), if they have.

    Days are half-open: a person leaving on a day and another arriving that day do not overlap.
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="placements")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="placements")
    start = models.DateField("moved in")
    planned_end = models.DateField(null=True, blank=True)
    end = models.DateField("left on", null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    move_on_destination = models.CharField(
        max_length=200, blank=True, help_text="Where the person went when they left."
    )
    nightly_cost = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="In pounds a night.",
    )
    referral = models.OneToOneField(
        A2AReferral,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placement",
        verbose_name="A2A referral",
    )
    notes = limited_text(blank=True)
    placed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = PlacementQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="placement_ends_on_or_after_start",
                violation_error_message="A placement cannot end before it started.",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True, end_reason="")
                | Q(end__isnull=False) & ~Q(end_reason=""),
                name="placement_end_has_reason",
                violation_error_message="A placement that has ended says why, and only then.",
            ),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True) | Q(planned_end__gte=models.F("start")),
                name="placement_planned_end_after_start",
                violation_error_message="The planned end is on or after the day they moved in.",
            ),
            # Backstops under the row locks in place_client: never two open placements in one
            # unit, nor for one person.
            models.UniqueConstraint(
                fields=["unit"], condition=Q(end__isnull=True), name="one_open_placement_per_unit"
            ),
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(end__isnull=True),
                name="one_open_placement_per_person",
            ),
        ]
        indexes = [models.Index(fields=["start"], name="placement_start")]

    def __str__(self) -> str:
        return f"{self.unit} from {self.start:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("accommodation:placement_detail", args=[self.pk])

    def is_active_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or self.end > day)

    @property
    def is_current(self) -> bool:
        return self.is_active_on(timezone.localdate())

    @property
    def is_housing_first(self) -> bool:
        return self.unit.property.type == PropertyType.HOUSING_FIRST

    def nights(self, today: date | None = None) -> int:
        return ((self.end or today or timezone.localdate()) - self.start).days

    # Last: the name shadows the builtin for the rest of the class body.
    @property
    def property(self) -> Property:
        return self.unit.property


class MarsHouseStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    ASSESSED = "assessed", "Assessed"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    SIGNED_UP = "signed_up", "Signed up"
    WITHDRAWN = "withdrawn", "Withdrawn"


MARS_HOUSE_LIVE = [MarsHouseStatus.RECEIVED, MarsHouseStatus.ASSESSED, MarsHouseStatus.ACCEPTED]
# Waiting for the coordinator's decision: accepted or declined.
MARS_HOUSE_UNDECIDED = [MarsHouseStatus.RECEIVED, MarsHouseStatus.ASSESSED]


class MarsHouseReferralQuerySet(models.QuerySet["MarsHouseReferral"]):
    def live(self) -> MarsHouseReferralQuerySet:
        return self.filter(status__in=MARS_HOUSE_LIVE)


class MarsHouseReferral(models.Model):
    """A referral to MARS House: received, assessed, accepted or declined, then signed up."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="mars_house_referrals"
    )
    received_on = models.DateField(default=timezone.localdate)
    referred_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    referring_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mars_house_referrals",
        help_text="If another agency made the referral.",
    )
    reasons = limited_text(help_text="Why MARS House, and what support the person needs.")
    status = models.CharField(
        max_length=12, choices=MarsHouseStatus.choices, default=MarsHouseStatus.RECEIVED
    )
    assessed_on = models.DateField(null=True, blank=True)
    assessment = limited_text("assessment notes", blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = limited_text(blank=True)
    licence_date = models.DateField(
        null=True, blank=True, help_text="The day the licence agreement was signed."
    )
    placement = models.OneToOneField(
        Placement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mars_house_referral",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = MarsHouseReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = "MARS House referral"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=MarsHouseStatus.SIGNED_UP)
                | Q(licence_date__isnull=False, placement__isnull=False),
                name="mars_house_sign_up_has_licence_and_placement",
            ),
            models.CheckConstraint(
                condition=~Q(
                    status__in=[
                        MarsHouseStatus.ACCEPTED,
                        MarsHouseStatus.DECLINED,
                        MarsHouseStatus.SIGNED_UP,
                    ]
                )
                | Q(decided_on__isnull=False, decided_by__isnull=False),
                name="mars_house_decision_has_who_when",
            ),
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(status__in=MARS_HOUSE_LIVE),
                name="mars_house_one_live_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"MARS House referral of {self.received_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("accommodation:mars_house_referral_detail", args=[self.pk])

    @property
    def is_waiting(self) -> bool:
        """Received (or assessed) and not yet decided, nor withdrawn."""
        return self.status in MARS_HOUSE_UNDECIDED

    @property
    def response_due(self) -> date:
        """The day the coordinator is to decide by (REFERRAL_RESPONSE_DAYS["mars_house"])."""
        return waiting.response_due("mars_house", self.received_on)

    def days_waiting(self, today: date | None = None) -> int:
        """Days from receipt to the decision, or to today while it waits."""
        end = self.decided_on or today or timezone.localdate()
        return (end - self.received_on).days

    def days_over(self, today: date | None = None) -> int:
        """Days past the decision's due date while it waits (0 when not past it)."""
        if not self.is_waiting:
            return 0
        return max(0, ((today or timezone.localdate()) - self.response_due).days)


class IssueKind(models.TextChoices):
    REPAIR = "repair", "Repair"
    INCIDENT = "incident", "Incident"
    HEALTH_AND_SAFETY = "health_and_safety", "Health and safety"
    NEIGHBOURS = "neighbours", "Neighbours"
    OTHER = "other", "Other"


class HouseIssueQuerySet(models.QuerySet["HouseIssue"]):
    def open(self) -> HouseIssueQuerySet:
        return self.filter(resolved_on__isnull=True)


class HouseIssue(models.Model):
    """Something that happened at a house (a repair, an incident) and who dealt with it."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="issues")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="issues"
    )
    resident = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="house_issues",
        help_text="The resident involved, if any.",
    )
    reported_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=IssueKind.choices)
    description = limited_text()
    dealt_with_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action_taken = limited_text(blank=True)
    resolved_on = models.DateField(null=True, blank=True)
    logged_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    objects = HouseIssueQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = "house issue"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.property.name}, {self.reported_at:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("accommodation:issue_detail", args=[self.pk])
