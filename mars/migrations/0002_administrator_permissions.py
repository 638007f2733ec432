"""Once a data migration that granted the administrator's permissions.

Roles now come from the one table in mars/roles.py, and sync_roles() brings the groups in
line with it after every migrate. This migration is kept, empty, with its dependencies, so
the migration history stays valid.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("mars", "0001_create_roles"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = []
