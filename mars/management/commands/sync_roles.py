from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mars.roles import role_differences, sync_roles


class Command(BaseCommand):
    help = (
        "Bring the roles' groups and permissions in line with mars/roles.py "
        "(this also runs after every migrate)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; list the differences and fail if there are any.",
        )
        parser.add_argument("--database", default="default", help="The database to sync.")

    def handle(self, *args: Any, **options: Any) -> None:
        using = options["database"]
        if options["check"]:
            differences = role_differences(using=using)
            if differences:
                raise CommandError(
                    "The roles in the database differ from mars/roles.py:\n"
                    + "\n".join(differences)
                    + "\nRun `manage.py sync_roles` to bring them in line."
                )
            self.stdout.write("The roles in the database are those in mars/roles.py.")
            return
        changed = sync_roles(using=using)
        for line in changed:
            self.stdout.write(f"Fixed: {line}")
        self.stdout.write(f"Roles in line with mars/roles.py ({len(changed)} differences fixed).")
