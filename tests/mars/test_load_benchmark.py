"""The load benchmark's pieces (bench/load.py, bench/load_requests.py) against the test client:
its staff's sessions are signed in as the site's own sign-in leaves them, and every request its
simulated users send is answered as a person's browser would be. No timing here (bench/ times)."""

from __future__ import annotations

import random
from collections.abc import Callable

from django.contrib.auth.models import User
from django.test import Client as HttpClient

from bench.load_requests import LOG_CONTACT, Plan, contact_post, page_requests
from bench.signing_in import sign_in
from mars.roles import Role
from outreach.models import Contact
from tests.factories import (
    A2AReferralFactory,
    ClientFactory,
    ContactFactory,
    PaymentRequestFactory,
)


def signed_in_browser(user: User) -> HttpClient:
    """A browser holding only the session cookie the benchmark made, checking CSRF as one does."""
    browser = HttpClient(enforce_csrf_checks=True)
    browser.cookies["sessionid"] = sign_in(user)
    return browser


def test_a_benchmark_session_is_signed_in_with_its_second_factor(
    make_user: Callable[..., User],
) -> None:
    browser = signed_in_browser(make_user(Role.COORDINATOR))

    answer = browser.get("/signed-in")

    assert answer.status_code == 200
    assert answer.content == b"yes"


def test_a_signed_out_browser_is_sent_to_sign_in_from_the_bare_view() -> None:
    answer = HttpClient().get("/signed-in")

    assert answer.status_code == 302
    assert "/accounts/login/" in answer["Location"]


def test_every_page_the_simulated_staff_open_answers(make_user: Callable[..., User]) -> None:
    coordinator = make_user(Role.COORDINATOR)
    sam = ClientFactory(first_name="Sam", last_name="Pascoe")
    ContactFactory.create_batch(3, client=sam)
    A2AReferralFactory(client=sam)
    PaymentRequestFactory(client=sam)
    plan = Plan(sessions=[], person=sam.pk, contact_person=sam.pk, prefixes=["Pas"])
    browser = signed_in_browser(coordinator)

    answers = {
        name: browser.get(request.path)
        for name, request in page_requests(plan, random.Random(1)).items()
    }

    assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(
        answers, 200
    )
    assert "Pascoe" in answers["people search"].content.decode()


def test_the_contact_the_staff_log_is_the_form_as_a_browser_sends_it(
    make_user: Callable[..., User],
) -> None:
    sam = ClientFactory(first_name="Sam", last_name="Pascoe")
    plan = Plan(sessions=[], person=sam.pk, contact_person=sam.pk, prefixes=["Pas"])
    browser = signed_in_browser(make_user(Role.OUTREACH))
    form = page_requests(plan, random.Random(1))["contact form"]
    page = browser.get(form.path).content.decode()

    request = contact_post(page, form.path, "Seen on the round.")
    answer = browser.post(request.path, request.data)

    assert request.name == LOG_CONTACT
    assert answer.status_code == 302
    assert Contact.objects.get(client=sam).notes == "Seen on the round."
