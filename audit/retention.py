"""The one way past the change history's and the access log's triggers: explicit, and recorded
before anything changes.

The retention work (anonymising old records and their history, removing access log rows past
their keeping) runs inside `allow_history_changes` or `allow_access_log_removal`; so does any
other correction to history that someone has decided on and given a reason for. The system's own
scheduled retention has no user: its release is recorded with none (the system).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.models import User
from django.db import connection, transaction

from audit.models import HistoryRelease
from audit.triggers import ACCESS_LOG_RELEASE_SETTING, RELEASE_SETTING


class ReleaseError(Exception):
    """A release of the history that cannot be given."""


@contextmanager
def _released(setting: str, *, by: User | None, reason: str) -> Iterator[HistoryRelease]:
    if not reason.strip():
        raise ReleaseError("Say why the history is being changed.")
    with transaction.atomic():
        release = HistoryRelease.objects.create(user=by, reason=reason.strip())
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [setting, str(release.pk)])
        yield release
        # Inside a longer transaction the setting would outlive the block; an error inside
        # rolls it back with everything else.
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, '', true)", [setting])


@contextmanager
def allow_history_changes(*, by: User | None, reason: str) -> Iterator[HistoryRelease]:
    """Within this block (one transaction) the history tables may be updated and deleted from.

    Rules: a reason is required; the release (who, or the system when `by` is None; when; why) is
    written first and cannot itself be changed; the permission ends with the transaction,
    whatever happens inside.
    """
    with _released(RELEASE_SETTING, by=by, reason=reason) as release:
        yield release


@contextmanager
def allow_access_log_removal(*, by: User | None, reason: str) -> Iterator[HistoryRelease]:
    """Within this block (one transaction) rows of the access log may be deleted (never updated).

    Rules: as allow_history_changes; only retention's removal of rows past ACCESS_LOG_YEARS uses it.
    """
    with _released(ACCESS_LOG_RELEASE_SETTING, by=by, reason=reason) as release:
        yield release
