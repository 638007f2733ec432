from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from funds.models import FundKind
from mars.roles import Role
from tests.factories import FundFactory


@pytest.fixture
def director(make_user: Callable[..., User]) -> User:
    return make_user(Role.DIRECTOR)


@pytest.fixture
def resettlement(make_user: Callable[..., User]) -> User:
    return make_user(Role.RESETTLEMENT_MANAGER)


@pytest.fixture
def personal_budget(db: None):  # type: ignore[no-untyped-def]
    return FundFactory(
        name="Personal budget",
        budget=Decimal("1000.00"),
        approval_threshold=Decimal("250.00"),
        per_person_limit=Decimal("500.00"),
    )


@pytest.fixture
def hardship(db: None):  # type: ignore[no-untyped-def]
    return FundFactory(
        name="Hardship",
        kind=FundKind.HARDSHIP,
        budget=Decimal("2000.00"),
        approval_threshold=Decimal("100.00"),
        hardship_largest_payment=Decimal("50.00"),
        hardship_most_payments=2,
    )


@pytest.fixture
def property_fund(db: None):  # type: ignore[no-untyped-def]
    return FundFactory(
        name="MARS House property",
        kind=FundKind.PROPERTY,
        budget=Decimal("5000.00"),
        approval_threshold=Decimal("1000.00"),
    )
