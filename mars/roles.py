"""The team's roles. Each is a Django group; what a role may do is the group's permissions."""

from django.db import models


class Role(models.TextChoices):
    OUTREACH = "outreach worker", "Outreach worker"
    SUPPORT = "support worker", "Support worker"
    COORDINATOR = "coordinator", "Coordinator"
    PANEL = "A2A panel member", "A2A panel member"
    DIRECTOR = "director", "Director"
    RESETTLEMENT_MANAGER = "resettlement manager", "Resettlement manager"
    COMMISSIONER = "commissioner", "Commissioner"
    ADMINISTRATOR = "administrator", "Administrator"


def grant_permissions(apps, role_permissions: dict[str, list[str]]) -> None:  # type: ignore[no-untyped-def]
    """Give each role (group) the listed "app_label.codename" permissions, for data migrations."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; a grant needs them now.
    for app_config in apps.get_app_configs():
        had_models = getattr(app_config, "models_module", None)
        app_config.models_module = had_models or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = had_models

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in role_permissions.items():
        group, _ = Group.objects.get_or_create(name=role)
        for name in names:
            app_label, codename = name.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def revoke_permissions(apps, role_permissions: dict[str, list[str]]) -> None:  # type: ignore[no-untyped-def]
    """Undo grant_permissions, for reversing a data migration."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in role_permissions.items():
        group = Group.objects.filter(name=role).first()
        if group is None:
            continue
        for name in names:
            app_label, codename = name.split(".")
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
