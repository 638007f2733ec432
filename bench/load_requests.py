"""The requests of the load benchmark's simulated staff (bench/load_users.py sends them, under
locust), built by plain functions so that a test can send them through Django's test client."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

# The pages, by the name each is reported under. The bare view is the floor the others are
# measured against; "contact form" is the form a browser opens before it logs a contact.
BARE = "bare signed-in view"
SEARCH = "people search"
PERSON = "person page (500 contacts)"
CONTACT_FORM = "contact form"
LOG_CONTACT = "log a contact"
A2A = "A2A queue"
PAYMENTS = "payment requests"
DASHBOARD = "dashboard"
PAGES = [BARE, SEARCH, PERSON, CONTACT_FORM, LOG_CONTACT, A2A, PAYMENTS, DASHBOARD]


@dataclass(frozen=True)
class Plan:
    """What the users work on: their sessions, the people and the names they search for."""

    sessions: list[str]
    person: int  # the person with 500 contacts
    contact_person: int  # the person the users log contacts for
    prefixes: list[str]

    @classmethod
    def read(cls, path: str) -> Plan:
        with open(path) as source:
            return cls(**json.load(source))


@dataclass(frozen=True)
class Request:
    name: str
    method: str
    path: str
    data: dict[str, Any] = field(default_factory=dict)


def page_requests(plan: Plan, rng: random.Random) -> dict[str, Request]:
    """The GET of each page, as a person would open it (a search for a name's first letters)."""
    prefix = rng.choice(plan.prefixes)
    query = {"client": plan.contact_person}
    return {
        BARE: Request(BARE, "GET", "/signed-in"),
        SEARCH: Request(SEARCH, "GET", "/people/?" + urlencode({"q": prefix})),
        PERSON: Request(PERSON, "GET", f"/people/{plan.person}/"),
        CONTACT_FORM: Request(CONTACT_FORM, "GET", "/outreach/contacts/new/?" + urlencode(query)),
        A2A: Request(A2A, "GET", "/accommodation/referrals/"),
        PAYMENTS: Request(PAYMENTS, "GET", "/funds/requests/"),
        DASHBOARD: Request(DASHBOARD, "GET", "/reports/"),
    }


class _ContactForm(HTMLParser):
    """What a browser sends from the contact form as it stands: hidden fields (the CSRF token and
    the form's idempotency key), text and date values, checked boxes, chosen options, and the
    first choice of each set of radio buttons nobody has chosen yet."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self.radios: dict[str, str] = {}
        self.checked_radios: set[str] = set()
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        attrs = {key: value or "" for key, value in attributes}
        if tag == "form" and "contact-form" in attrs.get("class", ""):
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind == "radio":
                self.radios.setdefault(name, attrs.get("value", "on"))
                if "checked" in attrs:
                    self.checked_radios.add(name)
                    self.fields.append((name, attrs.get("value", "on")))
            elif kind == "checkbox":
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
            elif kind not in {"submit", "button", "file", "image", "reset"}:
                self.fields.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self.select, self.options = name, []
        elif tag == "option" and self.select:
            self.options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            chosen = [value for value, selected in self.options if selected] or [
                value for value, _ in self.options[:1]
            ]
            self.fields += [(self.select, value) for value in chosen]
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.fields.append((self.textarea, self.text))
            self.textarea = None


def contact_post(form_page: str, form_path: str, notes: str) -> Request:
    """The POST a browser sends when a person fills in the contact form's notes and presses Save."""
    parser = _ContactForm()
    parser.feed(form_page)
    fields = [(name, value) for name, value in parser.fields if name != "notes"]
    fields += [
        (name, value) for name, value in parser.radios.items() if name not in parser.checked_radios
    ]
    fields.append(("notes", notes))
    if not any(name == "csrfmiddlewaretoken" for name, _ in fields):
        raise ValueError("the contact form has no CSRF token")
    data: dict[str, Any] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return Request(LOG_CONTACT, "POST", form_path, data)
