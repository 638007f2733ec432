"""Once a data migration that made the roles' groups.

Roles now come from the one table in mars/roles.py, and sync_roles() brings the groups in
line with it after every migrate. This migration is kept, empty, with its dependencies, so
the migration history stays valid.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length")]

    operations = []
