"""Bundle import and export: all or nothing, idempotent, every problem listed, round trip."""

from __future__ import annotations

import copy
import json
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from accommodation.models import Placement, Property, Unit
from clients.consent import Consent, SharingWithoutConsent
from clients.models import Agency, Client, ClientAlias, HealthAccess, SupportPlan
from outreach.models import Contact, Intervention
from reporting import kpis
from reporting.bundle import BundleError, export_bundle, import_bundle
from tests.concurrency import at_once
from tests.factories import ClientFactory
from tests.reporting.conftest import DATA, expected, scenario_data

MODELS = [
    Agency,
    Property,
    Unit,
    Client,
    Contact,
    Placement,
    Intervention,
    SupportPlan,
    HealthAccess,
]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def history_counts() -> dict[str, int]:
    return {model.__name__: model.history.count() for model in MODELS}


@pytest.mark.django_db
def test_command_imports_the_scenario_and_reports_what_it_made() -> None:
    out = StringIO()
    call_command("import_bundle", str(DATA / "example-2026-10.json"), stdout=out)
    assert "clients: 9 new" in out.getvalue()
    assert counts()["Contact"] == 12
    sam = Client.objects.get(external_ref="C01")
    assert sam.reference.startswith("MARS-")
    assert sam.history.first().history_change_reason == "Imported from a bundle"


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing(scenario: Any) -> None:
    before, history_before = counts(), history_counts()
    summary = import_bundle(scenario_data())
    assert not summary.changed_anything
    assert counts() == before
    assert history_counts() == history_before


@pytest.mark.django_db
def test_a_changed_field_is_updated_in_place(scenario: Any) -> None:
    data = scenario_data()
    data["clients"][0]["last_name"] = "Ashworth"
    summary = import_bundle(data)
    assert summary.updated["clients"] == 1
    assert Client.objects.get(external_ref="C01").last_name == "Ashworth"
    assert Client.objects.count() == 9


@pytest.mark.django_db
def test_a_placement_takes_the_person_status_from_its_property(scenario: Any) -> None:
    assert Client.objects.get(external_ref="C01").status == "mars_house"


@pytest.mark.django_db
def test_a_bad_file_lists_every_problem_and_writes_nothing() -> None:
    data = scenario_data()
    data["contacts"][3]["client"] = "C99"
    data["clients"][1]["gender"] = "bloke"
    data["placements"][0]["unit"] = "Room 9"
    data["interventions"][4]["closed"] = "2026-10-40"
    data["support_plans"][0]["agencies"] = ["nobody"]
    data["health_access"][1]["kind"] = "gp"
    data["contacts"][0]["bedded_dwon"] = True
    with pytest.raises(BundleError) as refused:
        import_bundle(data)
    assert refused.value.problems == [
        'clients[1].gender: unknown value "bloke" (one of: male, female, non_binary, other, '
        "not_known)",
        "contacts[0].bedded_dwon: unknown field",
        'contacts[3].client: unknown client ref "C99"',
        'placements[0].unit: "mh" has no unit "Room 9"',
        'interventions[4].closed: "2026-10-40" is not a date (YYYY-MM-DD)',
        'support_plans[0].agencies: unknown agency key "nobody"',
        'health_access[1].kind: unknown value "gp" (one of: gp_registration, gp_appointment, '
        "dental, mental_health_assessment, drug_alcohol_treatment, hepatitis_c, hospital, other)",
    ]
    assert set(counts().values()) == {0}


@pytest.mark.django_db
def test_model_rules_are_problems_with_their_path() -> None:
    data = scenario_data()
    data["interventions"][0]["outcome"] = "achieved"
    data["placements"].append(dict(data["placements"][0], client="C02", start="2026-10-12"))
    data["clients"].append({"ref": "C01", "first_name": "Twin"})
    with pytest.raises(BundleError) as refused:
        import_bundle(data)
    problems = refused.value.problems
    assert "clients[9]: the same record as clients[0]" in problems
    assert "interventions[0].outcome: That outcome is for reconnections only." not in problems
    assert any(p.startswith("interventions[0].outcome: ") for p in problems)
    assert any(p.startswith("placements[3]: MARS House, Room 1 is not free") for p in problems)
    assert Client.objects.count() == 0


@pytest.mark.django_db
def test_command_prints_problems_and_fails(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "mars-bundle/2", "clients": {}}))
    err = StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_bundle", str(bad), stderr=err)
    assert err.getvalue().splitlines() == [
        'format: must be "mars-bundle/1"',
        "clients: must be a list",
    ]


@pytest.mark.django_db
def test_not_json_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_bundle", str(bad), stderr=err)
    assert err.getvalue().startswith("file: not JSON")


def wipe() -> None:
    """Empty the tables the bundle holds, children first."""
    for model in [
        SharingWithoutConsent,
        Consent,
        HealthAccess,
        SupportPlan,
        Intervention,
        Placement,
        Contact,
        ClientAlias,
        Client,
        Unit,
        Property,
        Agency,
    ]:
        model.objects.all().delete()


@pytest.mark.django_db
def test_export_then_import_into_an_empty_database_gives_the_same_figures(
    scenario: Any, tmp_path: Path
) -> None:
    as_of = date(2026, 11, 20)
    before = kpis.figures(date(2026, 10, 1), as_of)
    path = tmp_path / "export.json"
    call_command("export_bundle", str(path), stdout=StringIO())
    exported = json.loads(path.read_text())
    wipe()
    assert kpis.figures(date(2026, 10, 1), as_of) != before
    call_command("import_bundle", str(path), stdout=StringIO())
    assert (
        kpis.figures(date(2026, 10, 1), as_of)
        == before
        == expected("example-2026-10.expected.json")
    )
    assert export_bundle() == exported


@pytest.mark.django_db
def test_an_export_imported_into_the_same_database_changes_nothing(scenario: Any) -> None:
    before = history_counts()
    assert not import_bundle(copy.deepcopy(export_bundle())).changed_anything
    assert history_counts() == before


@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_make_one_set_of_records() -> None:
    results = at_once(
        lambda: import_bundle(scenario_data()), lambda: import_bundle(scenario_data())
    )
    assert not any(isinstance(result, Exception) for result in results), results
    assert counts()["Client"] == 9
    assert counts()["Contact"] == 12


@pytest.mark.django_db
def test_records_for_people_already_here_need_not_list_them(scenario: Any) -> None:
    sam = Client.objects.get(external_ref="C01")
    summary = import_bundle(
        {
            "format": "mars-bundle/1",
            "health_access": [
                {"client": "C01", "kind": "dental", "date": "2026-10-25"},
                {"client": sam.reference, "kind": "hospital", "date": "2026-10-26"},
            ],
        }
    )
    assert summary.created["health_access"] == 2
    assert set(sam.health_access.values_list("kind", flat=True)) == {
        "gp_registration",
        "dental",
        "hospital",
    }


@pytest.mark.django_db
def test_a_new_person_who_may_be_someone_here_is_reported_as_a_possible_duplicate() -> None:
    daniel = ClientFactory(first_name="Daniel", last_name="Price", date_of_birth=None)
    ClientFactory(first_name="Margaret", last_name="Hughes")
    bundle = {
        "format": "mars-bundle/1",
        "clients": [
            {"ref": "C01", "first_name": "Danny", "last_name": "Pryce"},
            {"ref": "C02", "first_name": "Olusegun", "last_name": "Adeyemi"},
        ],
    }

    summary = import_bundle(copy.deepcopy(bundle))

    assert len(summary.possible_duplicates) == 1
    line = summary.possible_duplicates[0]
    assert line.startswith("clients[0] (C01, Danny Pryce, now MARS-")
    assert f"{daniel.reference} Daniel Price" in line
    assert line in summary.lines()
    # Imported all the same; a second import adds no one, so it reports no one.
    assert Client.objects.filter(external_ref="C01").exists()
    assert import_bundle(copy.deepcopy(bundle)).possible_duplicates == []
