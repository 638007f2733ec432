"""The long-term list (RSDF B1's people) and the dashboard's long-term trend against the
coordinator's target."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessEvent
from clients.models import Client, ClientStatus
from mars.dates import add_months
from mars.roles import Role
from reporting import longterm, rsdf, services
from reporting.models import LongTermTarget
from tests.clock import ORDINARY_DAY, london
from tests.factories import (
    ClientFactory,
    ContactFactory,
    PlacementFactory,
    PropertyFactory,
    SupportPlanFactory,
    UnitFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]

# ORDINARY_DAY is 16 June 2027: June is this month, and long-term counts June 2026 to May 2027.
JUNE = date(2027, 6, 1)
MAY = date(2027, 5, 1)


def seen(person: Client, *days: date) -> None:
    for day in days:
        ContactFactory(client=person, at=london(day.year, day.month, day.day, 22))


def long_term_in_june(person: Client, months: list[tuple[int, int]]) -> Client:
    """Seen on 10 June 2027 and on the 5th of each (year, month) given."""
    seen(person, date(2027, 6, 10), *(date(year, month, 5) for year, month in months))
    return person


def test_coordinator_sees_everyone_long_term_with_months_worker_plan_and_accommodation(
    client: Any, coordinator: Any, support: Any
) -> None:
    ann = long_term_in_june(
        ClientFactory(first_name="Ann", last_name="Zed", key_worker=support),
        [(2026, 6), (2026, 9), (2026, 12), (2027, 2), (2027, 5)],
    )
    SupportPlanFactory(client=ann, start=date(2027, 6, 12))
    hostel = PropertyFactory(name="Stonehouse Hostel", type="hostel")
    PlacementFactory(client=ann, unit=UnitFactory(property=hostel), start=date(2027, 6, 14))
    bob = long_term_in_june(
        ClientFactory(first_name="Bob", last_name="Able", status=ClientStatus.ROUGH_SLEEPING),
        [(2026, 7), (2026, 8), (2027, 1)],
    )
    # Two months before is not enough; three months before without June is not this month's.
    long_term_in_june(ClientFactory(first_name="Cat"), [(2026, 7), (2026, 8)])
    seen(ClientFactory(first_name="Dan"), date(2026, 7, 5), date(2026, 8, 5), date(2026, 9, 5))

    client.force_login(coordinator)
    dashboard = client.get(reverse("reporting:dashboard")).content.decode()
    assert f'href="{reverse("reporting:long_term")}"' in dashboard
    page = client.get(reverse("reporting:long_term"))
    assert page.status_code == 200
    rows = page.context["rows"]
    # Most months out first, whatever the names.
    assert [row.client for row in rows] == [ann, bob]
    assert [row.months_out for row in rows] == [5, 3]
    assert [m.day for m in rows[0].months if m.seen] == [
        date(2026, 6, 1),
        date(2026, 9, 1),
        date(2026, 12, 1),
        date(2027, 2, 1),
        date(2027, 5, 1),
    ]
    html = page.content.decode()
    assert ann.get_absolute_url() in html and bob.get_absolute_url() in html
    assert "Cat" not in html and "Dan" not in html
    assert "Seen in Jun 2026, Sep 2026, Dec 2026, Feb 2027, May 2027." in html
    ann_card = html.split(ann.get_absolute_url())[1].split("</li>\n")[0]
    assert "support plan in force" in ann_card and "no support plan" not in ann_card
    assert "Stonehouse Hostel (Hostel)" in ann_card
    assert f"Key worker {support.get_full_name() or support.username}" in ann_card
    bob_card = html.split(bob.get_absolute_url())[1]
    assert "no support plan in force" in bob_card and "Rough sleeping" in bob_card
    read = AccessEvent.objects.filter(user=coordinator, what="long-term list").get()
    assert sorted(read.people) == sorted([ann.pk, bob.pk])


def test_the_list_shows_the_month_asked_for_and_refuses_a_bad_one(
    client: Any, coordinator: Any
) -> None:
    # Long-term in May (seen in May and in three months before it), not seen in June.
    eve = ClientFactory(first_name="Eve")
    seen(eve, date(2027, 5, 3), date(2026, 10, 3), date(2026, 11, 3), date(2027, 3, 3))
    client.force_login(coordinator)
    assert client.get(reverse("reporting:long_term")).context["rows"] == []
    may = client.get(reverse("reporting:long_term"), {"period": "2027-05"})
    assert [row.client for row in may.context["rows"]] == [eve]
    assert "May 2027" in may.content.decode()
    bad = client.get(reverse("reporting:long_term"), {"period": "2027-13"})
    assert bad.status_code == 400
    assert "is not a month" in bad.content.decode()


@pytest.mark.parametrize(
    "role", [role for role in Role if role != Role.COORDINATOR], ids=lambda role: role.value
)
def test_only_those_who_see_the_dashboards_people_see_the_long_term_list(
    client: Any, make_user: Any, role: Role
) -> None:
    long_term_in_june(ClientFactory(), [(2026, 7), (2026, 8), (2027, 1)])
    client.force_login(make_user(role))
    assert client.get(reverse("reporting:long_term")).status_code == 403
    assert client.get("/api/rsdf/long-term/").status_code == 403
    assert client.get(reverse("reporting:long_term_target")).status_code == 403
    posted = client.post(
        reverse("reporting:long_term_target"),
        {"baseline_month": "2027-05", "target_date": "2028-03-31"},
    )
    assert posted.status_code == 403
    assert not LongTermTarget.objects.exists()


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_few_people_as_for_many(
    client: Any, coordinator: Any, support: Any, django_assert_max_num_queries: Any
) -> None:
    def add(number: int) -> None:
        for index in range(number):
            person = long_term_in_june(
                ClientFactory(key_worker=support), [(2026, 7), (2026, 8 + index % 3), (2027, 1)]
            )
            SupportPlanFactory(client=person, start=date(2027, 6, 1))
            PlacementFactory(client=person, start=date(2027, 6, 2))

    client.force_login(coordinator)
    add(2)
    url = reverse("reporting:long_term")
    few = _queries(client, url)
    add(15)
    with django_assert_max_num_queries(few):
        assert len(client.get(url).context["rows"]) == 17
    api = "/api/rsdf/long-term/?period=2027-06"
    assert _queries(client, api) <= few + 2


def test_the_api_lists_the_people_in_the_pages_shape(
    client: Any, coordinator: Any, support: Any
) -> None:
    ann = long_term_in_june(
        ClientFactory(first_name="Ann", key_worker=support), [(2026, 7), (2026, 8), (2027, 1)]
    )
    client.force_login(coordinator)
    body = client.get("/api/rsdf/long-term/").json()
    assert body["period"] == "2027-06" and body["count"] == 1
    person = body["people"][0]
    assert person["id"] == ann.pk and person["reference"] == ann.reference
    assert person["months"] == ["2026-07", "2026-08", "2027-01"]
    assert person["months_out"] == 3
    assert person["key_worker"] == support.username
    assert person["support_plan_in_force"] is False
    assert person["accommodation"] == "Rough sleeping" and person["placement"] is None
    assert client.get("/api/rsdf/long-term/?period=2027-05").json()["count"] == 0
    bad = client.get("/api/rsdf/long-term/?period=May")
    assert bad.status_code == 400 and "period" in bad.json()
    assert AccessEvent.objects.filter(what="api: long-term list", people=[ann.pk]).exists()
    schema = client.get("/api/schema/").content.decode()
    assert "/api/rsdf/long-term/" in schema


def _long_term_in_may(number: int) -> list[Client]:
    people = []
    for _ in range(number):
        person = ClientFactory()
        seen(person, date(2027, 5, 20), date(2026, 9, 1), date(2026, 10, 1), date(2027, 2, 1))
        people.append(person)
    return people


def test_setting_the_target_counts_the_baseline_and_halves_it_by_default(
    coordinator: Any,
) -> None:
    _long_term_in_may(5)
    target = services.set_long_term_target(
        baseline_month=MAY, target_date=date(2028, 3, 31), by=coordinator
    )
    assert (target.baseline_count, target.target_count) == (5, 2)
    assert target.set_by == coordinator
    changed = services.set_long_term_target(
        baseline_month=MAY, target_date=date(2028, 6, 30), target_count=1, by=coordinator
    )
    assert changed.pk == target.pk and LongTermTarget.objects.count() == 1
    assert [h.history_change_reason for h in changed.history.order_by("history_date")] == [
        "Set",
        "Changed",
    ]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"baseline_month": "2027-06"}, "baseline_month", "a month that has ended"),
        ({"baseline_month": "June"}, "baseline_month", "is not a month"),
        ({"target_date": "2027-06-01"}, "target_date", "has passed"),
        ({"target_date": "2040-01-01"}, "target_date", "within 10 years"),
        ({"target_date": ""}, "target_date", "required"),
        ({"target_count": "4"}, "target_count", "from 0 to 3 people"),
        ({"target_count": "-1"}, "target_count", "greater than or equal to 0"),
    ],
)
def test_a_bad_target_is_refused_beside_its_field_keeping_what_was_typed(
    client: Any, coordinator: Any, data: dict[str, str], field: str, message: str
) -> None:
    _long_term_in_may(3)
    client.force_login(coordinator)
    posted = {"baseline_month": "2027-05", "target_date": "2028-03-31", "target_count": ""}
    posted.update(data)
    page = client.post(reverse("reporting:long_term_target"), posted)
    assert page.status_code == 200
    errors = page.context["form"].errors
    assert list(errors) == [field], errors
    assert message in " ".join(errors[field])
    html = page.content.decode()
    for value in posted.values():
        assert f'value="{value}"' in html or not value
    assert not LongTermTarget.objects.exists()


def test_the_coordinator_sets_the_target_on_the_dashboard_and_sees_its_course_and_history(
    client: Any, coordinator: Any
) -> None:
    _long_term_in_may(4)
    client.force_login(coordinator)
    dashboard = client.get(reverse("reporting:dashboard"))
    assert "No target set for long-term rough sleeping." in dashboard.content.decode()
    chart = dashboard.context["long_term"]["chart"]
    assert [bar["period"] for bar in chart["bars"]][-2:] == ["2027-05", "2027-06"]
    assert chart["bars"][-2]["shown"] == "4" and chart["bars"][-1]["shown"] == "0"
    assert (chart["bars"][-2]["label"], chart["bars"][-1]["label"]) == (
        "May 2027",
        "Jun 2027 so far",
    )
    assert chart["course"] is None

    saved = client.post(
        reverse("reporting:long_term_target"),
        {"baseline_month": "2027-05", "target_date": "2028-05-31", "target_count": ""},
    )
    assert saved.status_code == 302 and saved["Location"].startswith(reverse("reporting:dashboard"))
    page = client.get(reverse("reporting:dashboard"))
    html = page.content.decode()
    assert "Target: <strong>2 by 31/05/2028</strong>, from 4 in May 2027." in html
    assert "Too early to say" in html
    chart = page.context["long_term"]["chart"]
    # The course: 4 in May 2027 falling by a sixth of a person a month to 2 in May 2028.
    assert [bar["course"] for bar in chart["bars"]][-3:] == [None, "4.0", "3.8"]
    assert 'class="course-line"' in html
    assert "a straight course from 4 in May 2027 to 2 by 31/05/2028" in html

    target_page = client.get(reverse("reporting:long_term_target")).content.decode()
    assert "4 long-term in May 2027" in target_page and "History" in target_page
    client.post(
        reverse("reporting:long_term_target"),
        {"baseline_month": "2027-05", "target_date": "2028-05-31", "target_count": "1"},
    )
    target_page = client.get(reverse("reporting:long_term_target")).content.decode()
    history = target_page.split('id="history-heading"')[1]
    assert "Changed" in history and "Set" in history


@pytest.mark.parametrize(("still_out", "on_course"), [(3, False), (1, True)])
@pytest.mark.time_machine(london(2027, 9, 10, 10))
def test_the_dashboard_says_whether_the_trend_is_on_course(
    client: Any, coordinator: Any, still_out: int, on_course: bool
) -> None:
    people = _long_term_in_may(4)
    LongTermTarget.objects.create(
        pk=LongTermTarget.ONLY,
        baseline_month=MAY,
        baseline_count=4,
        target_count=0,
        target_date=date(2027, 9, 30),
        set_at=london(2027, 6, 2),
    )
    # Long-term in August: seen in August, and in May, February, October and September before.
    # The course stands at 1 in August: 4 falling by one a month from May to September.
    for person in people[:still_out]:
        seen(person, date(2027, 8, 12))
    client.force_login(coordinator)
    page = client.get(reverse("reporting:dashboard"))
    course = page.context["long_term"]["course"]
    assert course["known"] and course["month"] == date(2027, 8, 1)
    assert (course["value"], course["course"]) == (still_out, 1.0)
    assert course["on_course"] is on_course
    assert ("On course" if on_course else "Off course") in page.content.decode()


def test_the_course_runs_straight_from_the_baseline_to_the_target() -> None:
    target = LongTermTarget(
        baseline_month=date(2027, 1, 1),
        baseline_count=10,
        target_count=5,
        target_date=date(2027, 11, 15),
    )
    assert target.course_on(date(2026, 12, 1)) is None
    assert target.course_on(date(2027, 1, 1)) == 10
    assert target.course_on(date(2027, 6, 1)) == 7.5
    assert target.course_on(date(2027, 11, 1)) == 5
    assert target.course_on(date(2028, 3, 1)) == 5


def test_the_trend_counts_each_month_as_the_return_does_in_one_query(
    django_assert_num_queries: Any,
) -> None:
    rng = random.Random(20)
    for n in range(25):
        person = ClientFactory(first_name=f"P{n}")
        # Each person seen on random nights over two years, some at 23:30 UTC on a month's last
        # day: the next month in London in summer time (00:30 BST).
        for _ in range(rng.randint(1, 14)):
            month = add_months(date(2025, 6, 1), rng.randint(0, 24))
            if rng.random() < 0.2:
                last = add_months(month, 1) - timedelta(days=1)
                ContactFactory(
                    client=person, at=datetime(*last.timetuple()[:3], 23, 30, tzinfo=UTC)
                )
            else:
                seen(person, month.replace(day=rng.randint(1, 28)))
    months = [add_months(JUNE, -back) for back in range(11, -1, -1)]
    expected = {month: len(rsdf.long_term_months(month)) for month in months}
    assert sum(expected.values()) > 0

    with django_assert_num_queries(1):
        counts = rsdf.long_term_counts(months)

    assert counts == expected
    assert [entry["value"] for entry in longterm.trend(JUNE)] == [expected[m] for m in months]


def test_a_long_list_shows_25_people_a_page_with_the_whole_count_and_the_month_kept(
    client: Any, coordinator: Any
) -> None:
    for _ in range(30):
        long_term_in_june(ClientFactory(), [(2026, 7), (2026, 9), (2027, 1)])
    client.force_login(coordinator)
    page = client.get(reverse("reporting:long_term"), {"period": "2027-06"})
    html = page.content.decode()
    assert len(page.context["rows"]) == 25
    assert "30 people long-term in June 2027" in html
    assert "?period=2027-06&amp;page=2" in html
    rest = client.get(reverse("reporting:long_term"), {"period": "2027-06", "page": 2})
    assert len(rest.context["rows"]) == 5
