"""The roles in the database are the table in mars/roles.py, and sync_roles keeps them so."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError

from mars import roles
from mars.roles import ROLE_PERMISSIONS, Role, sync_roles

pytestmark = pytest.mark.django_db
README = Path(__file__).resolve().parents[2] / "README.md"

# Column headings short enough for the matrix to fit a terminal.
HEADINGS = {
    Role.OUTREACH: "outreach",
    Role.SUPPORT: "support",
    Role.COORDINATOR: "coord",
    Role.PANEL: "panel",
    Role.DIRECTOR: "director",
    Role.RESETTLEMENT_MANAGER: "resettle",
    Role.COMMISSIONER: "commiss",
    Role.ADMINISTRATOR: "admin",
}


def held_in_database() -> dict[str, set[str]]:
    """Each group's permissions as "app_label.codename", read straight from the database."""
    held: dict[str, set[str]] = {group.name: set() for group in Group.objects.all()}
    for name, app_label, codename in Group.permissions.through.objects.values_list(
        "group__name", "permission__content_type__app_label", "permission__codename"
    ):
        held[name].add(f"{app_label}.{codename}")
    return held


def matrix(held: dict[str, set[str]]) -> str:
    """Permissions as rows, roles as columns: x held as the table says, + held but not in the
    table, - in the table but not held."""
    names = set().union(*ROLE_PERMISSIONS.values(), *held.values())
    width = max(len(name) for name in names)
    lines = [" " * width + " | " + " | ".join(HEADINGS[role] for role in Role)]
    app_label = None
    for name in sorted(names, key=lambda name: tuple(name.split("."))):
        if name.split(".")[0] != app_label:
            app_label = name.split(".")[0]
            lines.append("-" * len(lines[0]))
        cells = []
        for role in Role:
            wanted, has = name in ROLE_PERMISSIONS[role], name in held.get(role.value, set())
            mark = {(True, True): "x", (False, True): "+", (True, False): "-"}.get(
                (wanted, has), ""
            )
            cells.append(mark.center(len(HEADINGS[role])))
        lines.append(name.ljust(width) + " | " + " | ".join(cells))
    return "\n".join(lines)


def group(role: Role) -> Group:
    return Group.objects.get(name=role.value)


def permission(name: str) -> Permission:
    app_label, codename = name.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def test_the_groups_in_the_database_are_the_roles_table():
    held = held_in_database()
    print("\nWhat each role may do (mars/roles.py against the database):\n" + matrix(held))
    assert {role: held.get(role.value) for role in Role} == {
        role: set(ROLE_PERMISSIONS[role]) for role in Role
    }


def test_every_role_has_a_line_in_the_table():
    assert set(ROLE_PERMISSIONS) == set(Role)


def test_syncing_roles_that_are_in_line_changes_nothing():
    before = held_in_database()
    assert sync_roles() == []
    assert sync_roles() == []
    assert held_in_database() == before


def test_sync_takes_away_a_permission_the_table_does_not_give():
    group(Role.DIRECTOR).permissions.add(permission("funds.pay_paymentrequest"))

    changes = sync_roles()

    assert changes == ["director: has funds.pay_paymentrequest, which the table does not give"]
    assert "funds.pay_paymentrequest" not in held_in_database()["director"]
    assert sync_roles() == []


def test_sync_gives_back_a_permission_the_table_gives():
    group(Role.DIRECTOR).permissions.remove(permission("reporting.view_target"))

    assert sync_roles() == ["director: lacks reporting.view_target"]
    assert "reporting.view_target" in held_in_database()["director"]


def test_sync_makes_a_missing_role_with_all_its_permissions():
    group(Role.COMMISSIONER).delete()

    assert sync_roles() == ["commissioner: no such group"]
    assert held_in_database()["commissioner"] == {"reporting.view_published_reportrun"}


def test_sync_makes_a_permission_row_that_does_not_exist_yet():
    permission("clients.merge_client").delete()

    sync_roles()

    assert "clients.merge_client" in held_in_database()["coordinator"]


def test_sync_refuses_a_table_that_names_a_permission_that_does_not_exist(monkeypatch):
    table = dict(ROLE_PERMISSIONS)
    table[Role.DIRECTOR] = table[Role.DIRECTOR] | {"funds.approve_everything"}
    monkeypatch.setattr(roles, "ROLE_PERMISSIONS", table)

    with pytest.raises(LookupError, match=r"funds\.approve_everything"):
        sync_roles()


def test_sync_leaves_groups_that_are_not_roles_alone():
    volunteers = Group.objects.create(name="volunteers")
    volunteers.permissions.add(permission("clients.view_client"))

    sync_roles()

    assert held_in_database()["volunteers"] == {"clients.view_client"}


def test_sync_roles_check_fails_and_lists_the_differences_without_changing_them():
    group(Role.PANEL).permissions.remove(permission("accommodation.decide_a2areferral"))

    with pytest.raises(CommandError) as failure:
        call_command("sync_roles", "--check")

    assert "A2A panel member: lacks accommodation.decide_a2areferral" in str(failure.value)
    assert "accommodation.decide_a2areferral" not in held_in_database()["A2A panel member"]


def test_sync_roles_check_passes_when_the_database_is_the_table():
    out = StringIO()
    call_command("sync_roles", "--check", stdout=out)
    assert "are those in mars/roles.py" in out.getvalue()


def test_sync_roles_command_brings_the_groups_in_line():
    group(Role.PANEL).permissions.remove(permission("accommodation.decide_a2areferral"))
    out = StringIO()

    call_command("sync_roles", stdout=out)

    assert "A2A panel member: lacks accommodation.decide_a2areferral" in out.getvalue()
    call_command("sync_roles", "--check", stdout=StringIO())


def test_migrate_syncs_the_roles_once_after_every_app(monkeypatch):
    calls = []
    monkeypatch.setattr(roles, "sync_roles", lambda **kwargs: calls.append(kwargs))

    call_command("migrate", verbosity=0)

    assert calls == [{"using": "default"}]


def test_the_readme_describes_every_role_and_no_other():
    sign_ins = README.read_text().split("## Demo sign-ins")[1].split("\n## ")[0]
    described = re.findall(r"^\| `\w+` \| ([^:|]+):", sign_ins, re.MULTILINE)
    assert sorted(described) == sorted(Role.labels)
