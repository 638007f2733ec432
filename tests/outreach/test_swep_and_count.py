"""SWEP activations, offers and summary; the annual count and its snapshot return."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from mars.dates import day_start
from mars.roles import Role
from outreach import figures, services
from outreach.models import (
    CountedPerson,
    RoughSleepingCount,
    SevereWeatherActivation,
    SwepOffer,
)
from tests.concurrency import at_once
from tests.factories import (
    ClientFactory,
    ContactFactory,
    RoughSleepingCountFactory,
    SwepActivationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_coordinator_activates_swep_and_the_banner_shows_on_every_page(as_role, make_user):
    browser = as_role(Role.COORDINATOR)
    now = timezone.now()
    response = browser.post(
        reverse("outreach:swep_create"),
        {
            "starts": _local(now - dt.timedelta(minutes=5)),
            "ends": _local(now + dt.timedelta(days=2)),
            "trigger": "freezing",
            "forecast_minimum": "-2.5",
            "note": "Met Office amber warning",
        },
    )
    activation = SevereWeatherActivation.objects.get()
    assert response.url == activation.get_absolute_url()
    assert activation.activated_by.username == "coordinator"
    browser.force_login(make_user(Role.SUPPORT))
    for url in (reverse("home"), reverse("clients:list"), reverse("outreach:report_list")):
        assert "SWEP is in force" in browser.get(url).content.decode()
    browser.force_login(make_user(Role.COMMISSIONER))
    assert "SWEP is in force" in browser.get(reverse("home")).content.decode()


def test_no_banner_when_swep_is_over(as_role):
    SwepActivationFactory(
        starts=timezone.now() - dt.timedelta(days=3), ends=timezone.now() - dt.timedelta(days=1)
    )
    assert "SWEP is in force" not in as_role(Role.OUTREACH).get(reverse("home")).content.decode()


def test_activations_cannot_overlap(coordinator):
    SwepActivationFactory()
    overlapping = SevereWeatherActivation(
        starts=timezone.now(), ends=timezone.now() + dt.timedelta(days=3), trigger="freezing"
    )
    with pytest.raises(services.OutreachError, match="overlaps"):
        services.save_swep_activation(overlapping, by=coordinator)


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_activating_at_once_get_one_activation():
    first, second = UserFactory(), UserFactory()
    start = timezone.now()

    def activate(user):  # type: ignore[no-untyped-def]
        activation = SevereWeatherActivation(
            starts=start, ends=start + dt.timedelta(days=1), trigger="freezing"
        )
        return services.save_swep_activation(activation, by=user)

    results = at_once(lambda: activate(first), lambda: activate(second))
    assert sorted(type(r).__name__ for r in results) == ["OutreachError", "SevereWeatherActivation"]
    assert SevereWeatherActivation.objects.count() == 1


def test_support_worker_cannot_activate_swep(as_role):
    browser = as_role(Role.SUPPORT)
    response = browser.post(reverse("outreach:swep_create"), {"trigger": "freezing"})
    assert response.status_code == 403
    assert not SevereWeatherActivation.objects.exists()


def test_swep_page_lists_people_out_with_the_state_of_their_offer_and_a_summary(as_role):
    activation = SwepActivationFactory(
        starts=timezone.now() - dt.timedelta(days=1), ends=timezone.now() + dt.timedelta(days=1)
    )
    took, refused, waiting = ClientFactory(), ClientFactory(), ClientFactory()
    for person in (took, refused, waiting):
        ContactFactory(client=person, at=timezone.now() - dt.timedelta(days=5))
    ContactFactory(client=None, description="person under blankets", at=timezone.now())
    ContactFactory(client=None, description="before SWEP", at=timezone.now() - dt.timedelta(days=4))
    browser = as_role(Role.OUTREACH)
    offer_url = reverse("outreach:swep_offer_create", args=[activation.pk])
    today = timezone.localdate().isoformat()
    browser.post(
        offer_url + f"?client={took.pk}",
        {"offered_on": today, "offer": "shelter_bed", "accepted": "yes"},
    )
    response = browser.post(
        offer_url + f"?client={refused.pk}",
        {"offered_on": today, "offer": "emergency_accommodation", "accepted": "no"},
    )
    assert response.context["form"].errors["declined_reason"]
    browser.post(
        offer_url + f"?client={refused.pk}",
        {
            "offered_on": today,
            "offer": "emergency_accommodation",
            "accepted": "no",
            "declined_reason": "Will not leave his dog",
            "mental_health_assessment_requested": "on",
        },
    )
    assert SwepOffer.objects.count() == 2
    page = browser.get(activation.get_absolute_url())
    states = {p.pk: (p.offer_accepted, p.ever_accepted) for p in page.context["people"]}
    assert states == {took.pk: (True, True), refused.pk: (False, False), waiting.pk: (None, False)}
    summary = page.context["summary"]
    assert (summary.offered, summary.accepted, summary.declined) == (2, 1, 1)
    assert summary.still_out == 2 and summary.unidentified_sightings == 1


def test_an_offer_must_be_dated_within_the_activation(outreach, sam):
    activation = SwepActivationFactory()
    offer = SwepOffer(
        activation=activation,
        client=sam,
        offered_on=timezone.localdate() - dt.timedelta(days=10),
        offer="shelter_bed",
        accepted=True,
    )
    with pytest.raises(services.OutreachError, match="within SWEP"):
        services.save_swep_offer(offer, by=outreach)


def test_standing_swep_down_ends_it_now(as_role):
    activation = SwepActivationFactory()
    browser = as_role(Role.COORDINATOR)
    browser.post(reverse("outreach:swep_stand_down", args=[activation.pk]))
    activation.refresh_from_db()
    assert not activation.is_active()
    assert figures.active_swep() is None


def _count_form(**fields):  # type: ignore[no-untyped-def]
    data = {"night": "2025-11-12", "method": "count", "areas_covered": "City centre, Hoe"}
    data.update(fields)
    return data


def test_the_count_night_is_in_autumn_and_one_per_year(as_role):
    browser = as_role(Role.COORDINATOR)
    response = browser.post(reverse("outreach:count_create"), _count_form(night="2025-12-02"))
    assert response.context["form"].errors["night"]
    browser.post(reverse("outreach:count_create"), _count_form())
    assert RoughSleepingCount.objects.count() == 1
    response = browser.post(reverse("outreach:count_create"), _count_form(night="2025-10-20"))
    assert "already a count for" in response.content.decode()
    with pytest.raises(IntegrityError):
        RoughSleepingCountFactory(night=dt.date(2025, 10, 21))


def test_count_totals_follow_the_snapshot_groups_with_a_csv(as_role, sam):
    count = RoughSleepingCountFactory(night=dt.date(2025, 11, 12))
    browser = as_role(Role.OUTREACH)
    url = count.get_absolute_url()
    people = [
        {
            "gender": "male",
            "age_band": "26_plus",
            "nationality_group": "uk",
            "reference": sam.reference,
        },
        {"gender": "male", "age_band": "18_25", "nationality_group": "eu"},
        {"gender": "female", "age_band": "26_plus", "nationality_group": "outside_eu"},
    ]
    for person in people:
        assert browser.post(url, person).status_code == 302
    again = browser.post(url, people[0])
    assert "already in this count" in again.content.decode()
    assert CountedPerson.objects.filter(count=count).count() == 3
    assert CountedPerson.objects.get(client=sam).count == count

    totals = figures.count_totals([count])[0]
    assert totals.total == 3
    assert totals.gender == {"male": 2, "female": 1, "other": 0, "not_known": 0}
    assert totals.age_band["26_plus"] == 2 and totals.age_band["18_25"] == 1
    assert totals.nationality_group == {"uk": 1, "eu": 1, "outside_eu": 1, "unknown": 0}

    response = browser.get(reverse("outreach:count_csv", args=[count.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_key = {(r["group"], r["category"]): int(r["people"]) for r in rows}
    assert by_key[("total", "total")] == 3
    assert by_key[("gender", "male")] == 2 and by_key[("nationality_group", "eu")] == 1


def test_earlier_years_show_side_by_side(as_role):
    this_year = RoughSleepingCountFactory(night=dt.date(2026, 11, 5))
    last_year = RoughSleepingCountFactory(night=dt.date(2025, 11, 12), method="estimate")
    CountedPerson.objects.create(
        count=last_year, gender="male", age_band="26_plus", nationality_group="uk"
    )
    page = as_role(Role.DIRECTOR).get(reverse("outreach:count_list"))
    assert [t.count for t in page.context["totals"]] == [this_year, last_year]
    assert page.context["table"][0] == ("Total", [0, 1])


def test_an_unknown_reference_is_refused_beside_the_field(as_role):
    count = RoughSleepingCountFactory()
    response = as_role(Role.OUTREACH).post(
        count.get_absolute_url(),
        {
            "gender": "male",
            "age_band": "26_plus",
            "nationality_group": "uk",
            "reference": "MARS-999999",
        },
    )
    assert response.context["form"].errors["reference"]
    assert not CountedPerson.objects.exists()


def test_a_day_start_is_the_local_midnight():
    assert day_start(dt.date(2026, 7, 1)).utcoffset() == dt.timedelta(hours=1)
    assert day_start(dt.date(2026, 12, 1)).utcoffset() == dt.timedelta(0)
