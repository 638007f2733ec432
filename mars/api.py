"""The REST API's router and the permission class that defers to mars.access."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import permissions, routers
from rest_framework.exceptions import ValidationError

from mars import access


class AccessPermission(permissions.BasePermission):
    """DRF's view of mars.access: list and create need view/add; records come from the scoped
    queryset (404 when not visible); changing one needs the change permission (403)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        model = view.queryset.model
        if not request.user.is_authenticated:
            return False
        if view.action == "list":
            return access.can(request.user, access.perm(model, "view"))
        if view.action == "create":
            return access.can(request.user, access.perm(model, "add"))
        return True

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        verb = "delete" if request.method == "DELETE" else "change"
        return access.can(request.user, access.perm(type(obj), verb))


@contextmanager
def refusals_as_validation_errors(*domain_errors: type[Exception]) -> Iterator[None]:
    """Turn a service's refusal (a domain error or a model validation error) into a 400."""
    try:
        yield
    except DjangoValidationError as error:
        raise ValidationError(
            error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        ) from error
    except domain_errors as error:
        raise ValidationError({"detail": str(error)}) from error


router = routers.DefaultRouter()


def register_api() -> None:
    from clients import api as clients_api
    from outreach import api as outreach_api

    clients_api.register(router)
    outreach_api.register(router)


register_api()
