from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from clients.models import Agency, Client, ClientAlias, HealthAccess, Referral, SupportPlan

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
