from django.apps import AppConfig


class StaffingConfig(AppConfig):
    """Who is at work: planned absences (leave, training, sickness) and cover, a worker's
    caseload handed to another for a period. Below the case apps, so their reminders can ask who
    covers whom."""

    name = "staffing"
    verbose_name = "Attendance and cover"

    def ready(self) -> None:
        from mars import waiting
        from staffing import cover

        # The waiting list and its escalation (in the core, below staffing) ask who covers whom.
        waiting.cover.add(cover.covering)
