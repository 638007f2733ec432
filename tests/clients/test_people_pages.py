import pytest
from django.urls import reverse

from clients.models import Client
from mars.roles import Role
from tests.conftest import CASE_WORKERS, READERS
from tests.factories import A2AReferralFactory, ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam_before_the_panel(sam):  # type: ignore[no-untyped-def]
    """Sam with an A2A referral before the panel: the only people a panel member sees."""
    A2AReferralFactory(client=sam)
    return sam


VALID_PERSON = {
    "first_name": "Robin",
    "last_name": "Tremayne",
    "known_as": "",
    "aliases": "Bird\nRob T",
    "date_of_birth": "1990-04-02",
    "gender": "male",
    "status": "rough_sleeping",
    "local_connection": "yes",
    "reconnection_policy_applies": "no",
    "primary_care_relevant": "on",
    "support_needs": ["alcohol", "mental_health"],
}


@pytest.mark.parametrize("role", CASE_WORKERS + READERS)
def test_staff_who_work_with_people_see_the_list(as_role, role, sam_before_the_panel):
    response = as_role(role).get(reverse("clients:list"))
    assert response.status_code == 200
    assert "Sam Example" in response.text


def test_commissioner_is_refused_the_list(as_role, sam):
    response = as_role(Role.COMMISSIONER).get(reverse("clients:list"))
    assert response.status_code == 403
    assert "Sam Example" not in response.text


def test_administrator_is_refused_the_list(as_role, sam):
    assert as_role(Role.ADMINISTRATOR).get(reverse("clients:list")).status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(client, sam):
    response = client.get(reverse("clients:detail", args=[sam.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", CASE_WORKERS + READERS)
def test_staff_open_a_person_page(as_role, role, sam_before_the_panel):
    sam = sam_before_the_panel
    response = as_role(role).get(reverse("clients:detail", args=[sam.pk]))
    assert response.status_code == 200
    assert sam.reference in response.text


def test_the_person_page_has_one_main_heading_naming_the_person(as_role, sam):
    page = as_role(Role.OUTREACH).get(reverse("clients:detail", args=[sam.pk])).text
    assert page.count("<h1") == 1
    heading = page.split("<h1", 1)[1].split("</h1>", 1)[0]
    assert sam.display_name in heading and sam.reference in heading


def test_the_panel_sees_in_the_list_only_the_people_before_it(as_role, sam_before_the_panel):
    other = ClientFactory(first_name="Robin", last_name="Unreferred")
    response = as_role(Role.PANEL).get(reverse("clients:list"))
    assert "Sam Example" in response.text and other.reference not in response.text
    assert as_role(Role.PANEL).get(other.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.ADMINISTRATOR])
def test_roles_without_case_access_get_not_found_for_a_person(as_role, role, sam):
    response = as_role(role).get(reverse("clients:detail", args=[sam.pk]))
    assert response.status_code == 404
    # (The signed-in user's own made-up name may contain "Sam"; the person's full name may not.)
    assert sam.full_name not in response.text and sam.reference not in response.text


@pytest.mark.parametrize("role", CASE_WORKERS)
def test_case_workers_add_a_person(as_role, role):
    response = as_role(role).post(reverse("clients:create"), VALID_PERSON)
    person = Client.objects.get(first_name="Robin")
    assert response.status_code == 302
    assert response.url == person.get_absolute_url()
    assert person.reference == f"MARS-{person.pk:06d}"
    assert sorted(a.name for a in person.aliases.all()) == ["Bird", "Rob T"]
    assert person.support_needs == ["alcohol", "mental_health"]


@pytest.mark.parametrize("role", [*READERS, Role.COMMISSIONER])
def test_readers_cannot_add_a_person(as_role, role):
    response = as_role(role).post(reverse("clients:create"), VALID_PERSON)
    assert response.status_code == 403
    assert not Client.objects.exists()


@pytest.mark.parametrize("role", READERS)
def test_readers_may_see_but_not_change_a_person(as_role, role, sam_before_the_panel):
    sam = sam_before_the_panel
    client = as_role(role)
    assert client.get(reverse("clients:edit", args=[sam.pk])).status_code == 403
    response = client.post(
        reverse("clients:edit", args=[sam.pk]), {**VALID_PERSON, "first_name": "X"}
    )
    assert response.status_code == 403
    sam.refresh_from_db()
    assert sam.first_name == "Sam"


def test_bad_input_shows_errors_beside_fields_keeps_values_and_saves_nothing(as_role):
    data = {
        **VALID_PERSON,
        "first_name": "",
        "date_of_birth": "2099-01-01",
    }
    response = as_role(Role.OUTREACH).post(reverse("clients:create"), data)
    assert response.status_code == 200
    assert not Client.objects.exists()
    html = response.text
    assert "This field is required." in html
    assert "cannot be in the future" in html
    assert 'value="Tremayne"' in html
    assert "Rob T" in html


def test_a_person_can_be_changed_and_aliases_follow(as_role, sam):
    # A support worker who is not Sam's key worker is offered only the needs that are not
    # special category data (issue 18): health needs are no choice of theirs.
    response = as_role(Role.SUPPORT).post(
        reverse("clients:edit", args=[sam.pk]),
        {
            **VALID_PERSON,
            "first_name": "Samuel",
            "last_name": "Example",
            "aliases": "Sammy",
            "support_needs": ["care_leaver"],
        },
    )
    assert response.status_code == 302
    sam.refresh_from_db()
    assert sam.first_name == "Samuel"
    assert [a.name for a in sam.aliases.all()] == ["Sammy"]
    assert sam.support_needs == ["care_leaver"]


@pytest.mark.parametrize(
    ("back", "lands"),
    [
        ("/reports/rsdf/1/", "/reports/rsdf/1/"),
        ("https://elsewhere.example/", None),
        ("//elsewhere.example/", None),
    ],
)
def test_saving_a_change_goes_back_to_the_page_that_asked_for_it_on_this_site_only(
    as_role, sam, back, lands
):
    response = as_role(Role.COORDINATOR).post(
        reverse("clients:edit", args=[sam.pk]) + f"?next={back}",
        {**VALID_PERSON, "first_name": "Sam", "last_name": "Example"},
    )
    assert response.status_code == 302
    assert response["Location"] == (lands or sam.get_absolute_url())


@pytest.mark.parametrize(
    "query",
    ["sam", "EXAM", "Sam Ex", "Sammy", "01/02/1985", "1985-02-01", "MARS-{pk:06d}", "{pk}"],
)
def test_search_finds_by_name_alias_reference_and_date_of_birth(as_role, query):
    sam = ClientFactory(
        first_name="Sam", last_name="Example", date_of_birth="1985-02-01", aliases=["Sammy"]
    )
    ClientFactory(first_name="Alex", last_name="Other", date_of_birth="1970-01-01")
    response = as_role(Role.OUTREACH).get(reverse("clients:list"), {"q": query.format(pk=sam.pk)})
    assert list(response.context["page"].object_list) == [sam]


def test_filters_by_status_key_worker_and_need(as_role):
    worker = UserFactory(role=Role.SUPPORT)
    wanted = ClientFactory(status="rough_sleeping", key_worker=worker, support_needs=["drugs"])
    ClientFactory(status="rough_sleeping", key_worker=worker, support_needs=["alcohol"])
    ClientFactory(status="settled", key_worker=worker, support_needs=["drugs"])
    response = as_role(Role.COORDINATOR).get(
        reverse("clients:list"),
        {"status": "rough_sleeping", "key_worker": worker.pk, "need": "drugs"},
    )
    assert list(response.context["page"].object_list) == [wanted]


def test_htmx_search_returns_only_the_results(as_role, sam):
    response = as_role(Role.OUTREACH).get(
        reverse("clients:list"), {"q": "sam"}, HTTP_HX_REQUEST="true"
    )
    assert "<html" not in response.text
    assert "Sam Example" in response.text


def test_list_pages_with_a_fixed_number_of_queries(as_role, django_assert_max_num_queries):
    worker = UserFactory(role=Role.SUPPORT)
    for n in range(30):
        ClientFactory(key_worker=worker, aliases=[f"Alias {n}"])
    client = as_role(Role.OUTREACH)
    # Alerts: one prefetch, plus the header; the session's second-factor device (django-otp), the
    # signed-in session's row, the access log's row, and the count of nationalities to fix.
    with django_assert_max_num_queries(18):
        response = client.get(reverse("clients:list"))
    assert len(response.context["page"].object_list) == 25


def test_merged_records_are_left_out_of_the_list(as_role, sam):
    other = ClientFactory(first_name="Sam", last_name="Exampel")
    other.merged_into = sam
    other.save()
    response = as_role(Role.OUTREACH).get(reverse("clients:list"), {"q": "sam"})
    assert list(response.context["page"].object_list) == [sam]


def test_home_shows_my_caseload(client, make_user):
    worker = make_user(Role.SUPPORT)
    mine = ClientFactory(key_worker=worker, first_name="Mine")
    ClientFactory(first_name="Theirs")
    client.force_login(worker)
    response = client.get(reverse("home"))
    assert list(response.context["caseload"]) == [mine]


@pytest.mark.parametrize(
    ("role", "told"),
    [
        (Role.COMMISSIONER, True),
        (Role.ADMINISTRATOR, True),
        (Role.RESETTLEMENT_MANAGER, False),
        (Role.SUPPORT, False),
    ],
)
def test_home_says_there_is_no_access_to_people_only_to_those_with_no_work_there(
    as_role, role, told
):
    html = as_role(role).get(reverse("home")).text
    assert ("Your role does not give access" in html) is told


def test_navigation_follows_the_role(as_role):
    html = as_role(Role.COMMISSIONER).get(reverse("home")).text
    assert reverse("clients:list") not in html
    assert "Your role does not give access" in html
