"""Consents in the bundle: exported per person, imported in the new shape and the old one."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from clients import services
from clients.consent import Consent
from clients.models import Client
from reporting.bundle import BundleError, export_bundle, import_bundle
from tests.factories import AgencyFactory
from tests.reporting.test_bundle import wipe

pytestmark = pytest.mark.django_db


def person(ref: str = "C01", **fields: Any) -> dict[str, Any]:
    return {"format": "mars-bundle/1", "clients": [{"ref": ref, "first_name": "Sam", **fields}]}


def test_the_old_consent_dates_become_a_consent_covering_every_kind() -> None:
    data = person(consent_given_on="2026-03-01", consent_withdrawn_on="2026-05-01")
    summary = import_bundle(data)
    consent = Consent.objects.get()
    assert consent.client == Client.objects.get(external_ref="C01")
    assert (consent.how, consent.given_on, consent.withdrawn_on, consent.review_by) == (
        "not_recorded",
        date(2026, 3, 1),
        date(2026, 5, 1),
        date(2027, 3, 1),
    )
    assert sorted(consent.scopes) == ["drug_alcohol", "health", "housing", "police", "probation"]
    assert summary.created["consents"] == 1
    assert not import_bundle(copy.deepcopy(data)).changed_anything


def test_old_dates_withdrawn_before_given_are_a_problem_and_nothing_is_written() -> None:
    with pytest.raises(BundleError) as refused:
        import_bundle(person(consent_given_on="2026-03-01", consent_withdrawn_on="2026-02-01"))
    assert refused.value.problems == [
        "clients[0].consent_withdrawn_on: Withdrawal cannot be before consent was given."
    ]
    assert not Client.objects.exists() and not Consent.objects.exists()


def test_consents_go_out_and_come_back_the_same() -> None:
    shekinah = AgencyFactory(key="shekinah", name="Shekinah", kind="voluntary")
    import_bundle(person())
    sam = Client.objects.get()
    services.record_consent(
        sam,
        how="written",
        given_on=date(2026, 1, 10),
        scopes=["health", "police"],
        agencies=[shekinah],
        notes="Signed at the day centre",
        by=None,
    )
    services.record_refusal(sam, how="verbal", refused_on=date(2026, 6, 1), by=None)
    exported = export_bundle()
    assert exported["consents"] == [
        {
            "client": "C01",
            "outcome": "given",
            "how": "written",
            "scopes": ["health", "police"],
            "agencies": ["shekinah"],
            "given_on": "2026-01-10",
            "review_by": "2027-01-10",
            "withdrawn_on": None,
            "notes": "Signed at the day centre",
        },
        {
            "client": "C01",
            "outcome": "refused",
            "how": "verbal",
            "scopes": [],
            "agencies": [],
            "given_on": "2026-06-01",
            "review_by": None,
            "withdrawn_on": None,
            "notes": "",
        },
    ]
    assert not import_bundle(copy.deepcopy(exported)).changed_anything
    wipe()
    import_bundle(copy.deepcopy(exported))
    assert export_bundle() == exported


def test_a_consent_that_covers_nothing_or_a_refusal_with_a_scope_is_a_problem() -> None:
    data = {
        **person(),
        "consents": [
            {"client": "C01", "outcome": "given", "how": "verbal", "given_on": "2026-01-10"},
            {
                "client": "C01",
                "outcome": "refused",
                "how": "verbal",
                "given_on": "2026-02-10",
                "scopes": ["police"],
            },
        ],
    }
    with pytest.raises(BundleError) as refused:
        import_bundle(data)
    assert refused.value.problems == [
        "consents[0].scopes: a consent given covers at least one kind or agency",
        "consents[1].scopes: a refusal covers nothing and has no review-by or withdrawal",
    ]
