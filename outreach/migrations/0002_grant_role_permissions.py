"""What each role may do with outreach records."""

from django.db import migrations

from mars.roles import grant_permissions, revoke_permissions

MODELS = [
    "hotspot",
    "outreachsession",
    "contact",
    "publicreport",
    "reportattempt",
    "intervention",
    "severeweatheractivation",
    "swepoffer",
    "roughsleepingcount",
    "countedperson",
]
VIEW = [f"outreach.view_{model}" for model in MODELS]


def add_change(*models):
    return [f"outreach.{action}_{model}" for model in models for action in ("add", "change")]


STREET_WORK = add_change("contact", "publicreport", "reportattempt", "intervention", "swepoffer")

ROLE_PERMISSIONS = {
    "outreach worker": VIEW
    + STREET_WORK
    + add_change("outreachsession", "hotspot", "countedperson"),
    "support worker": VIEW + STREET_WORK,
    "coordinator": VIEW
    + STREET_WORK
    + add_change(
        "outreachsession",
        "hotspot",
        "severeweatheractivation",
        "roughsleepingcount",
        "countedperson",
    )
    + ["outreach.delete_countedperson"],
    "A2A panel member": VIEW,
    "director": VIEW,
    "commissioner": [],
    "administrator": ["outreach.view_hotspot", *add_change("hotspot")],
}


def grant(apps, schema_editor):
    grant_permissions(apps, ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("outreach", "0001_initial"), ("mars", "0001_create_roles")]

    operations = [migrations.RunPython(grant, revoke)]
