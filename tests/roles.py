"""Transactional tests flush the database, roles and all: put the roles back from mars/roles.py."""

from __future__ import annotations


def restore_roles() -> None:
    from mars.roles import sync_roles

    sync_roles()
