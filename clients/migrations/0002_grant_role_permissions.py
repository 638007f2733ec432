"""What each role may do with people and their records."""

from django.db import migrations

from mars.roles import grant_permissions, revoke_permissions

VIEW_PEOPLE = [
    "clients.view_client",
    "clients.view_clientalias",
    "clients.view_agency",
    "clients.view_supportplan",
    "clients.view_supportgoal",
    "clients.view_referral",
    "clients.view_healthaccess",
]
WORK_WITH_PEOPLE = [
    "clients.add_client",
    "clients.change_client",
    "clients.add_clientalias",
    "clients.change_clientalias",
    "clients.delete_clientalias",
]
KEEP_CASE_RECORDS = [
    "clients.add_supportplan",
    "clients.change_supportplan",
    "clients.add_supportgoal",
    "clients.change_supportgoal",
    "clients.delete_supportgoal",
    "clients.add_referral",
    "clients.change_referral",
    "clients.add_healthaccess",
    "clients.change_healthaccess",
]
MANAGE_AGENCIES = ["clients.view_agency", "clients.add_agency", "clients.change_agency"]

ROLE_PERMISSIONS = {
    "outreach worker": VIEW_PEOPLE
    + WORK_WITH_PEOPLE
    + ["clients.add_referral", "clients.add_healthaccess"],
    "support worker": VIEW_PEOPLE + WORK_WITH_PEOPLE + KEEP_CASE_RECORDS,
    "coordinator": VIEW_PEOPLE
    + WORK_WITH_PEOPLE
    + KEEP_CASE_RECORDS
    + MANAGE_AGENCIES
    + ["clients.merge_client"],
    "A2A panel member": VIEW_PEOPLE,
    "director": VIEW_PEOPLE,
    "commissioner": [],
    "administrator": MANAGE_AGENCIES,
}


def grant(apps, schema_editor):
    grant_permissions(apps, ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial"), ("mars", "0001_create_roles")]

    operations = [migrations.RunPython(grant, revoke)]
