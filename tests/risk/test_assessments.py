"""Risk assessments: every area rated, the overall level is the highest, the review follows it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mars.dates import add_months
from mars.roles import Role
from risk import services
from risk.models import Area, RiskAssessment
from tests.factories import RiskAssessmentFactory

pytestmark = pytest.mark.django_db


def form_data(levels: dict[str, str] | None = None, **extra: str) -> dict[str, str]:
    levels = levels or {}
    data = {"assessed_on": timezone.localdate().isoformat(), "summary": "Seen at the hub."}
    for area in Area.values:
        data[f"{area}_level"] = levels.get(area, "low")
        data[f"{area}_notes"] = ""
        data[f"{area}_triggers"] = ""
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("levels", "overall", "months"),
    [
        ({}, "low", 6),
        ({Area.FIRE: "medium"}, "medium", 3),
        ({Area.FIRE: "medium", Area.TO_STAFF: "high"}, "high", 1),
    ],
)
def test_the_overall_level_is_the_highest_area_and_sets_the_review(sam, levels, overall, months):
    assessment = RiskAssessmentFactory(client=sam, levels=levels)
    assert assessment.level == overall
    assert assessment.review_due == add_months(assessment.assessed_on, months)
    assert assessment.areas.count() == len(Area.values)


def test_an_earlier_review_date_is_kept_but_a_later_one_refused(sam):
    today = timezone.localdate()
    early = RiskAssessmentFactory(client=sam, review_due=today + dt.timedelta(days=10))
    assert early.review_due == today + dt.timedelta(days=10)
    with pytest.raises(services.RiskError, match="reviewed by") as refused:
        RiskAssessmentFactory(
            client=sam, levels={Area.TO_SELF: "high"}, review_due=add_months(today, 2)
        )
    assert refused.value.field == "review_due"
    assert RiskAssessment.objects.count() == 1


def test_a_support_worker_records_an_assessment_on_the_page(as_role, sam):
    browser = as_role(Role.SUPPORT)
    url = reverse("risk:assessment_create", args=[sam.pk])
    data = form_data({Area.FROM_OTHERS: "high"}, from_others_notes="Ex-partner nearby")
    response = browser.post(url, data)
    assessment = RiskAssessment.objects.get()
    assert response.status_code == 302 and response.url == assessment.get_absolute_url()
    assert assessment.level == "high" and assessment.assessor.username == "support"
    page = browser.get(assessment.get_absolute_url()).content.decode()
    assert "Ex-partner nearby" in page and "History" in page and "Created" in page


def test_an_unrated_area_is_shown_beside_it_and_nothing_is_saved(as_role, sam):
    browser = as_role(Role.SUPPORT)
    data = form_data(summary="Keep this text")
    del data["fire_level"]
    response = browser.post(reverse("risk:assessment_create", args=[sam.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and not RiskAssessment.objects.exists()
    assert page.index("This field is required") > page.index("Fire: level")
    assert "Keep this text" in page


def test_a_later_review_date_is_refused_beside_the_field(as_role, sam):
    browser = as_role(Role.SUPPORT)
    late = add_months(timezone.localdate(), 4).isoformat()
    data = form_data({Area.TO_OTHERS: "medium"}, review_due=late)
    response = browser.post(reverse("risk:assessment_create", args=[sam.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and not RiskAssessment.objects.exists()
    assert page.index("choose that date or an earlier one") > page.index("Review by")


def test_an_assessment_cannot_be_dated_in_the_future(as_role, sam):
    browser = as_role(Role.SUPPORT)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = browser.post(
        reverse("risk:assessment_create", args=[sam.pk]), form_data(assessed_on=tomorrow)
    )
    assert "cannot be in the future" in response.content.decode()
    assert not RiskAssessment.objects.exists()


def test_correcting_an_assessment_keeps_its_history(as_role, sam):
    assessment = RiskAssessmentFactory(client=sam)
    browser = as_role(Role.SUPPORT)
    response = browser.post(
        reverse("risk:assessment_edit", args=[assessment.pk]),
        form_data({Area.SUBSTANCES: "medium"}, assessed_on=assessment.assessed_on.isoformat()),
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.level == "medium"
    page = browser.get(assessment.get_absolute_url()).content.decode()
    assert "Overall level" in page and "Medium" in page
    assert assessment.history.count() == 2


def test_the_review_lists_show_overdue_and_coming_due(as_role, sam):
    today = timezone.localdate()
    RiskAssessmentFactory(client=sam, review_due=today + dt.timedelta(days=3))
    late = RiskAssessmentFactory(assessed_on=today - dt.timedelta(days=10))
    RiskAssessment.objects.filter(pk=late.pk).update(review_due=today - dt.timedelta(days=1))
    browser = as_role(Role.COORDINATOR)
    overdue = browser.get(reverse("risk:reviews")).content.decode()
    due = browser.get(reverse("risk:reviews") + "?show=due").content.decode()
    assert late.client.reference in overdue and sam.reference not in overdue
    assert sam.reference in due and late.client.reference not in due


def test_only_the_latest_assessment_counts_for_review(sam):
    today = timezone.localdate()
    old = RiskAssessmentFactory(client=sam, assessed_on=today - dt.timedelta(days=40))
    RiskAssessment.objects.filter(pk=old.pk).update(review_due=today - dt.timedelta(days=5))
    RiskAssessmentFactory(client=sam)
    assert not RiskAssessment.objects.overdue(today).exists()
