"""Outreach demo data: three months of sessions and contacts, sightings, reports, interventions,
a SWEP activation and two autumn counts. Loaded once, by demo.load, through the services."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.db.models import Q

from clients.models import Agency, Client, ClientStatus
from mars.dates import add_months, day_start, first_of_month, local_date
from outreach import services
from outreach.models import (
    AgeBand,
    Contact,
    ContactKind,
    CountedPerson,
    CountGender,
    CountMethod,
    Engagement,
    Hotspot,
    Intervention,
    InterventionKind,
    InterventionOutcome,
    NationalityGroup,
    OutreachSession,
    PublicReport,
    ReportSource,
    RoughSleepingCount,
    SevereWeatherActivation,
    SwepOffer,
    SwepOfferKind,
    SwepTrigger,
    Verification,
)

HOTSPOTS = [
    (
        "Royal Parade doorways",
        "City centre",
        "Shop doorways between the Guildhall and Boots.",
        ("50.37070", "-4.14180"),
    ),
    ("Bus station", "City centre", "Side entrance and the covered bays.", ("50.37060", "-4.13650")),
    (
        "Hoe shelters",
        "The Hoe",
        "The seafront shelters below Smeaton's Tower.",
        ("50.36470", "-4.14200"),
    ),
    (
        "Drake Circus car park",
        "City centre",
        "Stairwells on levels 2 and 3.",
        ("50.37430", "-4.13900"),
    ),
    (
        "St Andrew's churchyard",
        "City centre",
        "Behind the church; often a tent.",
        ("50.36950", "-4.14360"),
    ),
    ("Barbican steps", "Barbican", "Under the Mayflower steps arches.", ("50.36660", "-4.13350")),
]
# How many people each hotspot sees in an ordinary month of the year before the sessions above,
# and how the months of the year move it (busier in late summer and at Christmas): the hotspot
# pages' twelve months have a shape.
HOTSPOT_PEOPLE = (4, 3, 2, 2, 1, 1)
SEASON = {1: 0.9, 2: 0.8, 3: 0.7, 4: 0.8, 5: 1.0, 6: 1.2, 7: 1.4, 8: 1.5, 9: 1.2, 10: 1.0}
SEASON |= {11: 0.9, 12: 1.2}
NATIONALITY_MIX = [
    NationalityGroup.UK,
    NationalityGroup.UK,
    NationalityGroup.EU,
    NationalityGroup.UK,
    NationalityGroup.OUTSIDE_EU,
    NationalityGroup.UNKNOWN,
]
SIGHTINGS = [
    "Man in green sleeping bag, grey beard",
    "Young woman with a purple rucksack",
    "Two men sharing a tent, one with a Staffie",
    "Older man, walking stick, wheeled suitcase",
    "Person fully covered by blankets, did not wake",
    "Man in a red hoodie, northern accent",
]


def load(today: date, users: dict[str, User], agencies: dict[str, Agency]) -> dict[str, int]:
    """Create the outreach demo records unless there are sessions already."""
    if OutreachSession.objects.exists():
        return {}
    rng = random.Random(3)
    outreach, support, coordinator = users["outreach"], users["support"], users["coordinator"]
    hotspots = [
        Hotspot.objects.get_or_create(
            name=n,
            defaults={
                "area": a,
                "description": d,
                "latitude": Decimal(lat),
                "longitude": Decimal(lng),
            },
        )[0]
        for n, a, d, (lat, lng) in HOTSPOTS
    ]
    sessions = _sessions(today, outreach, support, agencies)
    out = list(Client.objects.active().filter(status=ClientStatus.ROUGH_SLEEPING))
    others = list(Client.objects.active().exclude(status=ClientStatus.ROUGH_SLEEPING))
    contacts = 0
    for session in sessions:
        seen = rng.sample(out, k=min(len(out), rng.randint(3, 6)))
        for n, person in enumerate(seen):
            _contact(session, person, rng.choice(hotspots), n, rng, outreach)
            contacts += 1
        if rng.random() < 0.35:
            sighting = Contact(
                description=rng.choice(SIGHTINGS),
                at=_at(session, 40),
                kind=ContactKind.STREET_OUTREACH,
                bedded_down=True,
                verification=Verification.SEEN_BY_WORKER,
                engagement=Engagement.ASLEEP,
                location="",
                hotspot=rng.choice(hotspots),
                session=session,
            )
            services.log_contact(sighting, by=outreach)
            contacts += 1
    # People now housed were last seen out weeks ago; some were seen by the office since.
    for n, person in enumerate(others[:8]):
        session = sessions[rng.randint(0, len(sessions) // 2)]
        _contact(session, person, rng.choice(hotspots), 7, rng, outreach)
        # Some office visits carry a sensitive note: read only under need to know (issue 18).
        sensitive = n % 3 == 0
        office = Contact(
            client=person,
            at=day_start(today - timedelta(days=rng.randint(1, 20))) + timedelta(hours=11),
            kind=ContactKind.OFFICE,
            engagement=Engagement.ENGAGED,
            notes="Told me about a new diagnosis and the medication for it; wants it kept quiet."
            if sensitive
            else "Dropped in for post and a catch-up.",
            sensitive=sensitive,
        )
        services.log_contact(office, by=support)
        contacts += 2
    contacts += _hotspot_year(today, hotspots, random.Random(12), outreach)
    reports = _reports(today, sessions, hotspots, outreach, coordinator)
    interventions = _interventions(today, out + others, support, outreach)
    swep = _swep(today, out, coordinator, outreach)
    counts = _counts(today, out, agencies, coordinator)
    return {
        "hotspots": len(hotspots),
        "outreach sessions": len(sessions),
        "contacts": contacts,
        "reports from the public": reports,
        "interventions": interventions,
        "SWEP offers": swep,
        "counted people": counts,
    }


def _hotspot_year(today: date, hotspots: list[Hotspot], rng: random.Random, worker: User) -> int:
    """Bedded-down contacts at the hotspots in the nine months before the sessions' three, and
    some sightings of people not identified. The people are those now off the street whom the
    sessions did not see, so that none of them is seen in a month a report is about (nor becomes
    long-term in one)."""
    people = list(
        Client.objects.active()
        .exclude(status=ClientStatus.ROUGH_SLEEPING)
        .exclude(contacts__bedded_down=True)
        .order_by("pk")
    )
    if not people:
        return 0
    made = 0
    for back in range(11, 2, -1):
        month = add_months(first_of_month(today), -back)
        for index, (hotspot, usual) in enumerate(zip(hotspots, HOTSPOT_PEOPLE, strict=True)):
            seen = round(usual * SEASON[month.month] + rng.choice([-1, 0, 0, 1]))
            for n, person in enumerate(rng.sample(people, k=max(0, min(seen, len(people))))):
                day = month + timedelta(days=rng.randint(0, 26))
                contact = Contact(
                    client=person,
                    at=day_start(day) + timedelta(hours=6, minutes=10 + index * 5 + n),
                    kind=ContactKind.STREET_OUTREACH,
                    bedded_down=True,
                    verification=Verification.SEEN_BY_WORKER,
                    engagement=Engagement.ENGAGED,
                    location=hotspot.name,
                    hotspot=hotspot,
                )
                services.log_contact(contact, by=worker)
                made += 1
            if rng.random() < 0.4:
                sighting = Contact(
                    description=rng.choice(SIGHTINGS),
                    at=day_start(month + timedelta(days=rng.randint(0, 26)))
                    + timedelta(hours=6, minutes=50),
                    kind=ContactKind.STREET_OUTREACH,
                    bedded_down=True,
                    verification=Verification.SEEN_BY_WORKER,
                    engagement=Engagement.ASLEEP,
                    hotspot=hotspot,
                )
                services.log_contact(sighting, by=worker)
                made += 1
    return made


def _at(session: OutreachSession, minutes: int) -> datetime:
    return day_start(session.date) + timedelta(hours=6, minutes=minutes)


def _sessions(
    today: date, outreach: User, support: User, agencies: dict[str, Agency]
) -> list[OutreachSession]:
    sessions = []
    areas = ["City centre", "Hoe and Barbican", "City centre and Mutley", "Stonehouse"]
    for days_ago in range(91, 0, -1):
        day = today - timedelta(days=days_ago)
        if day.weekday() not in (0, 2, 4):
            continue
        session = OutreachSession(
            date=day,
            start_time=time(6, 0),
            end_time=time(9, 0),
            area=areas[day.day % len(areas)],
            notes="",
        )
        partners = [agencies["police"]] if day.weekday() == 2 else []
        staff = [outreach, support] if day.weekday() == 4 else [outreach]
        sessions.append(services.save_session(session, staff=staff, partners=partners, by=outreach))
    tomorrow = OutreachSession(
        date=today + timedelta(days=1), start_time=time(6, 0), area="City centre"
    )
    services.save_session(tomorrow, staff=[outreach], partners=[], by=outreach)
    return sessions


def _contact(
    session: OutreachSession,
    person: Client,
    hotspot: Hotspot,
    n: int,
    rng: random.Random,
    worker: User,
) -> None:
    engagement = rng.choice([Engagement.ENGAGED] * 4 + [Engagement.DECLINED, Engagement.ASLEEP])
    contact = Contact(
        client=person,
        at=_at(session, 10 + n * 12),
        kind=ContactKind.STREET_OUTREACH,
        bedded_down=True,
        verification=Verification.SEEN_BY_WORKER,
        engagement=engagement,
        location=hotspot.name,
        hotspot=hotspot,
        session=session,
        notes=rng.choice(["", "", "Hot drink and a chat.", "Asked about a hostel bed."]),
    )
    services.log_contact(contact, by=worker)


def _reports(
    today: date,
    sessions: list[OutreachSession],
    hotspots: list[Hotspot],
    outreach: User,
    coordinator: User,
) -> int:
    made = 0
    for days_ago, source, found in [
        (40, ReportSource.STREETLINK, True),
        (25, ReportSource.PUBLIC, False),
        (12, ReportSource.POLICE, True),
        (2, ReportSource.STREETLINK, None),
        (5, ReportSource.PUBLIC, None),
        (1, ReportSource.STREETLINK, None),
    ]:
        received = day_start(today - timedelta(days=days_ago)) + timedelta(hours=14)
        hotspot = hotspots[days_ago % len(hotspots)]
        report = PublicReport(
            received_at=received,
            source=source,
            location=hotspot.name,
            hotspot=hotspot,
            description="Someone sleeping rough here most nights; looked cold.",
            reporter_consents=source == ReportSource.PUBLIC and days_ago > 10,
            reporter_name="A. Resident" if source == ReportSource.PUBLIC and days_ago > 10 else "",
        )
        services.save_report(report, by=coordinator)
        made += 1
        if found is None:
            if days_ago == 1:
                upcoming = services.next_sessions(today).first()
                if upcoming:
                    services.allocate_report(report, upcoming, by=coordinator)
            continue  # the 5-day-old one is left overdue on purpose
        session = next(s for s in sessions if s.date > local_date(received))
        contact = session.contacts.filter(client__isnull=False).first() if found else None
        services.record_attempt(
            report,
            at=_at(session, 5),
            session=session,
            found_contact=contact,
            by=outreach,
            notes="Checked the spot at first light.",
        )
        if not found:
            services.mark_not_found(
                report, outcome="Checked on three mornings; no one there.", by=outreach
            )
    return made


def _interventions(today: date, people: list[Client], support: User, outreach: User) -> int:
    plans = [
        (InterventionKind.RECONNECTION, 50, 44, InterventionOutcome.RECONNECTED, "Exeter"),
        (InterventionKind.RECONNECTION, 30, 26, InterventionOutcome.DECLINED, "Cardiff"),
        (InterventionKind.RECONNECTION, 20, 15, InterventionOutcome.EXEMPT, "Bristol"),
        (InterventionKind.RECONNECTION, 6, None, "", "Truro"),
        (InterventionKind.ACCOMMODATION_REFERRAL, 35, 20, InterventionOutcome.ACHIEVED, ""),
        (InterventionKind.CASEWORK, 25, None, "", ""),
        (InterventionKind.REFERRAL_ON, 18, 10, InterventionOutcome.ACHIEVED, ""),
        (InterventionKind.ADVICE, 8, 8, InterventionOutcome.ACHIEVED, ""),
    ]
    for n, (kind, opened, closed, outcome, destination) in enumerate(plans):
        reconnection = kind == InterventionKind.RECONNECTION
        intervention = Intervention(
            client=people[(n * 3) % len(people)],
            kind=kind,
            opened=today - timedelta(days=opened),
            closed=today - timedelta(days=closed) if closed is not None else None,
            outcome=outcome,
            worker=support if n % 2 else outreach,
            destination=destination,
            local_connection_verified_by="Phoned the home council's housing options team"
            if reconnection
            else "",
            travel_arranged="Train ticket and a packed lunch" if reconnection and closed else "",
            notes="Agreed with the person.",
            outcome_notes="Safety concerns in the home area." if outcome == "exempt" else "",
        )
        services.save_intervention(intervention, by=intervention.worker)
    return len(plans)


def _swep(today: date, out: list[Client], coordinator: User, outreach: User) -> int:
    # In force now (a cold snap this week), so the banner and the SWEP page have something to show.
    starts = day_start(today - timedelta(days=2)) + timedelta(hours=17)
    activation = services.save_swep_activation(
        SevereWeatherActivation(
            starts=starts,
            ends=day_start(today + timedelta(days=1)) + timedelta(hours=9),
            trigger=SwepTrigger.FREEZING,
            forecast_minimum=Decimal("-2.0"),
            note="Met Office forecast below zero for three nights.",
        ),
        by=coordinator,
    )
    offers = 0
    for n, person in enumerate(out[:6]):
        accepted = n % 3 != 2
        offer = SwepOffer(
            activation=activation,
            client=person,
            offered_on=today - timedelta(days=n % 2),
            offer=SwepOfferKind.SHELTER_BED if n % 2 else SwepOfferKind.EMERGENCY_ACCOMMODATION,
            accepted=accepted,
            declined_reason="" if accepted else "Would not leave his pitch and belongings.",
            mental_health_assessment_requested=not accepted,
        )
        services.save_swep_offer(offer, by=outreach)
        offers += 1
    return offers


def _counts(today: date, out: list[Client], agencies: dict[str, Agency], coordinator: User) -> int:
    counted = 0
    for year, method, size in [
        (today.year - 2, CountMethod.ESTIMATE, 9),
        (today.year - 1, CountMethod.ESTIMATE_WITH_SPOTLIGHT, 12),
    ]:
        count = services.save_count(
            RoughSleepingCount(
                night=date(year, 11, 13),
                method=method,
                areas_covered="City centre, the Hoe, Barbican, Stonehouse, Mutley",
                notes="Agencies met at 11 p.m.; spotlight count from 1 a.m.",
            ),
            agencies=[agencies["police"], agencies["shekinah"], agencies["harbour"]],
            by=coordinator,
        )
        for n in range(size):
            known = out[n] if n < len(out) and n % 2 == 0 else None
            person = CountedPerson(
                count=count,
                client=known,
                gender=CountGender.FEMALE if n % 5 == 1 else CountGender.MALE,
                age_band=AgeBand.AGE_18_25 if n % 4 == 3 else AgeBand.AGE_26_PLUS,
                nationality_group=NATIONALITY_MIX[n % len(NATIONALITY_MIX)],
                location=HOTSPOTS[n % len(HOTSPOTS)][0],
            )
            services.save_counted_person(person, by=coordinator)
            counted += 1
    return counted


def load_rota(today: date, users: dict[str, User]) -> dict[str, int]:
    """The sessions planned for next week (Tuesday and Thursday), Jess Lowe (outreach2) on both:
    with her on leave that week (staffing.demo) the rota shows a gap on Thursday, and Tuesday's
    gap covered by Priya Shah (support3) in her place."""
    monday = today + timedelta(days=7 - today.weekday())
    jess, owen = users["outreach2"], users["outreach"]
    if OutreachSession.objects.filter(
        Q(staff=jess) | Q(covers__away=jess), date__gte=monday
    ).exists():
        return {}
    sessions = []
    for offset, area in [(1, "City centre"), (3, "Hoe and Barbican")]:
        session = OutreachSession(
            date=monday + timedelta(days=offset), start_time=time(6, 0), area=area
        )
        sessions.append(services.save_session(session, staff=[jess, owen], partners=[], by=owen))
    services.cover_session(
        sessions[0], away=jess, covering=users["support3"], replace=True, by=users["coordinator"]
    )
    return {"planned sessions": 2, "session covers": 1}
