import pytest
from django.urls import reverse

from clients.models import Client, HealthAccess, Referral, SupportPlan
from clients.services import ClientError, merge_clients
from mars.roles import Role
from tests.factories import (
    ClientFactory,
    HealthAccessFactory,
    ReferralFactory,
    SupportPlanFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(db):
    survivor = ClientFactory(
        first_name="Daniel",
        last_name="Price",
        date_of_birth="1984-03-12",
        aliases=["Danny"],
        phone="",
    )
    duplicate = ClientFactory(
        first_name="Danny",
        last_name="Pryce",
        date_of_birth="1984-03-12",
        aliases=["Danny", "Dan the Man"],
        phone="07700 900123",
        support_needs=["alcohol"],
    )
    return duplicate, survivor


def test_merge_moves_every_related_record_to_the_survivor(pair):
    duplicate, survivor = pair
    plan = SupportPlanFactory(client=duplicate)
    referral = ReferralFactory(client=duplicate)
    health = HealthAccessFactory(client=duplicate)
    coordinator = UserFactory(role=Role.COORDINATOR)

    summary = merge_clients(duplicate, survivor, by=coordinator)

    assert SupportPlan.objects.get(pk=plan.pk).client == survivor
    assert Referral.objects.get(pk=referral.pk).client == survivor
    assert HealthAccess.objects.get(pk=health.pk).client == survivor
    assert summary.moved["support plans"] == 1
    duplicate.refresh_from_db()
    survivor.refresh_from_db()
    assert duplicate.merged_into == survivor
    assert not duplicate.aliases.exists()
    assert sorted(a.name for a in survivor.aliases.all()) == ["Dan the Man", "Danny", "Danny Pryce"]
    assert survivor.phone == "07700 900123"
    assert survivor.support_needs == ["alcohol"]


def test_merge_covers_every_relation_to_a_person():
    """Later apps' records move too: the merge walks the model relations, so list what it sees."""
    related = {rel.related_model._meta.label for rel in Client._meta.related_objects}
    assert {
        "clients.ClientAlias",
        "clients.SupportPlan",
        "clients.Referral",
        "clients.HealthAccess",
    } <= related
    assert not any(label.startswith("clients.Historical") for label in related)


def test_merge_shows_in_both_histories(client, pair):
    duplicate, survivor = pair
    coordinator = UserFactory(role=Role.COORDINATOR)
    merge_clients(duplicate, survivor, by=coordinator)
    client.force_login(coordinator)
    survivor_page = client.get(reverse("clients:detail", args=[survivor.pk])).text
    assert f"{duplicate.reference} (Danny Pryce) merged into this record" in survivor_page
    reason = duplicate.history.first().history_change_reason
    assert reason == f"Merged into {survivor.reference} (Daniel Price)"


def test_a_merged_record_redirects_to_the_survivor(client, pair):
    duplicate, survivor = pair
    merge_clients(duplicate, survivor, by=None)
    client.force_login(UserFactory(role=Role.OUTREACH))
    response = client.get(reverse("clients:detail", args=[duplicate.pk]))
    assert response.status_code == 302
    assert response.url == survivor.get_absolute_url()


def test_a_merged_record_cannot_be_merged_or_changed_again(pair):
    duplicate, survivor = pair
    merge_clients(duplicate, survivor, by=None)
    with pytest.raises(ClientError, match="already been merged"):
        merge_clients(duplicate, ClientFactory(), by=None)


def test_a_record_cannot_be_merged_into_itself(pair):
    duplicate, _ = pair
    with pytest.raises(ClientError, match="itself"):
        merge_clients(duplicate, duplicate, by=None)


def test_coordinator_merges_from_the_page(as_role, pair):
    duplicate, survivor = pair
    client = as_role(Role.COORDINATOR)
    confirm = client.get(
        reverse("clients:merge", args=[duplicate.pk]), {"survivor": survivor.reference}
    )
    assert "Merge these records" in confirm.text
    response = client.post(
        reverse("clients:merge", args=[duplicate.pk]),
        {"survivor": survivor.reference, "confirm": "yes"},
    )
    assert response.status_code == 302
    assert response.url == survivor.get_absolute_url()
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == survivor.pk


def test_an_unknown_reference_is_refused_beside_the_field(as_role, pair):
    duplicate, _ = pair
    response = as_role(Role.COORDINATOR).post(
        reverse("clients:merge", args=[duplicate.pk]), {"survivor": "MARS-999999", "confirm": "yes"}
    )
    assert response.status_code == 200
    assert "No other person has that reference." in response.text
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


@pytest.mark.parametrize("role", [Role.OUTREACH, Role.SUPPORT, Role.PANEL, Role.DIRECTOR])
def test_only_a_coordinator_may_merge(as_role, role, pair):
    duplicate, survivor = pair
    response = as_role(role).post(
        reverse("clients:merge", args=[duplicate.pk]),
        {"survivor": survivor.reference, "confirm": "yes"},
    )
    assert response.status_code == 403
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_commissioner_cannot_reach_the_merge_page(as_role, pair):
    duplicate, _ = pair
    assert (
        as_role(Role.COMMISSIONER).get(reverse("clients:merge", args=[duplicate.pk])).status_code
        == 403
    )
