"""The phone's outreach pages: who may open them, and that their forms speak the API's fields
(what the phone saves is sent to the API as it was typed, so a name that differs is lost)."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from mars.roles import Role
from outreach.api import ContactSerializer, SessionSerializer
from outreach.models import Contact, OutreachSession
from tests.factories import AgencyFactory, OutreachSessionFactory

pytestmark = pytest.mark.django_db

LOG = reverse("outreach:log")
START = reverse("outreach:session_start")
JSON = "application/json"


class Fields(HTMLParser):
    """The named fields of the form marked with an attribute: name -> the attributes of each."""

    def __init__(self, marker: str) -> None:
        super().__init__()
        self.marker, self.inside = marker, False
        self.fields: dict[str, list[dict[str, str | None]]] = {}
        self.option_of: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form" and self.marker in found:
            self.inside = True
        elif self.inside and found.get("name"):
            name = str(found["name"])
            self.fields.setdefault(name, []).append(found)
            self.option_of = name if tag == "select" else self.option_of
        elif self.inside and tag == "option" and self.option_of:
            self.fields.setdefault(f"{self.option_of}:option", []).append(found)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def _fields(page: bytes, form: str) -> dict[str, list[dict[str, str | None]]]:
    parser = Fields(form)
    parser.feed(page.decode())
    assert parser.fields, f"no form [{form}]"
    return parser.fields


def _names(page: bytes, form: str) -> set[str]:
    return {name for name in _fields(page, form) if ":" not in name}


def _writable(serializer: type) -> set[str]:
    return {name for name, field in serializer().get_fields().items() if not field.read_only}


@pytest.mark.parametrize("role", [Role.OUTREACH, Role.SUPPORT, Role.COORDINATOR])
def test_those_who_log_contacts_open_the_phone_log_page(as_role, role):
    response = as_role(role).get(LOG)
    assert response.status_code == 200
    page = response.content.decode()
    # Without JavaScript: no form that would save nothing, and the way to the ordinary forms.
    noscript = re.search(r"<noscript>(.*?)</noscript>", page, re.S)
    assert noscript and "This page needs JavaScript" in noscript[1]
    assert f'href="{reverse("clients:list")}"' in noscript[1]
    assert f'href="{reverse("outreach:contact_create")}"' in noscript[1]
    assert re.search(r"<form [^>]*data-phone-log hidden", page)


@pytest.mark.parametrize(
    "role",
    [Role.PANEL, Role.DIRECTOR, Role.RESETTLEMENT_MANAGER, Role.COMMISSIONER, Role.ADMINISTRATOR],
)
def test_others_may_not_open_the_phone_pages(as_role, role):
    browser = as_role(role)
    assert browser.get(LOG).status_code == 403
    assert browser.get(START).status_code == 403


@pytest.mark.parametrize("role", [Role.OUTREACH, Role.COORDINATOR])
def test_those_who_start_sessions_open_the_phone_session_page(as_role, role):
    response = as_role(role).get(START)
    assert response.status_code == 200
    assert b"Start today's session" in response.content


def test_a_support_worker_logs_contacts_but_starts_no_session_as_on_the_ordinary_form(as_role):
    browser = as_role(Role.SUPPORT)
    assert browser.get(START).status_code == 403
    assert browser.get(reverse("outreach:session_create")).status_code == 403


def test_the_anonymous_are_sent_to_sign_in(client):
    for url in (LOG, START):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_phone_pages_save_nothing_themselves(as_role):
    """One save path: the queue sends to the API; a POST here is not another way in."""
    browser = as_role(Role.OUTREACH)
    assert browser.post(LOG, {"kind": "street_outreach"}).status_code == 405
    assert browser.post(START, {"area": "Hoe"}).status_code == 405
    assert not Contact.objects.exists() and not OutreachSession.objects.exists()


def test_the_log_form_names_its_fields_as_the_contact_api_does(as_role):
    page = as_role(Role.OUTREACH).get(LOG).content
    assert _names(page, "data-phone-log") == _writable(ContactSerializer)


def test_the_session_form_names_its_fields_as_the_session_api_does(as_role):
    AgencyFactory(name="Livewell")  # partners to tick
    page = as_role(Role.OUTREACH).get(START).content
    assert _names(page, "data-phone-session") == _writable(SessionSerializer)


def test_the_log_page_leaves_the_time_empty_and_offers_todays_session(as_role, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 1, 6, 30, tzinfo=dt.UTC))
    browser = as_role(Role.OUTREACH)
    session = OutreachSessionFactory(date=dt.date(2026, 12, 1), area="Hoe and Barbican")
    session.staff.add(browser.get(LOG).wsgi_request.user)
    fields = _fields(browser.get(LOG).content, "data-phone-log")
    assert not fields["at"][0].get("value")
    chosen = [o["value"] for o in fields["session:option"] if "selected" in o]
    assert chosen == [str(session.pk)]


def test_the_session_page_ticks_the_worker_and_leaves_date_and_time_to_the_phone(as_role):
    browser = as_role(Role.OUTREACH)
    response = browser.get(START)
    fields = _fields(response.content, "data-phone-session")
    ticked = [box["value"] for box in fields["staff"] if "checked" in box]
    assert ticked == [str(response.wsgi_request.user.pk)]
    assert not fields["date"][0].get("value") and not fields["start_time"][0].get("value")


def test_the_outreach_home_leads_to_the_phone_pages(as_role):
    page = as_role(Role.OUTREACH).get(reverse("outreach:home")).content.decode()
    assert f'href="{START}"' in page and ">Start today's session<" in page
    assert f'href="{LOG}"' in page and f'href="{LOG}?sighting=1"' in page
    assert "data-phone-status" in page


def test_a_contact_sent_twice_with_one_key_is_made_once_at_the_time_save_was_pressed(
    as_role, sam, time_machine
):
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))
    browser = as_role(Role.OUTREACH)
    body = {
        "client": sam.pk,
        "at": "2026-12-01T06:12:30+00:00",
        "kind": "street_outreach",
        "bedded_down": True,
        "verification": "seen_by_worker",
        "engagement": "engaged",
        "needs_observed": [],
        "session": None,
    }
    headers = {"Idempotency-Key": "0b7f6c1e-phone-1"}
    first = browser.post("/api/contacts/", body, content_type=JSON, headers=headers)
    again = browser.post("/api/contacts/", body, content_type=JSON, headers=headers)
    assert first.status_code == again.status_code == 201, first.content
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    contact = Contact.objects.get()
    assert contact.at == dt.datetime(2026, 12, 1, 6, 12, 30, tzinfo=dt.UTC)


def test_a_contact_for_a_merged_person_is_refused_beside_the_person(as_role, sam, coordinator):
    from clients.services import merge_clients
    from tests.factories import ClientFactory

    browser = as_role(Role.OUTREACH)
    duplicate = ClientFactory()
    merge_clients(duplicate, sam, by=coordinator)
    response = browser.post(
        "/api/contacts/",
        {"client": duplicate.pk, "kind": "street_outreach"},
        content_type=JSON,
        headers={"Idempotency-Key": "merged-1"},
    )
    assert response.status_code == 400
    assert "may have been merged" in response.json()["client"][0]
    assert not Contact.objects.exists()
