"""Nothing waiting unseen: referral timers, the sources of every app, the waiting page and API
by role, and the nightly escalation (mars.waiting)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import checks, mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from clients.models import ReferralStatus
from mars import waiting
from mars.checks import referral_response_days
from mars.models import Notification
from mars.roles import Role
from mars.tasks import escalate_waiting
from risk import services as risk_services
from staffing.models import CaseloadCover
from tests.clock import ORDINARY_DAY
from tests.factories import (
    A2AReferralFactory,
    ClientFactory,
    FundFactory,
    MarsHouseReferralFactory,
    MeetingActionFactory,
    PaymentRequestFactory,
    PublicReportFactory,
    ReferralFactory,
    RiskAssessmentFactory,
    RiskPlanFactory,
    SupportPlanFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]

TODAY = dt.date(2027, 6, 16)


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def keys(items: list[waiting.Waiting]) -> set[str]:
    return {item.key for item in items}


# Referral timers


def test_a_referral_out_waits_ten_days_for_its_answer_then_is_over() -> None:
    referral = ReferralFactory(direction="out", referred_on=days_ago(12))
    assert referral.response_due == days_ago(2)
    assert referral.days_waiting() == 12
    assert referral.days_over() == 2


def test_a_referral_in_is_due_two_days_after_it_came() -> None:
    referral = ReferralFactory(direction="in", referred_on=days_ago(1))
    assert referral.response_due == TODAY + dt.timedelta(days=1)
    assert referral.days_over() == 0


def test_an_answered_referral_stops_its_clock_on_its_answer() -> None:
    referral = ReferralFactory(
        referred_on=days_ago(20), status=ReferralStatus.ACCEPTED, status_changed_on=days_ago(15)
    )
    assert referral.days_waiting() == 5
    assert referral.days_over() == 0


@override_settings(REFERRAL_RESPONSE_DAYS={"in": 2, "out": 3, "a2a": 7, "mars_house": 7})
def test_the_days_follow_the_setting() -> None:
    assert ReferralFactory(direction="out", referred_on=days_ago(5)).days_over() == 2


def test_the_person_page_and_the_referral_page_show_days_waiting_and_the_due_date(
    as_role: Any,
) -> None:
    referral = ReferralFactory(direction="out", referred_on=days_ago(12))
    http = as_role(Role.COORDINATOR)
    person = http.get(referral.client.get_absolute_url()).content.decode()
    assert "Waiting 12 days · answer due 14/06/2027" in person
    assert "2 days over" in person
    page = http.get(referral.get_absolute_url()).content.decode()
    assert "Days waiting" in page and "Answer due" in page and "Days over" in page


def test_the_referral_api_has_the_timer_read_only(as_role: Any) -> None:
    referral = ReferralFactory(direction="in", referred_on=days_ago(4))
    http = as_role(Role.SUPPORT)
    body = http.get(f"/api/referrals/{referral.pk}/").json()
    assert body["days_waiting"] == 4
    assert body["response_due"] == "2027-06-14"
    assert body["days_over"] == 2
    from clients.api import ReferralSerializer

    fields = ReferralSerializer().fields
    assert all(fields[name].read_only for name in ("days_waiting", "response_due", "days_over"))
    changed = http.patch(
        f"/api/referrals/{referral.pk}/",
        {"days_over": 0, "response_due": "2030-01-01"},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["response_due"], changed.json()["days_over"]) == ("2027-06-14", 2)


def test_a2a_and_mars_house_referrals_show_their_timers_in_the_api_and_lists(
    as_role: Any,
) -> None:
    a2a = A2AReferralFactory(referred_on=days_ago(9))
    house = MarsHouseReferralFactory(received_on=days_ago(10))
    http = as_role(Role.COORDINATOR)
    a2a_body = http.get(f"/api/a2a-referrals/{a2a.pk}/").json()
    assert (a2a_body["response_due"], a2a_body["days_over"]) == ("2027-06-14", 2)
    house_body = http.get(f"/api/mars-house-referrals/{house.pk}/").json()
    assert (house_body["days_waiting"], house_body["days_over"]) == (10, 3)
    assert "2 days over" in http.get(reverse("accommodation:referral_list")).content.decode()
    listed = http.get(reverse("accommodation:mars_house_referral_list")).content.decode()
    assert "answer due 13/06/2027" in listed
    person = http.get(a2a.client.get_absolute_url()).content.decode()
    assert "answer due 14/06/2027" in person


# The system check


@override_settings(REFERRAL_RESPONSE_DAYS={"in": 2, "out": 10, "a2a": 7, "mars_house": 7})
def test_the_check_passes_the_defaults() -> None:
    assert referral_response_days(None) == []


@override_settings(REFERRAL_RESPONSE_DAYS={"in": 2, "out": 10, "a2a": 7, "mars_house": 7, "a2b": 3})
def test_the_check_refuses_an_unknown_kind() -> None:
    errors = referral_response_days(None)
    assert [e.id for e in errors] == ["mars.E002"]
    assert "a2b" in errors[0].msg


@override_settings(REFERRAL_RESPONSE_DAYS={"in": 0, "out": 10, "a2a": -1, "mars_house": 7})
def test_the_check_refuses_a_number_below_one() -> None:
    errors = referral_response_days(None)
    assert [e.id for e in errors] == ["mars.E003", "mars.E003"]
    assert all(e.level == checks.ERROR for e in errors)


# The sources


def test_referrals_past_their_days_are_waiting_and_others_are_not() -> None:
    worker = UserFactory()
    late = ReferralFactory(direction="out", referred_on=days_ago(11), client__key_worker=worker)
    ReferralFactory(direction="out", referred_on=days_ago(10))  # due today: not past it yet
    ReferralFactory(
        direction="in",
        referred_on=days_ago(30),
        status=ReferralStatus.DECLINED,
        status_changed_on=days_ago(29),
    )
    items = waiting.past_time(TODAY)
    assert keys(items) == {f"referral:{late.pk}"}
    (item,) = items
    assert item.owner == worker
    assert item.kind == "Referral out"
    assert item.title.startswith(late.client.reference)
    assert late.client.first_name not in item.title
    assert (item.days_waiting(TODAY), item.days_over(TODAY)) == (11, 1)


def test_every_kind_of_thing_past_its_time_is_gathered_oldest_first(
    coordinator: Any, support: Any
) -> None:
    a2a = A2AReferralFactory(referred_on=days_ago(8))
    house = MarsHouseReferralFactory(received_on=days_ago(8))
    report = PublicReportFactory(received_at=timezone.now() - dt.timedelta(days=3))
    PublicReportFactory(received_at=timezone.now() - dt.timedelta(days=1))  # still in time
    plan = SupportPlanFactory(start=days_ago(100), review_date=days_ago(4))
    review = RiskAssessmentFactory(assessed_on=days_ago(60), review_due=days_ago(5))
    action = MeetingActionFactory(due=days_ago(2), owner=support)
    risk_plan = RiskPlanFactory(actions=[{"description": "Call the GP", "due": days_ago(6)}])
    risk_services.submit_plan(risk_plan, by=risk_plan.drafted_by)
    fund = FundFactory()
    payment = PaymentRequestFactory(fund=fund, requested_at=timezone.now() - dt.timedelta(days=5))
    PaymentRequestFactory(fund=fund, requested_at=timezone.now() - dt.timedelta(days=1))
    items = waiting.past_time(TODAY)
    plan_action = risk_plan.actions.get()
    assert keys(items) == {
        f"a2a-referral:{a2a.pk}",
        f"mars-house-referral:{house.pk}",
        f"public-report:{report.pk}",
        f"support-plan-review:{plan.pk}",
        f"risk-review:{review.pk}",
        f"meeting-action:{action.pk}",
        f"plan-action:{plan_action.pk}",
        f"payment-request:{payment.pk}",
    }
    assert [item.due for item in items] == sorted(item.due for item in items)
    by_key = {item.key: item for item in items}
    assert by_key[f"risk-review:{review.pk}"].owner_reminded
    assert by_key[f"meeting-action:{action.pk}"].owner == support
    assert by_key[f"payment-request:{payment.pk}"].owner is None
    # The plan submitted today is waiting for its decision three days on.
    later = waiting.past_time(TODAY + dt.timedelta(days=4))
    assert f"risk-plan-decision:{risk_plan.pk}" in keys(later)


def test_a_subject_access_request_shows_a_week_before_its_legal_deadline(
    coordinator: Any,
) -> None:
    from rights.models import SubjectAccessRequest

    received = dt.date(2027, 5, 20)
    request = SubjectAccessRequest.objects.create(
        client=ClientFactory(),
        received_on=received,
        due_on=SubjectAccessRequest.due_for(received),
    )
    assert request.deadline == dt.date(2027, 6, 20)
    items = [i for i in waiting.past_time(TODAY) if i.kind == "Subject access request"]
    assert [i.key for i in items] == [f"subject-access:{request.pk}"]
    assert "20/06/2027" in items[0].title
    # Listed from a week before its legal deadline, due on the deadline itself.
    assert (items[0].show_from, items[0].due) == (dt.date(2027, 6, 13), dt.date(2027, 6, 20))
    assert items[0].days_over(TODAY) == -4
    assert [i.key for i in waiting.past_time(dt.date(2027, 6, 13))] == [items[0].key]
    assert waiting.past_time(dt.date(2027, 6, 12)) == []


def test_the_sources_read_a_bounded_number_of_queries(
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(6):
        ReferralFactory(referred_on=days_ago(20 + n), client__key_worker=UserFactory())
        A2AReferralFactory(referred_on=days_ago(20 + n))
        MeetingActionFactory(due=days_ago(3 + n))
        SupportPlanFactory(start=days_ago(100), review_date=days_ago(3 + n))
    # At most two queries a source, however many items each finds.
    with django_assert_max_num_queries(2 * len(list(waiting.sources))):
        assert len(waiting.past_time(TODAY)) == 24


# The page and the API


def _scene(coordinator: Any, support: Any) -> dict[str, Any]:
    other = UserFactory(role=Role.SUPPORT)
    covered = UserFactory(role=Role.SUPPORT)
    CaseloadCover.objects.create(
        worker=covered, covered_by=support, starts=days_ago(2), ends=TODAY + dt.timedelta(days=5)
    )
    return {
        "mine": ReferralFactory(referred_on=days_ago(12), client__key_worker=support),
        "others": ReferralFactory(referred_on=days_ago(14), client__key_worker=other),
        "covered": ReferralFactory(referred_on=days_ago(13), client__key_worker=covered),
        "nobodys": PaymentRequestFactory(requested_at=timezone.now() - dt.timedelta(days=9)),
    }


def test_the_coordinator_sees_everything_past_its_time_oldest_first(
    client: Any, coordinator: Any, support: Any
) -> None:
    scene = _scene(coordinator, support)
    client.force_login(coordinator)
    page = client.get(reverse("waiting")).content.decode()
    for referral in ("others", "covered", "mine"):
        assert scene[referral].client.reference in page
    assert "Payment approval" in page
    positions = [page.index(scene[r].client.reference) for r in ("others", "covered", "mine")]
    assert positions == sorted(positions)
    assert "4 days over" in page  # others: made 14 days ago, due 4 days ago


def test_a_worker_sees_their_own_and_those_of_whom_they_cover_today(
    client: Any, coordinator: Any, support: Any
) -> None:
    scene = _scene(coordinator, support)
    client.force_login(support)
    page = client.get(reverse("waiting")).content.decode()
    assert scene["mine"].client.reference in page
    assert scene["covered"].client.reference in page
    assert scene["others"].client.reference not in page
    assert "Payment approval" not in page


def test_the_list_filters_by_kind_and_by_owner(client: Any, coordinator: Any, support: Any) -> None:
    scene = _scene(coordinator, support)
    client.force_login(coordinator)
    by_kind = client.get(reverse("waiting"), {"kind": "Payment approval"}).content.decode()
    assert scene["mine"].client.reference not in by_kind
    assert "Payment approval</span>" in by_kind
    by_owner = client.get(reverse("waiting"), {"owner": f"user-{support.pk}"}).content.decode()
    assert scene["mine"].client.reference in by_owner
    assert scene["others"].client.reference not in by_owner


def test_htmx_filtering_answers_with_the_results_only(
    client: Any, coordinator: Any, support: Any
) -> None:
    _scene(coordinator, support)
    client.force_login(coordinator)
    answer = client.get(reverse("waiting"), {"kind": "Referral out"}, HTTP_HX_REQUEST="true")
    body = answer.content.decode()
    assert "<html" not in body and "3 of 4 past their time" in body


@pytest.mark.parametrize(
    "role", [Role.PANEL, Role.COMMISSIONER, Role.RESETTLEMENT_MANAGER, Role.ADMINISTRATOR]
)
def test_those_who_are_not_case_staff_may_not_see_it(as_role: Any, role: Role) -> None:
    http = as_role(role)
    assert http.get(reverse("waiting")).status_code == 403
    assert http.get("/api/waiting/").status_code == 403


@pytest.mark.parametrize("role", [Role.OUTREACH, Role.SUPPORT, Role.DIRECTOR])
def test_case_staff_see_their_own_list(as_role: Any, role: Role) -> None:
    ReferralFactory(referred_on=days_ago(30))
    http = as_role(role)
    page = http.get(reverse("waiting"))
    assert page.status_code == 200
    assert "Nothing is past its time" in page.content.decode()
    assert http.get("/api/waiting/").json() == []


def test_the_api_answers_by_the_same_rules(client: Any, coordinator: Any, support: Any) -> None:
    scene = _scene(coordinator, support)
    client.force_login(support)
    rows = client.get("/api/waiting/").json()
    assert {row["key"] for row in rows} == {
        f"referral:{scene['mine'].pk}",
        f"referral:{scene['covered'].pk}",
    }
    covered = next(row for row in rows if row["key"] == f"referral:{scene['covered'].pk}")
    assert covered["days_waiting"] == 13 and covered["days_over"] == 3
    assert covered["client"] == scene["covered"].client_id
    client.force_login(coordinator)
    assert len(client.get("/api/waiting/").json()) == 4
    only = client.get("/api/waiting/", {"kind": "Payment approval"}).json()
    assert [row["kind"] for row in only] == ["Payment approval"]


def test_reading_the_list_logs_the_people_it_shows(
    client: Any, coordinator: Any, support: Any
) -> None:
    from audit.models import AccessEvent

    scene = _scene(coordinator, support)
    client.force_login(coordinator)
    client.get(reverse("waiting"))
    read = AccessEvent.objects.filter(user=coordinator, what="waiting list").get()
    assert scene["mine"].client_id in read.people
    assert scene["nobodys"].client_id in read.people


def test_the_coordinators_home_page_counts_what_is_waiting(
    client: Any, coordinator: Any, support: Any
) -> None:
    _scene(coordinator, support)
    client.force_login(coordinator)
    home = client.get(reverse("home")).content.decode()
    assert "<strong>4</strong> things past their time" in home
    assert f'href="{reverse("waiting")}"' in home


def _late_items(n: int) -> None:
    for i in range(n):
        ReferralFactory(referred_on=days_ago(20 + i), client__key_worker=UserFactory())
        MeetingActionFactory(due=days_ago(3 + i))


def _queries_for(http: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as read:
        assert http.get(url).status_code == 200
    return len(read.captured_queries)


def test_the_page_reads_as_many_queries_for_many_items_as_for_few(
    client: Any, coordinator: Any
) -> None:
    client.force_login(coordinator)
    _late_items(2)
    few = _queries_for(client, reverse("waiting"))
    _late_items(18)
    assert _queries_for(client, reverse("waiting")) == few


# The escalation


def _notified(user: Any) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("key", flat=True))


def test_the_owner_is_told_once_and_the_coordinators_after_the_escalation_days(
    coordinator: Any, support: Any, time_machine: Any, django_capture_on_commit_callbacks: Any
) -> None:
    referral = ReferralFactory(referred_on=days_ago(11), client__key_worker=support)
    with django_capture_on_commit_callbacks(execute=True):
        escalate_waiting()
    escalate_waiting()
    assert _notified(support) == [f"waiting:referral:{referral.pk}:2027-06-15"]
    assert _notified(coordinator) == []
    assert [message.to for message in mail.outbox] == [[support.email]]
    assert referral.client.reference in mail.outbox[0].subject
    assert referral.client.first_name not in mail.outbox[0].body
    time_machine.move_to(ORDINARY_DAY + dt.timedelta(days=1))  # two days over
    escalate_waiting()
    assert _notified(coordinator) == []
    time_machine.move_to(ORDINARY_DAY + dt.timedelta(days=2))  # three days over
    escalate_waiting()
    escalate_waiting()
    assert _notified(coordinator) == [f"waiting-escalated:referral:{referral.pk}:2027-06-15"]
    assert len(_notified(support)) == 1


def test_the_worker_covering_the_owner_is_told_too(coordinator: Any, support: Any) -> None:
    away = UserFactory(role=Role.SUPPORT)
    CaseloadCover.objects.create(worker=away, covered_by=support, starts=TODAY, ends=TODAY)
    ReferralFactory(referred_on=days_ago(11), client__key_worker=away)
    escalate_waiting()
    assert len(_notified(away)) == 1
    assert len(_notified(support)) == 1


def test_something_with_no_owner_in_the_team_goes_to_the_coordinators(
    coordinator: Any,
) -> None:
    payment = PaymentRequestFactory(requested_at=timezone.now() - dt.timedelta(days=10))
    assert escalate_waiting() == 1
    assert _notified(coordinator) == [f"waiting:payment-request:{payment.pk}:2027-06-09"]


def test_those_the_risk_reminders_tell_are_not_told_again(coordinator: Any, support: Any) -> None:
    RiskAssessmentFactory(
        client=ClientFactory(key_worker=support), assessed_on=days_ago(60), review_due=days_ago(5)
    )
    MeetingActionFactory(due=days_ago(6), owner=support)
    MeetingActionFactory(due=days_ago(6), owner=None, owner_other="The GP")
    escalate_waiting()
    assert _notified(support) == []
    assert _notified(coordinator) == []


def test_a_new_due_date_is_told_again(coordinator: Any, support: Any) -> None:
    plan = SupportPlanFactory(
        client=ClientFactory(key_worker=support), start=days_ago(100), review_date=days_ago(1)
    )
    escalate_waiting()
    plan.review_date = days_ago(1) - dt.timedelta(days=1)
    plan.save()
    escalate_waiting()
    assert len(_notified(support)) == 2


def test_the_escalation_runs_nightly_from_beat() -> None:
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "mars.tasks.escalate_waiting" in tasks


def test_the_api_is_in_the_openapi_schema_without_warnings(tmp_path: Any) -> None:
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = out.read_text()
    assert "/api/waiting/:" in schema and "days_over" in schema and "response_due" in schema
