"""What each role may do with targets, report runs, the dashboard and bundles."""

from django.db import migrations

from mars.roles import grant_permissions, revoke_permissions

TARGETS = ["reporting.view_target", "reporting.add_target", "reporting.change_target"]
PUBLISHED = ["reporting.view_published_reportrun"]

ROLE_PERMISSIONS = {
    "coordinator": TARGETS
    + PUBLISHED
    + [
        "reporting.view_reportrun",
        "reporting.add_reportrun",
        "reporting.change_reportrun",
        "reporting.publish_reportrun",
        "reporting.view_dashboard",
        "reporting.import_bundle",
    ],
    "director": PUBLISHED + ["reporting.view_target", "reporting.view_reportrun"],
    "commissioner": PUBLISHED,
    "administrator": TARGETS,
}


def grant(apps, schema_editor):
    grant_permissions(apps, ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial"), ("mars", "0004_resettlement_manager_role")]

    operations = [migrations.RunPython(grant, revoke)]
