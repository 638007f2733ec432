"""Each rule about a case record refuses the same way whether the record comes through its service
(page, API) or in a bundle: one row per rule, fed to both, expecting the same message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from accommodation import services as accommodation
from accommodation.models import Placement, Unavailability, Unit
from clients import services as clients
from clients.models import Client, HealthAccess, SupportPlan
from mars.records import Refusal
from outreach import services as outreach
from outreach.models import Contact, Intervention
from reporting.bundle import BundleError, import_bundle


@dataclass
class World:
    """What each rule is tried against: Sam placed in Room 1, Bob not placed, Room 2 free."""

    today: date
    sam: Client
    bob: Client
    room1: Unit
    room2: Unit
    placement: Placement
    by: Any


def day(world: World, offset: int) -> str:
    return (world.today + timedelta(days=offset)).isoformat()


def base(today: date) -> dict[str, Any]:
    moved_in = (today - timedelta(days=20)).isoformat()
    return {
        "format": "mars-bundle/1",
        "properties": [
            {"key": "hostel", "name": "Hostel", "type": "hostel", "units": ["Room 1", "Room 2"]}
        ],
        "clients": [
            {"ref": "C01", "first_name": "Sam", "last_name": "Example"},
            {"ref": "C02", "first_name": "Bob", "last_name": "Other"},
        ],
        "placements": [
            {"client": "C01", "property": "hostel", "unit": "Room 1", "start": moved_in}
        ],
    }


@pytest.fixture
def world(coordinator: Any) -> World:
    today = timezone.localdate()
    import_bundle(base(today))
    return World(
        today=today,
        sam=Client.objects.get(external_ref="C01"),
        bob=Client.objects.get(external_ref="C02"),
        room1=Unit.objects.get(name="Room 1"),
        room2=Unit.objects.get(name="Room 2"),
        placement=Placement.objects.get(),
        by=coordinator,
    )


@dataclass
class Rule:
    name: str
    message: str
    field: str  # "" for a refusal of the record as a whole
    service: Callable[[World], object]
    section: str
    entry: Callable[[World], dict[str, Any]]
    # Anything the rule needs in the world before both tries (a period out of use).
    arrange: Callable[[World], object] = lambda world: None
    # The entry of the base file it stands in for (the same record, changed), if any.
    replaces: int | None = None


def contact(world: World, **fields: Any) -> Contact:
    values: dict[str, Any] = {"client": world.sam, "at": timezone.now(), "kind": "street_outreach"}
    return Contact(**(values | fields))


def intervention(world: World, **fields: Any) -> Intervention:
    values: dict[str, Any] = {"client": world.sam, "kind": "advice", "opened": world.today}
    return Intervention(**(values | fields))


def out_of_use(world: World) -> None:
    Unavailability.objects.create(
        unit=world.room2, start=world.today - timedelta(days=10), reason="Damp"
    )


RULES = [
    Rule(
        "a contact is not in the future (beyond a few minutes' grace)",
        "A contact cannot be in the future.",
        "at",
        lambda w: outreach.log_contact(contact(w, at=timezone.now() + timedelta(hours=1)), by=w.by),
        "contacts",
        lambda w: {
            "client": "C01",
            "at": (timezone.now() + timedelta(hours=1)).isoformat(),
            "kind": "street_outreach",
        },
    ),
    Rule(
        "someone unidentified is described",
        "Describe the person, or choose who it was.",
        "description",
        lambda w: outreach.log_contact(contact(w, client=None), by=w.by),
        "contacts",
        lambda w: {"client": None, "at": timezone.now().isoformat(), "kind": "street_outreach"},
    ),
    Rule(
        "a contact's position has both latitude and longitude",
        "Give both latitude and longitude, or neither.",
        "latitude",
        lambda w: outreach.log_contact(contact(w, latitude="50.37"), by=w.by),
        "contacts",
        lambda w: {
            "client": "C01",
            "at": timezone.now().isoformat(),
            "kind": "street_outreach",
            "latitude": "50.37",
        },
    ),
    Rule(
        "a reconnection's outcome is one for reconnections",
        "A reconnection ends reconnected, declined, failed or exempt.",
        "outcome",
        lambda w: outreach.save_intervention(
            intervention(w, kind="reconnection", closed=w.today, outcome="achieved"), by=w.by
        ),
        "interventions",
        lambda w: {
            "client": "C01",
            "kind": "reconnection",
            "opened": day(w, 0),
            "closed": day(w, 0),
            "outcome": "achieved",
        },
    ),
    Rule(
        "a reconnection's outcome is not given to other work",
        "That outcome is for reconnections only.",
        "outcome",
        lambda w: outreach.save_intervention(
            intervention(w, closed=w.today, outcome="reconnected"), by=w.by
        ),
        "interventions",
        lambda w: {
            "client": "C01",
            "kind": "advice",
            "opened": day(w, 0),
            "closed": day(w, 0),
            "outcome": "reconnected",
        },
    ),
    Rule(
        "an intervention does not close before it opened",
        "It cannot close before it opened.",
        "closed",
        lambda w: outreach.save_intervention(
            intervention(w, closed=w.today - timedelta(days=1), outcome="achieved"), by=w.by
        ),
        "interventions",
        lambda w: {
            "client": "C01",
            "kind": "advice",
            "opened": day(w, 0),
            "closed": day(w, -1),
            "outcome": "achieved",
        },
    ),
    Rule(
        "an intervention closes with an outcome",
        "Give the outcome when closing.",
        "outcome",
        lambda w: outreach.save_intervention(intervention(w, closed=w.today), by=w.by),
        "interventions",
        lambda w: {"client": "C01", "kind": "advice", "opened": day(w, 0), "closed": day(w, 0)},
    ),
    Rule(
        "an intervention does not open in the future",
        "This date cannot be in the future.",
        "opened",
        lambda w: outreach.save_intervention(
            intervention(w, opened=w.today + timedelta(days=1)), by=w.by
        ),
        "interventions",
        lambda w: {"client": "C01", "kind": "advice", "opened": day(w, 1)},
    ),
    Rule(
        "a support plan does not end before it starts",
        "The plan cannot end before it starts.",
        "end",
        lambda w: clients.save_support_plan(
            SupportPlan(client=w.sam, start=w.today, end=w.today - timedelta(days=1)),
            agencies=[],
            goals=[],
            by=w.by,
        ),
        "support_plans",
        lambda w: {"client": "C01", "start": day(w, 0), "end": day(w, -1)},
    ),
    Rule(
        "health access is not recorded in the future",
        "This date cannot be in the future.",
        "date",
        lambda w: clients.save_person_record(
            HealthAccess(client=w.sam, kind="gp_registration", date=w.today + timedelta(days=1)),
            by=w.by,
        ),
        "health_access",
        lambda w: {"client": "C01", "kind": "gp_registration", "date": day(w, 1)},
    ),
    Rule(
        "consent is not withdrawn before it was given",
        "Withdrawal cannot be before consent was given.",
        "withdrawn_on",
        lambda w: clients.withdraw_consent(
            clients.record_consent(
                w.bob,
                how="verbal",
                given_on=w.today - timedelta(days=1),
                scopes=["health"],
                by=w.by,
            ),
            withdrawn_on=w.today - timedelta(days=2),
            by=w.by,
        ),
        "consents",
        lambda w: {
            "client": "C02",
            "outcome": "given",
            "how": "verbal",
            "scopes": ["health"],
            "given_on": day(w, -1),
            "withdrawn_on": day(w, -2),
        },
    ),
    Rule(
        "a date of birth is not in the future",
        "This date cannot be in the future.",
        "date_of_birth",
        lambda w: clients.update_client(
            w.bob, {"date_of_birth": w.today + timedelta(days=1)}, by=w.by
        ),
        "clients",
        lambda w: {"ref": "C02", "first_name": "Bob", "date_of_birth": day(w, 1)},
        replaces=1,
    ),
    Rule(
        "nobody moves in on a future day",
        "A placement starts on the day the person moves in, not later.",
        "start",
        lambda w: accommodation.place_client(
            w.bob, w.room2, start=w.today + timedelta(days=1), by=w.by
        ),
        "placements",
        lambda w: {"client": "C02", "property": "hostel", "unit": "Room 2", "start": day(w, 1)},
    ),
    Rule(
        "an end is not recorded before the day the person leaves",
        "Record the end on the day the person leaves; use the planned end before then.",
        "end",
        lambda w: accommodation.end_placement(
            w.placement, end=w.today + timedelta(days=1), reason="planned_move_on", by=w.by
        ),
        "placements",
        lambda w: {
            "client": "C01",
            "property": "hostel",
            "unit": "Room 1",
            "start": day(w, -20),
            "end": day(w, 1),
            "end_reason": "planned_move_on",
        },
        replaces=0,
    ),
    Rule(
        "a placement does not end before it started",
        "A placement cannot end before it started ({start}).",
        "end",
        lambda w: accommodation.end_placement(
            w.placement, end=w.today - timedelta(days=21), reason="planned_move_on", by=w.by
        ),
        "placements",
        lambda w: {
            "client": "C01",
            "property": "hostel",
            "unit": "Room 1",
            "start": day(w, -20),
            "end": day(w, -21),
            "end_reason": "planned_move_on",
        },
        replaces=0,
    ),
    Rule(
        "an ended placement says why",
        "Choose why the placement ended.",
        "end_reason",
        lambda w: accommodation.end_placement(w.placement, end=w.today, reason="", by=w.by),
        "placements",
        lambda w: {
            "client": "C01",
            "property": "hostel",
            "unit": "Room 1",
            "start": day(w, -20),
            "end": day(w, 0),
        },
        replaces=0,
    ),
    Rule(
        "a unit never holds two people on one day",
        "Hostel, Room 1 is not free: {sam} is placed there from {start}.",
        "",
        lambda w: accommodation.place_client(
            w.bob, w.room1, start=w.today - timedelta(days=5), by=w.by
        ),
        "placements",
        lambda w: {"client": "C02", "property": "hostel", "unit": "Room 1", "start": day(w, -5)},
    ),
    Rule(
        "a person never has two placements on one day",
        "Sam Example already has a placement at Hostel, Room 1 from {start}: "
        "end it or move them instead.",
        "",
        lambda w: accommodation.place_client(
            w.sam, w.room2, start=w.today - timedelta(days=5), by=w.by
        ),
        "placements",
        lambda w: {"client": "C01", "property": "hostel", "unit": "Room 2", "start": day(w, -5)},
    ),
    Rule(
        "nobody moves into a unit on a day it is out of use",
        "Hostel, Room 2 is out of use on {five_days_ago}: Damp.",
        "",
        lambda w: accommodation.place_client(
            w.bob, w.room2, start=w.today - timedelta(days=5), by=w.by
        ),
        "placements",
        lambda w: {"client": "C02", "property": "hostel", "unit": "Room 2", "start": day(w, -5)},
        arrange=out_of_use,
    ),
]


def refusal_by_service(call: Callable[[], object]) -> set[tuple[str, str]]:
    """Each (field, message) the service refused with; "" for the record as a whole."""
    try:
        call()
    except ValidationError as error:
        return {
            ("" if name == NON_FIELD_ERRORS else name, message)
            for name, messages in error.message_dict.items()
            for message in messages
        }
    except Refusal as error:
        return {(error.field or "", str(error))}
    raise AssertionError("the service accepted it")


def problems_of_import(data: dict[str, Any]) -> list[str]:
    try:
        import_bundle(data)
    except BundleError as error:
        return error.problems
    raise AssertionError("the importer accepted it")


@pytest.mark.django_db
@pytest.mark.parametrize("rule", RULES, ids=[rule.name for rule in RULES])
def test_service_and_importer_refuse_with_the_same_message(world: World, rule: Rule) -> None:
    rule.arrange(world)
    message = rule.message.format(
        sam=world.sam.reference,
        start=f"{world.placement.start:%d/%m/%Y}",
        five_days_ago=f"{world.today - timedelta(days=5):%d/%m/%Y}",
    )
    data = base(world.today)
    entries = data.setdefault(rule.section, [])
    if rule.replaces is None:
        entries.append(rule.entry(world))
    else:
        entries[rule.replaces] = rule.entry(world)
    index = len(entries) - 1 if rule.replaces is None else rule.replaces
    path = f"{rule.section}[{index}]"
    before = {model: model.objects.count() for model in (Client, Contact, Placement)}

    by_service = refusal_by_service(lambda: rule.service(world))
    problems = problems_of_import(data)

    assert (rule.field, message) in by_service
    assert f"{path}{'.' + rule.field if rule.field else ''}: {message}" in problems
    assert {model: model.objects.count() for model in (Client, Contact, Placement)} == before
