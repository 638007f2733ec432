from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reporting.bundle import import_bundle

DATA = Path(__file__).parent / "data"


def scenario_data() -> dict[str, Any]:
    return json.loads((DATA / "example-2026-10.json").read_text())


def expected(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text())


@pytest.fixture
def scenario(db: None) -> dict[str, Any]:
    """The shared example bundle, imported."""
    data = scenario_data()
    import_bundle(data)
    return data
