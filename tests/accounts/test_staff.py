"""Staff accounts: added and changed on the staff pages and API within the roles' rules, with no
way to raise anyone's rights (the escalation attempts of issue 17)."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.core import mail
from django.urls import reverse
from knox.models import AuthToken

from accounts import rules, staff
from accounts.models import SignedInSession
from accounts.tasks import send_set_password_email
from mars.models import OutboxJob
from mars.roles import Role
from tests.conftest import ROLE_USERNAMES
from tests.twofactor import sign_in_with_both_factors

pytestmark = pytest.mark.django_db
JSON = "application/json"
ALL_ROLES = list(Role)


def role_names(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def escalation_post(user: User, role: Role) -> dict[str, object]:
    """An edit form as a page would send it, plus every field that would raise rights."""
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "role": role.value,
        "is_superuser": "on",
        "is_staff": "on",
        "user_permissions": [Permission.objects.get(codename="view_client").pk],
        "groups": [Group.objects.get(name=Role.COORDINATOR.value).pk],
    }


def assert_not_raised(user: User, role: Role) -> None:
    user.refresh_from_db()
    assert not user.is_superuser
    assert user.is_staff == (role == Role.ADMINISTRATOR)
    assert not user.user_permissions.exists()
    assert role_names(user) == {role.value}


# The escalation attempts, page, API and admin, for every role.


@pytest.mark.parametrize("role", ALL_ROLES, ids=str)
def test_nobody_can_change_their_own_account_on_the_staff_page(client, make_user, role):
    me = make_user(role)
    client.force_login(me)
    response = client.post(
        reverse("accounts:staff_edit", args=[me.pk]), escalation_post(me, Role.ADMINISTRATOR)
    )
    assert response.status_code == 403
    assert_not_raised(me, role)


@pytest.mark.parametrize("role", ALL_ROLES, ids=str)
def test_nobody_can_change_their_own_account_through_the_api(client, make_user, role):
    me = make_user(role)
    client.force_login(me)
    response = client.patch(
        f"/api/staff/{me.pk}/",
        {"role": Role.COORDINATOR.value, "is_superuser": True, "is_staff": True, "groups": [1]},
        content_type=JSON,
    )
    assert response.status_code in (400, 403, 404)
    assert_not_raised(me, role)


@pytest.mark.parametrize("role", ALL_ROLES, ids=str)
def test_no_role_reaches_a_user_or_group_or_token_admin(client, make_user, role):
    me = make_user(role)
    client.force_login(me)
    for url in (
        f"/admin/auth/user/{me.pk}/change/",
        "/admin/auth/user/add/",
        "/admin/auth/group/",
        "/admin/knox/authtoken/",
    ):
        response = client.post(url, {"is_superuser": "on", "username": me.username})
        assert response.status_code in (302, 403, 404), url
    assert_not_raised(me, role)


def test_django_admin_offers_no_user_group_or_token_page():
    registered = {model._meta.label for model in admin.site._registry}
    assert not registered & {"auth.User", "auth.Group", "knox.AuthToken", "authtoken.TokenProxy"}


@pytest.mark.parametrize("role", ALL_ROLES, ids=str)
def test_a_new_account_never_gets_superuser_staff_status_or_permissions_from_the_post(
    client, make_user, role
):
    me = make_user(role)
    client.force_login(me)
    client.post(
        reverse("accounts:staff_add"),
        {
            "username": "newcomer",
            "first_name": "New",
            "last_name": "Comer",
            "email": "new@mars.example",
            "role": Role.SUPPORT.value,
            "is_superuser": "on",
            "is_staff": "on",
            "user_permissions": [Permission.objects.get(codename="view_client").pk],
        },
    )
    account = User.objects.filter(username="newcomer").first()
    if role in (Role.ADMINISTRATOR, Role.COORDINATOR):
        # The administrator holds no case rights, so cannot give the support role.
        if role == Role.ADMINISTRATOR:
            assert account is None
        else:
            assert_not_raised(account, Role.SUPPORT)
    else:
        assert account is None


def test_the_administrator_cannot_make_itself_superuser_through_the_api_create(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.post(
        "/api/staff/",
        {
            "username": "sneaky",
            "email": "s@mars.example",
            "role": Role.ADMINISTRATOR.value,
            "is_superuser": True,
            "is_staff": False,
        },
        content_type=JSON,
    )
    assert response.status_code == 201
    assert_not_raised(User.objects.get(username="sneaky"), Role.ADMINISTRATOR)


def test_the_administrator_cannot_give_a_role_with_case_rights(client, make_user):
    admin_user = make_user(Role.ADMINISTRATOR)
    outreach = make_user(Role.OUTREACH)
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:staff_edit", args=[outreach.pk]),
        escalation_post(outreach, Role.COORDINATOR),
    )
    # Outreach has case rights the administrator lacks: not an account it may manage.
    assert response.status_code == 403
    assert role_names(outreach) == {Role.OUTREACH.value}


def test_the_coordinator_cannot_make_an_administrator(client, make_user):
    coordinator = make_user(Role.COORDINATOR)
    support = make_user(Role.SUPPORT)
    client.force_login(coordinator)
    response = client.post(
        reverse("accounts:staff_edit", args=[support.pk]),
        escalation_post(support, Role.ADMINISTRATOR),
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    api = client.patch(
        f"/api/staff/{support.pk}/", {"role": Role.ADMINISTRATOR.value}, content_type=JSON
    )
    assert api.status_code == 400
    assert "rights you do not have" in api.text
    assert_not_raised(support, Role.SUPPORT)


def test_the_coordinator_cannot_change_another_coordinator_or_a_superuser(client, make_user):
    coordinator = make_user(Role.COORDINATOR)
    other = make_user(Role.COORDINATOR, username="coordinator2")
    root = make_user(username="root", is_superuser=True)
    client.force_login(coordinator)
    assert client.get(reverse("accounts:staff_edit", args=[other.pk])).status_code == 200
    assert client.get(reverse("accounts:staff_edit", args=[root.pk])).status_code == 403
    response = client.patch(f"/api/staff/{root.pk}/", {"is_active": False}, content_type=JSON)
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.is_active


def test_a_coordinator_with_an_extra_right_cannot_be_managed_by_another(make_user):
    coordinator = make_user(Role.COORDINATOR)
    stronger = make_user(Role.COORDINATOR, username="coordinator2")
    stronger.user_permissions.add(Permission.objects.get(codename="view_accessattempt"))
    assert not rules.may_manage(coordinator, stronger)
    with pytest.raises(staff.StaffError, match="rights you do not have"):
        staff.change_staff(
            stronger,
            first_name="x",
            last_name="y",
            email="x@mars.example",
            is_active=False,
            role=Role.COORDINATOR,
            by=coordinator,
        )


@pytest.mark.parametrize("role", ALL_ROLES, ids=str)
def test_nobody_may_give_a_role_whose_rights_they_lack(make_user, role):
    actor = make_user(role)
    for given in Role:
        wanted = rules.may_give_role(actor, given)
        assert wanted == (
            rules.rights(actor) >= rules.rights(make_user(given, username=f"x-{given}"))
        )


def test_an_inactive_actor_may_give_no_role_and_manage_no_account(make_user):
    coordinator = make_user(Role.COORDINATOR, is_active=False)
    support = make_user(Role.SUPPORT)
    assert not rules.may_give_role(coordinator, Role.SUPPORT)
    assert not rules.may_manage(coordinator, support)


@pytest.mark.parametrize(
    "role", [r for r in Role if r not in (Role.COORDINATOR, Role.ADMINISTRATOR)], ids=str
)
def test_only_the_coordinator_and_administrator_see_the_staff_pages(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("accounts:staff_list")).status_code == 403
    assert client.get(reverse("accounts:staff_add")).status_code == 403
    assert client.get("/api/staff/").status_code == 403
    assert "Staff</a>" not in client.get(reverse("home")).text


# Adding and changing accounts.


def test_coordinator_adds_a_support_worker_who_is_emailed_a_set_password_link(
    client, make_user, django_capture_on_commit_callbacks
):
    client.force_login(make_user(Role.COORDINATOR))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:staff_add"),
            {
                "username": "robin",
                "first_name": "Robin",
                "last_name": "Hart",
                "email": "robin@mars.example",
                "role": Role.SUPPORT.value,
            },
            follow=True,
        )
    robin = User.objects.get(username="robin")
    assert role_names(robin) == {Role.SUPPORT.value}
    assert not robin.has_usable_password()
    assert not robin.is_staff
    (message,) = mail.outbox
    assert message.to == ["robin@mars.example"]
    link = re.search(r"http\S+/reset/\S+/", message.body).group(0)
    assert link.split("/reset/")[1] not in response.text
    assert "Account added" in response.text
    path = link.split("127.0.0.1:8000")[1]
    form = client.get(path, follow=True)
    new_password = "a-brand-new-password-2026"
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    robin.refresh_from_db()
    assert robin.check_password(new_password)


def test_the_set_password_email_waits_in_the_outbox_with_no_link_and_is_sent_once(make_user):
    robin = staff.add_staff(
        username="robin",
        first_name="Robin",
        last_name="Hart",
        email="robin@mars.example",
        role=Role.SUPPORT,
        by=make_user(Role.COORDINATOR),
    )
    (job,) = OutboxJob.objects.all()  # committed with the account; its relay has not run yet
    assert (job.task, job.args) == ("accounts.tasks.send_set_password_email", [robin.pk])
    assert send_set_password_email(robin.pk) is True and len(mail.outbox) == 1
    robin.set_password("a-brand-new-password-2026")
    robin.save()
    assert send_set_password_email(robin.pk) is False and len(mail.outbox) == 1


def test_the_administrator_role_gives_django_admin_access_and_nothing_else_does(make_user):
    admin_user = make_user(Role.ADMINISTRATOR)
    other = staff.add_staff(
        username="admin2",
        first_name="A",
        last_name="B",
        email="a2@mars.example",
        role=Role.ADMINISTRATOR,
        by=admin_user,
    )
    assert other.is_staff
    coordinator = make_user(Role.COORDINATOR)
    worker = staff.add_staff(
        username="worker",
        first_name="W",
        last_name="K",
        email="w@mars.example",
        role=Role.OUTREACH,
        by=coordinator,
    )
    assert not worker.is_staff


def test_a_username_already_taken_is_refused_beside_its_field(client, make_user):
    client.force_login(make_user(Role.COORDINATOR))
    make_user(Role.SUPPORT, username="robin")
    response = client.post(
        reverse("accounts:staff_add"),
        {
            "username": "Robin",
            "first_name": "R",
            "last_name": "H",
            "email": "r@mars.example",
            "role": Role.SUPPORT.value,
        },
    )
    assert response.status_code == 200
    assert "already an account with that username" in response.text


def test_deactivating_ends_sessions_and_tokens_and_reactivating_revives_neither(client, make_user):
    from django.test import Client

    coordinator = make_user(Role.COORDINATOR)
    support = make_user(Role.SUPPORT)
    theirs = sign_in_with_both_factors(Client(), "support")
    _, secret = AuthToken.objects.create(user=support)
    assert theirs.get(reverse("home")).status_code == 200
    client.force_login(coordinator)
    form = escalation_post(support, Role.SUPPORT)
    del form["is_active"]
    client.post(reverse("accounts:staff_edit", args=[support.pk]), form)
    support.refresh_from_db()
    assert not support.is_active
    assert not SignedInSession.objects.filter(user=support).exists()
    assert not AuthToken.objects.filter(user=support).exists()
    assert theirs.get(reverse("home")).status_code == 302

    client.post(
        reverse("accounts:staff_edit", args=[support.pk]), escalation_post(support, Role.SUPPORT)
    )
    support.refresh_from_db()
    assert support.is_active
    assert theirs.get(reverse("home")).status_code == 302
    assert Client().get("/api/clients/", HTTP_AUTHORIZATION=f"Token {secret}").status_code in (
        401,
        403,
    )


def test_every_change_is_in_the_accounts_history_on_its_page(client, make_user):
    coordinator = make_user(Role.COORDINATOR)
    client.force_login(coordinator)
    client.post(
        reverse("accounts:staff_add"),
        {
            "username": "robin",
            "first_name": "Robin",
            "last_name": "Hart",
            "email": "robin@mars.example",
            "role": Role.SUPPORT.value,
        },
    )
    robin = User.objects.get(username="robin")
    form = escalation_post(robin, Role.OUTREACH)
    form["email"] = "robin.hart@mars.example"
    client.post(reverse("accounts:staff_edit", args=[robin.pk]), form)
    page = client.get(reverse("accounts:staff_detail", args=[robin.pk])).text
    assert "Account added with the role Support worker" in page
    assert "Role: Support worker to Outreach worker" in page
    assert "robin.hart@mars.example" in page
    assert page.count(f"by {coordinator.get_full_name()}") >= 2


def test_the_staff_api_is_in_the_openapi_schema(client, make_user):
    client.force_login(make_user(Role.COORDINATOR))
    schema = client.get("/api/schema/").text
    assert "/api/staff/" in schema
    assert "is_superuser" not in schema


def test_the_staff_list_names_each_accounts_role(client, make_user, django_assert_max_num_queries):
    for role, username in ROLE_USERNAMES.items():
        make_user(role, username=username)
    client.force_login(User.objects.get(username="coordinator"))
    with django_assert_max_num_queries(15):
        page = client.get(reverse("accounts:staff_list")).text
    for role in Role:
        assert role.label in page
