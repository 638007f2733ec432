"""People with a GP registration on record are registered with a GP (one fact, one answer)."""

from typing import Any

from django.db import migrations
from django.db.models import Exists, OuterRef


def registered_where_on_record(apps: Any, schema_editor: Any) -> None:
    Client = apps.get_model("clients", "Client")
    HealthAccess = apps.get_model("clients", "HealthAccess")
    on_record = HealthAccess.objects.filter(client=OuterRef("pk"), kind="gp_registration")
    Client.objects.filter(Exists(on_record), gp_registered=False).update(gp_registered=True)


class Migration(migrations.Migration):
    dependencies = [("clients", "0003_external_ref")]

    operations = [
        migrations.RunPython(registered_where_on_record, migrations.RunPython.noop),
    ]
