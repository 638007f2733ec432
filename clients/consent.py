"""Information-sharing consent with a scope and an end, and sharing on another lawful basis.

A person's consent is a record of its own (`Consent`): given or refused, how, what it covers,
given on, review by, withdrawn on. A person may have several over time; the latest given on or
before a day (the newest recorded first, on the same day) decides what may be shared that day.

What a consent covers is kinds of agency (`SharingScope`) and/or agencies named in it. Each kind
of agency the team records (`AgencyKind`) falls under one scope, or none (`SCOPE_OF_KIND`):

    health          health, mental health, GP practice
    police          police
    housing         housing provider, council (its housing options and homelessness duty)
    drug_alcohol    drug and alcohol services
    probation       probation

Voluntary-sector and "other" agencies fall under no scope: sharing with one needs it named in the
consent (or another lawful basis).

A consent is valid from its given-on day up to the day before its review-by day (on the review-by
day it has expired unless a new one was recorded) and up to the day before it was withdrawn.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from mars.dates import add_months, not_in_future
from mars.text import limited_text


# What this module needs of a person and an agency (clients.models imports this module, so it
# names them by shape rather than importing them back).
class Person(Protocol):
    pk: Any
    first_name: str
    known_as: str


class PartnerAgency(Protocol):
    pk: Any
    name: str
    kind: str

    def get_kind_display(self) -> str: ...


# Workers are reminded this many days before a review-by date; the people list's "expiring".
CONSENT_NOTICE_DAYS = 30


class ConsentOutcome(models.TextChoices):
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"


class ConsentHow(models.TextChoices):
    WRITTEN = "written", "Written"
    VERBAL = "verbal", "Verbal"
    ADVOCATE = "advocate", "Through an advocate"
    # Only consents moved from the person's record (before consent was a record) say this.
    NOT_RECORDED = "not_recorded", "Not recorded"


class SharingScope(models.TextChoices):
    HEALTH = "health", "Health"
    POLICE = "police", "Police"
    HOUSING = "housing", "Housing"
    DRUG_ALCOHOL = "drug_alcohol", "Drug and alcohol"
    PROBATION = "probation", "Probation"


# AgencyKind value -> the scope it falls under (see the module's docstring); absent: none.
SCOPE_OF_KIND: dict[str, str] = {
    "health": SharingScope.HEALTH,
    "mental_health": SharingScope.HEALTH,
    "gp_practice": SharingScope.HEALTH,
    "police": SharingScope.POLICE,
    "housing": SharingScope.HOUSING,
    "council": SharingScope.HOUSING,
    "drug_alcohol": SharingScope.DRUG_ALCOHOL,
    "probation": SharingScope.PROBATION,
}


def scope_of(agency: PartnerAgency) -> str | None:
    """The scope an agency's kind falls under, or None (it must be named)."""
    return SCOPE_OF_KIND.get(agency.kind)


def default_review_by(given_on: date) -> date:
    """Given on plus settings.CONSENT_REVIEW_MONTHS calendar months."""
    return add_months(given_on, settings.CONSENT_REVIEW_MONTHS)


def scope_labels(scopes: list[str]) -> list[str]:
    return [SharingScope(s).label.lower() for s in SharingScope.values if s in scopes]


class ConsentQuerySet(models.QuerySet["Consent"]):
    def decided_by(self, day: date) -> ConsentQuerySet:
        """Each person's consent that decides on a day: the latest given on or before it."""
        latest = (
            Consent.objects.filter(client=OuterRef("client"), given_on__lte=day)
            .order_by("-given_on", "-recorded_at", "-id")
            .values("pk")[:1]
        )
        return self.filter(given_on__lte=day, pk=Subquery(latest))

    def valid_on(self, day: date) -> ConsentQuerySet:
        """Given consents in force on a day (not yet at review-by, not withdrawn)."""
        return self.filter(
            outcome=ConsentOutcome.GIVEN, given_on__lte=day, review_by__gt=day
        ).filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))

    def expiring_or_expired(self, day: date) -> ConsentQuerySet:
        """Deciding consents, given and not withdrawn, whose review-by is within the notice
        period (CONSENT_NOTICE_DAYS) or past."""
        from datetime import timedelta

        return (
            self.decided_by(day)
            .filter(outcome=ConsentOutcome.GIVEN)
            .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))
            .filter(review_by__lte=day + timedelta(days=CONSENT_NOTICE_DAYS))
        )


class Consent(models.Model):
    """A person's information-sharing consent (or their refusal), as they gave it."""

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="consents")
    outcome = models.CharField(max_length=10, choices=ConsentOutcome.choices)
    how = models.CharField("how it was given", max_length=20, choices=ConsentHow.choices)
    scopes = ArrayField(
        models.CharField(max_length=20, choices=SharingScope.choices),
        default=list,
        blank=True,
        verbose_name="kinds of agency it covers",
    )
    agencies = models.ManyToManyField(
        "clients.Agency", blank=True, related_name="consents", verbose_name="agencies named"
    )
    given_on = models.DateField(
        "given (or refused) on", validators=[not_in_future], help_text="Refused on, for a refusal."
    )
    review_by = models.DateField(null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True, validators=[not_in_future])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    notes = limited_text(blank=True)
    history = HistoricalRecords(m2m_fields=[agencies])

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_on", "-recorded_at", "-id"]
        indexes = [models.Index(fields=["client", "-given_on"], name="consent_client_given")]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("given_on")),
                name="consent_withdrawn_after_given",
            ),
            # A consent given has a review-by after it was given; a refusal has neither a
            # review-by nor a withdrawal, and covers nothing.
            models.CheckConstraint(
                condition=Q(outcome="given", review_by__gt=F("given_on"))
                | Q(
                    outcome="refused", review_by__isnull=True, withdrawn_on__isnull=True, scopes=[]
                ),
                name="consent_review_by_fits_outcome",
            ),
            # The same record twice (a double submission) is refused by the database too.
            models.UniqueConstraint(
                fields=["client", "given_on", "outcome"],
                condition=Q(withdrawn_on__isnull=True),
                name="consent_one_open_per_day",
            ),
        ]

    def __str__(self) -> str:
        if self.outcome == ConsentOutcome.REFUSED:
            return f"Consent refused on {self.given_on:%d/%m/%Y}"
        return f"Consent given on {self.given_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("clients:consent_detail", args=[self.pk])

    def clean(self) -> None:
        if self.withdrawn_on and self.given_on and self.withdrawn_on < self.given_on:
            raise ValidationError(
                {"withdrawn_on": "Withdrawal cannot be before consent was given."}
            )
        if (
            self.outcome == ConsentOutcome.GIVEN
            and self.review_by
            and self.given_on
            and self.review_by <= self.given_on
        ):
            raise ValidationError({"review_by": "The review-by date must be after it was given."})

    def covered_labels(self) -> list[str]:
        """What it covers, in words: kinds first, then agencies named."""
        return scope_labels(list(self.scopes)) + [a.name for a in self.agencies.all()]

    def is_valid_on(self, day: date) -> bool:
        return (
            self.outcome == ConsentOutcome.GIVEN
            and self.given_on <= day
            and self.review_by is not None
            and day < self.review_by
            and (self.withdrawn_on is None or day < self.withdrawn_on)
        )

    def covers(self, agency: PartnerAgency, *, on: date) -> bool:
        """Whether sharing with this agency is within this consent on a day."""
        if not self.is_valid_on(on):
            return False
        scope = scope_of(agency)
        if scope is not None and scope in self.scopes:
            return True
        return any(a.pk == agency.pk for a in self.agencies.all())


class ConsentStatus(models.TextChoices):
    VALID = "valid", "Valid"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"
    REFUSED = "refused", "Refused"
    NONE = "none", "None recorded"


@dataclass
class ConsentState:
    """What a person's consent says on a day, and the words for it."""

    client: Person
    on: date
    status: str
    consent: Consent | None
    covered: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """Consent at a glance: "Valid until 01/12/2027, covers health, housing"."""
        c = self.consent
        if c is None or self.status == ConsentStatus.NONE:
            return "No consent recorded"
        if self.status == ConsentStatus.REFUSED:
            return f"Refused on {c.given_on:%d/%m/%Y}"
        if self.status == ConsentStatus.WITHDRAWN:
            return f"Withdrawn on {c.withdrawn_on:%d/%m/%Y}"
        if self.status == ConsentStatus.EXPIRED:
            return f"Expired on {c.review_by:%d/%m/%Y}"
        return f"Valid until {c.review_by:%d/%m/%Y}, covers {', '.join(self.covered)}"

    @property
    def headline(self) -> str:
        """For the banner: the summary without what it covers."""
        return self.summary.split(", covers")[0]

    def covers(self, agency: PartnerAgency) -> bool:
        return self.consent is not None and self.consent.covers(agency, on=self.on)

    def refusal_for(self, agency: PartnerAgency) -> str:
        """Why sharing with the agency is not covered, said so a worker can act on it."""
        name = self.client.known_as or self.client.first_name
        c = self.consent
        if c is None or self.status == ConsentStatus.NONE:
            return f"{name} has no consent recorded for sharing with {agency.name}."
        if self.status == ConsentStatus.REFUSED:
            return f"{name} refused consent to share information on {c.given_on:%d/%m/%Y}."
        if self.status == ConsentStatus.WITHDRAWN:
            return f"{name}'s consent was withdrawn on {c.withdrawn_on:%d/%m/%Y}."
        if self.status == ConsentStatus.EXPIRED:
            return f"{name}'s consent has expired on {c.review_by:%d/%m/%Y}."
        scope = scope_of(agency)
        what = SharingScope(scope).label.lower() if scope else agency.get_kind_display().lower()
        return (
            f"{name}'s consent does not cover sharing with {agency.name} ({what}) "
            f"(it covers {', '.join(self.covered)})."
        )


def consent_state(client: Person, on: date | None = None) -> ConsentState:
    """The person's consent on a day (today by default): valid until X and covering Y,
    expired, withdrawn, refused or none."""
    day = on or timezone.localdate()
    consent = (
        Consent.objects.filter(client_id=client.pk, given_on__lte=day)
        .prefetch_related("agencies")
        .order_by("-given_on", "-recorded_at", "-id")
        .first()
    )
    return state_among(client, [consent] if consent else [], day)


def state_among(
    client: Person, consents: Iterable[Consent], on: date | None = None
) -> ConsentState:
    """consent_state from the person's consents already fetched (a list page's prefetch)."""
    day = on or timezone.localdate()
    consent = max(
        (c for c in consents if c.given_on <= day),
        key=lambda c: (c.given_on, c.recorded_at, c.pk),
        default=None,
    )
    if consent is None:
        return ConsentState(client, day, ConsentStatus.NONE, None)
    if consent.outcome == ConsentOutcome.REFUSED:
        return ConsentState(client, day, ConsentStatus.REFUSED, consent)
    if consent.withdrawn_on is not None and consent.withdrawn_on <= day:
        return ConsentState(client, day, ConsentStatus.WITHDRAWN, consent)
    if consent.review_by is not None and consent.review_by <= day:
        return ConsentState(client, day, ConsentStatus.EXPIRED, consent)
    return ConsentState(client, day, ConsentStatus.VALID, consent, consent.covered_labels())


class LawfulBasis(models.TextChoices):
    """Grounds for sharing without consent (UK GDPR Article 6, DPA 2018 Schedule 1)."""

    SAFEGUARDING = "safeguarding", "Safeguarding"
    VITAL_INTERESTS = "vital_interests", "Vital interests"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation"
    PREVENTION_OF_CRIME = "prevention_of_crime", "Prevention or detection of crime"


class SharingWithoutConsent(models.Model):
    """Sharing with an agency that the person's consent did not cover, on another lawful basis
    the worker recorded with a reason: kept for the coordinator to see."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="sharing_without_consent"
    )
    agency = models.ForeignKey(
        "clients.Agency", on_delete=models.PROTECT, related_name="sharing_without_consent"
    )
    basis = models.CharField("lawful basis", max_length=30, choices=LawfulBasis.choices)
    reason = limited_text()
    # What the consent said at the time, so the record explains itself later.
    consent_said = models.CharField("consent at the time", max_length=500)
    referral = models.ForeignKey(
        "clients.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sharing_without_consent",
    )
    support_plan = models.ForeignKey(
        "clients.SupportPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sharing_without_consent",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = "sharing without consent"
        verbose_name_plural = "sharing without consent"
        permissions = [
            ("review_sharingwithoutconsent", "Can review all sharing without consent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(referral__isnull=False, support_plan__isnull=True)
                | Q(referral__isnull=True, support_plan__isnull=False),
                name="sharing_allowed_one_record",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="sharing_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Shared with {self.agency} on {self.get_basis_display().lower()}"

    def get_absolute_url(self) -> str:
        return reverse("clients:sharing_detail", args=[self.pk])

    @property
    def allowed(self) -> models.Model | None:
        """The referral or support plan this sharing allowed."""
        return self.referral or self.support_plan
