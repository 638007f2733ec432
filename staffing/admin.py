from __future__ import annotations

from django.contrib import admin

from mars.admin import ReadOnlyAdmin
from staffing.models import Absence, CaseloadCover


@admin.register(Absence)
class AbsenceAdmin(ReadOnlyAdmin):
    """Absences are recorded on the attendance pages (with their rules): here they are read."""

    list_display = ["worker", "kind", "starts", "ends"]
    list_filter = ["kind"]
    date_hierarchy = "starts"


@admin.register(CaseloadCover)
class CaseloadCoverAdmin(ReadOnlyAdmin):
    list_display = ["worker", "covered_by", "starts", "ends"]
    date_hierarchy = "starts"
