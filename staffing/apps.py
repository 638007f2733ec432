from django.apps import AppConfig


class StaffingConfig(AppConfig):
    """Who is at work: planned absences (leave, training, sickness) and cover, a worker's
    caseload handed to another for a period. Below the case apps, so their reminders can ask who
    covers whom."""

    name = "staffing"
    verbose_name = "Attendance and cover"

    def ready(self) -> None:
        from mars import navigation, waiting
        from mars.api import router
        from staffing import access, api, cover

        api.register(router)
        navigation.links.add(
            navigation.NavLink("Attendance", "staffing:attendance", access.can_see_attendance),
            order=67,
        )
        # The waiting list and its escalation (in the core, below staffing) ask who covers whom.
        waiting.cover.add(cover.covering)
