"""What outreach starts from a person's page and from lists of people."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from mars import access
from mars.person_page import PersonAction
from outreach.models import Contact


def actions(client: Client, user: access.AnyUser) -> list[PersonAction]:
    found = []
    if access.can(user, "outreach.add_contact"):
        url = f"{reverse('outreach:contact_create')}?client={client.pk}"
        found.append(PersonAction("Log contact", url, in_lists=True))
    if access.can(user, "outreach.add_intervention"):
        url = reverse("outreach:intervention_create", args=[client.pk])
        found.append(PersonAction("New intervention", url, secondary=True))
    return found


def last_seen(ids: list[int]) -> dict[int, str]:
    """When and where each person was last seen on a contact: one query for the lot."""
    latest = (
        Contact.objects.filter(client_id__in=ids)
        .order_by("client_id", "-at", "-id")
        .distinct("client_id")
        .select_related("hotspot")
    )
    return {
        contact.client_id: f"{timezone.localtime(contact.at):%d/%m/%Y}, {contact.place}"
        for contact in latest
        if contact.client_id is not None
    }
