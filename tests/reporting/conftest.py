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


@pytest.fixture
def director(make_user):  # type: ignore[no-untyped-def]
    from mars.roles import Role

    return make_user(Role.DIRECTOR)


@pytest.fixture
def made_run(scenario, coordinator, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """October's report for the scenario, started by the coordinator and made by the task."""
    from datetime import date

    from reporting import services

    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_run(date(2026, 10, 1), as_of=date(2026, 11, 20), by=coordinator)
    run.refresh_from_db()
    return run


@pytest.fixture
def roles(transactional_db: None) -> None:
    """For transactional tests, which start (after a flush) without the roles."""
    from tests.roles import restore_roles

    restore_roles()
