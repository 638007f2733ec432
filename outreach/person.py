"""What outreach starts from a person's page and from lists of people."""

from __future__ import annotations

from django.urls import reverse

from clients.models import Client
from mars import access
from mars.person_page import PersonAction


def actions(client: Client, user: access.AnyUser) -> list[PersonAction]:
    found = []
    if access.can(user, "outreach.add_contact"):
        url = f"{reverse('outreach:contact_create')}?client={client.pk}"
        found.append(PersonAction("Log contact", url, in_lists=True))
    if access.can(user, "outreach.add_intervention"):
        url = reverse("outreach:intervention_create", args=[client.pk])
        found.append(PersonAction("New intervention", url, secondary=True))
    return found
