"""The resettlement manager signs off MARS House property spend with the coordinator."""

from django.db import migrations

ROLE = "resettlement manager"


def create_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=ROLE)


def remove_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=ROLE).delete()


class Migration(migrations.Migration):
    dependencies = [("mars", "0003_notifications")]

    operations = [migrations.RunPython(create_role, remove_role)]
