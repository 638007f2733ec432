"""Accommodation demo data: a MARS House of five rooms with some voids, hostels and supported
housing, a queue of A2A referrals, past and current placements, Housing First tenancies and the
house's issues. Loaded once, by demo.load, through the services."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from accommodation import services
from accommodation.models import (
    A2AReferral,
    EndReason,
    HouseIssue,
    IssueKind,
    MarsHouseReferral,
    Placement,
    Property,
    PropertyType,
    Provider,
    Unavailability,
    Unit,
)
from clients.models import Agency, Client
from mars.dates import add_months

PROVIDERS = [
    ("Salvation Army", "Devonport House manager", "01752 000101"),
    ("Westcountry Housing Association", "Tenancy services", "01752 000202"),
    ("Cornerstone Supported Housing", "Duty worker", "01752 000303"),
    ("City Council Housing Options", "Temporary accommodation team", "01752 000404"),
]
# (key, name, type, provider index or None, address, units)
PROPERTIES = [
    ("mars-house", "MARS House", PropertyType.MARS_HOUSE, None, "14 Citadel Road",
     [f"Room {n}" for n in range(1, 6)]),
    ("devonport-house", "Devonport House hostel", PropertyType.HOSTEL, 0, "Devonport Road",
     [f"Bed {n}" for n in range(1, 9)]),
    ("cornerstone", "Cornerstone", PropertyType.SUPPORTED_HOUSING, 2, "North Road East",
     [f"Room {n}" for n in range(1, 5)]),
    ("ta-stonehouse", "Stonehouse temporary rooms", PropertyType.TEMPORARY, 3, "Union Street",
     ["Room A", "Room B", "Room C"]),
    ("night-shelter", "Winter night shelter", PropertyType.NIGHT_SHELTER, None, "St Andrew's hall",
     [f"Bed {n}" for n in range(1, 7)]),
    ("hf-alma-road", "12 Alma Road", PropertyType.HOUSING_FIRST, 1, "12 Alma Road", ["Flat 1"]),
    ("hf-mutley", "4 Mutley Plain", PropertyType.HOUSING_FIRST, 1, "Mutley Plain", ["Flat 2"]),
    ("hf-keyham", "Keyham Court", PropertyType.HOUSING_FIRST, 1, "Keyham Court", ["Flat 7"]),
    ("hf-stoke", "Stoke Village flat", PropertyType.HOUSING_FIRST, 1, "Stoke Village", ["Flat 3"]),
    ("hf-efford", "Efford Crescent", PropertyType.HOUSING_FIRST, 1, "Efford Crescent", ["Flat 5"]),
]  # fmt: skip


def load(today: date, users: dict[str, User], agencies: dict[str, Agency]) -> dict[str, int]:
    """Create the accommodation demo records unless there are properties already."""
    if Property.objects.exists():
        return {}
    coordinator, support, panel = users["coordinator"], users["support"], users["panel"]
    providers = [
        services.save_provider(Provider(name=n, contact_name=c, phone=p), by=coordinator)
        for n, c, p in PROVIDERS
    ]
    units: dict[str, list[Unit]] = {}
    for key, name, kind, provider, address, unit_names in PROPERTIES:
        prop = Property(
            key=key,
            name=name,
            type=kind,
            address=address,
            provider=providers[provider] if provider is not None else None,
        )
        services.save_property(prop, units=unit_names, by=coordinator)
        units[key] = list(prop.units.order_by("name"))

    people = {c.full_name: c for c in Client.objects.active()}

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    def place(
        name: str,
        unit: Unit,
        start: date,
        *,
        planned_end: date | None = None,
        nightly_cost: Decimal | None = None,
        referral: A2AReferral | None = None,
    ) -> Placement:
        return services.place_client(
            people[name],
            unit,
            start=start,
            planned_end=planned_end,
            nightly_cost=nightly_cost,
            referral=referral,
            by=coordinator,
        )

    def leave(placement: Placement, end: date, reason: str, destination: str = "") -> None:
        services.end_placement(
            placement, end=end, reason=reason, destination=destination, by=coordinator
        )

    # A2A: approved and placed in the past, so the panel's history has decisions in it.
    counts = {"placements": 0, "A2A referrals": 0}
    housed = [
        ("Sarah Collins", "devonport-house", 0, 48, None),
        ("Aisha Mohamed", "cornerstone", 0, 75, None),
        ("Hassan Ali", "cornerstone", 1, 30, None),
        ("Robert Sweet", "ta-stonehouse", 0, 21, 5),
        ("Joanne Bennett", "devonport-house", 1, 64, None),
        ("Hannah Wills", "ta-stonehouse", 1, 9, 10),
    ]
    for name, key, index, days, ends_in in housed:
        referral = _referral(people[name], ago(days + 9), PropertyType(_type(key)), support)
        services.prioritise_referral(referral, 2, by=panel)
        services.decide_referral(
            referral, approve=True, reason="Meets the criteria; bed available.", by=panel
        )
        _decided_on(referral, ago(days + 2))
        place(
            name,
            units[key][index],
            ago(days),
            referral=referral,
            planned_end=today + timedelta(days=ends_in) if ends_in else None,
            nightly_cost=Decimal("32.50") if key == "ta-stonehouse" else Decimal("24.00"),
        )
        counts["placements"] += 1
        counts["A2A referrals"] += 1

    # The queue today: waiting, prioritised, approved to place, declined.
    queue = [
        ("Daniel Price", 2, None, None, PropertyType.HOSTEL),
        ("Wayne Bolitho", 1, None, None, PropertyType.SUPPORTED_HOUSING),
        ("Michael O'Brien", 6, 1, None, PropertyType.SUPPORTED_HOUSING),
        ("Lee Harris", 9, 2, None, PropertyType.HOSTEL),
        ("Andrius Petrauskas", 12, 3, None, PropertyType.TEMPORARY),
        ("Kieran Doyle", 8, 1, True, PropertyType.HOSTEL),
        ("Tomasz Kowalski", 20, None, False, PropertyType.TEMPORARY),
    ]
    for name, days, priority, approve, kind in queue:
        referral = _referral(people[name], ago(days), kind, support)
        if priority:
            services.prioritise_referral(referral, priority, by=panel)
        if approve is not None:
            reason = (
                "Approved: high risk sleeping out, engages well."
                if approve
                else "Declined for now: no recourse to public funds; refer to the NRPF route."
            )
            services.decide_referral(referral, approve=approve, reason=reason, by=panel)
            _decided_on(referral, ago(days - 4))
        counts["A2A referrals"] += 1

    # MARS House: five rooms, one out of use, one void since someone abandoned it.
    mh = units["mars-house"]
    counts["placements"] += _mars_house(today, people, mh, coordinator, support, agencies)
    services.save_unavailability(
        Unavailability(
            unit=mh[4], start=ago(10), end=today + timedelta(days=5), reason="Damp treatment"
        ),
        by=coordinator,
    )
    services.save_unavailability(
        Unavailability(unit=units["devonport-house"][7], start=ago(30), reason="Fire door repair"),
        by=coordinator,
    )

    # Past placements that ended.
    peter = place("Peter Nance", units["devonport-house"][2], ago(160))
    leave(peter, ago(60), EndReason.DECEASED)
    counts["placements"] += 1

    # Housing First: one long and sustained, one evicted after eight months, two younger.
    hf = [
        ("Gary Pengelly", "hf-alma-road", add_months(today, -20), None),
        ("Chloe Evans", "hf-mutley", add_months(today, -14), 8),
        ("Marie Lambert", "hf-keyham", add_months(today, -9), None),
        ("Adrian Kitto", "hf-stoke", add_months(today, -3), None),
    ]
    for name, key, start, ended_after in hf:
        tenancy = place(name, units[key][0], start, nightly_cost=Decimal("18.40"))
        if ended_after:
            leave(tenancy, add_months(start, ended_after), EndReason.EVICTION)
        counts["placements"] += 1
    place("Ian Stephens", units["hf-efford"][0], ago(400))
    counts["placements"] += 1

    counts["house issues"] = _issues(today, units["mars-house"], people, coordinator, support)
    counts["properties"] = len(PROPERTIES)
    return counts


def _type(key: str) -> str:
    return next(kind for k, _, kind, *_ in PROPERTIES if k == key)


def _referral(client: Client, on: date, kind: PropertyType, by: User) -> A2AReferral:
    return services.refer_to_panel(
        A2AReferral(
            client=client,
            referred_on=on,
            referred_by=by,
            requested_type=kind,
            needs="Alcohol and mental health support; ground floor preferred.",
            reasons="Sleeping rough in the city centre; health getting worse in the cold.",
        ),
        by=by,
    )


def _decided_on(referral: A2AReferral, day: date) -> None:
    # Demo only: the services stamp decisions with the present; the story needs them in the past.
    at = timezone.make_aware(datetime.combine(day, time(14, 30)))
    A2AReferral.objects.filter(pk=referral.pk).update(decided_at=at)


def _mars_house(
    today: date,
    people: dict[str, Client],
    rooms: list[Unit],
    coordinator: User,
    support: User,
    agencies: dict[str, Agency],
) -> int:
    def ago(days: int) -> date:
        return today - timedelta(days=days)

    def signed_up(name: str, room: Unit, received: int, licence: int) -> Placement:
        referral = services.receive_mars_house_referral(
            MarsHouseReferral(
                client=people[name],
                received_on=ago(received),
                reasons="Ready to move on from the street with support; wants to work on drinking.",
            ),
            by=support,
        )
        services.assess_mars_house_referral(
            referral, assessed_on=ago(received - 3), notes="Assessed at the day centre.", by=support
        )
        services.decide_mars_house_referral(referral, accept=True, reason="", by=coordinator)
        return services.sign_up(
            referral, room, licence_date=ago(licence), nightly_cost=Decimal("21.00"), by=coordinator
        )

    signed_up("Emma Walsh", rooms[0], 215, 200)
    stephen = signed_up("Stephen Rowe", rooms[1], 160, 150)
    services.end_placement(
        stephen, end=ago(40), reason=EndReason.RECONNECTED, destination="Family in Bristol",
        by=coordinator,
    )  # fmt: skip
    signed_up("Zoe Cornish", rooms[1], 20, 12)
    signed_up("Nicola Hext", rooms[2], 110, 100)
    jade = signed_up("Jade Thompson", rooms[3], 100, 90)
    services.end_placement(jade, end=ago(20), reason=EndReason.ABANDONED, by=coordinator)

    # Referrals in progress: received, assessed, accepted and waiting for Room 4; one declined.
    steps = [
        ("Callum Fraser", 4, None),
        ("Dean Carter", 9, "assessed"),
        ("Mark Pascoe", 14, "accepted"),
        ("Liam Murphy", 25, "declined"),
    ]
    for name, days, reached in steps:
        referral = services.receive_mars_house_referral(
            MarsHouseReferral(
                client=people[name],
                received_on=ago(days),
                referring_agency=agencies["harbour"] if days % 2 else None,
                reasons="Referred from the street; needs a settled base for treatment.",
            ),
            by=support,
        )
        if reached:
            services.assess_mars_house_referral(
                referral, assessed_on=ago(days - 2), notes="Seen at the hub.", by=support
            )
        if reached in ("accepted", "declined"):
            services.decide_mars_house_referral(
                referral,
                accept=reached == "accepted",
                reason=""
                if reached == "accepted"
                else "Needs are too high for a shared house now.",
                by=coordinator,
            )
    return 6


def _issues(
    today: date, rooms: list[Unit], people: dict[str, Client], coordinator: User, support: User
) -> int:
    house = rooms[0].property
    now = timezone.now()
    issues = [
        HouseIssue(
            property=house,
            unit=rooms[4],
            reported_at=now - timedelta(days=12),
            kind=IssueKind.REPAIR,
            description="Black mould behind the wardrobe.",
            dealt_with_by=coordinator,
            action_taken="Room taken out of use; damp contractor booked.",
        ),
        HouseIssue(
            property=house,
            reported_at=now - timedelta(days=30),
            kind=IssueKind.REPAIR,
            description="Boiler not firing; no hot water.",
            dealt_with_by=coordinator,
            action_taken="Engineer replaced the igniter the same day.",
            resolved_on=today - timedelta(days=29),
        ),
        HouseIssue(
            property=house,
            unit=rooms[0],
            resident=people["Emma Walsh"],
            reported_at=now - timedelta(days=3, hours=5),
            kind=IssueKind.INCIDENT,
            description="Visitor refused to leave at 23:00; police called.",
            dealt_with_by=support,
            action_taken="Visitor ban for two weeks agreed with Emma.",
        ),
    ]
    for issue in issues:
        services.save_issue(issue, by=support)
    return len(issues)
