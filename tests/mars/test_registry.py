"""The registries through which higher apps add to what lower ones show."""

from __future__ import annotations

from django.urls import reverse

from mars import home, navigation, person_page, timeline
from mars.people import alert_sources
from mars.registry import Registry
from mars.roles import Role


def test_entries_come_out_in_order_then_in_the_order_added():
    registry: Registry[str] = Registry("words")
    registry.add("b", order=20)
    registry.add("a", order=10)
    registry.add("c", order=20)
    assert list(registry) == ["a", "b", "c"]


def test_an_entry_added_twice_is_kept_once():
    registry: Registry[str] = Registry("words")
    registry.add("a")
    registry.add("a", order=5)
    assert list(registry) == ["a"]


def test_every_app_has_registered_what_it_shows_elsewhere():
    assert [link.label for link in navigation.links] == [
        "People",
        "Waiting",
        "Outreach",
        "Public reports",
        "Accommodation",
        "Risk",
        "Funds",
        "Funds",
        "Dashboard",
        "Contract reports",
        "Contract reports",
        "RSDF returns",
        "Team",
        "Caseloads",
        "Attendance",
        "Strategy Group",
        "Subject access",
        "Sharing without consent",
        "Agencies",
        "Staff",
        "Staff sign-in",
        "Access log",
        "Break glass",
        "Retention",
        "What we hold",
    ]
    assert [p.__module__ for p in person_page.providers] == [
        "risk.person",
        "accommodation.person",
        "funds.person",
        "funds.person",
        "privacy.person",
        "audit.person",
    ]
    assert {p.__module__ for p in timeline.providers} == {
        "outreach.timeline",
        "accommodation.timeline",
        "risk.timeline",
        "funds.timeline",
    }
    assert len(list(alert_sources)) == 1
    assert [p.__module__ for p in home.parts] == [
        "mars.waiting_views",
        "outreach.views.street",
        "clients.views",
        "risk.figures",
        "clients.views",
        "reporting.views.runs",
        "funds.figures",
    ]


def test_each_role_sees_one_funds_link_and_one_reports_link(as_role):
    for role in Role:
        html = as_role(role).get(reverse("home")).text
        assert html.count(">Funds</a>") <= 1, role
        assert html.count(">Contract reports</a>") + html.count(">Dashboard</a>") <= 1, role
