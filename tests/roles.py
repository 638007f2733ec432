"""Transactional tests flush the database, roles and all: put the roles back as migrations do."""

from __future__ import annotations

import importlib

ROLE_MIGRATIONS = [
    ("mars.migrations.0001_create_roles", "create_roles"),
    ("mars.migrations.0002_administrator_permissions", "grant"),
    ("clients.migrations.0002_grant_role_permissions", "grant"),
    ("outreach.migrations.0002_grant_role_permissions", "grant"),
    ("accommodation.migrations.0002_grant_role_permissions", "grant"),
    ("risk.migrations.0002_grant_role_permissions", "grant"),
    ("mars.migrations.0004_resettlement_manager_role", "create_role"),
    ("funds.migrations.0002_grant_role_permissions", "grant"),
    ("reporting.migrations.0002_grant_role_permissions", "grant"),
]


def restore_roles() -> None:
    from django.apps import apps

    for module, function in ROLE_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)
