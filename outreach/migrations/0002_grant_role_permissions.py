"""Once a data migration that granted each role's outreach permissions.

Roles now come from the one table in mars/roles.py, and sync_roles() brings the groups in
line with it after every migrate. This migration is kept, empty, with its dependencies, so
the migration history stays valid.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("outreach", "0001_initial"), ("mars", "0001_create_roles")]

    operations = []
