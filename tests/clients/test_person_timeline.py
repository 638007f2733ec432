"""The person page's timeline, read 50 entries at a time, newest first: "Show more" (a link, or
htmx appending in place) gives the next 50, the cost of a page does not follow the person's
history, and a cursor that is not ours is refused with a message."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AccessEvent
from mars.roles import Role
from mars.timeline import Position, decode_cursor, encode_cursor
from outreach.models import Contact
from tests.clock import ORDINARY_DAY, london
from tests.factories import (
    ClientFactory,
    ContactFactory,
    InterventionFactory,
    PaymentRequestFactory,
    PlacementFactory,
    RiskAssessmentFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]


def contacts_for(person, count, *, at=None):  # type: ignore[no-untyped-def]
    """count contacts, an hour apart from an hour ago (or all at the one instant `at`)."""
    worker = UserFactory()
    now = timezone.now()
    return Contact.objects.bulk_create(
        [
            ContactFactory.build(
                client=person,
                worker=worker,
                at=at or now - dt.timedelta(hours=i + 1),
                location=f"Place {i}",
            )
            for i in range(count)
        ]
    )


def urls_of(page):  # type: ignore[no-untyped-def]
    return [e.url for e in page.context["timeline"].entries]


def test_the_person_page_shows_the_newest_fifty_entries_and_a_link_to_more(as_role, sam):
    contacts = contacts_for(sam, 60)
    page = as_role(Role.OUTREACH).get(sam.get_absolute_url())
    assert urls_of(page) == [c.get_absolute_url() for c in contacts[:50]]
    html = page.content.decode()
    assert html.count('<li><a href="/outreach/contacts/') == 50
    assert "Show more" in html
    assert f"?before={page.context['timeline'].next}#timeline" in html


def test_show_more_as_a_plain_link_renders_the_next_entries_on_the_whole_page(as_role, sam):
    contacts = contacts_for(sam, 60)
    browser = as_role(Role.OUTREACH)
    first = browser.get(sam.get_absolute_url())
    second = browser.get(sam.get_absolute_url(), {"before": first.context["timeline"].next})
    assert urls_of(second) == [c.get_absolute_url() for c in contacts[50:]]
    html = second.content.decode()
    assert "Back to the newest" in html and "Details" in html
    assert second.context["timeline"].next is None
    assert "Show more" not in html


def test_show_more_with_htmx_sends_only_the_entries_and_the_next_link(as_role, sam):
    contacts = contacts_for(sam, 120)
    browser = as_role(Role.OUTREACH)
    cursor = browser.get(sam.get_absolute_url()).context["timeline"].next
    more = browser.get(sam.get_absolute_url(), {"before": cursor}, HTTP_HX_REQUEST="true")
    html = more.content.decode()
    assert urls_of(more) == [c.get_absolute_url() for c in contacts[50:100]]
    assert "<h2" not in html  # not the page again
    assert html.count("data-page-start") == 1
    assert 'id="timeline-more" class="pager" hx-swap-oob="true"' in html
    assert "HX-Request" in more["Vary"]


def test_every_entry_comes_once_across_pages_even_when_many_share_a_time(as_role, sam):
    midnight = london(2027, 6, 10)
    same_instant = contacts_for(sam, 70, at=midnight)
    # All-day entries fall at the same midnight: they tie with the contacts there.
    all_day = [
        InterventionFactory(client=sam, opened=dt.date(2027, 6, 10)),
        RiskAssessmentFactory(client=sam, assessed_on=dt.date(2027, 6, 10)),
        PlacementFactory(client=sam, start=dt.date(2027, 6, 10)),
    ]
    request = PaymentRequestFactory(client=sam, requested_at=midnight)
    browser = as_role(Role.COORDINATOR)
    seen: list[str] = []
    cursor = None
    while True:
        page = browser.get(sam.get_absolute_url(), {"before": cursor} if cursor else {})
        seen += urls_of(page)
        cursor = page.context["timeline"].next
        if cursor is None:
            break
    expected = [c.get_absolute_url() for c in same_instant]
    expected += [r.get_absolute_url() for r in (*all_day, request)]
    assert len(seen) == len(expected) == 74
    assert sorted(seen) == sorted(expected)


def test_the_timeline_costs_the_same_queries_for_5_and_500_contacts(
    as_role, django_assert_num_queries
):
    browser = as_role(Role.OUTREACH)
    counts = []
    for history in (5, 500):
        person = ClientFactory()
        contacts_for(person, history)
        browser.get(person.get_absolute_url())  # sessions and caches warmed
        with CaptureQueriesContext(connection) as queries:
            browser.get(person.get_absolute_url())
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_num_queries(counts[1]):
        browser.get(person.get_absolute_url())


def test_a_show_more_page_costs_the_same_queries_deep_in_a_long_history(as_role, sam):
    contacts_for(sam, 500)
    browser = as_role(Role.OUTREACH)
    counts = []
    for contact in (Contact.objects.order_by("-at")[50], Contact.objects.order_by("-at")[400]):
        cursor = encode_cursor(Position(contact.at, "outreach.contact", contact.pk))
        with CaptureQueriesContext(connection) as queries:
            browser.get(sam.get_absolute_url(), {"before": cursor}, HTTP_HX_REQUEST="true")
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_person_page_with_500_contacts_stays_light(as_role, sam):
    contacts_for(sam, 500)
    page = as_role(Role.OUTREACH).get(sam.get_absolute_url())
    assert len(page.content) < 60_000


@pytest.mark.parametrize(
    "cursor", ["nonsense", "%%%", "a" * 500, encode_cursor(Position(timezone.now(), "X!", 1))]
)
def test_a_cursor_we_did_not_make_is_refused_with_a_message(as_role, sam, cursor):
    response = as_role(Role.OUTREACH).get(sam.get_absolute_url(), {"before": cursor})
    assert response.status_code == 400
    assert "older entries" in response.content.decode()


def test_a_cursor_reads_back_as_the_position_it_was_made_from():
    where = Position(london(2027, 3, 28, 1, 30), "outreach.contact", 42)
    assert decode_cursor(encode_cursor(where)) == where
    assert re.fullmatch(r"[A-Za-z0-9_-]+", encode_cursor(where))


def test_each_show_more_page_is_noted_as_a_read_of_the_person(as_role, sam):
    contacts_for(sam, 60)
    browser = as_role(Role.OUTREACH)
    cursor = browser.get(sam.get_absolute_url()).context["timeline"].next
    browser.get(sam.get_absolute_url(), {"before": cursor}, HTTP_HX_REQUEST="true")
    reads = AccessEvent.objects.about(sam.pk).newest_first()
    assert [r.path for r in reads] == [
        f"{sam.get_absolute_url()}?before={cursor}",
        sam.get_absolute_url(),
    ]
