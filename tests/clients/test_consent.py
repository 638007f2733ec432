"""Information-sharing consent with a scope and an end, and sharing on another lawful basis."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from clients import services
from clients.consent import (
    Consent,
    ConsentStatus,
    SharingWithoutConsent,
    consent_state,
    default_review_by,
)
from clients.models import Client, Referral, SupportPlan
from clients.reminders import send_consent_reminders
from mars.models import Notification
from mars.roles import Role
from risk.reminders import send_reminders
from tests.clock import ORDINARY_DAY
from tests.factories import (
    A2AReferralFactory,
    AgencyFactory,
    ClientFactory,
    ConsentFactory,
    SharingWithoutConsentFactory,
    SupportPlanFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]
JSON = "application/json"
TODAY = dt.date(2027, 6, 16)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture
def police():
    return AgencyFactory(key="police", name="Met Police", kind="police")


@pytest.fixture
def livewell():
    return AgencyFactory(key="livewell", name="Livewell", kind="mental_health")


@pytest.fixture
def day_centre():
    return AgencyFactory(key="shekinah", name="Shekinah", kind="voluntary")


def refer(sam: Client, agency, *, on: str = "2027-06-10", by=None, **basis: str) -> Referral:
    referral = Referral(
        client=sam, direction="out", agency=agency, referred_on=d(on), reason="Help"
    )
    return services.save_person_record(referral, by=by, **basis)  # type: ignore[return-value]


# The rule: what the consent covers on the referral date


def test_a_referral_to_an_agency_of_a_kind_the_consent_covers_is_made(sam, livewell):
    ConsentFactory(client=sam, given_on=d("2027-01-10"), scopes=["health", "housing"])
    referral = refer(sam, livewell)
    assert referral.pk and not SharingWithoutConsent.objects.exists()


def test_an_agency_named_in_the_consent_is_covered_whatever_its_kind(sam, day_centre):
    ConsentFactory(client=sam, given_on=d("2027-01-10"), scopes=[], agencies=[day_centre])
    assert refer(sam, day_centre).pk


def test_a_referral_the_consent_does_not_cover_is_refused_saying_what_it_covers(sam, police):
    ConsentFactory(client=sam, given_on=d("2027-01-10"), scopes=["health", "housing"])
    with pytest.raises(services.SharingNotCovered) as refused:
        refer(sam, police)
    assert str(refused.value).startswith(
        "Sam's consent does not cover sharing with Met Police (police) (it covers health, housing)."
    )
    assert refused.value.field == "basis"
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("arrange", "said"),
    [
        (
            lambda sam: ConsentFactory(
                client=sam, given_on=d("2026-01-05"), review_by=d("2027-01-05"), scopes=["police"]
            ),
            "Sam's consent has expired on 05/01/2027.",
        ),
        (
            lambda sam: ConsentFactory(
                client=sam,
                given_on=d("2027-01-05"),
                withdrawn_on=d("2027-03-01"),
                scopes=["police"],
            ),
            "Sam's consent was withdrawn on 01/03/2027.",
        ),
        (
            lambda sam: ConsentFactory(
                client=sam, outcome="refused", how="verbal", given_on=d("2027-02-02"), scopes=[]
            ),
            "Sam refused consent to share information on 02/02/2027.",
        ),
        (lambda sam: None, "Sam has no consent recorded for sharing with Met Police."),
    ],
    ids=["expired", "withdrawn", "refused", "none"],
)
def test_sharing_without_a_valid_consent_is_refused_saying_why(sam, police, arrange, said):
    arrange(sam)
    with pytest.raises(services.SharingNotCovered) as refused:
        refer(sam, police)
    assert str(refused.value).startswith(said)


def test_the_consent_on_the_referral_date_decides_not_todays(sam, police):
    ConsentFactory(
        client=sam, given_on=d("2026-01-05"), review_by=d("2027-01-05"), scopes=["police"]
    )
    assert refer(sam, police, on="2026-12-20").pk


def test_the_latest_record_decides_a_refusal_after_a_consent(sam, police):
    ConsentFactory(client=sam, given_on=d("2027-01-05"), scopes=["police"])
    services.record_refusal(sam, how="verbal", refused_on=d("2027-05-01"), by=None)
    with pytest.raises(services.SharingNotCovered, match="refused consent"):
        refer(sam, police)
    assert refer(sam, police, on="2027-04-01").pk


def test_another_lawful_basis_with_a_reason_allows_it_and_is_kept(sam, police, support):
    referral = refer(
        sam, police, by=support, basis="safeguarding", basis_reason="Threats from a dealer."
    )
    kept = SharingWithoutConsent.objects.get()
    assert (kept.client, kept.agency, kept.referral, kept.basis) == (
        sam,
        police,
        referral,
        "safeguarding",
    )
    assert kept.reason == "Threats from a dealer." and kept.recorded_by == support
    assert kept.consent_said.startswith("Sam has no consent recorded")
    assert kept.history.count() == 1


def test_a_basis_without_a_reason_is_refused(sam, police):
    with pytest.raises(services.ClientError) as refused:
        refer(sam, police, basis="vital_interests", basis_reason="  ")
    assert refused.value.field == "basis_reason"
    assert not Referral.objects.exists() and not SharingWithoutConsent.objects.exists()


def test_a_referral_in_needs_no_consent(sam, police):
    referral = Referral(
        client=sam, direction="in", agency=police, referred_on=d("2027-06-01"), reason="Found"
    )
    assert services.save_person_record(referral, by=None).pk


def test_changing_a_referral_without_changing_where_it_goes_is_not_checked_again(sam, police):
    referral = refer(sam, police, basis="safeguarding", basis_reason="Risk to life.")
    referral.status = "accepted"
    services.save_person_record(referral, by=None)
    assert SharingWithoutConsent.objects.count() == 1


def test_a_support_plan_checks_only_the_agencies_added(sam, police, livewell):
    ConsentFactory(client=sam, given_on=d("2027-01-10"), scopes=["health"])
    plan = services.save_support_plan(
        SupportPlan(client=sam, start=d("2027-02-01")), agencies=[livewell], goals=[], by=None
    )
    with pytest.raises(services.SharingNotCovered, match="Met Police"):
        services.save_support_plan(plan, agencies=[livewell, police], goals=[], by=None)
    services.save_support_plan(
        plan,
        agencies=[livewell, police],
        goals=[],
        by=None,
        basis="prevention_of_crime",
        basis_reason="Exploitation by a county line.",
    )
    kept = SharingWithoutConsent.objects.get()
    assert kept.support_plan == plan and kept.agency == police
    # Saving again with the same agencies asks for nothing more.
    services.save_support_plan(plan, agencies=[livewell, police], goals=[], by=None)
    assert SharingWithoutConsent.objects.count() == 1


# Recording, refusing, withdrawing


def test_a_consent_is_reviewed_a_year_after_it_was_given_by_default(sam, support):
    consent = services.record_consent(
        sam, how="written", given_on=d("2027-02-28"), scopes=["health"], by=support
    )
    assert consent.review_by == d("2028-02-28")
    assert consent.recorded_by == support and consent.history.count() == 1


def test_the_review_period_comes_from_the_setting(sam, settings):
    settings.CONSENT_REVIEW_MONTHS = 6
    assert default_review_by(d("2027-08-31")) == d("2028-02-29")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"given_on": dt.date(2027, 6, 17), "scopes": ["health"]}, "given_on"),
        ({"given_on": dt.date(2027, 6, 1), "scopes": []}, "scopes"),
    ],
    ids=["future", "covers nothing"],
)
def test_a_consent_that_breaks_a_rule_is_refused(sam, kwargs, field):
    with pytest.raises(services.ClientError) as refused:
        services.record_consent(sam, how="verbal", by=None, **kwargs)
    assert refused.value.field == field
    assert not Consent.objects.exists()


def test_the_same_consent_twice_on_one_day_is_refused(sam):
    services.record_consent(sam, how="verbal", given_on=d("2027-06-01"), scopes=["health"], by=None)
    with pytest.raises(services.ClientError, match="already recorded"):
        services.record_consent(
            sam, how="verbal", given_on=d("2027-06-01"), scopes=["health"], by=None
        )
    assert Consent.objects.count() == 1


def test_the_database_refuses_a_second_open_consent_on_one_day(sam):
    ConsentFactory(client=sam, given_on=d("2027-06-01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentFactory(client=sam, given_on=d("2027-06-01"))


def test_the_database_refuses_a_refusal_with_a_review_date(sam):
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentFactory(client=sam, outcome="refused", scopes=[], review_by=d("2028-01-01"))


def test_withdrawal_is_not_before_consent_was_given_nor_twice(sam):
    consent = ConsentFactory(client=sam, given_on=d("2027-03-01"))
    with pytest.raises(services.ClientError) as refused:
        services.withdraw_consent(consent, withdrawn_on=d("2027-02-01"), by=None)
    assert refused.value.field == "withdrawn_on"
    services.withdraw_consent(consent, withdrawn_on=d("2027-06-01"), by=None)
    with pytest.raises(services.ClientError, match="already withdrawn"):
        services.withdraw_consent(consent, withdrawn_on=d("2027-06-02"), by=None)


def test_the_state_today_in_words(sam, livewell):
    assert consent_state(sam).summary == "No consent recorded"
    consent = ConsentFactory(
        client=sam, given_on=d("2027-01-10"), scopes=["housing", "health"], agencies=[livewell]
    )
    state = consent_state(sam)
    assert state.status == ConsentStatus.VALID
    assert state.summary == "Valid until 10/01/2028, covers health, housing, Livewell"
    assert state.headline == "Valid until 10/01/2028"
    services.withdraw_consent(consent, withdrawn_on=d("2027-06-15"), by=None)
    assert consent_state(sam).summary == "Withdrawn on 15/06/2027"
    assert consent_state(sam, d("2027-06-14")).status == ConsentStatus.VALID
    assert consent_state(sam, d("2028-01-10")).status == ConsentStatus.WITHDRAWN


def test_covers_on_a_day(sam, police, livewell):
    consent = ConsentFactory(client=sam, given_on=d("2027-01-10"), scopes=["health"])
    assert consent.covers(livewell, on=d("2027-06-01"))
    assert not consent.covers(police, on=d("2027-06-01"))
    assert not consent.covers(livewell, on=d("2027-01-09"))
    assert not consent.covers(livewell, on=d("2028-01-10"))


# Pages


def test_the_person_page_shows_consent_at_a_glance_with_its_actions(as_role, sam):
    ConsentFactory(client=sam, given_on=d("2027-01-10"), scopes=["health", "housing"])
    page = as_role(Role.SUPPORT).get(reverse("clients:detail", args=[sam.pk])).text
    assert "Valid until 10/01/2028, covers health, housing" in page
    assert reverse("clients:consent_create", args=[sam.pk]) in page
    assert reverse("clients:consent_refuse", args=[sam.pk]) in page
    assert "Withdraw consent" in page
    assert "Consent history (1)" in page


def test_a_director_sees_consent_but_no_actions(as_role, sam):
    services.record_refusal(sam, how="verbal", refused_on=d("2027-05-05"), by=None)
    page = as_role(Role.DIRECTOR).get(reverse("clients:detail", args=[sam.pk])).text
    assert "Refused on 05/05/2027" in page
    assert reverse("clients:consent_create", args=[sam.pk]) not in page


def test_the_panel_sees_the_banner_but_not_the_consent_records(as_role, sam):
    A2AReferralFactory(client=sam)
    consent = ConsentFactory(client=sam, given_on=d("2027-01-10"))
    browser = as_role(Role.PANEL)
    page = browser.get(reverse("clients:detail", args=[sam.pk])).text
    assert "Valid until 10/01/2028" in page and "Consent history" not in page
    assert browser.get(reverse("clients:consent_detail", args=[consent.pk])).status_code == 404


@pytest.mark.parametrize("role", [Role.OUTREACH, Role.SUPPORT, Role.COORDINATOR])
def test_workers_record_a_consent_from_the_page(as_role, role, sam, police):
    response = as_role(role).post(
        reverse("clients:consent_create", args=[sam.pk]),
        {"how": "written", "given_on": "16/06/2027", "scopes": ["police"], "agencies": []},
    )
    assert response.status_code == 302
    consent = Consent.objects.get(client=sam)
    assert consent.scopes == ["police"] and consent.review_by == d("2028-06-16")


def test_a_consent_covering_nothing_is_refused_beside_the_field_keeping_what_was_typed(
    as_role, sam
):
    response = as_role(Role.SUPPORT).post(
        reverse("clients:consent_create", args=[sam.pk]),
        {"how": "verbal", "given_on": "16/06/2027", "notes": "Said yes at the day centre"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["scopes"][0].startswith("Say what the consent covers")
    assert "Said yes at the day centre" in response.text
    assert not Consent.objects.exists()


def test_refusal_and_withdrawal_from_the_pages(as_role, sam):
    browser = as_role(Role.SUPPORT)
    consent = ConsentFactory(client=sam, given_on=d("2027-01-10"))
    response = browser.post(
        reverse("clients:consent_withdraw", args=[consent.pk]), {"withdrawn_on": "01/06/2027"}
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == d("2027-06-01")
    response = browser.post(
        reverse("clients:consent_refuse", args=[sam.pk]),
        {"how": "advocate", "given_on": "02/06/2027"},
    )
    assert response.status_code == 302
    assert consent_state(sam).status == ConsentStatus.REFUSED
    detail = browser.get(reverse("clients:consent_detail", args=[consent.pk])).text
    assert "History" in detail and "Consent withdrawn" in detail


def test_a_director_cannot_record_or_withdraw(as_role, sam):
    consent = ConsentFactory(client=sam)
    browser = as_role(Role.DIRECTOR)
    assert browser.get(reverse("clients:consent_create", args=[sam.pk])).status_code == 403
    assert (
        browser.post(
            reverse("clients:consent_withdraw", args=[consent.pk]), {"withdrawn_on": "01/06/2027"}
        ).status_code
        == 403
    )


def test_a_referral_page_refused_for_consent_keeps_what_was_typed_then_allows_a_basis(
    as_role, sam, police
):
    browser = as_role(Role.SUPPORT)
    url = reverse("clients:referral_create", args=[sam.pk])
    data = {
        "direction": "out",
        "agency": police.pk,
        "referred_on": "15/06/2027",
        "reason": "Threatened at the hostel",
        "status": "sent",
    }
    refused = browser.post(url, data)
    assert refused.status_code == 200
    assert (
        refused.context["form"]
        .errors["basis"][0]
        .startswith("Sam has no consent recorded for sharing with Met Police.")
    )
    assert "Threatened at the hostel" in refused.text
    assert not Referral.objects.exists()
    made = browser.post(
        url, {**data, "basis": "safeguarding", "basis_reason": "Knife threat last night"}
    )
    assert made.status_code == 302
    referral = Referral.objects.get()
    page = browser.get(reverse("clients:referral_detail", args=[referral.pk])).text
    assert "Shared with Met Police without consent" in page
    assert "Safeguarding: Knife threat last night" in page


def test_the_coordinator_lists_sharing_without_consent_newest_first(as_role, sam, police):
    older = SharingWithoutConsentFactory(client=sam, agency=police, reason="First time")
    newer = SharingWithoutConsentFactory(client=sam, agency=police, reason="Second time")
    page = as_role(Role.COORDINATOR).get(reverse("clients:sharing_list")).text
    assert page.index("Second time") < page.index("First time")
    assert reverse("clients:sharing_detail", args=[older.pk]) in page
    assert reverse("clients:sharing_detail", args=[newer.pk]) in page


@pytest.mark.parametrize("role", [Role.OUTREACH, Role.SUPPORT, Role.DIRECTOR, Role.PANEL])
def test_only_the_coordinator_has_the_list(as_role, role):
    assert as_role(role).get(reverse("clients:sharing_list")).status_code == 403


def test_the_people_list_filters_consent_expiring_or_expired(as_role):
    expiring = ClientFactory(first_name="Expiring")
    ConsentFactory(client=expiring, given_on=d("2026-07-01"), review_by=d("2027-07-10"))
    expired = ClientFactory(first_name="Expired")
    ConsentFactory(client=expired, given_on=d("2026-01-01"), review_by=d("2027-01-01"))
    fine = ClientFactory(first_name="Fine")
    ConsentFactory(client=fine, given_on=d("2027-01-01"))
    withdrawn = ClientFactory(first_name="Withdrawn")
    ConsentFactory(
        client=withdrawn,
        given_on=d("2026-07-01"),
        review_by=d("2027-07-10"),
        withdrawn_on=d("2027-02-01"),
    )
    ClientFactory(first_name="Nobody")
    renewed = ClientFactory(first_name="Renewed")
    ConsentFactory(client=renewed, given_on=d("2026-01-01"), review_by=d("2027-01-01"))
    ConsentFactory(client=renewed, given_on=d("2027-01-02"))
    browser = as_role(Role.SUPPORT)
    page = browser.get(reverse("clients:list"), {"consent": "expiring_or_expired"})
    shown = {person.first_name for person, _ in page.context["rows"]}
    assert shown == {"Expiring", "Expired"}
    api = browser.get("/api/clients/", {"consent": "expiring_or_expired"}).json()
    assert {row["first_name"] for row in api["results"]} == {"Expiring", "Expired"}
    # Those with no valid consent today: none, refused, withdrawn or expired (not expiring).
    refused = ClientFactory(first_name="Refused")
    ConsentFactory(client=refused, outcome="refused", given_on=d("2027-01-05"), scopes=[])
    page = browser.get(reverse("clients:list"), {"consent": "no_valid_consent"})
    shown = {person.first_name for person, _ in page.context["rows"]}
    assert {"Expired", "Withdrawn", "Nobody", "Refused"} <= shown
    assert not shown & {"Expiring", "Fine", "Renewed"}
    api = browser.get("/api/clients/", {"consent": "no_valid_consent"}).json()
    assert {row["first_name"] for row in api["results"]} == shown


# Reminders


def test_the_key_worker_is_reminded_once_thirty_days_before_the_review(sam, coordinator):
    worker = UserFactory(username="kw", role=Role.SUPPORT)
    sam.key_worker = worker
    sam.save()
    ConsentFactory(client=sam, given_on=d("2026-07-20"), review_by=d("2027-07-20"))
    assert send_consent_reminders(d("2027-06-19")) == 0
    assert send_consent_reminders(d("2027-06-20")) == 1
    assert send_consent_reminders(d("2027-06-21")) == 0
    note = Notification.objects.get()
    assert note.recipient == worker and "20/07/2027" in note.subject
    assert sam.reference in note.subject


def test_without_a_key_worker_the_coordinators_are_reminded_from_the_nightly_run(sam, coordinator):
    ConsentFactory(client=sam, given_on=d("2026-07-01"), review_by=d("2027-07-01"))
    sent = send_reminders(TODAY)
    assert sent.consent_reviews == 1
    assert Notification.objects.get(key__startswith="consent-review").recipient == coordinator
    assert send_reminders(TODAY).consent_reviews == 0


def test_no_reminder_for_a_withdrawn_or_replaced_consent(sam, coordinator):
    ConsentFactory(client=sam, given_on=d("2026-07-01"), review_by=d("2027-07-01"))
    ConsentFactory(client=sam, given_on=d("2027-06-01"))
    other = ClientFactory()
    ConsentFactory(
        client=other,
        given_on=d("2026-07-01"),
        review_by=d("2027-07-01"),
        withdrawn_on=d("2027-01-01"),
    )
    assert send_consent_reminders(TODAY) == 0


# API


@pytest.mark.parametrize("role", [Role.OUTREACH, Role.SUPPORT, Role.COORDINATOR])
def test_workers_record_and_withdraw_consent_through_the_api(as_role, role, sam, police):
    browser = as_role(role)
    made = browser.post(
        "/api/consents/",
        {
            "client": sam.pk,
            "outcome": "given",
            "how": "verbal",
            "scopes": ["police"],
            "agencies": [police.pk],
            "given_on": "2027-06-01",
        },
        content_type=JSON,
    )
    assert made.status_code == 201, made.json()
    assert made.json()["review_by"] == "2028-06-01"
    listed = browser.get("/api/consents/", {"client": sam.pk}).json()
    assert [row["id"] for row in listed["results"]] == [made.json()["id"]]
    withdrawn = browser.post(
        f"/api/consents/{made.json()['id']}/withdraw/",
        {"withdrawn_on": "2027-06-10"},
        content_type=JSON,
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_on"] == "2027-06-10"
    person = browser.get(f"/api/clients/{sam.pk}/").json()
    assert person["consent"] == {"status": "withdrawn", "summary": "Withdrawn on 10/06/2027"}


def test_the_api_records_a_refusal_and_refuses_bad_input(as_role, sam):
    browser = as_role(Role.SUPPORT)
    refusal = browser.post(
        "/api/consents/",
        {"client": sam.pk, "outcome": "refused", "how": "verbal", "given_on": "2027-06-01"},
        content_type=JSON,
    )
    assert refusal.status_code == 201 and refusal.json()["review_by"] is None
    covers_nothing = browser.post(
        "/api/consents/",
        {"client": sam.pk, "outcome": "given", "how": "verbal", "given_on": "2027-06-02"},
        content_type=JSON,
    )
    assert covers_nothing.status_code == 400
    assert "covers" in covers_nothing.json()["detail"]
    withdraw_refusal = browser.post(
        f"/api/consents/{refusal.json()['id']}/withdraw/",
        {"withdrawn_on": "2027-06-10"},
        content_type=JSON,
    )
    assert withdraw_refusal.status_code == 400
    assert Consent.objects.count() == 1


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.PANEL])
def test_readers_cannot_record_consent_through_the_api(as_role, role, sam):
    A2AReferralFactory(client=sam)
    consent = ConsentFactory(client=sam)
    browser = as_role(role)
    body = {"client": sam.pk, "outcome": "given", "how": "verbal", "given_on": "2027-06-01"}
    assert browser.post("/api/consents/", body, content_type=JSON).status_code == 403
    withdraw = browser.post(
        f"/api/consents/{consent.pk}/withdraw/", {"withdrawn_on": "2027-06-10"}, content_type=JSON
    )
    assert withdraw.status_code == (403 if role == Role.DIRECTOR else 404)


def test_an_api_referral_needs_a_basis_when_consent_does_not_cover_it(as_role, sam, police):
    browser = as_role(Role.SUPPORT)
    body = {
        "client": sam.pk,
        "direction": "out",
        "agency": police.pk,
        "referred_on": "2027-06-15",
        "reason": "Threats",
    }
    refused = browser.post("/api/referrals/", body, content_type=JSON)
    assert refused.status_code == 400
    assert "no consent recorded" in refused.json()["detail"]
    made = browser.post(
        "/api/referrals/",
        {**body, "basis": "legal_obligation", "basis_reason": "Court order"},
        content_type=JSON,
    )
    assert made.status_code == 201
    listed = browser.get("/api/sharing-without-consent/").json()
    assert listed["results"][0]["referral"] == made.json()["id"]
    assert listed["results"][0]["basis"] == "legal_obligation"


def test_an_api_support_plan_needs_a_basis_for_an_uncovered_agency(as_role, sam, police):
    plan = SupportPlanFactory(client=sam, start=d("2027-05-01"))
    browser = as_role(Role.SUPPORT)
    refused = browser.patch(
        f"/api/support-plans/{plan.pk}/", {"agencies": [police.pk]}, content_type=JSON
    )
    assert refused.status_code == 400
    made = browser.patch(
        f"/api/support-plans/{plan.pk}/",
        {"agencies": [police.pk], "basis": "vital_interests", "basis_reason": "Overdose risk"},
        content_type=JSON,
    )
    assert made.status_code == 200
    assert SharingWithoutConsent.objects.get().support_plan == plan


def test_a_sharing_record_of_someone_else_is_reachable_only_as_the_person_is(as_role, sam, police):
    record = SharingWithoutConsentFactory(client=sam, agency=police)
    assert (
        as_role(Role.COMMISSIONER).get(f"/api/sharing-without-consent/{record.pk}/").status_code
        == 404
    )
