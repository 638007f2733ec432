"""The free-text nationality becomes a country code (clients/migrations/0013): names, demonyms and
common spellings are mapped, text that names no one country is kept aside for the coordinator;
the need "no recourse to public funds" becomes the person's access to public funds. And back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from clients.models import Client
from tests.roles import restore_roles

BEFORE = [("clients", "0011_special_category_and_break_glass")]
AFTER = [("clients", "0014_nationality_country_discharges")]

# What was written -> (the country code, the text kept aside).
WRITTEN = {
    "Polish": ("PL", ""),
    "poland": ("PL", ""),
    "  BRITISH ": ("GB", ""),
    "Scottish": ("GB", ""),
    "U.K.": ("GB", ""),
    "Republic of Ireland": ("IE", ""),
    "Lithuanian": ("LT", ""),
    "Roumanian": ("RO", ""),
    "Côte d'Ivoire": ("CI", ""),
    "Ivory Coast": ("CI", ""),
    "Eritrean": ("ER", ""),
    "Burmese": ("MM", ""),
    "Kosovar": ("XK", ""),
    "ES": ("ES", ""),
    "DEU": ("DE", ""),
    "Kurdish": ("", "Kurdish"),
    "British/Irish": ("", "British/Irish"),
    "Roma": ("", "Roma"),
    # Words and abbreviations are not read as codes: "No" is not Norway, "NI" not Nicaragua.
    "No": ("", "No"),
    "NI": ("", "NI"),
    "Can": ("", "Can"),
    "": ("", ""),
}


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_free_text_nationalities_become_countries_or_are_kept_to_fix_and_go_back() -> None:
    try:
        executor = _migrate(BEFORE)
        old_apps = executor.loader.project_state(BEFORE).apps
        old = old_apps.get_model("clients", "Client")
        people = {}
        for n, text in enumerate(WRITTEN):
            people[text] = old.objects.create(
                reference=f"MARS-9{n:05d}", first_name=f"Person {n}", nationality=text
            ).pk
        no_recourse = old.objects.create(
            reference="MARS-990001",
            first_name="Nadia",
            nationality="Eritrean",
            support_needs=["no_recourse_to_public_funds", "mental_health"],
        )
        history = old_apps.get_model("clients", "HistoricalClient")
        history.objects.create(
            id=people["Polish"],
            reference="MARS-900000",
            first_name="Person 0",
            nationality="Polish",
            history_date="2026-01-01T12:00:00Z",
            history_type="+",
        )

        _migrate(AFTER)
        found = {
            text: Client.objects.values_list("nationality", "nationality_as_recorded").get(pk=pk)
            for text, pk in people.items()
        }
        assert found == WRITTEN
        nadia = Client.objects.get(pk=no_recourse.pk)
        assert (nadia.public_funds, nadia.support_needs) == ("no_recourse", ["mental_health"])
        assert Client.objects.get(pk=people["Polish"]).public_funds == "not_known"
        # The history reads as countries too, so old versions compare with the new ones, and
        # keeps the text as it was written.
        past = Client.history.get(id=people["Polish"])
        assert (past.nationality, past.nationality_as_recorded) == ("PL", "Polish")

        executor = _migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps.get_model("clients", "Client")
        back = dict(old.objects.values_list("pk", "nationality"))
        assert back[people["Polish"]] == "Poland"
        assert back[people["  BRITISH "]] == "United Kingdom"
        assert back[people["Kurdish"]] == "Kurdish"
        assert back[people[""]] == ""
        past = executor.loader.project_state(BEFORE).apps.get_model("clients", "HistoricalClient")
        assert past.objects.get(id=people["Polish"]).nationality == "Polish"
        assert "no_recourse_to_public_funds" in old.objects.get(pk=no_recourse.pk).support_needs
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        restore_roles()
