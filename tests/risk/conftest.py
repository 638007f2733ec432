from __future__ import annotations

from typing import Any

import pytest

from tests.factories import PropertyFactory, UnitFactory


@pytest.fixture
def mars_house(db: None) -> Any:
    house = PropertyFactory(name="MARS House", key="mars-house", type="mars_house")
    for n in (1, 2):
        UnitFactory(property=house, name=f"Room {n}")
    return house
