"""Who may see and answer people's data protection requests: the coordinator (mars.roles)."""

from __future__ import annotations

from mars.access import AnyUser, can

EXPORT_PERMISSION = "rights.make_subject_access_export"


def can_see_requests(user: AnyUser) -> bool:
    return can(user, "rights.view_subjectaccessrequest")


def can_make_export(user: AnyUser) -> bool:
    return can(user, EXPORT_PERMISSION)
