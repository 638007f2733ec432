"""The month's RSDF return as a record: opening, choosing the night, checking and submitting it
(figures frozen), what to check before sending, its pages for each role, its files and its API."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from audit.models import AccessEvent
from clients.models import Discharge, Gender, PublicFunds
from mars.roles import Role
from reporting import report, returns
from reporting.bundle import import_bundle
from reporting.models import ReturnStatus, RsdfReturn
from tests import factories as f
from tests.clock import ORDINARY_DAY, london
from tests.concurrency import at_once
from tests.reporting.conftest import DATA, expected

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]

OCTOBER = date(2026, 10, 1)


@pytest.fixture(autouse=True)
def population(settings: Any) -> None:
    settings.MARS_POPULATION = 266900


def seen(person: Any, day: int, hour: int = 6, **kwargs: Any) -> Any:
    """A bedded-down contact with the person in October 2026 (local time)."""
    return f.ContactFactory(client=person, at=london(2026, 10, day, hour), **kwargs)


@pytest.fixture
def october(db: None) -> dict[str, Any]:
    """Three people out in October: one with every fact known, one whose nationality is not
    known, one whose note says they left prison; and a sighting of no one identified."""
    known = f.ClientFactory(
        first_name="Kim",
        last_name="Known",
        gender=Gender.FEMALE,
        nationality="GB",
        public_funds=PublicFunds.ELIGIBLE,
    )
    unknown = f.ClientFactory(
        first_name="Nat",
        last_name="Unknown",
        gender=Gender.MALE,
        nationality="",
        public_funds=PublicFunds.ELIGIBLE,
    )
    released = f.ClientFactory(
        first_name="Rob",
        last_name="Released",
        gender=Gender.MALE,
        nationality="PL",
        public_funds=PublicFunds.NO_RECOURSE,
    )
    seen(known, 3)
    seen(known, 21, 23)
    seen(unknown, 10)
    seen(released, 12, notes="Says he left prison on Friday, no ID yet.")
    f.ContactFactory(client=None, at=london(2026, 10, 14, 6), description="Man in a doorway")
    return {"known": known, "unknown": unknown, "released": released}


def opened(coordinator: Any, night: date | None = date(2026, 10, 21)) -> RsdfReturn:
    record = returns.open_return(OCTOBER, by=coordinator)
    return returns.change_return(record, night=night, population=266900, notes="", by=coordinator)


# The services


def test_a_month_has_one_return_with_the_population_setting(coordinator: Any) -> None:
    record = returns.open_return(date(2026, 10, 17), by=coordinator)
    again = returns.open_return(OCTOBER, by=coordinator)
    assert record.pk == again.pk
    assert (record.period, record.population, record.definitions) == (OCTOBER, 266900, "rsdf-v1")
    assert record.status == ReturnStatus.DRAFT
    with pytest.raises(returns.ReturnError, match="not begun"):
        returns.open_return(date(2027, 7, 1), by=coordinator)


def test_the_single_night_is_in_the_month_and_not_its_last_day(coordinator: Any) -> None:
    record = returns.open_return(OCTOBER, by=coordinator)
    for night in (date(2026, 10, 31), date(2026, 11, 2), date(2026, 9, 30)):
        with pytest.raises(returns.ReturnError) as refused:
            returns.change_return(record, night=night, population=1, notes="", by=coordinator)
        assert refused.value.field == "night"
    changed = returns.change_return(
        record, night=date(2026, 10, 30), population=None, notes=" Busy month ", by=coordinator
    )
    assert (changed.night, changed.population, changed.notes) == (
        date(2026, 10, 30),
        None,
        "Busy month",
    )


def test_checking_needs_the_night_and_a_changed_night_needs_checking_again(
    coordinator: Any,
) -> None:
    record = returns.open_return(OCTOBER, by=coordinator)
    with pytest.raises(returns.ReturnError, match="single night"):
        returns.mark_checked(record, by=coordinator)
    record = opened(coordinator)
    record = returns.mark_checked(record, by=coordinator)
    assert (record.status, record.checked_by) == (ReturnStatus.CHECKED, coordinator)
    record = returns.change_return(
        record, night=date(2026, 10, 22), population=266900, notes="", by=coordinator
    )
    assert (record.status, record.checked_at) == (ReturnStatus.DRAFT, None)
    assert record.history.first().history_change_reason == "Changed: to be checked again"


def test_what_to_check_lists_the_gaps_of_the_people_counted(
    coordinator: Any, october: dict[str, Any]
) -> None:
    record = opened(coordinator)
    found = returns.compute(record)
    gaps = returns.checks(OCTOBER, found)
    assert gaps.people["nationality"] == [october["unknown"].pk]
    assert gaps.people["discharge"] == [october["released"].pk]
    assert gaps.people["gender"] == []
    assert gaps.unidentified_sightings == 1
    assert gaps.people_with_gaps == 2
    # A discharge recorded closes the gap; a nationality set closes the other.
    Discharge.objects.create(client=october["released"], kind="prison", date=date(2026, 10, 9))
    october["unknown"].nationality = "IE"
    october["unknown"].save()
    gaps = returns.checks(OCTOBER, returns.compute(record))
    assert not gaps.has_gaps


def test_a_release_note_before_the_look_back_is_not_a_gap(
    coordinator: Any, october: dict[str, Any]
) -> None:
    long_ago = london(2026, 10, 1) - timedelta(days=returns.RELEASE_LOOK_BACK_DAYS + 2)
    person = october["known"]
    f.ContactFactory(client=person, at=long_ago, bedded_down=False, notes="Released from prison")
    gaps = returns.checks(OCTOBER, returns.compute(opened(coordinator)))
    assert person.pk not in gaps.people["discharge"]


def test_submitting_with_gaps_needs_a_reason_and_freezes_the_figures(
    coordinator: Any, october: dict[str, Any]
) -> None:
    record = opened(coordinator)
    with pytest.raises(returns.ReturnError, match="checked"):
        returns.submit_return(record, by=coordinator)
    record = returns.mark_checked(record, by=coordinator)
    with pytest.raises(returns.ReturnError) as refused:
        returns.submit_return(record, reason="  ", by=coordinator)
    assert refused.value.field == "reason"
    assert "2 of the people counted" in str(refused.value)
    sent = returns.submit_return(record, reason="Prison not confirmed yet.", by=coordinator)
    assert sent.status == ReturnStatus.SUBMITTED
    assert (sent.submitted_by, sent.gaps_reason) == (coordinator, "Prison not confirmed yet.")
    assert sent.figures["over_month"]["total"] == 3
    assert sent.figures["single_night"]["total"] == 1
    assert sent.gaps == {
        "gender": 0,
        "age": 0,
        "nationality": 1,
        "public_funds": 0,
        "discharge": 1,
        "people": 2,
        "unidentified_sightings": 1,
    }
    # New records change a draft's figures, never a submitted return's.
    seen(f.ClientFactory(), 20)
    sent.refresh_from_db()
    assert returns.figures_of(sent)["over_month"]["total"] == 3
    with pytest.raises(returns.ReturnError, match="never changes"):
        returns.change_return(sent, night=None, population=1, notes="", by=coordinator)
    with pytest.raises(returns.ReturnError, match="never changes"):
        returns.submit_return(sent, reason="Again", by=coordinator)


def test_a_return_without_gaps_is_submitted_without_a_reason(coordinator: Any) -> None:
    person = f.ClientFactory(gender=Gender.MALE, nationality="GB", public_funds="eligible")
    seen(person, 21, 22)
    record = returns.mark_checked(opened(coordinator), by=coordinator)
    sent = returns.submit_return(record, by=coordinator)
    assert (sent.status, sent.gaps_reason, sent.gaps["people"]) == ("submitted", "", 0)


@pytest.mark.time_machine(london(2026, 10, 20, 9, 0))
def test_a_month_not_yet_over_cannot_be_sent_nor_a_night_not_yet_passed_chosen(
    coordinator: Any,
) -> None:
    record = returns.open_return(OCTOBER, by=coordinator)
    with pytest.raises(returns.ReturnError) as refused:
        returns.change_return(
            record, night=date(2026, 10, 20), population=1, notes="", by=coordinator
        )
    assert refused.value.field == "night" and "has not ended yet" in str(refused.value)
    record = returns.change_return(
        record, night=date(2026, 10, 19), population=1, notes="", by=coordinator
    )
    record = returns.mark_checked(record, by=coordinator)
    with pytest.raises(returns.ReturnError) as refused:
        returns.submit_return(record, reason="Early", by=coordinator)
    assert "October 2026 has not ended yet" in str(refused.value)
    assert "01/11/2026" in str(refused.value)
    assert RsdfReturn.objects.get().status == ReturnStatus.CHECKED


@pytest.mark.django_db(transaction=True)
def test_two_submits_at_once_send_the_return_once(roles: None, coordinator: Any) -> None:
    record = returns.mark_checked(opened(coordinator), by=coordinator)
    results = at_once(
        lambda: returns.submit_return(record, reason="Both", by=coordinator),
        lambda: returns.submit_return(record, reason="Both", by=coordinator),
    )
    assert sorted(type(result).__name__ for result in results) == ["ReturnError", "RsdfReturn"]
    assert RsdfReturn.objects.get().history.filter(history_change_reason="Submitted").count() == 1


# The pages


def test_the_coordinator_sees_figures_beside_other_months_with_the_people_behind_them(
    client: HttpClient, coordinator: Any, october: dict[str, Any]
) -> None:
    record = opened(coordinator)
    client.force_login(coordinator)
    page = client.get(record.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "People sleeping rough over the month" in text
    assert "Sep 2026" in text and "Oct 2025" in text
    assert "key=over_month.total" in text
    assert "Nationality not known: 1" in text
    assert f"/people/{october['unknown'].pk}/edit/" in text
    assert "1 bedded-down sighting in October of someone not identified" in text
    assert "Opened" in text  # the history


def test_the_people_behind_a_figure_are_listed_and_logged(
    client: HttpClient, coordinator: Any, october: dict[str, Any]
) -> None:
    record = opened(coordinator)
    client.force_login(coordinator)
    before = AccessEvent.objects.count()
    page = client.get(f"/reports/rsdf/{record.pk}/people/", {"key": "over_month.total"})
    assert page.status_code == 200
    assert october["unknown"].reference in page.content.decode()
    (event,) = AccessEvent.objects.order_by("id")[before:]
    assert event.what == "rsdf drill-down"
    assert set(event.people) == {person.pk for person in october.values()}
    for key in ("over_month.per_100k", "nonsense", ""):
        assert client.get(f"/reports/rsdf/{record.pk}/people/", {"key": key}).status_code == 404


def test_the_people_behind_a_large_figure_come_25_a_page_with_the_whole_count(
    client: HttpClient, coordinator: Any
) -> None:
    for n in range(30):
        seen(f.ClientFactory(last_name=f"Out{n:02}"), 3 + n % 20)
    record = opened(coordinator)
    client.force_login(coordinator)
    url = f"/reports/rsdf/{record.pk}/people/"
    page = client.get(url, {"key": "over_month.total"})
    text = page.content.decode()
    assert len(page.context["people"].object_list) == 25
    assert "30 people counted" in text
    assert "?key=over_month.total&amp;page=2" in text
    rest = client.get(url, {"key": "over_month.total", "page": 2})
    assert [p.last_name for p in rest.context["people"]] == [f"Out{n}" for n in range(25, 30)]


def test_the_director_sees_counts_and_no_people(
    client: HttpClient, make_user: Any, coordinator: Any, october: dict[str, Any]
) -> None:
    record = opened(coordinator)
    client.force_login(make_user(Role.DIRECTOR))
    page = client.get(record.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "People sleeping rough over the month" in text
    assert "/people/?key=" not in text
    assert october["unknown"].reference not in text
    assert "Nationality not known: 1" in text
    people = client.get(f"/reports/rsdf/{record.pk}/people/", {"key": "over_month.total"})
    assert people.status_code == 403
    assert client.post(record.get_absolute_url(), {"action": "check"}).status_code == 403


def test_commissioners_see_submitted_returns_only_and_counts_only(
    client: HttpClient, commissioner: Any, coordinator: Any, october: dict[str, Any]
) -> None:
    draft = opened(coordinator)
    client.force_login(commissioner)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "October 2026" not in client.get("/reports/rsdf/").content.decode()
    sent = returns.submit_return(
        returns.mark_checked(draft, by=coordinator), reason="Known gaps", by=coordinator
    )
    listed = client.get("/reports/rsdf/").content.decode()
    assert "October 2026" in listed
    page = client.get(sent.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "/people/?key=" not in text
    assert october["unknown"].reference not in text
    assert client.get(f"/reports/rsdf/{sent.pk}/people/?key=over_month.total").status_code == 403
    assert client.get(f"/reports/rsdf/{sent.pk}/csv/").status_code == 200


def test_the_coordinator_opens_checks_and_submits_a_return_through_the_page(
    client: HttpClient, coordinator: Any, october: dict[str, Any]
) -> None:
    client.force_login(coordinator)
    bad = client.post("/reports/rsdf/", {"period": "October"})
    assert bad.status_code == 200 and "YYYY-MM" in bad.content.decode()
    opened_page = client.post("/reports/rsdf/", {"period": "2026-10"})
    record = RsdfReturn.objects.get()
    assert opened_page.url == record.get_absolute_url()
    url = record.get_absolute_url()
    refused = client.post(
        url, {"action": "save", "night": "2026-10-31", "population": "266900", "notes": "Mine"}
    )
    assert refused.status_code == 200
    assert "last day of October 2026" in refused.content.decode()
    assert "Mine</textarea>" in refused.content.decode()
    for bad_input in ({"night": "31/31/2026"}, {"population": "-3"}, {"population": "many"}):
        response = client.post(url, {"action": "save", "population": "1", **bad_input})
        assert response.status_code == 200
        assert "errorlist" in response.content.decode()
    saved = client.post(
        url, {"action": "save", "night": "2026-10-21", "population": "266900", "notes": ""}
    )
    assert saved.status_code == 302
    assert client.post(url, {"action": "check"}).status_code == 302
    no_reason = client.post(url, {"action": "submit", "reason": ""})
    assert no_reason.status_code == 200
    assert "say why the return is sent with them" in no_reason.content.decode()
    sent = client.post(url, {"action": "submit", "reason": "Waiting on probation."})
    assert sent.status_code == 302
    record.refresh_from_db()
    assert record.status == ReturnStatus.SUBMITTED
    page = client.get(url).content.decode()
    assert "Waiting on probation." in page
    assert "Submitted" in page
    after = client.post(url, {"action": "save", "population": "1"}, follow=True)
    assert "a sent return never changes" in after.content.decode()
    assert client.post(url, {"action": "nonsense"}).status_code == 302


def test_the_files_have_one_row_per_figure(
    client: HttpClient, coordinator: Any, october: dict[str, Any]
) -> None:
    record = opened(coordinator)
    client.force_login(coordinator)
    response = client.get(f"/reports/rsdf/{record.pk}/csv/")
    assert response["Content-Disposition"] == 'attachment; filename="rsdf-2026-10-draft.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Indicator", "Figure", "Value"]
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["R1"][2] == "3"
    assert by_code["D-NATIONALITY-NOT_KNOWN"][2] == "1"
    assert len(rows) == 1 + len(returns.rsdf.INDICATORS)
    xlsx = client.get(f"/reports/rsdf/{record.pk}/xlsx/")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_monthly_report_has_an_rsdf_section(coordinator: Any, october: dict[str, Any]) -> None:
    opened(coordinator)
    section = report.build(OCTOBER, date(2026, 11, 20))["rsdf"]
    figures = {row["code"]: row["value"] for row in section["figures"]}
    assert figures["R1"] == "3"
    assert section["night"] == "2026-10-21"
    assert section["breakdowns"]["Gender"]["rows"][0] == {"label": "male", "shown": "<5"}
    assert "Not yet submitted" in section["status"]


# The API


def test_the_api_gives_any_months_figures_and_refuses_bad_input_by_field(
    client: HttpClient, coordinator: Any, october: dict[str, Any]
) -> None:
    client.force_login(coordinator)
    response = client.get(
        "/api/rsdf/", {"period": "2026-10", "single_night": "2026-10-21", "population": "266900"}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["period"], body["night"], body["population"]) == ("2026-10", "2026-10-21", 266900)
    assert body["over_month"]["total"] == 3
    no_night = client.get("/api/rsdf/", {"period": "2026-10"}).json()
    assert no_night["single_night"]["total"] is None
    bad = client.get(
        "/api/rsdf/", {"period": "2026-13", "single_night": "soon", "population": "-1"}
    )
    assert bad.status_code == 400
    assert set(bad.json()) == {"period", "single_night", "population"}
    last_day = client.get("/api/rsdf/", {"period": "2026-10", "single_night": "2026-10-31"})
    assert last_day.status_code == 400
    assert "last day" in last_day.json()["single_night"][0]


def test_the_api_takes_the_returns_night_and_population_by_default(
    client: HttpClient, coordinator: Any, october: dict[str, Any]
) -> None:
    opened(coordinator, night=date(2026, 10, 21))
    client.force_login(coordinator)
    body = client.get("/api/rsdf/", {"period": "2026-10"}).json()
    assert (body["night"], body["single_night"]["total"]) == ("2026-10-21", 1)


def test_the_api_opens_changes_checks_and_submits_a_return(
    client: HttpClient, coordinator: Any, october: dict[str, Any]
) -> None:
    client.force_login(coordinator)
    created = client.post(
        "/api/rsdf-returns/",
        {"period": "2026-10", "night": "2026-10-21"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert (created.json()["population"], created.json()["status"]) == (266900, "draft")
    bad = client.patch(
        f"/api/rsdf-returns/{pk}/", {"night": "2026-10-31"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "night" in bad.json()
    moved = client.patch(
        f"/api/rsdf-returns/{pk}/", {"period": "2026-09"}, content_type="application/json"
    )
    assert moved.status_code == 400 and "period" in moved.json()
    assert client.post(f"/api/rsdf-returns/{pk}/check/").json()["status"] == "checked"
    refused = client.post(f"/api/rsdf-returns/{pk}/submit/", {}, content_type="application/json")
    assert refused.status_code == 400 and "reason" in refused.json()
    sent = client.post(
        f"/api/rsdf-returns/{pk}/submit/",
        {"reason": "Known gaps"},
        content_type="application/json",
    )
    assert sent.status_code == 200
    assert sent.json()["figures"]["over_month"]["total"] == 3
    assert sent.json()["submitted_by"] == coordinator.username


def test_commissioners_read_submitted_returns_only_through_the_api(
    client: HttpClient, make_user: Any, commissioner: Any, coordinator: Any
) -> None:
    draft = opened(coordinator)
    client.force_login(commissioner)
    assert client.get("/api/rsdf-returns/").json()["results"] == []
    assert client.get(f"/api/rsdf-returns/{draft.pk}/").status_code == 404
    assert client.get("/api/rsdf/", {"period": "2026-10"}).status_code == 403
    returns.submit_return(returns.mark_checked(draft, by=coordinator), by=coordinator)
    (listed,) = client.get("/api/rsdf-returns/").json()["results"]
    assert listed["status"] == "submitted"
    created = client.post(
        "/api/rsdf-returns/", {"period": "2026-09"}, content_type="application/json"
    )
    assert created.status_code == 403
    client.force_login(make_user(Role.DIRECTOR))
    assert client.post(f"/api/rsdf-returns/{draft.pk}/check/").status_code == 403


# The public example, and the return's night and population as the defaults everywhere

EXAMPLE_DAY = london(2026, 12, 1, 9, 0)  # after the example's last record


@pytest.fixture
def example(db: None) -> None:
    import_bundle(json.loads((DATA / "rsdf-example-2026-10.json").read_text()))


@pytest.mark.time_machine(EXAMPLE_DAY)
@pytest.mark.parametrize("key", list(expected("rsdf-example-2026-10.expected.json")))
def test_the_public_example_comes_out_of_the_api_exactly(
    client: HttpClient, coordinator: Any, example: None, key: str
) -> None:
    period, night, population = key.split("@")
    client.force_login(coordinator)
    response = client.get(
        "/api/rsdf/", {"period": period, "single_night": night, "population": population}
    )
    assert response.status_code == 200
    assert response.json() == expected("rsdf-example-2026-10.expected.json")[key]


@pytest.mark.time_machine(EXAMPLE_DAY)
def test_a_submitted_example_return_keeps_the_expected_figures(
    client: HttpClient, coordinator: Any, example: None
) -> None:
    client.force_login(coordinator)
    pk = client.post(
        "/api/rsdf-returns/",
        {"period": "2026-10", "night": "2026-10-21", "population": 266900},
        content_type="application/json",
    ).json()["id"]
    client.post(f"/api/rsdf-returns/{pk}/check/")
    sent = client.post(
        f"/api/rsdf-returns/{pk}/submit/", {"reason": "Example"}, content_type="application/json"
    )
    assert sent.status_code == 200, sent.json()
    wanted = expected("rsdf-example-2026-10.expected.json")["2026-10@2026-10-21@266900"]
    assert sent.json()["figures"] == wanted
    rows = list(
        csv.reader(io.StringIO(client.get(f"/reports/rsdf/{pk}/csv/").content.decode("utf-8-sig")))
    )
    values = {row[0]: row[2] for row in rows[1:]}
    assert values["R1"] == str(wanted["over_month"]["total"])
    assert values["P1"] == str(wanted["over_month"]["new"])


def test_the_command_takes_the_returns_night_and_population(
    coordinator: Any, october: dict[str, Any]
) -> None:
    record = opened(coordinator, night=date(2026, 10, 21))
    returns.change_return(
        record, night=date(2026, 10, 21), population=100000, notes="", by=coordinator
    )
    out = StringIO()
    call_command("rsdf", "--period", "2026-10", "--format", "json", stdout=out)
    printed = json.loads(out.getvalue())
    assert (printed["night"], printed["population"]) == ("2026-10-21", 100000)
    assert printed["over_month"]["per_100k"] == 3.0


def test_commissioners_do_not_read_the_teams_notes_or_reasons(
    client: HttpClient, commissioner: Any, coordinator: Any, october: dict[str, Any]
) -> None:
    record = returns.mark_checked(opened(coordinator), by=coordinator)
    returns.change_return(
        record, night=record.night, population=1, notes="Nat Unknown moved on", by=coordinator
    )
    record = returns.mark_checked(record, by=coordinator)
    returns.submit_return(record, reason="Rob Released has no ID yet", by=coordinator)
    client.force_login(commissioner)
    page = client.get(record.get_absolute_url()).content.decode()
    assert "Nat Unknown" not in page and "Rob Released" not in page
    assert "Submitted" in page
    (listed,) = client.get("/api/rsdf-returns/").json()["results"]
    assert "notes" not in listed and "gaps_reason" not in listed
    client.force_login(coordinator)
    page = client.get(record.get_absolute_url()).content.decode()
    assert "Nat Unknown moved on" in page and "Rob Released has no ID yet" in page


def test_the_return_page_costs_the_same_queries_for_many_people(
    client: HttpClient, coordinator: Any, october: dict[str, Any]
) -> None:
    record = opened(coordinator)
    client.force_login(coordinator)
    client.get(record.get_absolute_url())  # the session and permissions, once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(record.get_absolute_url()).status_code == 200
        return len(captured)

    few = queries()
    for day in range(1, 13):
        seen(f.ClientFactory(nationality="", gender=Gender.NOT_KNOWN), day)
    assert queries() == few
