"""The old consent dates on a person's record move into Consent records, and back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from clients import services
from clients.consent import Consent
from tests.concurrency import at_once
from tests.factories import ClientFactory
from tests.roles import restore_roles

BEFORE = [("clients", "0008_consent_records")]
AFTER = [("clients", "0010_remove_client_consent_dates")]


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_consent_dates_move_into_records_covering_every_kind_and_back() -> None:
    try:
        executor = _migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps.get_model("clients", "Client")
        given = old.objects.create(
            reference="MARS-900001",
            first_name="Given",
            consent_given_on=dt.date(2026, 3, 1),
            consent_withdrawn_on=dt.date(2026, 5, 1),
        )
        only_withdrawn = old.objects.create(
            reference="MARS-900002",
            first_name="Withdrawn",
            consent_withdrawn_on=dt.date(2026, 6, 1),
        )
        old.objects.create(reference="MARS-900003", first_name="None")

        _migrate(AFTER)
        moved = {c.client_id: c for c in Consent.objects.all()}
        assert set(moved) == {given.pk, only_withdrawn.pk}
        first = moved[given.pk]
        assert (first.outcome, first.how, first.given_on, first.withdrawn_on) == (
            "given",
            "not_recorded",
            dt.date(2026, 3, 1),
            dt.date(2026, 5, 1),
        )
        assert first.review_by == dt.date(2027, 3, 1)
        assert sorted(first.scopes) == ["drug_alcohol", "health", "housing", "police", "probation"]
        assert "covers every kind of agency" in first.notes
        assert first.history.get().history_type == "+"
        assert moved[only_withdrawn.pk].given_on == dt.date(2026, 6, 1)

        executor = _migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps.get_model("clients", "Client")
        back = old.objects.get(pk=given.pk)
        assert (back.consent_given_on, back.consent_withdrawn_on) == (
            dt.date(2026, 3, 1),
            dt.date(2026, 5, 1),
        )
        assert old.objects.get(first_name="None").consent_given_on is None
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        restore_roles()


@pytest.mark.django_db(transaction=True)
def test_two_workers_recording_the_same_consent_at_once_make_one() -> None:
    restore_roles()
    sam = ClientFactory(first_name="Sam")
    day = dt.date(2026, 11, 1)

    def record() -> Consent:
        return services.record_consent(sam, how="verbal", given_on=day, scopes=["health"], by=None)

    results = at_once(record, record)
    assert Consent.objects.filter(client=sam).count() == 1
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], services.ClientError)
