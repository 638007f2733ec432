"""The RSDF monthly return from `manage.py rsdf`: the public example's figures exactly, the JSON's
shape, its table, bad input, the defaults, and the bundle fields the return needs."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from clients.models import Client, Discharge, DischargeEvidence, SupportNeed
from outreach.models import Contact
from reporting import rsdf
from reporting.bundle import BundleError, export_bundle, import_bundle
from tests.clock import london
from tests.reporting.conftest import DATA, expected, scenario_data

# After the example's last record (a discharge's date may not be in the future).
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(london(2026, 12, 1, 9, 0))]
EXAMPLE = "rsdf-example-2026-10.json"
EXPECTED = "rsdf-example-2026-10.expected.json"


def rsdf_example() -> dict[str, Any]:
    return json.loads((DATA / EXAMPLE).read_text())


def run_rsdf(*args: str) -> str:
    out = StringIO()
    call_command("rsdf", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def example() -> dict[str, Any]:
    data = rsdf_example()
    import_bundle(data)
    return data


@pytest.mark.parametrize("key", list(expected(EXPECTED)))
def test_the_public_example_gives_its_expected_figures(example: Any, key: str) -> None:
    period, night, population = key.split("@")
    printed = run_rsdf(
        "--period",
        period,
        "--single-night",
        night,
        "--population",
        population,
        "--format",
        "json",
    )
    assert json.loads(printed) == expected(EXPECTED)[key]


def test_the_function_gives_the_same_figures_as_the_command(example: Any) -> None:
    figures = rsdf.figures(date(2026, 10, 1), night=date(2026, 10, 21), population=266900)
    assert figures == expected(EXPECTED)["2026-10@2026-10-21@266900"]


def test_every_count_leads_to_its_people(example: Any) -> None:
    people = rsdf.compute(date(2026, 10, 1), night=date(2026, 10, 21), population=266900)
    figures = people.figures()
    refs = dict(Client.objects.values_list("pk", "external_ref"))
    for indicator in rsdf.INDICATORS:
        if indicator.key.endswith(("per_100k", "unidentified_sightings")):
            with pytest.raises(KeyError):
                people.people(indicator.key)
            continue
        assert len(people.people(indicator.key)) == indicator.value(figures), indicator.code
    assert {refs[pk] for pk in people.people("over_month.long_term")} == {"P02"}
    assert {refs[pk] for pk in people.people("over_month.returners_from_settled")} == {"P05"}
    assert {refs[pk] for pk in people.people("single_night.total")} == {"P01", "P02", "P09", "P22"}


def test_the_long_term_list_gives_the_months_each_person_was_seen(example: Any) -> None:
    months = rsdf.long_term_months(date(2026, 10, 1))
    p02 = Client.objects.get(external_ref="P02").pk
    assert months == {
        p02: [date(2025, 12, 1), date(2026, 2, 1), date(2026, 5, 1), date(2026, 9, 1)]
    }
    assert rsdf.compute(date(2026, 10, 1)).long_term_months == months


def test_every_figure_has_one_indicator_row_with_a_unique_code(example: Any) -> None:
    figures = rsdf.figures(date(2026, 10, 1), night=date(2026, 10, 21), population=266900)

    def leaves(node: dict[str, Any], prefix: str = "") -> set[str]:
        found: set[str] = set()
        for key, value in node.items():
            if isinstance(value, dict):
                found |= leaves(value, f"{prefix}{key}.")
            elif prefix:
                found.add(f"{prefix}{key}")
        return found

    assert [i.key for i in rsdf.INDICATORS if i.key not in leaves(figures)] == []
    assert leaves(figures) == {i.key for i in rsdf.INDICATORS}
    codes = [i.code for i in rsdf.INDICATORS]
    assert len(codes) == len(set(codes))
    assert {"P1", "P2", "R1", "B1", "NR1"} <= set(codes)
    assert next(i for i in rsdf.INDICATORS if i.code == "P1").key == "over_month.new"


def test_rows_give_code_label_and_value_in_indicator_order(example: Any) -> None:
    figures = rsdf.figures(date(2026, 10, 1), night=date(2026, 10, 21), population=266900)
    table = rsdf.rows(figures)
    assert [code for code, _, _ in table] == [i.code for i in rsdf.INDICATORS]
    assert table[0] == ("R1", "People sleeping rough over the month", 21)
    assert dict((code, value) for code, _, value in table)["R1-N-100K"] == 1.5
    no_night = dict((code, value) for code, _, value in rsdf.rows(rsdf.figures(date(2026, 10, 1))))
    assert no_night["R1-N"] is None
    assert no_night["P1"] == 13


def test_the_table_lists_each_indicator_with_its_value(example: Any) -> None:
    printed = run_rsdf("--period", "2026-10", "--single-night", "2026-10-21", "--format", "table")
    assert "single night: 2026-10-21; population: not set" in printed
    lines = {line.split()[0]: line.split()[-1] for line in printed.splitlines()[1:]}
    assert lines["R1"] == "21"
    assert lines["P1"] == "13"
    assert lines["R1-100K"] == "-"
    assert lines["A1-SE"] == "2"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2026-13"], '"2026-13" is not a month'),
        (["--period", "October"], "write it as YYYY-MM"),
        (["--period", "2026-10", "--single-night", "21/10/2026"], "is not a date"),
        (["--period", "2026-10", "--single-night", "2026-11-02"], "is not in October 2026"),
        (["--period", "2026-10", "--single-night", "2026-09-30"], "is not in October 2026"),
        (["--period", "2026-10", "--single-night", "2026-10-31"], "the last day of October"),
        (["--period", "2026-10", "--population", "-5"], "is not a population"),
        (["--period", "2026-10", "--population", "many"], "is not a population"),
    ],
)
def test_bad_input_is_a_clear_error(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run_rsdf(*args)


@pytest.mark.parametrize(
    "args", [["--period", "2026-1"], ["--period", "2026-10", "--single-night", "2026-10-31"]]
)
def test_from_the_shell_bad_input_exits_non_zero_without_a_traceback(args: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    # The input is refused before the database is asked anything.
    env.update(
        DJANGO_SETTINGS_MODULE="mars.settings",
        DJANGO_DEBUG="1",
        DATABASE_URL="postgres://check@127.0.0.1:5432/none",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "rsdf", *args],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("CommandError: ")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_the_last_day_but_one_is_a_single_night_the_first_day_too(example: Any) -> None:
    for night in ("2026-10-30", "2026-10-01"):
        printed = json.loads(run_rsdf("--period", "2026-10", "--single-night", night))
        assert printed["night"] == night


def test_without_a_night_or_population_the_setting_gives_the_population(
    example: Any, settings: Any
) -> None:
    settings.MARS_POPULATION = 266900
    printed = json.loads(run_rsdf("--period", "2026-10"))
    assert printed["night"] is None
    assert printed["population"] == 266900
    assert printed["over_month"]["per_100k"] == 7.9
    assert printed["single_night"] == {
        "total": None,
        "per_100k": None,
        "new": None,
        "unidentified_sightings": None,
    }
    assert rsdf.defaults_for(date(2026, 10, 1)) == (None, 266900)


def test_with_no_population_or_a_population_of_0_there_is_no_rate(
    example: Any, settings: Any
) -> None:
    settings.MARS_POPULATION = None
    printed = json.loads(run_rsdf("--period", "2026-10", "--single-night", "2026-10-21"))
    assert printed["population"] is None
    assert printed["over_month"]["per_100k"] is None
    assert printed["single_night"]["per_100k"] is None
    assert printed["single_night"]["total"] == 4
    printed = json.loads(run_rsdf("--period", "2026-10", "--population", "0"))
    assert printed["population"] == 0
    assert printed["over_month"]["per_100k"] is None


def test_rates_round_half_up_to_one_decimal() -> None:
    assert rsdf.per_100k(1, 80000) == 1.3  # 1.25: Python's round would give 1.2
    assert rsdf.per_100k(21, 266900) == 7.9
    assert rsdf.per_100k(4, 266900) == 1.5
    assert rsdf.per_100k(0, 266900) == 0.0
    assert rsdf.per_100k(3, 0) is None
    assert rsdf.per_100k(3, None) is None


# The bundle's fields for the return


def test_the_example_imports_and_a_second_import_creates_nothing() -> None:
    first = import_bundle(rsdf_example())
    assert first.created["discharges"] == 4
    assert first.created["clients"] == 25
    counts = (Client.objects.count(), Contact.objects.count(), Discharge.objects.count())
    history = Discharge.history.count()
    again = import_bundle(rsdf_example())
    assert not again.changed_anything
    assert again.unchanged["discharges"] == 4
    assert (Client.objects.count(), Contact.objects.count(), Discharge.objects.count()) == counts
    assert Discharge.history.count() == history


def test_the_older_example_still_imports() -> None:
    summary = import_bundle(scenario_data())
    assert summary.created["clients"] == 9
    assert not Discharge.objects.exists()


def test_the_return_fields_are_stored_as_the_app_holds_them(example: Any) -> None:
    p03 = Client.objects.get(external_ref="P03")
    assert p03.nationality == "IE"
    assert p03.public_funds == "eligible"
    assert SupportNeed.CARE_LEAVER in p03.support_needs
    p06 = Client.objects.get(external_ref="P06")
    assert p06.nationality == ""
    assert SupportNeed.CARE_LEAVER not in Client.objects.get(external_ref="P10").support_needs
    assert Client.objects.get(external_ref="P08").public_funds == "not_known"
    left = Discharge.objects.get(client__external_ref="P04")
    assert (left.kind, left.date, left.evidence) == ("prison", date(2026, 8, 20), "self_reported")


def test_an_unknown_country_or_value_is_a_problem_and_nothing_is_written() -> None:
    data = rsdf_example()
    data["clients"][0]["nationality"] = "XX"
    data["clients"][1]["nationality"] = "GBX"
    data["clients"][2]["public_funds"] = "maybe"
    data["clients"][3]["care_leaver"] = "yes"
    data["discharges"][0]["kind"] = "borstal"
    data["discharges"][1]["client"] = "P99"
    data["discharges"][2]["evidence"] = "rumour"
    data["discharges"].append({"client": "P25", "kind": "youth_custody", "date": "2026-03-01"})
    data["discharges"].append({"client": "P04", "kind": "prison", "when": "2026-08-21"})
    with pytest.raises(BundleError) as refused:
        import_bundle(data)
    problems = refused.value.problems
    assert any(p.startswith('clients[0].nationality: unknown country code "XX"') for p in problems)
    assert any(p.startswith('clients[1].nationality: unknown country code "GBX"') for p in problems)
    assert any(p.startswith('clients[2].public_funds: unknown value "maybe"') for p in problems)
    assert "clients[3].care_leaver: must be true or false" in problems
    assert any(p.startswith('discharges[0].kind: unknown value "borstal"') for p in problems)
    assert 'discharges[1].client: unknown client ref "P99"' in problems
    assert any(p.startswith('discharges[2].evidence: unknown value "rumour"') for p in problems)
    assert "discharges[4]: the same record as discharges[3]" in problems
    assert "discharges[5].when: unknown field" in problems
    assert "discharges[5].date: required" in problems
    assert not Client.objects.exists()
    assert not Discharge.objects.exists()


def test_a_bundle_from_before_countries_reads_its_free_text_and_no_recourse_need() -> None:
    data = rsdf_example()
    data["clients"][0].update(nationality="British", support_needs=["alcohol"])
    data["clients"][1].update(nationality="Kurdish", public_funds=None)
    del data["clients"][1]["public_funds"]
    data["clients"][1]["support_needs"] = ["no_recourse_to_public_funds", "mental_health"]
    import_bundle(data)
    p01, p02 = Client.objects.get(external_ref="P01"), Client.objects.get(external_ref="P02")
    assert (p01.nationality, p01.nationality_as_recorded) == ("GB", "")
    assert (p02.nationality, p02.nationality_as_recorded) == ("", "Kurdish")
    assert (p02.public_funds, p02.support_needs) == ("no_recourse", ["mental_health"])


def test_a_discharge_in_the_future_is_refused() -> None:
    data = rsdf_example()
    data["discharges"][0]["date"] = "2026-12-02"
    with pytest.raises(BundleError) as refused:
        import_bundle(data)
    assert any(p.startswith("discharges[0].date: ") for p in refused.value.problems)


def test_care_leaver_false_with_the_need_listed_is_a_contradiction() -> None:
    data = rsdf_example()
    data["clients"][0]["support_needs"] = ["care_leaver", "alcohol"]
    data["clients"][0]["care_leaver"] = False
    with pytest.raises(BundleError) as refused:
        import_bundle(data)
    assert refused.value.problems == [
        'clients[0].care_leaver: false, but support_needs lists "care_leaver"'
    ]


def test_care_leaver_sets_and_clears_the_support_need_and_keeps_the_others(example: Any) -> None:
    data = rsdf_example()
    data["clients"][0]["support_needs"] = ["alcohol"]
    data["clients"][0]["care_leaver"] = True
    import_bundle(data)
    p01 = Client.objects.get(external_ref="P01")
    assert sorted(p01.support_needs) == ["alcohol", "care_leaver"]
    data = rsdf_example()
    data["clients"][0]["care_leaver"] = False
    import_bundle(data)
    assert Client.objects.get(external_ref="P01").support_needs == ["alcohol"]


def test_evidence_and_notes_are_imported_and_updated_in_place(example: Any) -> None:
    data = rsdf_example()
    data["discharges"][0].update(evidence="verified", notes="Probation confirmed the date")
    summary = import_bundle(data)
    assert summary.updated["discharges"] == 1
    assert summary.created["discharges"] == 0
    left = Discharge.objects.get(client__external_ref="P04")
    assert left.evidence == DischargeEvidence.VERIFIED
    assert left.notes == "Probation confirmed the date"


def test_the_export_writes_the_return_fields_and_imports_back_unchanged(example: Any) -> None:
    exported = export_bundle()
    by_ref = {c["ref"]: c for c in exported["clients"]}
    assert by_ref["P03"]["nationality"] == "IE"
    assert by_ref["P03"]["care_leaver"] is True
    assert "care_leaver" not in by_ref["P03"]["support_needs"]
    assert by_ref["P06"]["nationality"] == "not_known"
    assert by_ref["P02"]["public_funds"] == "no_recourse"
    assert by_ref["P10"]["care_leaver"] is False
    assert {
        (d["client"], d["kind"], d["date"], d["evidence"], d["notes"])
        for d in exported["discharges"]
    } == {
        ("P04", "prison", "2026-08-20", "self_reported", ""),
        ("P08", "hospital_general", "2026-10-01", "self_reported", ""),
        ("P24", "asylum_support", "2026-09-01", "self_reported", ""),
        ("P25", "youth_custody", "2026-03-01", "self_reported", ""),
    }
    summary = import_bundle(copy.deepcopy(exported))
    assert not summary.changed_anything


def test_return_facts_cleared_here_come_back_from_the_export_with_the_same_return(
    example: Any,
) -> None:
    exported = export_bundle()
    before = rsdf.figures(date(2026, 10, 1), night=date(2026, 10, 21), population=266900)
    Discharge.objects.all().delete()
    for client in Client.objects.all():
        client.support_needs = []
        client.nationality = ""
        client.public_funds = "not_known"
        client.save()
    changed = import_bundle(exported)
    assert changed.created["discharges"] == 4
    after = rsdf.figures(date(2026, 10, 1), night=date(2026, 10, 21), population=266900)
    assert after == before


def test_a_nationality_not_yet_mapped_goes_out_and_comes_back_with_its_text(example: Any) -> None:
    p06 = Client.objects.get(external_ref="P06")
    Client.objects.filter(pk=p06.pk).update(nationality_as_recorded="Scouse")
    exported = export_bundle()
    by_ref = {c["ref"]: c for c in exported["clients"]}
    assert by_ref["P06"]["nationality"] == "not_known"
    assert by_ref["P06"]["nationality_as_recorded"] == "Scouse"
    assert not import_bundle(copy.deepcopy(exported)).changed_anything
    data = rsdf_example()
    data["clients"][5]["nationality"] = "GB"  # the team has found out: the text has done its job
    import_bundle(data)
    p06.refresh_from_db()
    assert (p06.nationality, p06.nationality_as_recorded) == ("GB", "")
