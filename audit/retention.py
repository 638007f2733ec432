"""The one way past the change history's trigger: explicit, and recorded before anything changes.

The retention work (deleting or anonymising old history) runs inside `allow_history_changes`; so
does any other correction to history that someone has decided on and given a reason for.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.models import User
from django.db import connection, transaction

from audit.models import HistoryRelease
from audit.triggers import RELEASE_SETTING


class ReleaseError(Exception):
    """A release of the history that cannot be given."""


@contextmanager
def allow_history_changes(*, by: User, reason: str) -> Iterator[HistoryRelease]:
    """Within this block (one transaction) the history tables may be updated and deleted from.

    Rules: a reason is required; the release (who, when, why) is written first and cannot itself
    be changed; the permission ends with the transaction, whatever happens inside.
    """
    if not reason.strip():
        raise ReleaseError("Say why the history is being changed.")
    with transaction.atomic():
        release = HistoryRelease.objects.create(user=by, reason=reason.strip())
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [RELEASE_SETTING, str(release.pk)])
        yield release
        # Inside a longer transaction the setting would outlive the block; an error inside
        # rolls it back with everything else.
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, '', true)", [RELEASE_SETTING])
