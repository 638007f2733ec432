from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import (
    A2AReferralFactory,
    ClientFactory,
    HouseIssueFactory,
    MarsHouseReferralFactory,
    PlacementFactory,
    PropertyFactory,
    ProviderFactory,
    UnitFactory,
)


@pytest.fixture
def hostel(db: None) -> Any:
    return PropertyFactory(name="Devonport House", type="hostel", provider=ProviderFactory())


@pytest.fixture
def bed(hostel: Any) -> Any:
    return UnitFactory(property=hostel, name="Bed 1")


@pytest.fixture
def mars_house(db: None) -> Any:
    house = PropertyFactory(name="MARS House", key="mars-house", type="mars_house")
    for n in range(1, 4):
        UnitFactory(property=house, name=f"Room {n}")
    return house


@pytest.fixture
def records(sam: Any, hostel: Any, bed: Any, mars_house: Any) -> dict[str, Any]:
    """One of each accommodation record, for access tests."""
    today = timezone.localdate()
    return {
        "provider": hostel.provider,
        "property": hostel,
        "unit": bed,
        "referral": A2AReferralFactory(client=sam),
        "placement": PlacementFactory(
            # A name no page has in its own words (a made-up "Chan" was found in "Change").
            client=ClientFactory(last_name="Quillerforth"),
            unit=bed,
            start=today - dt.timedelta(days=3),
        ),
        "mars_house_referral": MarsHouseReferralFactory(client=sam),
        "issue": HouseIssueFactory(property=mars_house),
    }
