"""Reports from the public (attempts, overdue, allocation) and interventions (reconnection)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from mars.roles import Role
from outreach import services
from outreach.models import Intervention, PublicReport, ReportStatus
from tests.factories import (
    ContactFactory,
    InterventionFactory,
    OutreachSessionFactory,
    PublicReportFactory,
)

pytestmark = pytest.mark.django_db


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_a_report_keeps_the_reporters_details_only_with_consent(as_role):
    browser = as_role(Role.OUTREACH)
    data = {
        "received_at": _local(timezone.now()),
        "source": "public",
        "location": "Outside Boots, Armada Way",
        "description": "Older man, looked unwell",
        "reporter_name": "Pat",
        "reporter_contact": "07700 900123",
    }
    response = browser.post(reverse("outreach:report_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["reporter_consents"]
    assert response.context["form"]["reporter_name"].value() == "Pat"
    assert not PublicReport.objects.exists()
    browser.post(reverse("outreach:report_create"), {**data, "reporter_consents": "on"})
    report = PublicReport.objects.get()
    assert report.reporter_contact == "07700 900123" and report.status == ReportStatus.OPEN


def test_the_database_refuses_reporter_details_without_consent():
    with pytest.raises(IntegrityError):
        PublicReportFactory(reporter_name="Pat", reporter_consents=False)


def test_a_report_is_overdue_without_an_attempt_within_the_allowed_hours(settings, outreach):
    settings.OUTREACH_REPORT_ATTEMPT_HOURS = 72
    late = PublicReportFactory(received_at=timezone.now() - dt.timedelta(hours=73))
    fresh = PublicReportFactory(received_at=timezone.now() - dt.timedelta(hours=71))
    attempted = PublicReportFactory(received_at=timezone.now() - dt.timedelta(hours=80))
    services.record_attempt(attempted, by=outreach)
    assert list(PublicReport.objects.overdue()) == [late]
    assert late.is_overdue() and not fresh.is_overdue()
    settings.OUTREACH_REPORT_ATTEMPT_HOURS = 24
    assert set(PublicReport.objects.overdue()) == {late, fresh}


def test_attempts_give_the_time_to_first_attempt_and_a_find_links_the_person(as_role, sam):
    browser = as_role(Role.OUTREACH)
    received = (timezone.now() - dt.timedelta(hours=30)).replace(second=0, microsecond=0)
    report = PublicReportFactory(received_at=received)
    first = received + dt.timedelta(hours=20)
    browser.post(
        reverse("outreach:report_attempt", args=[report.pk]),
        {"at": _local(first), "notes": "Not there at 06:30"},
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SEARCHING
    assert report.time_to_first_attempt.total_seconds() // 60 == 20 * 60
    contact = ContactFactory(client=sam)
    browser.post(
        reverse("outreach:report_attempt", args=[report.pk]),
        {"at": _local(timezone.now()), "found_contact": contact.pk},
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.FOUND
    assert report.found_contact == contact and report.client == sam
    page = browser.get(report.get_absolute_url())
    assert dict(page.context["rows"])["Time to first attempt"] == "20 hours 0 minutes"
    assert page.context["client"] == sam


def test_an_attempt_cannot_come_before_the_report(outreach):
    report = PublicReportFactory()
    with pytest.raises(services.OutreachError, match="before the report"):
        services.record_attempt(report, at=report.received_at - dt.timedelta(hours=1), by=outreach)
    assert not report.attempts.exists()


def test_not_found_needs_an_attempt_and_then_the_report_closes(as_role):
    browser = as_role(Role.OUTREACH)
    report = PublicReportFactory()
    url = reverse("outreach:report_not_found", args=[report.pk])
    response = browser.post(url, {"outcome": "Looked twice"})
    assert "at least one attempt" in response.content.decode()
    services.record_attempt(report, by=response.wsgi_request.user)
    browser.post(url, {"outcome": "Looked on three mornings"})
    report.refresh_from_db()
    assert report.status == ReportStatus.NOT_FOUND
    browser.post(reverse("outreach:report_close", args=[report.pk]), {"outcome": "No further"})
    report.refresh_from_db()
    assert report.status == ReportStatus.CLOSED
    with pytest.raises(services.OutreachError):
        services.record_attempt(report, by=response.wsgi_request.user)


def test_a_report_is_allocated_to_the_next_session_not_a_past_one(as_role):
    browser = as_role(Role.OUTREACH)
    report = PublicReportFactory()
    past = OutreachSessionFactory(date=timezone.localdate() - dt.timedelta(days=1))
    tomorrow = OutreachSessionFactory(date=timezone.localdate() + dt.timedelta(days=1))
    later = OutreachSessionFactory(date=timezone.localdate() + dt.timedelta(days=3))
    url = reverse("outreach:report_allocate", args=[report.pk])
    assert browser.get(url).context["form"].initial["session"] == tomorrow
    assert browser.post(url, {"session": past.pk}).status_code == 200
    report.refresh_from_db()
    assert report.allocated_session is None
    browser.post(url, {"session": later.pk})
    report.refresh_from_db()
    assert report.allocated_session == later
    assert report in browser.get(later.get_absolute_url()).context["reports"]


def test_the_report_list_shows_overdue_ones(as_role):
    browser = as_role(Role.COORDINATOR)
    late = PublicReportFactory(received_at=timezone.now() - dt.timedelta(days=4))
    PublicReportFactory()
    page = browser.get(reverse("outreach:report_list") + "?show=overdue")
    assert list(page.context["page"].object_list) == [late] and page.context["overdue"] == 1


def _intervention(**fields):  # type: ignore[no-untyped-def]
    data = {"kind": "reconnection", "opened": "2026-10-05"}
    data.update(fields)
    return data


def test_a_reconnection_records_destination_verification_travel_and_outcome(as_role, sam):
    browser = as_role(Role.SUPPORT)
    url = reverse("outreach:intervention_create", args=[sam.pk])
    browser.post(
        url,
        _intervention(
            destination="Exeter",
            local_connection_verified_by="Exeter housing options confirmed by phone",
            travel_arranged="Train 10:15, ticket bought",
            closed="2026-10-08",
            outcome="reconnected",
        ),
    )
    work = Intervention.objects.get()
    assert work.destination == "Exeter" and work.outcome == "reconnected"
    assert work.worker.username == "support"
    page = browser.get(work.get_absolute_url()).content.decode()
    assert "Exeter housing options confirmed by phone" in page


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"closed": "2026-10-08"}, "outcome"),
        ({"outcome": "reconnected"}, "closed"),
        ({"closed": "2026-10-01", "outcome": "failed"}, "closed"),
        ({"kind": "advice", "closed": "2026-10-08", "outcome": "reconnected"}, "outcome"),
        ({"closed": "2026-10-08", "outcome": "achieved"}, "outcome"),
    ],
)
def test_an_intervention_closes_with_an_outcome_that_fits(as_role, sam, fields, error_field):
    browser = as_role(Role.SUPPORT)
    response = browser.post(
        reverse("outreach:intervention_create", args=[sam.pk]), _intervention(**fields)
    )
    assert error_field in response.context["form"].errors
    assert not Intervention.objects.exists()


def test_the_database_refuses_an_outcome_for_the_wrong_kind(sam, support):
    with pytest.raises(IntegrityError):
        InterventionFactory(
            client=sam, kind="advice", closed=dt.date(2026, 10, 6), outcome="exempt"
        )


def test_fields_of_a_reconnection_are_cleared_for_other_kinds(sam, support):
    work = Intervention(client=sam, kind="advice", opened=dt.date(2026, 10, 1), destination="Leeds")
    services.save_intervention(work, by=support)
    assert work.destination == "" and work.worker == support


def test_a_reconnection_closed_reconnected_makes_the_person_reconnected(as_role, sam):
    assert sam.status == "rough_sleeping"
    as_role(Role.SUPPORT).post(
        reverse("outreach:intervention_create", args=[sam.pk]),
        _intervention(destination="Exeter", closed="2026-10-08", outcome="reconnected"),
    )
    sam.refresh_from_db()
    assert sam.status == "reconnected"
    assert sam.history.first().history_change_reason == "Reconnected to Exeter"


def test_a_reconnection_that_failed_leaves_the_status_alone(as_role, sam):
    as_role(Role.SUPPORT).post(
        reverse("outreach:intervention_create", args=[sam.pk]),
        _intervention(closed="2026-10-08", outcome="failed"),
    )
    sam.refresh_from_db()
    assert Intervention.objects.get().outcome == "failed" and sam.status == "rough_sleeping"


def test_closing_an_open_reconnection_later_makes_the_person_reconnected(sam, support):
    work = InterventionFactory(client=sam, kind="reconnection", opened=dt.date(2026, 10, 1))
    work.closed, work.outcome = dt.date(2026, 10, 3), "reconnected"
    services.save_intervention(work, by=support)
    sam.refresh_from_db()
    assert sam.status == "reconnected"
