from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from clients.consent import Consent, SharingWithoutConsent, default_review_by
from clients.models import (
    Agency,
    BreakGlass,
    Client,
    ClientAlias,
    Discharge,
    DischargeKind,
    HealthAccess,
    Referral,
    SupportPlan,
)
from clients.services import index_names
from funds.models import Fund, FundKind, PaymentRequest
from mars.dates import financial_year
from mars.roles import Role

PASSWORD = "a-long-test-password-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"worker{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@mars.example")

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: Any) -> None:
        self.set_password(extracted or PASSWORD)
        if create:
            self.save()

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs: Any) -> None:
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["key"]

    key = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.Sequence(lambda n: f"Partner Agency {n}")


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=75)

    @classmethod
    def _create(cls, model_class: type[Client], *args: Any, **kwargs: Any) -> Client:
        pk = Client.next_id()
        return super()._create(
            model_class, *args, id=pk, reference=Client.reference_for(pk), **kwargs
        )

    @factory.post_generation
    def aliases(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        for name in extracted or []:
            ClientAlias.objects.create(client=self, name=name)
        if create:
            index_names(self)


class SupportPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportPlan
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    start = dt.date(2026, 10, 1)

    @factory.post_generation
    def agencies(self, create: bool, extracted: list[Agency] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.agencies.set(extracted)


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    client = factory.SubFactory(ClientFactory)
    direction = "out"
    agency = factory.SubFactory(AgencyFactory)
    referred_on = dt.date(2026, 10, 5)
    reason = "Mental health assessment"


class HealthAccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HealthAccess

    client = factory.SubFactory(ClientFactory)
    kind = "gp_registration"
    date = dt.date(2026, 10, 20)


class DischargeFactory(factory.django.DjangoModelFactory):
    """Leaving prison, self-reported, on a day in October 2026."""

    class Meta:
        model = Discharge

    client = factory.SubFactory(ClientFactory)
    kind = DischargeKind.PRISON
    date = dt.date(2026, 10, 12)


class ConsentFactory(factory.django.DjangoModelFactory):
    """A consent given a month ago by the person, in writing, to share with health and housing."""

    class Meta:
        model = Consent
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    outcome = "given"
    how = "written"
    scopes = factory.LazyFunction(lambda: ["health", "housing"])
    given_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    review_by = factory.LazyAttribute(
        lambda o: default_review_by(o.given_on) if o.outcome == "given" else None
    )

    @factory.post_generation
    def agencies(self, create: bool, extracted: list[Agency] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.agencies.set(extracted)


class SharingWithoutConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SharingWithoutConsent

    client = factory.SubFactory(ClientFactory)
    agency = factory.SubFactory(AgencyFactory)
    basis = "safeguarding"
    reason = "At risk of serious harm tonight."
    consent_said = "No consent recorded."
    referral = factory.SubFactory(
        ReferralFactory,
        client=factory.SelfAttribute("..client"),
        agency=factory.SelfAttribute("..agency"),
    )


class BreakGlassFactory(factory.django.DjangoModelFactory):
    """A break-glass grant that has ended (clients.services.break_glass makes live ones)."""

    class Meta:
        model = BreakGlass

    client = factory.SubFactory(ClientFactory)
    user = factory.SubFactory(UserFactory)
    reason = "Ambulance crew asked about medication"
    at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=2))
    expires_at = factory.LazyAttribute(lambda grant: grant.at + dt.timedelta(minutes=30))


# Outreach


class HotspotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "outreach.Hotspot"
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Doorway {n}")


class OutreachSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "outreach.OutreachSession"
        skip_postgeneration_save = True

    date = factory.LazyFunction(lambda: timezone.localdate())
    start_time = dt.time(6, 0)
    area = "City centre"

    @factory.post_generation
    def staff(self, create: bool, extracted: list[Any] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.staff.set(extracted)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "outreach.Contact"

    client = factory.SubFactory(ClientFactory)
    at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    kind = "street_outreach"
    bedded_down = True
    verification = factory.LazyAttribute(lambda c: "seen_by_worker" if c.bedded_down else "")
    location = "Royal Parade"
    worker = factory.SubFactory(UserFactory)


class PublicReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "outreach.PublicReport"

    received_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=2))
    source = "streetlink"
    location = "Bus station"
    description = "Man in a doorway with a red sleeping bag"


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "outreach.Intervention"

    client = factory.SubFactory(ClientFactory)
    kind = "reconnection"
    opened = dt.date(2026, 10, 5)
    worker = factory.SubFactory(UserFactory)


class SwepActivationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "outreach.SevereWeatherActivation"

    starts = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=3))
    ends = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=1))
    trigger = "freezing"
    activated_by = factory.SubFactory(UserFactory)


class RoughSleepingCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "outreach.RoughSleepingCount"

    night = dt.date(2025, 11, 12)
    method = "count"
    areas_covered = "City centre"


# Accommodation


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accommodation.Provider"
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Housing Provider {n}")


class PropertyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accommodation.Property"

    key = factory.Sequence(lambda n: f"property-{n}")
    name = factory.Sequence(lambda n: f"Property {n}")
    type = "hostel"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accommodation.Unit"

    property = factory.SubFactory(PropertyFactory)
    name = factory.Sequence(lambda n: f"Room {n}")


class A2AReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accommodation.A2AReferral"

    client = factory.SubFactory(ClientFactory)
    referred_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=3))
    referred_by = factory.SubFactory(UserFactory)
    requested_type = "hostel"
    needs = "Alcohol support"
    reasons = "Sleeping rough at the bus station"


class PlacementFactory(factory.django.DjangoModelFactory):
    """A placement written directly, for setting the scene; changes go through the services."""

    class Meta:
        model = "accommodation.Placement"

    client = factory.SubFactory(ClientFactory)
    unit = factory.SubFactory(UnitFactory)
    start = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))


class MarsHouseReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accommodation.MarsHouseReferral"

    client = factory.SubFactory(ClientFactory)
    received_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=5))
    reasons = "Ready to move in with support"


class HouseIssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accommodation.HouseIssue"

    property = factory.SubFactory(PropertyFactory, type="mars_house")
    kind = "repair"
    description = "Leaking shower"


# Risk: built through the services, so a factory's record obeys the same rules as a worker's.


def plan_in_force(client: Client | None = None, **kwargs: Any) -> Any:
    """An approved risk plan (drafted and submitted by a support worker, approved by a
    coordinator), with the alerts given as (kind, detail) pairs."""
    from mars.roles import Role
    from risk import services

    plan = RiskPlanFactory(client=client or ClientFactory(), **kwargs)
    services.submit_plan(plan, by=plan.drafted_by)
    approver = UserFactory(username="plan-approver", role=Role.COORDINATOR)
    return services.approve_plan(plan, by=approver)


class RiskAssessmentFactory(factory.django.DjangoModelFactory):
    """`levels` maps areas to levels (the rest are low); the service sets level and review."""

    class Meta:
        model = "risk.RiskAssessment"

    client = factory.SubFactory(ClientFactory)
    assessed_on = factory.LazyFunction(timezone.localdate)
    assessor = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        from risk import services
        from risk.models import Area

        levels = kwargs.pop("levels", {})
        review_due = kwargs.pop("review_due", None)
        given = kwargs.pop("ratings", {})  # area -> {"level", "notes", "sensitive", "triggers"}
        ratings = {
            area: given.get(area, {"level": levels.get(area, "low")}) for area in Area.values
        }
        return services.record_assessment(
            model_class(**kwargs), ratings, review_due=review_due, by=kwargs["assessor"]
        )


class RiskPlanFactory(factory.django.DjangoModelFactory):
    """A draft plan version with one action; `alerts` are (kind, detail) pairs."""

    class Meta:
        model = "risk.RiskPlan"

    client = factory.SubFactory(ClientFactory)
    assessment = factory.SubFactory(RiskAssessmentFactory, client=factory.SelfAttribute("..client"))
    summary = "Visit in pairs; keep the dog on a lead."

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        from mars.roles import Role
        from risk import services

        by = kwargs.pop("drafted_by", None) or UserFactory(
            username="plan-author", role=Role.SUPPORT
        )
        alerts = kwargs.pop("alerts", [("visit_in_pairs", "")])
        actions = kwargs.pop("actions", [{"description": "Weekly key-work session"}])
        return services.draft_plan(
            model_class(**kwargs),
            actions=actions,
            alerts=[{"kind": kind, "detail": detail} for kind, detail in alerts],
            by=by,
        )


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "risk.Meeting"

    client = factory.SubFactory(ClientFactory)
    kind = "risk_management"
    held_on = factory.LazyFunction(timezone.localdate)
    chair_other = "Livewell lead"
    notes = "Agreed the plan."


class MeetingActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "risk.MeetingAction"

    meeting = factory.SubFactory(MeetingFactory)
    description = "Ask the police for an update"
    owner = factory.SubFactory(UserFactory)
    due = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))


class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fund

    name = factory.Sequence(lambda n: f"Personal budget {n}")
    kind = FundKind.PERSONAL_BUDGET
    year = factory.LazyFunction(lambda: financial_year(timezone.localdate()))
    budget = Decimal("1000.00")
    approval_threshold = Decimal("250.00")


class PaymentRequestFactory(factory.django.DjangoModelFactory):
    """A request as asked (status requested): approve and pay it through the services."""

    class Meta:
        model = PaymentRequest

    fund = factory.SubFactory(FundFactory)
    client = factory.SubFactory(ClientFactory)
    amount = Decimal("40.00")
    purpose = "Clothes and shoes for a job interview"
    payee = "High Street Outfitters"
    requested_by = factory.SubFactory(UserFactory)


# team: supervision and team meetings.


class SupervisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "team.Supervision"

    worker = factory.SubFactory(UserFactory, role=Role.SUPPORT)
    supervisor = factory.SubFactory(UserFactory, role=Role.COORDINATOR)
    held_on = factory.LazyFunction(timezone.localdate)
    caseload_discussed = "Each person on the caseload, in turn."
    wellbeing = "Well."


class TeamMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "team.TeamMeeting"

    held_on = factory.LazyFunction(timezone.localdate)
    notes = "Rota, cover, the week ahead."


class TeamActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "team.TeamAction"

    meeting = factory.SubFactory(TeamMeetingFactory)
    description = "Update the rota"
    owner = factory.SubFactory(UserFactory, role=Role.SUPPORT)
    due = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))


# hardship: hardship assessments (funds)


class HardshipFundFactory(FundFactory):
    name = factory.Sequence(lambda n: f"Hardship {n}")
    kind = FundKind.HARDSHIP
    approval_threshold = Decimal("100.00")
    hardship_largest_payment = Decimal("50.00")
    hardship_most_payments = 3


class HardshipQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "funds.HardshipQuestion"

    text = factory.Sequence(lambda n: f"Question {n} of the procedure?")
    order = factory.Sequence(lambda n: n)


def assess_hardship(
    *, by: Any, client: Any = None, fund: Any = None, answers: Any = None, **fields: Any
) -> Any:
    """An assessment made through the service (the pages' and the API's way): authorise unless
    `recommendation` says otherwise, every active question answered."""
    from funds import hardship
    from funds.models import HardshipAssessment, Tried

    values: dict[str, Any] = {
        "circumstances": "Benefits sanctioned for four weeks; no food or gas.",
        "benefits": Tried.TRIED,
        "benefits_note": "Asked for a hardship payment from the DWP: refused.",
        "local_welfare": Tried.TRIED,
        "food_bank": Tried.NOT_TRIED,
        "other_funds": Tried.NOT_APPLICABLE,
        "amount": Decimal("30.00"),
        "purpose": "Food and gas for a week",
        "payee": "Tesco",
        "recommendation": "authorise",
        "reason": "Nothing else is open before the sanction ends.",
        **fields,
    }
    assessment = HardshipAssessment(
        client=client or ClientFactory(), fund=fund or HardshipFundFactory(), **values
    )
    if answers is None:
        answers = {q.pk: "Yes" for q in hardship.questions()}
    return hardship.assess_hardship(assessment, answers=answers, by=by)


# The Strategy Group
class MemberFactory(factory.django.DjangoModelFactory):
    """A partner member (no account), active."""

    class Meta:
        model = "strategy.Member"

    name = factory.Faker("name")
    organisation = "City Council"
    email = factory.Sequence(lambda n: f"partner{n}@partner.example")


class GroupMeetingFactory(factory.django.DjangoModelFactory):
    """A planned Strategy Group meeting a week from now."""

    class Meta:
        model = "strategy.GroupMeeting"

    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    place = "Council House, Room 4"


# Attendance and cover (staffing)


class AbsenceFactory(factory.django.DjangoModelFactory):
    """A week's annual leave starting next Monday."""

    class Meta:
        model = "staffing.Absence"

    worker = factory.SubFactory(UserFactory)
    kind = "leave"
    starts = factory.LazyFunction(
        lambda: timezone.localdate() + dt.timedelta(days=7 - timezone.localdate().weekday())
    )
    ends = factory.LazyAttribute(lambda a: a.starts + dt.timedelta(days=4))


class CaseloadCoverFactory(factory.django.DjangoModelFactory):
    """A worker's caseload covered from today for a week."""

    class Meta:
        model = "staffing.CaseloadCover"

    worker = factory.SubFactory(UserFactory)
    covered_by = factory.SubFactory(UserFactory)
    starts = factory.LazyFunction(lambda: timezone.localdate())
    ends = factory.LazyAttribute(lambda c: c.starts + dt.timedelta(days=6))


# The rota's cover on an outreach session


class SessionCoverFactory(factory.django.DjangoModelFactory):
    """A worker on a session today covered by another, who joins them (as the rota's service
    leaves a cover: tests of the rules call outreach.services.cover_session)."""

    class Meta:
        model = "outreach.SessionCover"
        skip_postgeneration_save = True

    session = factory.SubFactory(OutreachSessionFactory)
    away = factory.SubFactory(UserFactory)
    covering = factory.SubFactory(UserFactory)
    replaced = False

    @factory.post_generation
    def on_session(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.session.staff.add(self.away, self.covering)
