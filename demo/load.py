"""Demo data for `make run`: one user per role and about forty realistic people.

Never loaded by migrations; the command refuses to run with DEBUG off unless told it is not
production. Loading twice adds nothing: users and people are matched on their usernames and names.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from accommodation import demo as accommodation_demo
from clients import demo as clients_demo
from clients import services
from clients.consent import ConsentHow, LawfulBasis, SharingScope, scope_of
from clients.models import (
    Agency,
    AgencyKind,
    Client,
    ClientStatus,
    DischargeEvidence,
    DischargeKind,
    Ethnicity,
    Gender,
    GoalStatus,
    HealthAccess,
    HealthAccessKind,
    PolicyApplies,
    PublicFunds,
    Referral,
    ReferralDirection,
    ReferralStatus,
    SupportNeed,
    SupportPlan,
    YesNoUnknown,
)
from funds import demo as funds_demo
from mars.dates import add_months, month_bounds
from mars.records import note_change
from mars.roles import Role
from outreach import demo as outreach_demo
from privacy import demo as privacy_demo
from reporting import demo as reporting_demo
from rights import demo as rights_demo
from risk import demo as risk_demo
from risk.reminders import send_reminders
from staffing import demo as staffing_demo
from strategy import demo as strategy_demo
from team import demo as team_demo

DEMO_PASSWORD = "mars-demo-2026"

USERS = [
    ("coordinator", "Cora", "Reid", Role.COORDINATOR),
    ("outreach", "Owen", "Hale", Role.OUTREACH),
    ("support", "Sophie", "Marsh", Role.SUPPORT),
    ("panel", "Pat", "Quinn", Role.PANEL),
    ("director", "Dev", "Anand", Role.DIRECTOR),
    ("resettlement", "Rosa", "Kemp", Role.RESETTLEMENT_MANAGER),
    ("commissioner", "Claire", "Moss", Role.COMMISSIONER),
    ("admin", "Ada", "Wright", Role.ADMINISTRATOR),
    # More of the team, so that caseloads, supervision, leave and cover have someone to share with.
    ("support2", "Tom", "Baker", Role.SUPPORT),
    ("support3", "Priya", "Shah", Role.SUPPORT),
    ("outreach2", "Jess", "Lowe", Role.OUTREACH),
]

AGENCIES = [
    ("police", "Devon and Cornwall Police", AgencyKind.POLICE),
    ("livewell", "Livewell Southwest complex needs", AgencyKind.MENTAL_HEALTH),
    ("harbour", "Harbour Drug and Alcohol Service", AgencyKind.DRUG_ALCOHOL),
    ("hepc", "Hep C Trust", AgencyKind.HEALTH),
    ("cathedral-gp", "Cathedral Street GP Practice", AgencyKind.GP_PRACTICE),
    ("probation", "Probation Service", AgencyKind.PROBATION),
    ("council-housing", "City Council Housing Options", AgencyKind.COUNCIL),
    ("shekinah", "Shekinah day centre", AgencyKind.VOLUNTARY),
    ("salvation", "Salvation Army hostel", AgencyKind.HOUSING),
]

# (first, last, known_as, aliases, born, gender, status, needs)
PEOPLE = [
    (
        "Daniel",
        "Price",
        "Danny",
        ["Dan the Man"],
        "1984-03-12",
        "male",
        "rough_sleeping",
        ["alcohol", "mental_health"],
    ),
    ("Sarah", "Collins", "", [], "1991-07-02", "female", "temporary_accommodation", ["drugs"]),
    (
        "Michael",
        "O'Brien",
        "Mick",
        ["Irish Mick"],
        "1969-11-23",
        "male",
        "rough_sleeping",
        ["alcohol", "physical_health"],
    ),
    (
        "Jade",
        "Thompson",
        "",
        [],
        "1998-01-15",
        "female",
        "at_risk",
        ["care_leaver", "mental_health"],
    ),
    (
        "Lee",
        "Harris",
        "",
        ["Scouse"],
        "1979-05-30",
        "male",
        "rough_sleeping",
        ["drugs", "offending_history"],
    ),
    (
        "Tomasz",
        "Kowalski",
        "Tom",
        [],
        "1987-09-09",
        "male",
        "rough_sleeping",
        ["alcohol"],
    ),
    (
        "Emma",
        "Walsh",
        "",
        [],
        "1995-04-21",
        "female",
        "mars_house",
        ["domestic_abuse", "mental_health"],
    ),
    ("Gary", "Pengelly", "", [], "1972-12-01", "male", "settled", ["physical_health"]),
    (
        "Kieran",
        "Doyle",
        "",
        ["K"],
        "1990-08-17",
        "male",
        "rough_sleeping",
        ["drugs", "mental_health"],
    ),
    ("Paul", "Trewin", "", [], "1965-02-28", "male", "lost_contact", ["alcohol"]),
    (
        "Aisha",
        "Mohamed",
        "",
        [],
        "2000-06-06",
        "female",
        "temporary_accommodation",
        ["mental_health"],
    ),
    (
        "Wayne",
        "Bolitho",
        "",
        ["Bolly"],
        "1982-10-10",
        "male",
        "rough_sleeping",
        ["drugs", "alcohol", "offending_history"],
    ),
    ("Chloe", "Evans", "", [], "1999-12-24", "female", "at_risk", ["learning_disability"]),
    ("Stephen", "Rowe", "Steve", [], "1975-03-03", "male", "reconnected", ["alcohol"]),
    (
        "Andrius",
        "Petrauskas",
        "Andy",
        [],
        "1986-07-19",
        "male",
        "rough_sleeping",
        ["alcohol"],
    ),
    (
        "Nicola",
        "Hext",
        "Nicky",
        [],
        "1983-09-14",
        "female",
        "mars_house",
        ["drugs", "domestic_abuse"],
    ),
    (
        "Robert",
        "Sweet",
        "Bob",
        ["Bobby"],
        "1958-01-05",
        "male",
        "temporary_accommodation",
        ["physical_health", "armed_forces"],
    ),
    (
        "Callum",
        "Fraser",
        "",
        [],
        "1996-11-11",
        "male",
        "rough_sleeping",
        ["mental_health", "care_leaver"],
    ),
    ("Marie", "Lambert", "", [], "1977-04-04", "female", "settled", ["mental_health"]),
    ("Dean", "Carter", "", ["Deano"], "1988-02-14", "male", "rough_sleeping", ["drugs"]),
    (
        "Hassan",
        "Ali",
        "",
        [],
        "1993-05-05",
        "male",
        "temporary_accommodation",
        [],
    ),
    ("Kelly", "Rundle", "", [], "1989-10-31", "female", "at_risk", ["domestic_abuse", "drugs"]),
    ("Mark", "Pascoe", "", [], "1970-07-07", "male", "rough_sleeping", ["alcohol", "armed_forces"]),
    ("Ryan", "Tucker", "", [], "2002-03-18", "male", "rough_sleeping", ["care_leaver", "drugs"]),
    (
        "Joanne",
        "Bennett",
        "Jo",
        [],
        "1980-08-08",
        "female",
        "temporary_accommodation",
        ["mental_health", "alcohol"],
    ),
    (
        "Peter",
        "Nance",
        "",
        ["Pete"],
        "1962-06-16",
        "male",
        "deceased",
        ["alcohol", "physical_health"],
    ),
    ("Liam", "Murphy", "", [], "1994-01-29", "male", "rough_sleeping", ["mental_health"]),
    ("Zoe", "Cornish", "", [], "1997-09-01", "female", "mars_house", ["drugs"]),
    ("Adrian", "Kitto", "Ade", [], "1976-12-12", "male", "settled", []),
    (
        "Florin",
        "Popescu",
        "",
        [],
        "1985-04-27",
        "male",
        "rough_sleeping",
        [],
    ),
    (
        "Sean",
        "Gilbert",
        "",
        [],
        "1981-11-03",
        "male",
        "rough_sleeping",
        ["offending_history", "alcohol"],
    ),
    ("Tracey", "Vosper", "", [], "1973-02-19", "female", "at_risk", ["physical_health"]),
    (
        "Jamie",
        "Lobb",
        "",
        ["Lobby"],
        "1992-06-22",
        "non_binary",
        "rough_sleeping",
        ["mental_health", "drugs"],
    ),
    ("Craig", "Hosking", "", [], "1968-10-02", "male", "lost_contact", ["alcohol"]),
    ("Hannah", "Wills", "", [], "2001-07-13", "female", "temporary_accommodation", ["care_leaver"]),
    ("Darren", "Yeo", "", [], "1983-03-25", "male", "rough_sleeping", ["drugs", "physical_health"]),
    ("Ian", "Stephens", "", [], "1960-05-09", "male", "settled", ["armed_forces"]),
    (
        "Becky",
        "Jago",
        "",
        [],
        "1990-12-05",
        "female",
        "rough_sleeping",
        ["drugs", "domestic_abuse"],
    ),
    (
        "Patrick",
        "Quinlan",
        "Paddy",
        [],
        "1974-08-26",
        "male",
        "rough_sleeping",
        ["alcohol", "mental_health"],
    ),
    # A likely duplicate of the first person, entered by someone who did not find him: for merging.
    ("Danny", "Pryce", "", [], "1984-03-12", "male", "rough_sleeping", ["alcohol"]),
]

NATIONALITIES = ["GB"] * 8 + ["IE", "PL", "LT", "RO", "SO"]
# People with no recourse to public funds (their immigration status).
NO_RECOURSE = {"Tomasz", "Andrius", "Hassan", "Florin"}
# A nationality written, before it was a country, as text that names no one country: left for
# the coordinator to fix (clients:nationalities_to_fix).
UNMAPPED_NATIONALITY = {"Darren": "Kurdish"}


def load(today: date | None = None) -> dict[str, int]:
    """Create what is missing of the demo data; return how many of each thing were added."""
    today = today or timezone.localdate()
    added = {"users": 0, "agencies": 0, "people": 0, "discharges": 0}
    with transaction.atomic():
        users = _users(added)
        agencies = _agencies(added)
        rng = random.Random(2026)
        staff = [users["support"], users["outreach"], users["coordinator"]]
        for index, row in enumerate(PEOPLE):
            first, last, known_as, aliases, born, gender, status, needs = row
            if Client.objects.filter(first_name=first, last_name=last, date_of_birth=born).exists():
                continue
            client = services.create_client(
                {
                    "first_name": first,
                    "last_name": last,
                    "known_as": known_as,
                    "date_of_birth": date.fromisoformat(born),
                    "date_of_birth_approximate": index % 9 == 4,
                    "gender": Gender(gender),
                    **_nationality_fields(first, rng),
                    "public_funds": PublicFunds.NO_RECOURSE
                    if first in NO_RECOURSE
                    else PublicFunds.ELIGIBLE,
                    "ethnicity": rng.choice(
                        [Ethnicity.WHITE_BRITISH] * 5
                        + [Ethnicity.WHITE_OTHER, Ethnicity.BLACK_AFRICAN, Ethnicity.NOT_STATED]
                    ),
                    "status": ClientStatus(status),
                    "key_worker": staff[index % 3] if index % 5 else None,
                    "local_connection": rng.choice(list(YesNoUnknown)),
                    "reconnection_policy_applies": rng.choice(list(PolicyApplies)),
                    "primary_care_relevant": index % 11 != 7,
                    "gp_registered": index % 3 == 0,
                    "support_needs": [SupportNeed(n) for n in needs],
                    "phone": f"07700 900{index:03d}" if index % 3 == 1 else "",
                },
                aliases=aliases,
                by=staff[index % 3],
                confirmed_distinct=True,
            )
            added["people"] += 1
            _case_records(client, index, today, agencies, staff[index % 3], rng)
            added["discharges"] += _discharges(client, today, staff[index % 3])
        added.update(clients_demo.load(today, users, agencies))
        added.update(outreach_demo.load(today, users, agencies))
        # Before accommodation: MARS House signs up only people with a risk plan in force.
        added.update(risk_demo.load(today, users, agencies))
        added.update(accommodation_demo.load(today, users, agencies))
        # After accommodation: property spend is for MARS House and its repairs.
        added.update(funds_demo.load(today, users))
        # Last: a year of history, then the reports made from everything above.
        added.update(reporting_demo.load(today, users))
        added.update(rights_demo.load(today, users))
        # Retention: one person the next run anonymises, one as old but under a legal hold.
        added.update(privacy_demo.load(today, users))
        # team: supervision (one overdue) and team meetings (an action past due).
        added.update(team_demo.load(today, users))
        added.update(strategy_demo.load(today, users))
        # Attendance and cover: leave next week with the rota's gap, a past caseload cover.
        added.update(staffing_demo.load(today, users))
        added.update(outreach_demo.load_rota(today, users))
        added["notifications"] = send_reminders(today).total
    return added


def _users(added: dict[str, int]) -> dict[str, User]:
    users: dict[str, User] = {}
    UserModel = get_user_model()
    for username, first, last, role in USERS:
        user = UserModel.objects.filter(username=username).first()
        if user is None:
            user = UserModel(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@mars.example",
                is_staff=role == Role.ADMINISTRATOR,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            added["users"] += 1
        user.groups.add(Group.objects.get(name=role))
        users[username] = user
    return users


def _agencies(added: dict[str, int]) -> dict[str, Agency]:
    agencies = {}
    for key, name, kind in AGENCIES:
        agency, created = Agency.objects.get_or_create(
            key=key, defaults={"name": name, "kind": kind}
        )
        added["agencies"] += int(created)
        agencies[key] = agency
    return agencies


def _nationality(first: str, rng: random.Random) -> str:
    by_name = {
        "Tomasz": "PL",
        "Andrius": "LT",
        "Florin": "RO",
        "Hassan": "SO",
        "Aisha": "GB",
    }
    return by_name.get(first) or rng.choice([*NATIONALITIES[:8], "IE"])


def _nationality_fields(first: str, rng: random.Random) -> dict[str, str]:
    # The country is drawn for everyone, so the people after keep the demo's other draws.
    code = _nationality(first, rng)
    if first in UNMAPPED_NATIONALITY:
        return {"nationality": "", "nationality_as_recorded": UNMAPPED_NATIONALITY[first]}
    return {"nationality": code}


def _discharges(client: Client, today: date, worker: User) -> int:
    """Leavings of institutions: Lee left prison late last month (within the 85 days England's
    rough sleeping return looks back from this month's end and last month's, so he counts as an
    institution leaver); Liam left a mental health ward in the spring; Mark left the army long
    ago."""
    last_month_end = today.replace(day=1) - timedelta(days=1)
    leavings = {
        "Lee": [
            (
                DischargeKind.PRISON,
                last_month_end - timedelta(days=10),
                DischargeEvidence.VERIFIED,
                "Released from HMP Exeter; probation confirmed the date.",
            )
        ],
        "Liam": [
            (
                DischargeKind.HOSPITAL_MENTAL_HEALTH,
                today - timedelta(days=200),
                DischargeEvidence.SELF_REPORTED,
                "Says he was discharged from the Cedars ward with no address.",
            )
        ],
        "Mark": [
            (
                DischargeKind.ARMED_FORCES,
                date(2009, 3, 31),
                DischargeEvidence.VERIFIED,
                "Royal Engineers; Veterans' Gateway confirmed his service.",
            )
        ],
    }.get(client.first_name, [])
    for kind, day, evidence, notes in leavings:
        services.record_discharge(
            client, kind=kind, date=day, evidence=evidence, notes=notes, by=worker
        )
    return len(leavings)


def _consent(client: Client, index: int, today: date, shared: list[Agency], worker: User) -> None:
    """The person's consent: the first refused, the second's comes up for review this month,
    the sixth has none recorded; the rest gave it, covering the kinds of agency (or naming the
    agencies) their plan and referral out share with, and one kind more for some."""
    if index == 0:
        services.record_refusal(
            client, how=ConsentHow.VERBAL, refused_on=today - timedelta(days=40), by=worker
        )
        return
    if index == 5:
        return
    scopes = {scope_of(agency) for agency in shared} - {None}
    named = [agency for agency in shared if scope_of(agency) is None]
    scopes.add(list(SharingScope)[index % len(SharingScope)])
    given_on = today - timedelta(days=30 + index * 7)
    review_by = None
    if index == 1:
        # Due for review within this month: the reminder and the "expiring" filter show it.
        review_by = max(month_bounds(today)[1], today)
        given_on = min(given_on, add_months(review_by, -12))
    services.record_consent(
        client,
        how=[ConsentHow.WRITTEN, ConsentHow.VERBAL, ConsentHow.ADVOCATE][index % 3],
        given_on=given_on,
        scopes=sorted(str(s) for s in scopes),
        agencies=named,
        review_by=review_by,
        by=worker,
    )


def _case_records(
    client: Client,
    index: int,
    today: date,
    agencies: dict[str, Agency],
    worker: User,
    rng: random.Random,
) -> None:
    partner_keys: list[str] = []
    if index % 3 != 2:
        partner_keys = rng.sample(
            ["livewell", "harbour", "hepc", "cathedral-gp", "probation", "council-housing"],
            k=index % 3 + (0 if index % 8 == 3 else 1),
        )
    referral_key = ["harbour", "livewell", "council-housing", "police", "shekinah"][index % 5]
    out = index % 2 == 0 and index % 4 != 0
    shared = [agencies[k] for k in partner_keys] + ([agencies[referral_key]] if out else [])
    _consent(client, index, today, shared, worker)
    if partner_keys:
        start = today - timedelta(days=20 + index * 5)
        plan = SupportPlan(
            client=client,
            start=start,
            review_date=start + timedelta(days=90),
            end=start + timedelta(days=60) if index % 7 == 0 else None,
            summary="Agreed with the person at the day centre.",
        )
        services.save_support_plan(
            plan,
            agencies=[agencies[k] for k in partner_keys],
            goals=[
                {
                    "description": "Register with a GP",
                    "status": GoalStatus.ACHIEVED if index % 2 else GoalStatus.IN_PROGRESS,
                    # A sensitive note: read by the key worker and the coordinator only.
                    "notes": "Methadone script to move to the new surgery; anxious about it."
                    if index % 3 == 0
                    else "",
                    "sensitive": index % 3 == 0,
                },
                {
                    "description": "Get ID documents (birth certificate, bank account)",
                    "status": GoalStatus.IN_PROGRESS,
                },
                {
                    "description": "Move into supported accommodation",
                    "status": GoalStatus.NOT_STARTED,
                    "target_date": today + timedelta(days=60),
                },
            ],
            by=worker,
            # The person who refused consent: their plan shares on safeguarding grounds.
            **(
                {
                    "basis": LawfulBasis.SAFEGUARDING,
                    "basis_reason": "Sleeping out in freezing weather with untreated leg "
                    "ulcers; partners must be told to keep him safe.",
                }
                if index == 0
                else {}
            ),
        )
    if index == 3:
        services.withdraw_consent(
            client.consents.get(), withdrawn_on=today - timedelta(days=3), by=worker
        )
    if index % 2 == 0:
        referral = Referral(
            client=client,
            direction=ReferralDirection.OUT if index % 4 else ReferralDirection.IN,
            agency=agencies[referral_key],
            referred_on=today - timedelta(days=10 + index * 3),
            reason=[
                "Help with opiate use",
                "Mental health assessment",
                "Housing options interview",
                "Found bedded down by patrol",
                "Day centre place",
            ][index % 5],
            status=list(ReferralStatus)[index % 4],
            created_by=worker,
        )
        note_change(referral, by=worker)
        referral.save()
    for n, kind in enumerate(
        [
            HealthAccessKind.GP_REGISTRATION,
            HealthAccessKind.GP_APPOINTMENT,
            HealthAccessKind.HEPATITIS_C,
            HealthAccessKind.DENTAL,
        ][: index % 4]
    ):
        record = HealthAccess(
            client=client,
            kind=kind,
            date=today - timedelta(days=5 + index + n * 9),
            outcome=[
                "Registered",
                "Seen, prescribed",
                "Tested, awaiting result",
                "Check-up booked",
            ][n],
            created_by=worker,
        )
        services.save_person_record(record, by=worker)
