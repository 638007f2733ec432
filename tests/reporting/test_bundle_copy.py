"""New records are written with COPY: the rows and history rows are those bulk_create_with_history
writes."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from simple_history.utils import bulk_create_with_history

from clients.models import Client, HealthAccess, HealthAccessKind
from outreach.models import Contact, ContactKind, Engagement, Verification
from reporting import bundle
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

# A row's own numbers differ (each is a new row); everything else is the same.
OWN_NUMBERS = {"id", "history_id"}


def contacts(person: Client, worker: Any) -> list[Contact]:
    return [
        Contact(
            client=person,
            at=datetime(2026, 3, 4, 6, 30, tzinfo=UTC),
            kind=ContactKind.STREET_OUTREACH,
            bedded_down=True,
            verification=Verification.SEEN_BY_WORKER,
            location="Royal Parade",
            latitude=Decimal("50.37123"),
            longitude=Decimal("-4.14281"),
            engagement=Engagement.ENGAGED,
            needs_observed=["mental_health"],
            notes="Asleep in the doorway",
            worker=worker,
        ),
        # Nothing but what a contact needs: empty lists, no coordinates.
        Contact(
            client=person,
            at=datetime(2026, 3, 5, 7, 0, tzinfo=UTC),
            kind="street_outreach",
            worker=worker,
        ),
    ]


def values(model: Any, pks: list[int]) -> list[dict[str, Any]]:
    rows = model.objects.filter(pk__in=pks).order_by("pk").values()
    return [{k: v for k, v in row.items() if k not in OWN_NUMBERS} for row in rows]


def history(model: Any, pks: list[int]) -> list[dict[str, Any]]:
    rows = model.history.filter(id__in=pks).order_by("id").values()  # type: ignore[attr-defined]
    return [{k: v for k, v in row.items() if k not in OWN_NUMBERS} for row in rows]


def test_a_contact_copied_in_has_the_row_and_history_row_bulk_create_with_history_writes(
    time_machine: Any,
) -> None:
    time_machine.move_to(datetime(2026, 4, 1, 9, 0, tzinfo=UTC), tick=False)
    person: Any = ClientFactory()
    worker: Any = UserFactory()
    by: Any = UserFactory()
    bulk = bulk_create_with_history(
        contacts(person, worker), Contact, default_user=by, default_change_reason=bundle.REASON
    )
    copied = contacts(person, worker)
    bundle._copy_new(Contact, copied, by)  # type: ignore[arg-type]
    bulk_pks, copied_pks = [c.pk for c in bulk], [c.pk for c in copied]
    assert all(pk is not None for pk in copied_pks)
    assert values(Contact, copied_pks) == values(Contact, bulk_pks)
    copied_history = history(Contact, copied_pks)
    assert copied_history == history(Contact, bulk_pks)
    assert copied_history[0]["history_type"] == "+"
    assert copied_history[0]["history_user_id"] == by.pk
    assert copied_history[0]["history_change_reason"] == "Imported from a bundle"
    assert copied_history[0]["history_date"] == datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


def test_a_person_copied_in_has_the_row_and_history_row_bulk_create_with_history_writes(
    time_machine: Any,
) -> None:
    time_machine.move_to(datetime(2026, 4, 1, 9, 0, tzinfo=UTC), tick=False)
    by: Any = UserFactory()

    def people(batch: str) -> list[Client]:
        return [
            Client(
                reference=f"{batch}1",
                first_name="Robin",
                last_name="Fox",
                support_needs=["mental_health"],
            ),
            Client(reference=f"{batch}2", first_name="Sam"),
        ]

    def unnamed(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # Each person's reference is their own, as their number is.
        return [{k: v for k, v in row.items() if k != "reference"} for row in rows]

    bulk = bulk_create_with_history(
        people("B"), Client, default_user=by, default_change_reason=bundle.REASON
    )
    copied = people("C")
    bundle._copy_new(Client, copied, by)  # type: ignore[arg-type]
    copied_pks, bulk_pks = [c.pk for c in copied], [c.pk for c in bulk]
    assert unnamed(values(Client, copied_pks)) == unnamed(values(Client, bulk_pks))
    assert unnamed(history(Client, copied_pks)) == unnamed(history(Client, bulk_pks))


def test_a_record_noted_with_its_own_author_keeps_them_in_its_history() -> None:
    person: Any = ClientFactory()
    by: Any = UserFactory()
    author: Any = UserFactory()
    record = HealthAccess(
        client=person,
        kind=HealthAccessKind.GP_REGISTRATION,
        date=datetime(2026, 1, 5).date(),
        created_by=by,
    )
    record._history_user = author  # type: ignore[attr-defined]
    record._change_reason = "Merged"  # type: ignore[attr-defined]
    bundle._copy_new(HealthAccess, [record], by)  # type: ignore[arg-type]
    row = HealthAccess.history.get(id=record.pk)  # type: ignore[attr-defined]
    assert (row.history_user_id, row.history_change_reason) == (author.pk, "Merged")
