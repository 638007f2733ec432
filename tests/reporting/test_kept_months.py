"""Past months' figures are kept, read back instead of worked out again, and forgotten by the
database when a record they come from changes, whichever way it changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import psycopg
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accommodation.models import Placement, Property, PropertyType, Unit
from clients.models import Client, SupportPlan
from clients.services import merge_clients
from mars.dates import add_months
from outreach.models import Contact, Intervention, InterventionKind, InterventionOutcome
from outreach.services import log_contact
from reporting import kept, kpis
from reporting.bundle import import_bundle
from reporting.models import KeptMonth
from reporting.tasks import keep_past_months
from tests import clock
from tests.factories import (
    AgencyFactory,
    ClientFactory,
    ContactFactory,
    HealthAccessFactory,
    InterventionFactory,
    PaymentRequestFactory,
    PlacementFactory,
    PropertyFactory,
    SupportPlanFactory,
    UnitFactory,
    UserFactory,
)
from tests.reporting.conftest import scenario_data

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(clock.ORDINARY_DAY)]

TODAY = date(2027, 6, 16)
MONTHS = [add_months(date(2027, 6, 1), -back) for back in range(11, -1, -1)]
# June is this month; May's windows closed on 14 June: every month before June is settled.
PAST = MONTHS[:-1]


@dataclass
class Scene:
    sam: Client
    petra: Client
    worker: User
    placement: Placement


@pytest.fixture
def scene() -> Scene:
    """Two people seen through the year, a placement, a plan with an agency; nothing kept yet."""
    sam, petra = ClientFactory(first_name="Sam"), ClientFactory(first_name="Petra")
    worker = UserFactory()
    for month in MONTHS:
        ContactFactory(client=sam, at=clock.london(month.year, month.month, 3, 7), worker=worker)
    for month in MONTHS[3::2]:
        ContactFactory(client=petra, at=clock.london(month.year, month.month, 9, 7), worker=worker)
    placement = PlacementFactory(client=petra, start=date(2027, 5, 3), unit=UnitFactory())
    SupportPlanFactory(client=sam, start=date(2026, 12, 1), agencies=[AgencyFactory()])
    return Scene(sam, petra, worker, placement)


def kept_months() -> set[date]:
    return set(KeptMonth.objects.values_list("month", flat=True))


def test_settled_months_are_kept_and_read_back_in_one_query(scene: Scene) -> None:
    first = kept.figures_for_months(MONTHS, TODAY)
    assert kept_months() == set(PAST)
    with CaptureQueriesContext(connection) as queries:
        again = kept.figures_for_months(PAST, TODAY)
    assert len(queries) == 1
    assert again == kpis.figures_for_months(PAST, TODAY)
    assert first == kpis.figures_for_months(MONTHS, TODAY)


def test_a_month_whose_windows_are_still_open_is_not_kept(scene: Scene) -> None:
    # On 10 June, May's last 14-day windows (to 14 June) are still open.
    as_of = date(2027, 6, 10)
    found = kept.figures_for_months(MONTHS, as_of)
    assert kept_months() == set(PAST) - {date(2027, 5, 1)}
    assert found == kpis.figures_for_months(MONTHS, as_of)
    assert not kept.settled(date(2027, 5, 1), date(2027, 6, 13))
    assert kept.settled(date(2027, 5, 1), date(2027, 6, 14))


def test_kept_figures_carry_the_as_of_date_they_are_read_for(scene: Scene) -> None:
    kept.figures_for_months(PAST, TODAY)
    later = TODAY + timedelta(days=40)
    assert kept.figures_for_months(PAST, later) == kpis.figures_for_months(PAST, later)


Change = Callable[[Scene], Any]


def _log_contact(scene: Scene) -> None:
    contact = Contact(
        client=scene.petra,
        at=clock.london(2027, 1, 10, 7),
        kind="street_outreach",
        bedded_down=True,
        verification="seen_by_worker",
    )
    log_contact(contact, by=scene.worker)


def _bulk_contacts(scene: Scene) -> None:
    Contact.objects.bulk_create(
        [
            Contact(
                client=ClientFactory(),
                at=clock.london(2026, 11, 2, 7),
                kind="street_outreach",
                bedded_down=True,
                verification="seen_by_worker",
                worker=scene.worker,
            )
        ]
    )


def _merge(scene: Scene) -> None:
    duplicate = ClientFactory(first_name="Sammy")
    ContactFactory(client=duplicate, at=clock.london(2027, 2, 20, 7), worker=scene.worker)
    KeptMonth.objects.all().delete()
    kept.figures_for_months(MONTHS, TODAY)
    merge_clients(duplicate, scene.sam, by=None)


def _placement_bulk(scene: Scene) -> None:
    Placement.objects.bulk_create(
        [Placement(client=scene.sam, unit=UnitFactory(), start=date(2027, 2, 10))]
    )


def _placement_moved(scene: Scene) -> None:
    Placement.objects.filter(pk=scene.placement.pk).update(start=date(2027, 4, 20))


def _plan_cleared(scene: Scene) -> None:
    scene.sam.support_plans.get().agencies.clear()


def _rekept(scene: Scene) -> None:
    """Keep the months again after a change made to set a scene up."""
    KeptMonth.objects.all().delete()
    kept.figures_for_months(MONTHS, TODAY)


def _unit_moved(scene: Scene) -> None:
    Unit.objects.filter(pk=scene.placement.unit_id).update(property=PropertyFactory())


def _property_type_changed(scene: Scene) -> None:
    Property.objects.filter(units__placements=scene.placement).update(type=PropertyType.MARS_HOUSE)


def _plan_end_changed(scene: Scene) -> None:
    SupportPlan.objects.filter(client=scene.sam).update(end=date(2027, 4, 30))


def _plan_deleted(scene: Scene) -> None:
    scene.sam.support_plans.get().delete()


def _reconnection_outcome_changed(scene: Scene) -> None:
    InterventionFactory(
        client=scene.sam, closed=date(2027, 3, 3), outcome=InterventionOutcome.RECONNECTED
    )
    _rekept(scene)
    Intervention.objects.filter(client=scene.sam, kind=InterventionKind.RECONNECTION).update(
        outcome=InterventionOutcome.DECLINED
    )


def _primary_care_off(scene: Scene) -> None:
    Client.objects.filter(pk=scene.petra.pk).update(primary_care_relevant=False)


@pytest.mark.parametrize(
    ("change", "forgotten_from"),
    [
        pytest.param(_log_contact, date(2027, 1, 1), id="contact-logged-through-the-service"),
        pytest.param(_bulk_contacts, date(2026, 11, 1), id="contacts-bulk-created"),
        pytest.param(
            lambda s: Contact.objects.filter(client=s.sam, at__month=9).update(bedded_down=False),
            date(2026, 9, 1),
            id="contact-updated-by-queryset",
        ),
        pytest.param(
            lambda s: Contact.objects.filter(client=s.sam).update(notes="seen again"),
            None,
            id="contact-notes-read-by-no-figure",
        ),
        pytest.param(
            lambda s: Contact.objects.filter(client=s.sam, at__month=3).delete(),
            date(2027, 3, 1),
            id="contact-deleted",
        ),
        pytest.param(_merge, date(2027, 2, 1), id="merge-moves-contacts-by-queryset"),
        pytest.param(
            lambda s: PlacementFactory(client=s.sam, start=date(2027, 3, 20)),
            date(2027, 3, 1),
            id="placement-saved",
        ),
        # Someone first seen on 27 January could leave the streets by 10 February.
        pytest.param(_placement_bulk, date(2027, 1, 1), id="placement-bulk-created"),
        pytest.param(_placement_moved, date(2027, 4, 1), id="placement-start-updated"),
        pytest.param(
            lambda s: SupportPlanFactory(
                client=s.petra, start=date(2027, 3, 5), agencies=[AgencyFactory()]
            ),
            date(2027, 3, 1),
            id="support-plan-with-agency",
        ),
        pytest.param(_plan_cleared, date(2026, 12, 1), id="plan-agencies-removed"),
        pytest.param(
            lambda s: HealthAccessFactory(client=s.sam, date=date(2027, 4, 2)),
            date(2027, 4, 1),
            id="gp-registration",
        ),
        pytest.param(
            lambda s: HealthAccessFactory(client=s.sam, kind="dental", date=date(2027, 4, 2)),
            None,
            id="dental-visit-read-by-no-figure",
        ),
        pytest.param(_primary_care_off, date(2026, 10, 1), id="primary-care-flag-updated"),
        pytest.param(_unit_moved, MONTHS[0], id="unit-moved-to-another-property"),
        pytest.param(_property_type_changed, MONTHS[0], id="property-type-changed"),
        pytest.param(_plan_end_changed, date(2026, 12, 1), id="support-plan-end-changed"),
        pytest.param(_plan_deleted, date(2026, 12, 1), id="support-plan-deleted"),
        pytest.param(
            _reconnection_outcome_changed, date(2027, 2, 1), id="reconnection-outcome-changed"
        ),
        pytest.param(
            lambda s: Client.objects.filter(pk=s.petra.pk).update(known_as="P"),
            None,
            id="client-name-read-by-no-figure",
        ),
        pytest.param(
            lambda s: InterventionFactory(
                client=s.sam, closed=date(2027, 3, 3), outcome="reconnected"
            ),
            date(2027, 2, 1),
            id="reconnection-closed",
        ),
    ],
)
def test_a_change_forgets_exactly_the_months_it_touches_and_the_next_view_is_right(
    scene: Scene, change: Change, forgotten_from: date | None
) -> None:
    kept.figures_for_months(MONTHS, TODAY)
    change(scene)
    assert kept_months() == {m for m in PAST if forgotten_from is None or m < forgotten_from}
    assert kept.figures_for_months(MONTHS, TODAY) == kpis.figures_for_months(MONTHS, TODAY)
    assert kept_months() == set(PAST)


def test_two_viewers_keeping_the_same_months_keep_each_once(scene: Scene) -> None:
    worked_out = kpis.figures_for_months(PAST, TODAY)
    # Both worked the months out before either stored them.
    kept._keep(worked_out)
    kept._keep(worked_out)
    assert KeptMonth.objects.count() == len(PAST)


def test_the_overnight_task_keeps_the_missing_months_once(scene: Scene) -> None:
    kept.figures_for_months(MONTHS, TODAY)
    ContactFactory(client=scene.petra, at=clock.london(2027, 4, 1, 7), worker=scene.worker)
    assert keep_past_months() == ["2027-04", "2027-05"]
    assert keep_past_months() == []
    assert keep_past_months(["2027-06"]) == []  # this month is never kept
    assert kept_months() == set(PAST)


def test_the_dashboard_reads_kept_months_and_shows_the_same_figures(
    client: Any, coordinator: Any, scene: Scene
) -> None:
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as first_view:
        first = client.get(reverse("reporting:dashboard"))
    with CaptureQueriesContext(connection) as second_view:
        second = client.get(reverse("reporting:dashboard"))
    assert kept_months() == set(PAST)
    assert second.context["charts"] == first.context["charts"]
    assert second.context["rows"] == first.context["rows"]
    assert len(second_view) < len(first_view)


def _service_of(people: int) -> None:
    """People seen through the year (some first seen this week, with a key worker), placements
    in MARS House and elsewhere, plans, GP registrations, funds and payment requests."""
    worker = UserFactory()
    house = UnitFactory(property__type="mars_house")
    UnitFactory(property=house.property)
    for index in range(people):
        person = ClientFactory(key_worker=worker if index % 2 else None)
        for month in MONTHS[index % 4 :: 3]:
            ContactFactory(client=person, at=clock.london(month.year, month.month, 5, 7))
        if index % 3 == 0:
            PlacementFactory(client=person, start=date(2027, 1, 10) + timedelta(days=index))
            SupportPlanFactory(client=person, start=date(2027, 1, 12), agencies=[AgencyFactory()])
            HealthAccessFactory(client=person, date=date(2027, 2, 1))
        if index % 4 == 0:
            ContactFactory(client=ClientFactory(key_worker=worker), at=clock.london(2027, 6, 12, 7))
        if index % 5 == 0:
            PaymentRequestFactory(client=person)


# The page's own reads are a fixed number (the session, sign-in, layout and access log among
# them); kpis.figures_for_months works out any number of months in a fixed few, so the first
# view, which keeps the past months, stays inside the budget as well as the later ones.
@pytest.mark.parametrize("people", [3, 30])
def test_the_dashboard_runs_at_most_30_queries_whatever_the_data(
    client: Any, coordinator: Any, django_assert_max_num_queries: Any, people: int
) -> None:
    _service_of(people)
    client.force_login(coordinator)
    for _view in ("first, keeping the past months", "later, reading them"):
        with django_assert_max_num_queries(30):
            page = client.get(reverse("reporting:dashboard"))
        assert page.status_code == 200
        assert len(page.context["watch"]) == (people + 3) // 4


def test_months_are_not_kept_while_another_transaction_is_changing_their_records(
    scene: Scene,
) -> None:
    # Another session's change has gone through a trigger and is not yet committed: what this
    # view works out may miss it, so it is shown but not kept.
    writer = psycopg.connect(**connection.get_connection_params())
    try:
        writer.execute("SELECT pg_advisory_xact_lock_shared(%s)", [kept.LOCK_KEY])
        found = kept.figures_for_months(MONTHS, TODAY)
        assert found == kpis.figures_for_months(MONTHS, TODAY)
        assert kept_months() == set()
        writer.commit()
        kept.figures_for_months(MONTHS, TODAY)
        assert kept_months() == set(PAST)
    finally:
        writer.close()


def test_a_bundle_import_forgets_from_its_earliest_new_record_and_a_second_run_nothing(
    scene: Scene,
) -> None:
    data = scenario_data()
    import_bundle(data)
    _rekept(scene)
    import_bundle(data)
    assert kept_months() == set(PAST)
    data["contacts"].append(
        {
            "client": "C01",
            "at": "2027-02-14T06:30:00+00:00",
            "kind": "street_outreach",
            "bedded_down": True,
            "location": "Royal Parade",
        }
    )
    import_bundle(data)
    assert kept_months() == {m for m in PAST if m < date(2027, 2, 1)}
    assert kept.figures_for_months(MONTHS, TODAY) == kpis.figures_for_months(MONTHS, TODAY)


def test_the_installed_triggers_watch_the_kinds_the_figures_read() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname, prosrc FROM pg_proc WHERE proname IN "
            "('reporting_kept_intervention_changed', 'reporting_kept_health_access_changed')"
        )
        source = dict(cursor.fetchall())
    assert (
        f"'{InterventionKind.RECONNECTION.value}'" in source["reporting_kept_intervention_changed"]
    )
    for kind in kpis.GP_KINDS:
        assert f"'{kind.value}'" in source["reporting_kept_health_access_changed"]
