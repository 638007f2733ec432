"""What each role may do with accommodation records."""

from django.db import migrations

from mars.roles import grant_permissions, revoke_permissions

MODELS = [
    "provider",
    "property",
    "unit",
    "unavailability",
    "a2areferral",
    "placement",
    "marshousereferral",
    "houseissue",
]
VIEW = [f"accommodation.view_{model}" for model in MODELS]


def add_change(*models):
    return [f"accommodation.{action}_{model}" for model in models for action in ("add", "change")]


REFERENCE_DATA = [
    "accommodation.view_provider",
    "accommodation.view_property",
    "accommodation.view_unit",
] + add_change("provider", "property", "unit")

ROLE_PERMISSIONS = {
    "outreach worker": VIEW + add_change("a2areferral") + ["accommodation.add_marshousereferral"],
    "support worker": VIEW
    + add_change("a2areferral", "houseissue")
    + ["accommodation.add_marshousereferral"],
    "coordinator": VIEW + add_change(*MODELS) + ["accommodation.decide_a2areferral"],
    "A2A panel member": VIEW + ["accommodation.decide_a2areferral"],
    "director": VIEW,
    "commissioner": [],
    "administrator": REFERENCE_DATA,
}


def grant(apps, schema_editor):
    grant_permissions(apps, ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("accommodation", "0001_initial"), ("mars", "0001_create_roles")]

    operations = [migrations.RunPython(grant, revoke)]
