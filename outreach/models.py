"""Street outreach: sessions, contacts (sightings), hotspots, reports from the public,
interventions, the Severe Weather Emergency Protocol and the annual rough sleeping count."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clients.models import SPECIAL_NEEDS, Agency, Client, ClientStatus, SupportNeed
from mars.dates import day_bounds, is_future
from mars.forms import staff_label
from mars.text import limited_text

USER = settings.AUTH_USER_MODEL

# People with these statuses are not on the street, whatever their last contact says.
OFF_THE_STREET = [
    ClientStatus.TEMPORARY_ACCOMMODATION,
    ClientStatus.MARS_HOUSE,
    ClientStatus.SETTLED,
    ClientStatus.RECONNECTED,
    ClientStatus.DECEASED,
]


class Hotspot(models.Model):
    """A named place where people are often found bedded down (reference data)."""

    name = models.CharField(max_length=120, unique=True)
    area = models.CharField(max_length=120, blank=True, help_text="Ward or part of the city.")
    description = limited_text(blank=True, help_text="How to find it; what to look out for.")
    active = models.BooleanField(default=True)
    # Where it is on the hotspot map: five decimal places is about a metre.
    latitude = models.DecimalField(
        max_digits=7,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text="For the map, in decimal degrees (50.37139). Leave empty if not known.",
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text="For the map, in decimal degrees (-4.14256).",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="hotspot_coordinates_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("outreach:hotspot_detail", args=[self.pk])

    def clean(self) -> None:
        if (self.latitude is None) != (self.longitude is None):
            field = "longitude" if self.longitude is None else "latitude"
            raise ValidationError({field: "Give both latitude and longitude, or neither."})

    @property
    def on_map(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class OutreachSession(models.Model):
    """A shift on the street: who went, where, and which partners came along."""

    date = models.DateField()
    start_time = models.TimeField("start")
    end_time = models.TimeField("end", null=True, blank=True)
    area = models.CharField("area or route", max_length=200)
    # Named in full, not as USER: the type checker finds the users' model only from the setting.
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="outreach_sessions")
    partners = models.ManyToManyField(
        Agency, blank=True, related_name="outreach_sessions", verbose_name="partners present"
    )
    other_partners = models.CharField(
        "other partners present", max_length=200, blank=True, help_text="Anyone not listed above."
    )
    notes = limited_text(blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[staff, partners])

    class Meta:
        ordering = ["-date", "-start_time", "-id"]
        verbose_name = "outreach session"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__isnull=True) | Q(end_time__gt=models.F("start_time")),
                name="session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%a %d/%m/%Y} {self.start_time:%H:%M}, {self.area}"

    def get_absolute_url(self) -> str:
        return reverse("outreach:session_detail", args=[self.pk])

    def clean(self) -> None:
        if self.end_time and self.start_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": "The session must end after it starts."})


class SessionCover(models.Model):
    """Cover on a planned session for a member of its staff away that day (the rota's): who is
    covered, by whom, and whether the covering worker took their place or joined them. A worker's
    place on a session is covered once (outreach.services.cover_session makes it)."""

    session = models.ForeignKey(OutreachSession, on_delete=models.PROTECT, related_name="covers")
    away = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name="cover for"
    )
    covering = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name="covering worker"
    )
    replaced = models.BooleanField(
        "took their place",
        default=True,
        help_text="Whether the worker covered was taken off the session (or stayed on it).",
    )
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "session cover"
        constraints = [
            models.UniqueConstraint(
                fields=["session", "away"],
                name="session_cover_once_per_worker",
                violation_error_message="This worker's place on the session is already covered.",
            ),
            models.CheckConstraint(
                condition=~Q(away=models.F("covering")),
                name="session_cover_by_someone_else",
                violation_error_message="A worker cannot cover for themselves.",
            ),
        ]

    def __str__(self) -> str:
        return f"Cover: {staff_label(self.covering)} for {staff_label(self.away)}"


class ContactKind(models.TextChoices):
    STREET_OUTREACH = "street_outreach", "Street outreach"
    PHONE = "phone", "Phone"
    OFFICE = "office", "Office"
    VISIT = "visit", "Visit"
    OTHER = "other", "Other"


class Verification(models.TextChoices):
    SEEN_BY_WORKER = "seen_by_worker", "Seen bedded down by the worker"
    PARTNER_AGENCY = "partner_agency", "Reported by a partner agency"
    SELF_REPORTED = "self_reported", "Self-reported"


class Engagement(models.TextChoices):
    ENGAGED = "engaged", "Engaged"
    DECLINED = "declined", "Declined"
    ASLEEP = "asleep_not_disturbed", "Asleep, not disturbed"


class ContactQuerySet(models.QuerySet["Contact"]):
    def bedded_down(self) -> ContactQuerySet:
        return self.filter(bedded_down=True)

    def unidentified(self) -> ContactQuerySet:
        return self.filter(client__isnull=True)

    def identified(self) -> ContactQuerySet:
        return self.filter(client__isnull=False)

    def on_days(self, first: date, last: date) -> ContactQuerySet:
        """Contacts whose local (Europe/London) date falls in first..last."""
        start, end = day_bounds(first, last)
        return self.filter(at__gte=start, at__lt=end)


class Contact(models.Model):
    """One contact with a person, or a sighting of someone not yet identified."""

    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        help_text="Leave empty for someone not yet identified, and describe them.",
    )
    description = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the person looked like, for someone not yet identified.",
    )
    at = models.DateTimeField("when", default=timezone.now)
    kind = models.CharField(max_length=20, choices=ContactKind.choices)
    bedded_down = models.BooleanField("bedded down", default=False)
    verification = models.CharField(
        "how rough sleeping was verified", max_length=20, choices=Verification.choices, blank=True
    )
    location = models.CharField(max_length=200, blank=True)
    hotspot = models.ForeignKey(
        Hotspot, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    engagement = models.CharField(
        max_length=25, choices=Engagement.choices, default=Engagement.ENGAGED
    )
    needs_observed = ArrayField(
        models.CharField(max_length=40, choices=SupportNeed.choices), default=list, blank=True
    )
    notes = limited_text(blank=True)
    sensitive = models.BooleanField(
        "mark this note sensitive",
        default=False,
        help_text="Only those who may see the person's special category data read the notes.",
    )
    session = models.ForeignKey(
        OutreachSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    worker = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="outreach_contacts")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["client", "at"], name="contact_client_at"),
            models.Index(fields=["at"], name="contact_at"),
            models.Index(
                fields=["at"], condition=Q(client__isnull=True), name="contact_unidentified_at"
            ),
            # The KPIs' look into a person's past ("seen before this month?", "a bedded-down
            # contact in the year before a placement"): one probe, whatever their history.
            models.Index(
                fields=["client", "at"],
                condition=Q(bedded_down=True),
                name="contact_bedded_down_client_at",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(client__isnull=False) | ~Q(description=""),
                name="contact_unidentified_has_description",
            ),
            models.CheckConstraint(
                condition=Q(bedded_down=False) | ~Q(verification=""),
                name="contact_bedded_down_is_verified",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="contact_coordinates_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        who = self.client.full_name if self.client is not None else "Unidentified person"
        return f"{who}, {timezone.localtime(self.at):%d/%m/%Y %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("outreach:contact_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.client_id is None and not self.description.strip():
            errors["description"] = "Describe the person, or choose who it was."
        if self.bedded_down and not self.verification:
            errors["verification"] = "Say how you know they were sleeping rough."
        if (self.latitude is None) != (self.longitude is None):
            errors["latitude"] = "Give both latitude and longitude, or neither."
        if self.at and is_future(self.at):
            errors["at"] = "A contact cannot be in the future."
        if errors:
            raise ValidationError(errors)

    @property
    def place(self) -> str:
        parts = [self.location, self.hotspot.name if self.hotspot_id and self.hotspot else ""]
        return ", ".join(dict.fromkeys(p for p in parts if p)) or "Not recorded"

    def needs_observed_labels(self) -> list[str]:
        return [SupportNeed(n).label for n in self.needs_observed if n in SupportNeed.values]

    def ordinary_needs_labels(self) -> list[str]:
        """The needs observed that are not special category or criminal-offence data."""
        return [SupportNeed(n).label for n in self.needs_observed if n not in SPECIAL_NEEDS]

    @property
    def special_needs_observed(self) -> list[str]:
        return [n for n in self.needs_observed if n in SPECIAL_NEEDS]

    @property
    def holds_special_category(self) -> bool:
        """Whether the contact holds what need to know restricts: such needs or a sensitive note."""
        return bool(self.special_needs_observed or (self.sensitive and self.notes))


class ReportSource(models.TextChoices):
    PUBLIC = "public", "Member of the public"
    STREETLINK = "streetlink", "StreetLink"
    POLICE = "police", "Police"
    OTHER = "other", "Other"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    SEARCHING = "searching", "Searching"
    FOUND = "found", "Found"
    NOT_FOUND = "not_found", "Not found"
    CLOSED = "closed", "Closed"


class PublicReportQuerySet(models.QuerySet["PublicReport"]):
    def live(self) -> PublicReportQuerySet:
        """Reports still being worked on."""
        return self.filter(status__in=[ReportStatus.OPEN, ReportStatus.SEARCHING])

    def overdue(self, now: datetime | None = None) -> PublicReportQuerySet:
        """Live reports with no attempt yet, received longer ago than the allowed hours."""
        now = now or timezone.now()
        limit = now - timedelta(hours=settings.OUTREACH_REPORT_ATTEMPT_HOURS)
        attempted = ReportAttempt.objects.filter(report=OuterRef("pk"))
        return self.live().filter(~Exists(attempted), received_at__lt=limit)


class PublicReport(models.Model):
    """A report of someone sleeping rough, from the public, StreetLink, the police or others."""

    received_at = models.DateTimeField("received", default=timezone.now)
    source = models.CharField(max_length=20, choices=ReportSource.choices)
    source_reference = models.CharField(
        max_length=60, blank=True, help_text="StreetLink or police reference, if there is one."
    )
    location = models.CharField(max_length=200)
    hotspot = models.ForeignKey(
        Hotspot, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    description = limited_text(help_text="Who was seen, when, and anything else said.")
    reporter_consents = models.BooleanField(
        "the reporter agrees to us keeping their contact details", default=False
    )
    reporter_name = models.CharField(max_length=120, blank=True)
    reporter_contact = models.CharField("reporter's phone or email", max_length=200, blank=True)
    status = models.CharField(
        max_length=12, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    allocated_session = models.ForeignKey(
        OutreachSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocated_reports",
    )
    found_contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    outcome = limited_text(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    objects = PublicReportQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "report from the public"
        verbose_name_plural = "reports from the public"
        constraints = [
            # UK GDPR: a reporter's details are kept only with their consent.
            models.CheckConstraint(
                condition=Q(reporter_consents=True) | Q(reporter_name="", reporter_contact=""),
                name="report_reporter_details_need_consent",
            ),
            models.CheckConstraint(
                condition=~Q(status="found") | Q(found_contact__isnull=False),
                name="report_found_has_contact",
            ),
        ]

    def __str__(self) -> str:
        received = timezone.localtime(self.received_at)
        return f"{self.get_source_display()} report, {received:%d/%m/%Y %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("outreach:report_detail", args=[self.pk])

    def clean(self) -> None:
        if not self.reporter_consents and (self.reporter_name or self.reporter_contact):
            raise ValidationError(
                {
                    "reporter_consents": "Keep the reporter's details only if they agree to it; "
                    "otherwise leave them out."
                }
            )
        if self.received_at and is_future(self.received_at):
            raise ValidationError({"received_at": "A report cannot be received in the future."})

    @property
    def first_attempt_at(self) -> datetime | None:
        """When someone first went looking (from the attempts, prefetched where lists need it)."""
        return min((attempt.at for attempt in self.attempts.all()), default=None)

    @property
    def time_to_first_attempt(self) -> timedelta | None:
        first = self.first_attempt_at
        return None if first is None else first - self.received_at

    def is_overdue(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.status in (ReportStatus.OPEN, ReportStatus.SEARCHING)
            and self.first_attempt_at is None
            and now - self.received_at > timedelta(hours=settings.OUTREACH_REPORT_ATTEMPT_HOURS)
        )

    @property
    def client(self) -> Client | None:
        return self.found_contact.client if self.found_contact_id and self.found_contact else None


class ReportAttempt(models.Model):
    """One go at finding the person a report is about."""

    report = models.ForeignKey(PublicReport, on_delete=models.PROTECT, related_name="attempts")
    at = models.DateTimeField("when", default=timezone.now)
    session = models.ForeignKey(
        OutreachSession, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    found = models.BooleanField("the person was found", default=False)
    notes = limited_text(blank=True)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Attempt {timezone.localtime(self.at):%d/%m/%Y %H:%M}"


class InterventionKind(models.TextChoices):
    RECONNECTION = "reconnection", "Reconnection"
    ACCOMMODATION_REFERRAL = "accommodation_referral", "Accommodation referral"
    CASEWORK = "short_term_casework", "Short-term casework"
    REFERRAL_ON = "referral_on", "Referral on"
    ADVICE = "advice", "Advice"


class InterventionOutcome(models.TextChoices):
    RECONNECTED = "reconnected", "Reconnected"
    DECLINED = "declined", "Declined"
    FAILED = "failed", "Failed"
    EXEMPT = "exempt", "Exempt (policy does not apply after assessment)"
    ACHIEVED = "achieved", "Achieved"
    NOT_ACHIEVED = "not_achieved", "Not achieved"
    DISENGAGED = "disengaged", "Person disengaged"


RECONNECTION_OUTCOMES = [
    InterventionOutcome.RECONNECTED,
    InterventionOutcome.DECLINED,
    InterventionOutcome.FAILED,
    InterventionOutcome.EXEMPT,
]


class InterventionQuerySet(models.QuerySet["Intervention"]):
    def reconnections(self) -> InterventionQuerySet:
        return self.filter(kind=InterventionKind.RECONNECTION)


class Intervention(models.Model):
    """A piece of work with a person: reconnection, accommodation referral, casework, advice."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="interventions")
    kind = models.CharField(max_length=30, choices=InterventionKind.choices)
    opened = models.DateField()
    closed = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=InterventionOutcome.choices, blank=True)
    outcome_notes = limited_text(blank=True)
    worker = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="interventions")
    notes = limited_text(blank=True)
    destination = models.CharField(
        "destination area", max_length=120, blank=True, help_text="For a reconnection."
    )
    local_connection_verified_by = models.CharField(
        "how the local connection was verified",
        max_length=300,
        blank=True,
        help_text="For a reconnection: who confirmed it, and how.",
    )
    travel_arranged = models.CharField(
        max_length=300, blank=True, help_text="For a reconnection: tickets, escort, date."
    )
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    objects = InterventionQuerySet.as_manager()

    class Meta:
        ordering = ["-opened", "-id"]
        indexes = [models.Index(fields=["kind", "closed"], name="intervention_kind_closed")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed__isnull=True) | Q(closed__gte=models.F("opened")),
                name="intervention_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(closed__isnull=True, outcome="")
                | (Q(closed__isnull=False) & ~Q(outcome="")),
                name="intervention_closed_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(kind="reconnection", outcome__in=["", *RECONNECTION_OUTCOMES])
                | (~Q(kind="reconnection") & ~Q(outcome__in=RECONNECTION_OUTCOMES)),
                name="intervention_outcome_fits_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.opened:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("outreach:intervention_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.closed and self.opened and self.closed < self.opened:
            errors["closed"] = "It cannot close before it opened."
        if self.closed and not self.outcome:
            errors["outcome"] = "Give the outcome when closing."
        if self.outcome and not self.closed:
            errors["closed"] = "Give the date it closed with the outcome."
        is_reconnection = self.kind == InterventionKind.RECONNECTION
        if self.outcome and is_reconnection and self.outcome not in RECONNECTION_OUTCOMES:
            errors["outcome"] = "A reconnection ends reconnected, declined, failed or exempt."
        if self.outcome and not is_reconnection and self.outcome in RECONNECTION_OUTCOMES:
            errors["outcome"] = "That outcome is for reconnections only."
        if self.opened and self.opened > timezone.localdate():
            errors["opened"] = "This date cannot be in the future."
        if self.closed and self.closed > timezone.localdate():
            errors["closed"] = "This date cannot be in the future."
        if errors:
            raise ValidationError(errors)

    @property
    def is_reconnection(self) -> bool:
        return self.kind == InterventionKind.RECONNECTION


class SwepTrigger(models.TextChoices):
    FREEZING = "freezing", "Forecast minimum temperature of 0°C or below"
    FEELS_LIKE = "feels_like", "Feels-like temperature below 0°C"
    OTHER_WEATHER = "other_weather", "Other severe weather (storm, snow, heat)"
    OTHER = "other", "Other"


class SwepActivationQuerySet(models.QuerySet["SevereWeatherActivation"]):
    def active_at(self, instant: datetime) -> SwepActivationQuerySet:
        return self.filter(starts__lte=instant, ends__gt=instant)


class SevereWeatherActivation(models.Model):
    """A period when the Severe Weather Emergency Protocol is in force."""

    starts = models.DateTimeField("from")
    ends = models.DateTimeField("to")
    trigger = models.CharField(max_length=20, choices=SwepTrigger.choices)
    forecast_minimum = models.DecimalField(
        "forecast minimum (°C)", max_digits=4, decimal_places=1, null=True, blank=True
    )
    note = limited_text(blank=True)
    activated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    objects = SwepActivationQuerySet.as_manager()

    class Meta:
        ordering = ["-starts"]
        verbose_name = "SWEP activation"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=models.F("starts")), name="swep_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        start, end = timezone.localtime(self.starts), timezone.localtime(self.ends)
        return f"SWEP {start:%d/%m/%Y %H:%M} to {end:%d/%m/%Y %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("outreach:swep_detail", args=[self.pk])

    def clean(self) -> None:
        if self.starts and self.ends and self.ends <= self.starts:
            raise ValidationError({"ends": "SWEP must end after it starts."})

    def is_active(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.starts <= now < self.ends


class SwepOfferKind(models.TextChoices):
    SHELTER_BED = "shelter_bed", "Shelter bed"
    EMERGENCY_ACCOMMODATION = "emergency_accommodation", "Emergency accommodation"
    OTHER = "other", "Other"


class SwepOffer(models.Model):
    """What was offered to a person during SWEP, and whether they took it."""

    activation = models.ForeignKey(
        SevereWeatherActivation, on_delete=models.PROTECT, related_name="offers"
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="swep_offers")
    offered_on = models.DateField("date")
    offer = models.CharField("what was offered", max_length=30, choices=SwepOfferKind.choices)
    accepted = models.BooleanField()
    declined_reason = models.CharField("reason for declining", max_length=300, blank=True)
    mental_health_assessment_requested = models.BooleanField(default=False)
    notes = limited_text(blank=True)
    made_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-offered_on", "-id"]
        verbose_name = "SWEP offer"
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted=True, declined_reason="") | Q(accepted=False),
                name="swep_offer_reason_only_when_declined",
            )
        ]

    def __str__(self) -> str:
        answer = "accepted" if self.accepted else "declined"
        offer = self.get_offer_display().lower()
        return f"SWEP offer of {offer} on {self.offered_on:%d/%m/%Y}, {answer}"

    def get_absolute_url(self) -> str:
        return reverse("outreach:swep_offer_detail", args=[self.pk])

    def clean(self) -> None:
        if self.accepted is False and not self.declined_reason.strip():
            raise ValidationError({"declined_reason": "Say why the offer was declined."})
        if self.accepted:
            self.declined_reason = ""


class CountMethod(models.TextChoices):
    COUNT = "count", "Count"
    ESTIMATE = "estimate", "Estimate"
    ESTIMATE_WITH_SPOTLIGHT = "estimate_with_spotlight", "Estimate with a spotlight count"


class RoughSleepingCount(models.Model):
    """The annual autumn snapshot: a typical night between 1 October and 30 November."""

    night = models.DateField(help_text="The night of the count or estimate.")
    method = models.CharField(max_length=30, choices=CountMethod.choices)
    areas_covered = limited_text()
    agencies_consulted = models.ManyToManyField(Agency, blank=True, related_name="+")
    notes = limited_text(blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[agencies_consulted])

    class Meta:
        ordering = ["-night"]
        verbose_name = "rough sleeping count"
        constraints = [
            models.UniqueConstraint(
                ExtractYear("night"),
                name="one_count_per_year",
                violation_error_message="There is already a count for that year; change that one.",
            ),
            models.CheckConstraint(
                condition=Q(night__month__in=[10, 11]), name="count_night_in_autumn"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.night.year} {self.get_method_display().lower()} ({self.night:%d/%m/%Y})"

    def get_absolute_url(self) -> str:
        return reverse("outreach:count_detail", args=[self.pk])

    def clean(self) -> None:
        if self.night and self.night.month not in (10, 11):
            raise ValidationError(
                {"night": "The snapshot is taken on a night between 1 October and 30 November."}
            )
        if self.night and self.night > timezone.localdate():
            raise ValidationError({"night": "This date cannot be in the future."})


class CountGender(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    OTHER = "other", "Other or non-binary"
    NOT_KNOWN = "not_known", "Not known"


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", "Under 18"
    AGE_18_25 = "18_25", "18 to 25"
    AGE_26_PLUS = "26_plus", "26 and over"
    NOT_KNOWN = "not_known", "Not known"


class NationalityGroup(models.TextChoices):
    UK = "uk", "UK"
    EU = "eu", "EU (not UK)"
    OUTSIDE_EU = "outside_eu", "Outside the EU"
    UNKNOWN = "unknown", "Not known"


class CountedPerson(models.Model):
    """One person in the snapshot, linked to their record when known."""

    count = models.ForeignKey(RoughSleepingCount, on_delete=models.PROTECT, related_name="people")
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, null=True, blank=True, related_name="counted_in"
    )
    gender = models.CharField(max_length=12, choices=CountGender.choices)
    age_band = models.CharField(max_length=12, choices=AgeBand.choices)
    nationality_group = models.CharField(max_length=12, choices=NationalityGroup.choices)
    location = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = "counted person"
        verbose_name_plural = "counted people"

    def __str__(self) -> str:
        return f"{self.get_gender_display()}, {self.get_age_band_display()}"

    def get_absolute_url(self) -> str:
        return reverse("outreach:count_detail", args=[self.count_id])
