"""Administrators manage accounts and unlock locked-out accounts; they see no case data."""

from django.db import migrations

from mars.roles import grant_permissions, revoke_permissions

ROLE_PERMISSIONS = {
    "administrator": [
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
        "authtoken.view_tokenproxy",
        "authtoken.add_tokenproxy",
        "authtoken.delete_tokenproxy",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
    ]
}


def grant(apps, schema_editor):
    grant_permissions(apps, ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("mars", "0001_create_roles"),
        ("axes", "0010_accessattemptexpiration"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
