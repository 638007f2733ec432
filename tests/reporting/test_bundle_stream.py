"""The bundle import at scale (issue 22): read as a stream, checked whole before anything is
written, written in batches with the history the services write, and a second run writes
nothing."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accommodation.models import Placement
from clients.models import Client, ClientAlias, HealthAccess, PersonName
from clients.services import index_names
from outreach.models import Contact
from reporting import bundle
from reporting.bundle import BundleError, Progress, import_bundle, import_bundle_file
from reporting.management.commands.import_bundle import progress_line
from tests.factories import ClientFactory, PlacementFactory, UnitFactory
from tests.reporting.conftest import scenario_data
from tests.reporting.test_bundle import counts, history_counts

pytestmark = pytest.mark.django_db


def writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of three, so the scenario's sections span several."""
    monkeypatch.setattr(bundle, "BATCH", 3)


def test_a_future_contact_at_the_end_is_refused_before_any_row_is_written(
    time_machine: Any,
) -> None:
    time_machine.move_to(datetime(2026, 11, 20, 12, 0, tzinfo=UTC))
    data = scenario_data()
    data["contacts"].append(dict(data["contacts"][0], at="2026-12-25T06:30:00+00:00"))
    bundle.importer_account()  # the account it is recorded under, made once
    with CaptureQueriesContext(connection) as queries, pytest.raises(BundleError) as refused:
        import_bundle(data)
    assert refused.value.problems == ["contacts[12].at: A contact cannot be in the future."]
    assert writes(queries) == []
    assert set(counts().values()) == {0}


def test_every_problem_is_listed_in_file_order_across_batches(small_batches: None) -> None:
    data = scenario_data()
    data["contacts"][7]["client"] = "C99"
    data["contacts"][1]["kind"] = "visit_by_owl"
    data["contacts"].append(dict(data["contacts"][2]))
    data["clients"][5]["date_of_birth"] = "yesterday"
    data["placements"].append(dict(data["placements"][0], client="C02", start="2026-10-12"))
    with pytest.raises(BundleError) as refused:
        import_bundle(data)
    problems = refused.value.problems
    assert [problem.split(":")[0] for problem in problems] == [
        "clients[5].date_of_birth",
        "contacts[1].kind",
        "contacts[7].client",
        "contacts[12]",
        "placements[3]",
    ]
    assert problems[3] == "contacts[12]: the same record as contacts[2]"
    assert problems[4].startswith("placements[3]: MARS House, Room 1 is not free")
    assert set(counts().values()) == {0}


def test_a_placement_overlapping_one_already_here_is_refused(scenario: Any) -> None:
    unit = UnitFactory()
    PlacementFactory(client=ClientFactory(), unit=unit, start=datetime(2026, 9, 1).date())
    data = {
        "format": "mars-bundle/1",
        "placements": [
            {
                "client": "C02",
                "property": unit.property.key,
                "unit": unit.name,
                "start": "2026-10-01",
            }
        ],
    }
    with pytest.raises(BundleError) as refused:
        import_bundle(data)
    assert refused.value.problems[0].startswith(f"placements[0]: {unit} is not free")


def test_a_placement_planned_to_end_before_it_starts_is_refused_before_writing(
    scenario: Any,
) -> None:
    unit = UnitFactory()
    data = {
        "format": "mars-bundle/1",
        "placements": [
            {
                "client": "C02",
                "property": unit.property.key,
                "unit": unit.name,
                "start": "2026-10-01",
                "planned_end": "2026-09-30",
            }
        ],
    }
    with CaptureQueriesContext(connection) as queries, pytest.raises(BundleError) as refused:
        import_bundle(data)
    assert refused.value.problems == [
        "placements[0].planned_end: The planned end cannot be before the start."
    ]
    assert writes(queries) == []


def test_a_rule_only_the_database_holds_refuses_the_file_naming_the_rule_not_the_row(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A check that missed a rule: the database's constraint still refuses the whole file, and
    # the problem names the rule, not the row's values (a person's details).
    monkeypatch.setattr(bundle._Item, "problem", lambda self, name, message: None)
    data = {
        "format": "mars-bundle/1",
        "clients": [{"ref": "Z1", "first_name": "Zed"}],
        "contacts": [
            {
                "client": "Z1",
                "at": "2026-10-03T06:30:00+01:00",
                "kind": "street_outreach",
                "latitude": "50.37",
            }
        ],
    }
    with pytest.raises(BundleError) as refused:
        import_bundle(data)
    assert refused.value.problems == [
        'file: a record breaks the rule "contact_coordinates_both_or_neither" in the database; '
        "nothing was imported"
    ]
    assert not Client.objects.filter(external_ref="Z1").exists()


def test_a_big_import_refreshes_the_statistics_of_the_tables_it_filled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # ANALYZE sets pg_class.reltuples within the transaction: the planner sees the rows now.
    monkeypatch.setattr(bundle, "ANALYZE_AFTER", 1)
    import_bundle(scenario_data())
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'outreach_contact'")
        (estimated,) = cursor.fetchone()
    assert estimated == Contact.objects.count() > 0


def test_a_second_run_of_the_same_file_writes_nothing(small_batches: None) -> None:
    import_bundle(scenario_data())
    before, history_before = counts(), history_counts()
    with CaptureQueriesContext(connection) as queries:
        summary = import_bundle(scenario_data())
    assert not summary.changed_anything
    assert writes(queries) == []
    assert counts() == before
    assert history_counts() == history_before


def test_records_written_in_bulk_have_their_history_with_who_and_why(
    small_batches: None, coordinator: Any
) -> None:
    import_bundle(scenario_data(), by=coordinator)
    for model in (Client, Contact, Placement, HealthAccess):
        rows = model.history.all()
        assert rows.exists(), model
        assert {row.history_user_id for row in rows} == {coordinator.pk}, model
    # Added once each; a person's status and GP registration then follow their records.
    assert set(Contact.history.values_list("history_type", flat=True)) == {"+"}
    assert set(Contact.history.values_list("history_change_reason", flat=True)) == {
        "Imported from a bundle"
    }


def test_new_people_are_indexed_by_name_and_alias_as_the_service_indexes_them(
    small_batches: None,
) -> None:
    import_bundle(
        {
            "format": "mars-bundle/1",
            "clients": [
                {"ref": f"C{i}", "first_name": f"Robin{i}", "last_name": "Fox", "aliases": ["Ash"]}
                for i in range(7)
            ],
        }
    )
    assert [c.external_ref for c in Client.objects.order_by("pk")] == [f"C{i}" for i in range(7)]
    assert ClientAlias.history.filter(history_change_reason="Imported from a bundle").count() == 7

    def index() -> set[tuple[int, str, str]]:
        return set(PersonName.objects.values_list("client_id", "kind", "normalised"))

    imported = index()
    assert imported
    for person in Client.objects.all():
        index_names(person)
    assert index() == imported


class Trickle(io.BytesIO):
    """A file that refuses to be read whole: a stream-reader asks for a little at a time."""

    def read(self, size: int | None = -1) -> bytes:
        assert size is not None and 0 <= size <= 1024 * 1024, f"read({size}) of the whole file"
        return super().read(size)


def test_the_file_is_read_a_little_at_a_time_never_whole() -> None:
    raw = json.dumps(scenario_data()).encode()
    summary = import_bundle_file(Trickle(raw))
    assert summary.created["contacts"] == 12


def test_progress_is_told_while_checking_then_while_writing(small_batches: None) -> None:
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(bundle, "PROGRESS_EVERY", 10)
    told: list[Progress] = []
    try:
        import_bundle_file(io.BytesIO(json.dumps(scenario_data()).encode()), progress=told.append)
    finally:
        monkeypatch.undo()
    stages = [p.stage for p in told]
    assert stages.index("writing") > stages.index("checking")
    assert set(stages[: stages.index("writing")]) == {"checking"}
    writing = [p for p in told if p.stage == "writing"]
    assert {p.total for p in writing} == {writing[-1].done}
    assert writing[-1].done == told[stages.index("writing") - 1].done


def test_a_progress_line_gives_records_done_rate_and_time_left() -> None:
    line = progress_line(Progress("writing", 120_000, 1_320_000, 12.0))
    assert line == "writing: 120,000 of 1,320,000 records, 10,000 a second, 2m00s left"


def test_the_writing_stage_s_rate_and_time_left_are_its_own_not_the_checking_s() -> None:
    # Checked 100,000 records in 10 s, then wrote 20,000 in the 20 s since writing began.
    writing = Progress("writing", 20_000, 100_000, 30.0, stage_elapsed=20.0)
    assert writing.rate == 1_000
    assert writing.seconds_left == 80


def test_progress_told_while_writing_counts_from_the_writing_stage_s_start(
    small_batches: None, time_machine: Any
) -> None:
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(bundle, "PROGRESS_EVERY", 10)
    told: list[Progress] = []
    try:
        import_bundle_file(io.BytesIO(json.dumps(scenario_data()).encode()), progress=told.append)
    finally:
        monkeypatch.undo()
    for progress in told:
        assert progress.stage_elapsed is not None
        assert 0 <= progress.stage_elapsed <= progress.elapsed
    last_checking = [p for p in told if p.stage == "checking"][-1]
    first_writing = next(p for p in told if p.stage == "writing")
    assert first_writing.stage_elapsed is not None
    assert first_writing.stage_elapsed <= first_writing.elapsed - last_checking.elapsed
