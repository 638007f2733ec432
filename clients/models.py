"""People the team works with, and the agencies, plans, referrals and health access around them."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from clients import countries, names
from mars import waiting
from mars.dates import age_on, not_in_future
from mars.text import ADDRESS, limited_text

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from clients.consent import ConsentState


class Gender(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    NON_BINARY = "non_binary", "Non-binary"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known"


class ClientStatus(models.TextChoices):
    ROUGH_SLEEPING = "rough_sleeping", "Rough sleeping"
    AT_RISK = "at_risk", "At risk of rough sleeping"
    TEMPORARY_ACCOMMODATION = "temporary_accommodation", "Temporary accommodation"
    MARS_HOUSE = "mars_house", "MARS House"
    SETTLED = "settled", "Settled"
    RECONNECTED = "reconnected", "Reconnected"
    LOST_CONTACT = "lost_contact", "Lost contact"
    DECEASED = "deceased", "Deceased"


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


class PolicyApplies(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_ASSESSED = "not_assessed", "Not assessed"


class SupportNeed(models.TextChoices):
    MENTAL_HEALTH = "mental_health", "Mental health"
    DRUGS = "drugs", "Drugs"
    ALCOHOL = "alcohol", "Alcohol"
    PHYSICAL_HEALTH = "physical_health", "Physical health"
    LEARNING_DISABILITY = "learning_disability", "Learning disability"
    OFFENDING_HISTORY = "offending_history", "Offending history"
    CARE_LEAVER = "care_leaver", "Care leaver"
    ARMED_FORCES = "armed_forces", "Armed forces"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"


class PublicFunds(models.TextChoices):
    """Whether a person may get benefits and housing help paid from public funds: an immigration
    fact, kept with the special category data (clients.special)."""

    ELIGIBLE = "eligible", "Eligible"
    NO_RECOURSE = "no_recourse", "No recourse to public funds"
    NOT_KNOWN = "not_known", "Not known"


# Needs that are special category or criminal-offence data (UK GDPR Articles 9 and 10): seen
# only by those clients.access.may_see_special_category lets see them.
HEALTH_NEEDS = frozenset(
    {
        SupportNeed.MENTAL_HEALTH,
        SupportNeed.DRUGS,
        SupportNeed.ALCOHOL,
        SupportNeed.PHYSICAL_HEALTH,
        SupportNeed.LEARNING_DISABILITY,
    }
)
OFFENDING_NEEDS = frozenset({SupportNeed.OFFENDING_HISTORY})
SPECIAL_NEEDS = HEALTH_NEEDS | OFFENDING_NEEDS


class Ethnicity(models.TextChoices):
    """Census 2021 (England and Wales) groups; special category data under UK GDPR."""

    ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian: Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Asian: Chinese"
    ASIAN_INDIAN = "asian_indian", "Asian: Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Asian: Pakistani"
    ASIAN_OTHER = "asian_other", "Asian: any other Asian background"
    BLACK_AFRICAN = "black_african", "Black: African"
    BLACK_CARIBBEAN = "black_caribbean", "Black: Caribbean"
    BLACK_OTHER = "black_other", "Black: any other Black background"
    MIXED_WHITE_ASIAN = "mixed_white_asian", "Mixed: White and Asian"
    MIXED_WHITE_BLACK_AFRICAN = "mixed_white_black_african", "Mixed: White and Black African"
    MIXED_WHITE_BLACK_CARIBBEAN = (
        "mixed_white_black_caribbean",
        "Mixed: White and Black Caribbean",
    )
    MIXED_OTHER = "mixed_other", "Mixed: any other mixed background"
    WHITE_BRITISH = "white_british", "White: English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "white_irish", "White: Irish"
    WHITE_TRAVELLER = "white_gypsy_irish_traveller", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "white_roma", "White: Roma"
    WHITE_OTHER = "white_other", "White: any other White background"
    OTHER_ARAB = "other_arab", "Other: Arab"
    OTHER = "other", "Other: any other ethnic group"
    NOT_STATED = "not_stated", "Not stated"


class AgencyKind(models.TextChoices):
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    MENTAL_HEALTH = "mental_health", "Mental health"
    DRUG_ALCOHOL = "drug_alcohol", "Drug and alcohol"
    GP_PRACTICE = "gp_practice", "GP practice"
    HOUSING = "housing", "Housing provider"
    COUNCIL = "council", "Council"
    PROBATION = "probation", "Probation"
    VOLUNTARY = "voluntary", "Voluntary sector"
    OTHER = "other", "Other"


class Agency(models.Model):
    """An external organisation the team works with."""

    key = models.SlugField(max_length=50, unique=True, help_text="Short unique key, e.g. harbour.")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices, default=AgencyKind.OTHER)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = limited_text(max_length=ADDRESS, blank=True)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("clients:agency_detail", args=[self.pk])


class ClientQuerySet(models.QuerySet["Client"]):
    def active(self) -> ClientQuerySet:
        """People who have not been merged into another record."""
        return self.filter(merged_into__isnull=True)

    def search(self, text: str) -> ClientQuerySet:
        """Every word must start, sound like or be a nickname of a word of a name, known-as or
        alias (see clients.names); a reference or date matches exactly."""
        text = text.strip()
        if not text:
            return self
        reference = normal_reference(text)
        if reference is not None:
            return self.filter(reference=reference)
        born = parse_uk_date(text)
        if born is not None:
            return self.filter(date_of_birth=born)
        queryset = self
        for word in names.words(text):
            queryset = queryset.filter(pk__in=PersonName.objects.matching_word(word))
        return queryset

    def with_need(self, need: str) -> ClientQuerySet:
        return self.filter(support_needs__contains=[need])

    def consent_expiring_or_expired(self, day: date) -> ClientQuerySet:
        """People whose consent reaches its review-by date within 30 days of the day, or has."""
        from clients.consent import Consent

        return self.filter(pk__in=Consent.objects.expiring_or_expired(day).values("client_id"))

    def without_valid_consent(self, day: date) -> ClientQuerySet:
        """People whose deciding consent on the day is not a valid one: none recorded, refused,
        withdrawn or past its review-by date."""
        from clients.consent import Consent

        valid = Consent.objects.decided_by(day).valid_on(day).values("client_id")
        return self.exclude(pk__in=valid)


def normal_reference(text: str) -> str | None:
    """MARS-000123 from "mars-123", "MARS-000123" or "123"; None if the text is no reference."""
    digits = text.strip().upper().removeprefix("MARS-")
    return f"MARS-{int(digits):06d}" if digits.isdigit() else None


def parse_uk_date(text: str) -> date | None:
    """Read 31/12/1985 or 1985-12-31 as a date; anything else is not a date."""
    from datetime import datetime

    for fmt in settings.DATE_INPUT_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


class Client(models.Model):
    """A person the team works with."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    known_as = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True, validators=[not_in_future])
    date_of_birth_approximate = models.BooleanField("date of birth is approximate", default=False)
    gender = models.CharField(max_length=20, choices=Gender.choices, default=Gender.NOT_KNOWN)
    # ISO 3166-1 alpha-2 ("GB", "PL"); empty when not known (clients.countries).
    nationality = models.CharField(
        max_length=2, blank=True, validators=[countries.validate_code], db_index=True
    )
    # The free text a nationality was first written as, kept while it names no one country, so
    # the coordinator can set the country (clients:nationalities_to_fix).
    nationality_as_recorded = models.CharField(
        "nationality as recorded", max_length=100, blank=True, editable=False
    )
    # "No recourse" follows from a person's immigration status: special category (clients.special).
    public_funds = models.CharField(
        "access to public funds",
        max_length=20,
        choices=PublicFunds.choices,
        default=PublicFunds.NOT_KNOWN,
    )
    ethnicity = models.CharField(max_length=40, choices=Ethnicity.choices, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    key_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="caseload",
    )
    status = models.CharField(
        max_length=30, choices=ClientStatus.choices, default=ClientStatus.ROUGH_SLEEPING
    )
    local_connection = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    reconnection_policy_applies = models.CharField(
        max_length=20, choices=PolicyApplies.choices, default=PolicyApplies.NOT_ASSESSED
    )
    primary_care_relevant = models.BooleanField(default=True)
    gp_registered = models.BooleanField("registered with a GP", default=False)
    support_needs = ArrayField(
        models.CharField(max_length=40, choices=SupportNeed.choices), default=list, blank=True
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_duplicates",
        editable=False,
    )
    merged_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The key a bundle import matched this person on ("C01"), so importing again finds them.
    external_ref = models.CharField(
        "reference in the system they came from", max_length=40, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        permissions = [
            ("merge_client", "Can merge duplicate people"),
            # Without it, one who may see people sees only those put before them (need to know).
            ("view_every_client", "Can see every person, not only those put before them"),
            # Ethnicity, health, offending, immigration and sensitive notes of every person; key
            # workers see their own caseload's without it (clients.access).
            (
                "view_special_category",
                "Can see every person's special category and criminal-offence data",
            ),
        ]
        indexes = [
            models.Index(fields=["last_name", "first_name", "id"], name="client_name_order"),
            # Prefix search (istartswith) compares UPPER(column) LIKE 'ABC%'; these serve it.
            models.Index(
                OpClass(Upper("last_name"), name="text_pattern_ops"), name="client_last_name_prefix"
            ),
            models.Index(
                OpClass(Upper("first_name"), name="text_pattern_ops"),
                name="client_first_name_prefix",
            ),
            models.Index(
                OpClass(Upper("known_as"), name="text_pattern_ops"), name="client_known_as_prefix"
            ),
            models.Index(fields=["date_of_birth"], name="client_date_of_birth"),
            models.Index(fields=["status"], name="client_status"),
            GinIndex(fields=["support_needs"], name="client_support_needs"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")), name="client_not_merged_into_self"
            ),
            models.UniqueConstraint(
                fields=["external_ref"],
                condition=~Q(external_ref=""),
                name="client_external_ref_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.reference})"

    def get_absolute_url(self) -> str:
        return reverse("clients:detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def display_name(self) -> str:
        if self.known_as and self.known_as.lower() != self.first_name.lower():
            return f"{self.full_name} (known as {self.known_as})"
        return self.full_name

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None

    @cached_property
    def consent(self) -> ConsentState:
        """The person's information-sharing consent today (clients.consent)."""
        return consent_state(self)

    @property
    def alias_names(self) -> list[str]:
        return [alias.name for alias in self.aliases.all()]

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        return age_on(self.date_of_birth, day)

    def support_need_labels(self) -> list[str]:
        return [
            SupportNeed(need).label for need in self.support_needs if need in SupportNeed.values
        ]

    def ordinary_need_labels(self) -> list[str]:
        """The support needs that are not special category or criminal-offence data."""
        return [
            SupportNeed(need).label
            for need in self.support_needs
            if need in SupportNeed.values and need not in SPECIAL_NEEDS
        ]

    @property
    def special_needs(self) -> list[str]:
        return [need for need in self.support_needs if need in SPECIAL_NEEDS]

    @property
    def holds_special_category(self) -> bool:
        """Whether the record itself holds any special category data (ethnicity or a need)."""
        return bool(self.ethnicity or self.special_needs)

    @staticmethod
    def next_id() -> int:
        """Reserve the next primary key, so the reference is known before the only insert."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence('clients_client', 'id'))")
            return int(cursor.fetchone()[0])

    @staticmethod
    def reference_for(pk: int) -> str:
        return f"MARS-{pk:06d}"


# What a person's record holds that staff may set, in the order forms and the API present it.
PERSON_FIELDS = [
    "first_name",
    "last_name",
    "known_as",
    "date_of_birth",
    "date_of_birth_approximate",
    "gender",
    "nationality",
    "public_funds",
    "ethnicity",
    "phone",
    "status",
    "key_worker",
    "local_connection",
    "reconnection_policy_applies",
    "primary_care_relevant",
    "gp_registered",
    "support_needs",
]


class ClientAlias(models.Model):
    """Another name a person is known by, as searched for on the street."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="aliases")
    name = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "aliases"
        indexes = [
            models.Index(OpClass(Upper("name"), name="text_pattern_ops"), name="alias_name_prefix")
        ]
        constraints = [
            models.UniqueConstraint(Upper("name"), "client", name="alias_unique_per_client")
        ]

    def __str__(self) -> str:
        return self.name


class NameKind(models.TextChoices):
    FIRST = "first", "First name"
    LAST = "last", "Last name"
    KNOWN_AS = "known_as", "Known as"
    ALIAS = "alias", "Alias"


class PersonNameQuerySet(models.QuerySet["PersonName"]):
    def matching_word(self, word: str) -> models.QuerySet[PersonName, int]:
        """Ids of people with a name word that starts with this (normalised) word, sounds like it
        or is one of its nicknames: each an indexed lookup."""
        match = Q(normalised__startswith=word)
        nicknames = names.nicknames(word) - {word}
        if nicknames:
            match |= Q(normalised__in=nicknames)
        metaphone, nysiis = names.sounds(word)
        if metaphone:
            match |= Q(metaphone=metaphone) | Q(nysiis=nysiis)
        return self.filter(match).values_list("client_id", flat=True)


class PersonName(models.Model):
    """One word of a person's name, known-as or alias, normalised and as it sounds: the index
    search and the duplicate check look people up in. Kept in step by clients.services."""

    # An index of the person's own fields, not case data: it goes with them.
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="name_words")
    kind = models.CharField(max_length=10, choices=NameKind.choices)
    normalised = models.CharField(max_length=200)
    metaphone = models.CharField(max_length=40, blank=True)
    nysiis = models.CharField(max_length=40, blank=True)

    objects = PersonNameQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(OpClass("normalised", name="text_pattern_ops"), name="person_name_prefix"),
            models.Index(fields=["metaphone"], name="person_name_metaphone"),
            models.Index(fields=["nysiis"], name="person_name_nysiis"),
        ]

    def __str__(self) -> str:
        return self.normalised


def name_rows(client: Client, aliases: list[str]) -> list[PersonName]:
    """The PersonName rows a person with these names and aliases is found by."""
    rows: dict[tuple[str, str], PersonName] = {}
    named = [
        (NameKind.FIRST, client.first_name),
        (NameKind.LAST, client.last_name),
        (NameKind.KNOWN_AS, client.known_as),
        *[(NameKind.ALIAS, alias) for alias in aliases],
    ]
    for kind, text in named:
        for word in names.index_words(text):
            metaphone, nysiis = names.sounds(word)
            rows.setdefault(
                (kind, word),
                PersonName(
                    client=client, kind=kind, normalised=word, metaphone=metaphone, nysiis=nysiis
                ),
            )
    return list(rows.values())


class GoalStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    ACHIEVED = "achieved", "Achieved"
    NOT_ACHIEVED = "not_achieved", "Not achieved"


class SupportPlanQuerySet(models.QuerySet["SupportPlan"]):
    def in_force_on(self, day: date) -> SupportPlanQuerySet:
        return self.filter(Q(end__isnull=True) | Q(end__gte=day), start__lte=day)


class SupportPlan(models.Model):
    """A multi-agency support plan for a person."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="support_plans")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    review_date = models.DateField(null=True, blank=True)
    summary = limited_text(blank=True)
    agencies = models.ManyToManyField(Agency, blank=True, related_name="support_plans")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[agencies], excluded_fields=["created_at"])

    objects = SupportPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="support_plan_ends_after_start",
            )
        ]
        # Plans in force on a day (the KPIs' month ends): the open ones (end null) and those
        # ending on or after it, without reading every plan ever made.
        indexes = [models.Index(fields=["end"], name="support_plan_end")]

    def __str__(self) -> str:
        return f"Support plan from {self.start:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("clients:support_plan_detail", args=[self.pk])

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "The plan cannot end before it starts."})

    def is_in_force_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)


class SupportGoal(models.Model):
    """One goal of a support plan, with how far it has got."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="goals")
    description = models.CharField(max_length=300)
    status = models.CharField(
        max_length=20, choices=GoalStatus.choices, default=GoalStatus.NOT_STARTED
    )
    target_date = models.DateField(null=True, blank=True)
    notes = limited_text(blank=True)
    sensitive = models.BooleanField(
        "mark this note sensitive",
        default=False,
        help_text="Only those who may see the person's special category data read it.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description


class ReferralDirection(models.TextChoices):
    IN = "in", "Referral in (to MARS)"
    OUT = "out", "Referral out (from MARS)"


class ReferralStatus(models.TextChoices):
    SENT = "sent", "Sent"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    CLOSED = "closed", "Closed"


class Referral(models.Model):
    """A referral of a person to or from a partner agency."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="referrals")
    direction = models.CharField(max_length=3, choices=ReferralDirection.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="referrals")
    referred_on = models.DateField(validators=[not_in_future])
    reason = limited_text()
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    status_changed_on = models.DateField(null=True, blank=True)
    notes = limited_text(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-referred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.agency} on {self.referred_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("clients:referral_detail", args=[self.pk])

    @property
    def is_waiting(self) -> bool:
        """Sent and not yet answered (accepted, declined or closed)."""
        return self.status == ReferralStatus.SENT

    @property
    def response_due(self) -> date:
        """The day it is to be answered by (REFERRAL_RESPONSE_DAYS for its direction)."""
        return waiting.response_due(self.direction, self.referred_on)

    def days_waiting(self, today: date | None = None) -> int:
        """Days from the referral to its answer, or to today while it waits."""
        end = (None if self.is_waiting else self.status_changed_on) or today or timezone.localdate()
        return (end - self.referred_on).days

    def days_over(self, today: date | None = None) -> int:
        """Days past its answer's due date while it waits (0 when not past it)."""
        if not self.is_waiting:
            return 0
        return max(0, ((today or timezone.localdate()) - self.response_due).days)


class HealthAccessKind(models.TextChoices):
    GP_REGISTRATION = "gp_registration", "GP registration"
    GP_APPOINTMENT = "gp_appointment", "GP appointment"
    DENTAL = "dental", "Dental"
    MENTAL_HEALTH_ASSESSMENT = "mental_health_assessment", "Mental health assessment"
    DRUG_ALCOHOL_TREATMENT = "drug_alcohol_treatment", "Drug and alcohol treatment"
    HEPATITIS_C = "hepatitis_c", "Hepatitis C testing or treatment"
    HOSPITAL = "hospital", "Hospital"
    OTHER = "other", "Other"


class HealthAccess(models.Model):
    """A time a person got to a health service."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="health_access")
    kind = models.CharField(max_length=30, choices=HealthAccessKind.choices)
    date = models.DateField(validators=[not_in_future])
    outcome = models.CharField(max_length=300, blank=True)
    notes = limited_text(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = "health access"
        indexes = [
            # Primary care access: a person's first GP registration or appointment, one probe.
            models.Index(
                fields=["client", "date"],
                condition=Q(kind__in=["gp_registration", "gp_appointment"]),
                name="health_access_gp_client_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.date:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("clients:health_access_detail", args=[self.pk])


class DischargeKind(models.TextChoices):
    """Institutions England's rough sleeping return counts people leaving (RSDF P2)."""

    PRISON = "prison", "Prison"
    YOUTH_CUSTODY = "youth_custody", "Youth custody"
    OTHER_JUSTICE = "other_justice", "Other criminal-justice accommodation"
    HOSPITAL_GENERAL = "hospital_general", "Hospital (general)"
    HOSPITAL_MENTAL_HEALTH = "hospital_mental_health", "Hospital (mental health)"
    ARMED_FORCES = "armed_forces", "The armed forces"
    ASYLUM_SUPPORT = "asylum_support", "Asylum support"


class DischargeEvidence(models.TextChoices):
    SELF_REPORTED = "self_reported", "Self-reported"
    VERIFIED = "verified", "Verified"


class Discharge(models.Model):
    """A person leaving an institution (prison, hospital, the armed forces, asylum support): an
    offending or health fact, so special category (clients.special)."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="discharges")
    kind = models.CharField(max_length=30, choices=DischargeKind.choices)
    date = models.DateField(validators=[not_in_future])
    evidence = models.CharField(
        max_length=20, choices=DischargeEvidence.choices, default=DischargeEvidence.SELF_REPORTED
    )
    notes = limited_text(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["date"], name="discharge_date")]
        constraints = [
            # One leaving of one institution a day: what a bundle import matches on.
            models.UniqueConstraint(
                fields=["client", "kind", "date"], name="discharge_unique_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"Left {self.get_kind_display().lower()} on {self.date:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("clients:discharge_detail", args=[self.pk])


class BreakGlassQuerySet(models.QuerySet["BreakGlass"]):
    def in_force(self, at: datetime | None = None) -> BreakGlassQuerySet:
        return self.filter(expires_at__gt=at or timezone.now())


class BreakGlass(models.Model):
    """An urgent reading of one person's restricted information by someone who may not normally
    see it: who, whom, why and until when. Appended only: a grant is never changed or removed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="break_glass_grants")
    reason = models.CharField(max_length=500)
    at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(editable=False)
    history = HistoricalRecords()

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "break-glass grant"
        indexes = [models.Index(fields=["user", "client", "expires_at"], name="break_glass_live")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("at")), name="break_glass_expires_after"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="break_glass_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Break glass by {self.user} for {self.client.reference} at {self.at:%d/%m/%Y %H:%M}"

    def is_in_force(self, at: datetime | None = None) -> bool:
        return self.expires_at > (at or timezone.now())


def key_worker_choices() -> models.QuerySet[User]:
    """Staff who can hold a caseload."""
    from django.contrib.auth import get_user_model

    from mars.roles import Role

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__name__in=[Role.SUPPORT, Role.OUTREACH, Role.COORDINATOR],
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


# Consent and sharing on another lawful basis live in clients.consent; imported here so Django
# finds the models with the app's others.
from clients.consent import Consent as Consent  # noqa: E402
from clients.consent import SharingWithoutConsent as SharingWithoutConsent  # noqa: E402
from clients.consent import consent_state  # noqa: E402
