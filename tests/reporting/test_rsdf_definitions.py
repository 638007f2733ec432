"""Each RSDF definition's edges, written from DESIGN.md's readings (version 1), and query counts
that do not grow with the number of people."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from accommodation.models import Placement, PropertyType
from clients.models import Client, Discharge, DischargeKind, Gender, PublicFunds, SupportNeed
from reporting import rsdf
from tests.clock import london
from tests.factories import ClientFactory, ContactFactory, PlacementFactory, UnitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(london(2028, 6, 1, 9, 0))]
OCTOBER = date(2026, 10, 1)
# e for most people below: their first bedded-down day in October 2026.
E = date(2026, 10, 15)


def person(**fields: Any) -> Client:
    return ClientFactory(**fields)


def seen(who: Client | None, day: date, hour: int = 6, *, bedded_down: bool = True) -> None:
    seen_at(who, london(day.year, day.month, day.day, hour), bedded_down=bedded_down)


def seen_at(who: Client | None, at: datetime, *, bedded_down: bool = True) -> None:
    description = "" if who else "person in a grey coat"
    ContactFactory(client=who, at=at, bedded_down=bedded_down, description=description)


def hours(bounds: tuple[datetime, datetime]) -> timedelta:
    """The time between two instants (aware datetimes in one zone subtract as wall clocks)."""
    return bounds[1].astimezone(UTC) - bounds[0].astimezone(UTC)


def placed(who: Client, start: date, kind: str, **fields: Any) -> Placement:
    unit = UnitFactory(property__type=kind)
    return PlacementFactory(client=who, unit=unit, start=start, **fields)


def left(who: Client, day: date, kind: str = DischargeKind.PRISON) -> None:
    Discharge.objects.create(client=who, kind=kind, date=day)


def people(key: str, period: date = OCTOBER, **kwargs: Any) -> set[int]:
    return rsdf.compute(period, **kwargs).people(key)


def ids(*who: Client) -> set[int]:
    return {w.pk for w in who}


# Seen, and e


def test_seen_means_a_bedded_down_contact_on_a_london_day_of_the_month() -> None:
    late_september_utc = person()  # 23:30 UTC on 30 September is 00:30 on 1 October in London
    seen_at(late_september_utc, datetime(2026, 9, 30, 23, 30, tzinfo=UTC))
    first_of_november = person()  # 00:30 UTC on 1 November is 00:30 GMT: November
    seen_at(first_of_november, datetime(2026, 11, 1, 0, 30, tzinfo=UTC))
    only_talked = person()
    seen(only_talked, E, bedded_down=False)
    seen(None, E)
    result = rsdf.compute(OCTOBER)
    assert result.total == ids(late_september_utc)
    assert result.e == {late_september_utc.pk: date(2026, 10, 1)}
    assert result.unidentified_in_month == 1


# P1 new: no bedded-down contact in [60 months before e, e)


def test_a_contact_exactly_60_months_before_e_makes_a_person_not_new() -> None:
    on_the_boundary, a_day_older, later_in_the_month = person(), person(), person()
    seen(on_the_boundary, date(2021, 10, 15))
    seen(a_day_older, date(2021, 10, 14))
    seen(later_in_the_month, E + timedelta(days=5))
    for who in (on_the_boundary, a_day_older, later_in_the_month):
        seen(who, E)
    assert people("over_month.new") == ids(a_day_older, later_in_the_month)


def test_60_months_before_29_february_is_28_february() -> None:
    february_2028 = date(2028, 2, 1)
    on_28th, on_27th = person(), person()
    seen(on_28th, date(2023, 2, 28))
    seen(on_27th, date(2023, 2, 27))
    for who in (on_28th, on_27th):
        seen(who, date(2028, 2, 29))
    assert people("over_month.new", february_2028) == ids(on_27th)


def test_a_contact_that_was_not_bedded_down_does_not_count_in_the_look_back() -> None:
    talked_to_last_year = person()
    seen(talked_to_last_year, date(2025, 10, 1), bedded_down=False)
    seen(talked_to_last_year, E)
    assert people("over_month.new") == ids(talked_to_last_year)


# P2 institution leavers: a discharge in [e - 85 days, e], or a care leaver under 25 on e


def test_a_discharge_85_days_before_e_counts_and_one_after_e_does_not() -> None:
    day_85, day_86, on_e, after_e = person(), person(), person(), person()
    left(day_85, E - timedelta(days=85))
    left(day_86, E - timedelta(days=86))
    left(on_e, E, DischargeKind.HOSPITAL_MENTAL_HEALTH)
    left(after_e, E + timedelta(days=1), DischargeKind.ASYLUM_SUPPORT)
    for who in (day_85, day_86, on_e, after_e):
        seen(who, E)
    assert people("over_month.institution_leavers") == ids(day_85, on_e)


@pytest.mark.parametrize("kind", DischargeKind.values)
def test_every_kind_of_discharge_counts(kind: str) -> None:
    leaver = person()
    left(leaver, E - timedelta(days=10), kind)
    seen(leaver, E)
    assert people("over_month.institution_leavers") == ids(leaver)


def test_a_care_leaver_counts_under_25_on_e_and_not_with_no_date_of_birth() -> None:
    need = [SupportNeed.CARE_LEAVER]
    aged_24 = person(date_of_birth=date(2001, 10, 16), support_needs=need)  # 25 tomorrow
    aged_25 = person(date_of_birth=date(2001, 10, 15), support_needs=need)
    no_birth_date = person(date_of_birth=None, support_needs=need)
    not_a_care_leaver = person(date_of_birth=date(2006, 1, 1))
    for who in (aged_24, aged_25, no_birth_date, not_a_care_leaver):
        seen(who, E)
    assert people("over_month.institution_leavers") == ids(aged_24)


# B1 long-term: seen in P and in at least 3 distinct months among P-12 .. P-1


def test_long_term_is_three_of_the_twelve_months_before_the_month() -> None:
    twelve_to_one, thirteen_months_back, with_this_month, same_month_twice = (
        person(),
        person(),
        person(),
        person(),
    )
    for day in (date(2025, 10, 31), date(2026, 3, 1), date(2026, 9, 30)):
        seen(twelve_to_one, day)
    for day in (date(2025, 9, 30), date(2026, 3, 1), date(2026, 9, 30)):
        seen(thirteen_months_back, day)
    for day in (date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)):
        seen(with_this_month, day)  # October itself does not count towards the three
    for day in (date(2026, 3, 1), date(2026, 3, 20), date(2026, 9, 1)):
        seen(same_month_twice, day)
    for who in (twelve_to_one, thirteen_months_back, with_this_month, same_month_twice):
        seen(who, E)
    result = rsdf.compute(OCTOBER)
    assert result.long_term == ids(twelve_to_one)
    months = [date(2025, 10, 1), date(2026, 3, 1), date(2026, 9, 1)]
    assert result.long_term_months == {twelve_to_one.pk: months}
    assert rsdf.long_term_months(OCTOBER) == {twelve_to_one.pk: months}


def test_someone_long_term_before_but_not_seen_this_month_is_not_counted() -> None:
    away = person()
    for month in (3, 5, 7):
        seen(away, date(2026, month, 1))
    assert rsdf.long_term_months(OCTOBER) == {}
    assert rsdf.compute(OCTOBER).total == set()


# NR1 returners: not new, no bedded-down contact in [e - 180 days, e)


def test_a_contact_180_days_before_e_makes_a_person_not_a_returner() -> None:
    day_180, day_181, never_before = person(), person(), person()
    seen(day_180, E - timedelta(days=180))
    seen(day_181, E - timedelta(days=181))
    for who in (day_180, day_181, never_before):
        seen(who, E)
    result = rsdf.compute(OCTOBER)
    assert result.returners == ids(day_181)
    assert result.new == ids(never_before)  # new people are never returners


def test_a_settled_placement_starting_365_days_before_e_counts_and_366_does_not() -> None:
    day_365, day_366, on_e, hostel = person(), person(), person(), person()
    placed(day_365, E - timedelta(days=365), PropertyType.HOUSING_FIRST)
    placed(day_366, E - timedelta(days=366), PropertyType.PRIVATE_RENTED)
    placed(on_e, E, PropertyType.SOCIAL_HOUSING)
    placed(hostel, E - timedelta(days=200), PropertyType.HOSTEL)
    for who in (day_365, day_366, on_e, hostel):
        seen(who, E - timedelta(days=400))
        seen(who, E)
    result = rsdf.compute(OCTOBER)
    assert result.returners == ids(day_365, day_366, on_e, hostel)
    assert result.returners_from_settled == ids(day_365)


def test_a_settled_placement_does_not_make_someone_who_is_not_a_returner_count() -> None:
    recent = person()
    placed(recent, E - timedelta(days=100), PropertyType.HOUSING_FIRST)
    seen(recent, E - timedelta(days=30))
    seen(recent, E)
    assert people("over_month.returners_from_settled") == set()


# Nights bedded down: distinct days in the 180 days ending on P's last day


def test_nights_count_the_180_days_ending_on_the_last_day_of_the_month() -> None:
    first_of_window, a_day_before_it = person(), person()
    seen(first_of_window, date(2026, 5, 5))  # 31 October - 179 days
    seen(a_day_before_it, date(2026, 5, 4))
    for who in (first_of_window, a_day_before_it):
        seen(who, E)
        seen(who, E, hour=22)  # twice on one day is one night
    result = rsdf.compute(OCTOBER)
    assert result.nights_bedded_down["2"] == ids(first_of_window)
    assert result.nights_bedded_down["1"] == ids(a_day_before_it)


@pytest.mark.parametrize(
    ("nights", "band"),
    [(1, "1"), (2, "2"), (3, "3_5"), (5, "3_5"), (6, "6_10"), (10, "6_10"), (11, "over_10")],
)
def test_nights_fall_into_their_bands(nights: int, band: str) -> None:
    who = person()
    for night in range(nights):
        seen(who, date(2026, 10, 31) - timedelta(days=night * 7))
    result = rsdf.compute(OCTOBER)
    assert result.nights_bedded_down[band] == ids(who)
    assert sum(len(group) for group in result.nights_bedded_down.values()) == len(result.total)


# Demographics


def test_age_is_in_completed_years_on_e() -> None:
    seventeen = person(date_of_birth=date(2008, 10, 16))
    eighteen = person(date_of_birth=date(2008, 10, 15))
    twenty_five = person(date_of_birth=date(2001, 10, 15))
    twenty_six = person(date_of_birth=date(2000, 10, 15))
    approximate = person(date_of_birth=date(2001, 1, 1), date_of_birth_approximate=True)
    unknown = person(date_of_birth=None)
    for who in (seventeen, eighteen, twenty_five, twenty_six, approximate, unknown):
        seen(who, E)
    seen(seventeen, date(2026, 10, 20))  # 18 later in the month: e decides
    age = rsdf.compute(OCTOBER).age
    assert age["under_18"] == ids(seventeen)
    assert age["18_25"] == ids(eighteen, twenty_five, approximate)
    assert age["26_plus"] == ids(twenty_six)
    assert age["not_known"] == ids(unknown)
    assert age["under_25"] == ids(seventeen, eighteen)


def test_a_29_february_birthday_falls_on_1_march_in_other_years() -> None:
    leapling = person(date_of_birth=date(2008, 2, 29))
    seen(leapling, date(2026, 2, 28))
    seen(leapling, date(2026, 3, 1))
    assert rsdf.compute(date(2026, 2, 1)).age["under_18"] == ids(leapling)
    march = rsdf.compute(date(2026, 3, 1)).age
    assert march["18_25"] == ids(leapling)
    assert march["under_18"] == set()


def test_gender_nationality_and_public_funds_groups() -> None:
    groups = {
        ("male", "GB", "eligible"): person(gender=Gender.MALE, nationality="GB"),
        ("female", "eea", "no_recourse"): person(
            gender=Gender.FEMALE, nationality="NO", public_funds=PublicFunds.NO_RECOURSE
        ),
        ("other", "eea", "not_known"): person(gender=Gender.NON_BINARY, nationality="IE"),
        ("other", "outside_eea", "eligible"): person(gender=Gender.OTHER, nationality="CH"),
        ("not_known", "outside_eea", "x"): person(gender=Gender.NOT_KNOWN, nationality="JE"),
        ("not_known", "outside_eea", "y"): person(nationality="GI"),
        ("not_known", "not_known", "z"): person(nationality=""),
    }
    for (_, _, funds), who in groups.items():
        if funds == "eligible":
            who.public_funds = PublicFunds.ELIGIBLE
            who.save()
        seen(who, E)
    result = rsdf.compute(OCTOBER)
    assert result.gender == {
        "male": ids(groups[("male", "GB", "eligible")]),
        "female": ids(groups[("female", "eea", "no_recourse")]),
        "other": ids(
            groups[("other", "eea", "not_known")], groups[("other", "outside_eea", "eligible")]
        ),
        "not_known": ids(*(w for (g, _, _), w in groups.items() if g == "not_known")),
    }
    assert result.nationality["uk"] == ids(groups[("male", "GB", "eligible")])
    assert result.nationality["eea"] == ids(
        groups[("female", "eea", "no_recourse")], groups[("other", "eea", "not_known")]
    )
    assert len(result.nationality["outside_eea"]) == 3
    assert result.nationality["not_known"] == ids(groups[("not_known", "not_known", "z")])
    assert result.public_funds["eligible"] == ids(
        groups[("male", "GB", "eligible")], groups[("other", "outside_eea", "eligible")]
    )
    assert result.public_funds["no_recourse"] == ids(groups[("female", "eea", "no_recourse")])
    assert len(result.public_funds["not_known"]) == 4


# The single night: [N 18:00, N+1 10:00) on a London wall clock


def test_the_single_night_lasts_17_hours_when_the_clocks_go_back() -> None:
    night = date(2026, 10, 24)  # clocks go back at 02:00 BST on 25 October
    assert hours(rsdf.night_bounds(night)) == timedelta(hours=17)
    at_six, at_ten_to_ten, at_ten, before_six = person(), person(), person(), person()
    seen_at(at_six, datetime(2026, 10, 24, 17, 0, tzinfo=UTC))  # 18:00 BST
    seen_at(before_six, datetime(2026, 10, 24, 16, 59, tzinfo=UTC))  # 17:59 BST
    seen_at(at_ten_to_ten, datetime(2026, 10, 25, 9, 59, tzinfo=UTC))  # 09:59 GMT
    seen_at(at_ten, datetime(2026, 10, 25, 10, 0, tzinfo=UTC))  # 10:00 GMT
    seen_at(None, datetime(2026, 10, 25, 1, 30, tzinfo=UTC))  # the second 01:30
    seen_at(None, datetime(2026, 10, 25, 0, 30, tzinfo=UTC))  # the first 01:30
    result = rsdf.compute(OCTOBER, night=night)
    assert result.single_night_total == ids(at_six, at_ten_to_ten)
    assert result.single_night_unidentified == 2
    assert result.figures()["single_night"]["unidentified_sightings"] == 2


def test_the_single_night_lasts_15_hours_when_the_clocks_go_forward() -> None:
    night = date(2026, 3, 28)  # clocks go forward at 01:00 GMT on 29 March
    assert hours(rsdf.night_bounds(night)) == timedelta(hours=15)
    at_six, at_ten_to_ten, at_ten, half_past_nine_utc = person(), person(), person(), person()
    seen_at(at_six, datetime(2026, 3, 28, 18, 0, tzinfo=UTC))  # 18:00 GMT
    seen_at(at_ten_to_ten, datetime(2026, 3, 29, 8, 50, tzinfo=UTC))  # 09:50 BST
    seen_at(at_ten, datetime(2026, 3, 29, 9, 0, tzinfo=UTC))  # 10:00 BST
    seen_at(half_past_nine_utc, datetime(2026, 3, 29, 9, 30, tzinfo=UTC))  # 10:30 BST
    result = rsdf.compute(date(2026, 3, 1), night=night)
    assert result.single_night_total == ids(at_six, at_ten_to_ten)


def test_single_night_new_is_the_over_month_new_decided_by_e() -> None:
    new_on_the_night, seen_before, not_bedded_down = person(), person(), person()
    seen(seen_before, date(2026, 6, 1))
    for who in (new_on_the_night, seen_before):
        seen(who, date(2026, 10, 21), hour=22)
    seen(not_bedded_down, date(2026, 10, 21), hour=22, bedded_down=False)
    result = rsdf.compute(OCTOBER, night=date(2026, 10, 21), population=100000)
    assert result.single_night_total == ids(new_on_the_night, seen_before)
    assert result.single_night_new == ids(new_on_the_night)
    assert result.figures()["single_night"] == {
        "total": 2,
        "per_100k": 2.0,
        "new": 1,
        "unidentified_sightings": 0,
    }


@pytest.mark.parametrize("night", [date(2026, 10, 31), date(2026, 11, 1), date(2026, 9, 30)])
def test_a_night_outside_the_month_or_on_its_last_day_is_refused(night: date) -> None:
    with pytest.raises(rsdf.RsdfError):
        rsdf.check_night(OCTOBER, night)
    with pytest.raises(ValueError):
        rsdf.compute(OCTOBER, night=night)


# Accommodated: by the first placement starting in P that has a contact in the 365 days up to it


def test_a_person_is_counted_once_by_their_first_placement_in_the_month() -> None:
    moved_twice = person()
    seen(moved_twice, date(2026, 9, 1))  # not seen in October: counted all the same
    placed(moved_twice, date(2026, 10, 5), PropertyType.TEMPORARY, end=date(2026, 10, 20),
           end_reason="planned_move_on")  # fmt: skip
    placed(moved_twice, date(2026, 10, 20), PropertyType.HOSTEL)
    result = rsdf.compute(OCTOBER)
    assert result.accommodated_total == ids(moved_twice)
    assert result.accommodated["emergency"] == ids(moved_twice)
    assert result.accommodated["supported"] == set()
    assert result.total == set()


def test_the_first_placement_is_the_first_with_a_contact_in_the_365_days_up_to_its_start() -> None:
    first_too_early = person()
    placed(first_too_early, date(2026, 10, 3), PropertyType.SWEP, end=date(2026, 10, 4),
           end_reason="planned_move_on")  # fmt: skip
    seen(first_too_early, date(2026, 10, 10))
    placed(first_too_early, date(2026, 10, 15), PropertyType.HOUSING_FIRST)
    result = rsdf.compute(OCTOBER)
    assert result.accommodated["settled"] == ids(first_too_early)
    assert result.accommodated["emergency"] == set()


def test_the_365_days_up_to_the_start_include_the_start_day_and_not_a_year_before() -> None:
    day_364, day_365, on_start, after_start = person(), person(), person(), person()
    start = date(2026, 10, 10)
    seen(day_364, start - timedelta(days=364))
    seen(day_365, start - timedelta(days=365))
    seen(on_start, start, hour=5)
    seen(after_start, start + timedelta(days=1))
    for who in (day_364, day_365, on_start, after_start):
        placed(who, start, PropertyType.MARS_HOUSE)
    assert people("accommodated.total") == ids(day_364, on_start)
    assert people("accommodated.supported") == ids(day_364, on_start)


def test_on_the_same_start_day_the_earliest_recorded_placement_decides() -> None:
    same_day = person()
    seen(same_day, date(2026, 10, 1))
    placed(same_day, date(2026, 10, 8), PropertyType.NIGHT_SHELTER, end=date(2026, 10, 8),
           end_reason="planned_move_on")  # fmt: skip
    placed(same_day, date(2026, 10, 8), PropertyType.SOCIAL_HOUSING)
    result = rsdf.compute(OCTOBER)
    assert result.accommodated["emergency"] == ids(same_day)
    assert result.accommodated["settled"] == set()


@pytest.mark.parametrize(
    ("kind", "group"),
    [
        (PropertyType.TEMPORARY, "emergency"),
        (PropertyType.NIGHT_SHELTER, "emergency"),
        (PropertyType.SWEP, "emergency"),
        (PropertyType.OTHER, "emergency"),
        (PropertyType.HOSTEL, "supported"),
        (PropertyType.SUPPORTED_HOUSING, "supported"),
        (PropertyType.MARS_HOUSE, "supported"),
        (PropertyType.HOUSING_FIRST, "settled"),
        (PropertyType.PRIVATE_RENTED, "settled"),
        (PropertyType.SOCIAL_HOUSING, "settled"),
    ],
)
def test_each_property_type_has_its_group(kind: str, group: str) -> None:
    who = person()
    seen(who, E)
    placed(who, E, kind)
    assert people(f"accommodated.{group}") == ids(who)


def test_a_key_that_is_not_a_count_of_people_is_a_key_error() -> None:
    result = rsdf.compute(OCTOBER)
    for key in ("over_month.per_100k", "single_night.unidentified_sightings", "over_month.x"):
        with pytest.raises(KeyError):
            result.people(key)
    assert result.people("over_month.gender.male") == set()


# Queries


def make_people(count: int) -> None:
    for n in range(count):
        who = person(support_needs=[SupportNeed.CARE_LEAVER] if n % 3 == 0 else [])
        seen(who, date(2026, 10, 1) + timedelta(days=n % 28), hour=22)
        seen(who, date(2026, 3, 1) + timedelta(days=n % 200))
        seen(who, date(2023, 1, 1) + timedelta(days=n))
        left(who, date(2026, 9, 1) + timedelta(days=n % 30))
        placed(who, date(2026, 10, 1) + timedelta(days=n % 28), PropertyType.HOSTEL)
        placed(who, date(2025, 11, 1), PropertyType.HOUSING_FIRST, end=date(2025, 12, 1),
               end_reason="planned_move_on")  # fmt: skip


@pytest.mark.parametrize("count", [2, 40])
def test_query_count_does_not_grow_with_the_number_of_people(
    count: int, django_assert_max_num_queries: Any
) -> None:
    make_people(count)
    with django_assert_max_num_queries(9):
        result = rsdf.compute(OCTOBER, night=date(2026, 10, 10), population=1000)
        figures = result.figures()
    assert figures["over_month"]["total"] == count
    assert figures["accommodated"]["total"] == count
    with django_assert_max_num_queries(1):
        rsdf.long_term_months(OCTOBER)
