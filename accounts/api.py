"""REST API for staff accounts: the same service and rules as the staff pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from rest_framework import permissions, serializers
from rest_framework.routers import DefaultRouter

from accounts import rules, staff
from mars.api import AccessPermission, ScopedViewSet, refusals_as_validation_errors
from mars.roles import Role


class RoleField(serializers.ChoiceField):
    """The account's one role (its group among the roles)."""

    def get_attribute(self, instance: User) -> str | None:
        role = staff.role_of(instance)
        return role.value if role else None


class StaffSerializer(serializers.ModelSerializer):
    """Only these fields exist: superuser and staff status, permissions and groups are not
    fields, so a request that names them changes nothing."""

    # None for an account with no role (an administrator made outside the staff pages).
    role = RoleField(choices=Role.choices, allow_null=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_active",
            "role",
            "last_login",
        ]
        read_only_fields = ["id", "last_login"]
        # The username's uniqueness is checked by the service, case-insensitively.
        extra_kwargs = {"username": {"validators": []}, "email": {"required": True}}

    def validate_role(self, value: str | None) -> str:
        if not value:
            raise serializers.ValidationError("Choose the account's role.")
        return value

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list):
            fields["username"].read_only = True
        return fields

    def create(self, validated_data: dict[str, Any]) -> User:
        with refusals_as_validation_errors(staff.StaffError):
            return staff.add_staff(
                username=validated_data["username"],
                first_name=validated_data.get("first_name", ""),
                last_name=validated_data.get("last_name", ""),
                email=validated_data["email"],
                role=Role(validated_data["role"]),
                by=self.context["request"].user,
            )

    def update(self, instance: User, validated_data: dict[str, Any]) -> User:
        role = validated_data.get("role") or staff.role_of(instance)
        if role is None:
            raise serializers.ValidationError({"role": "Choose the account's role."})
        with refusals_as_validation_errors(staff.StaffError):
            return staff.change_staff(
                instance,
                first_name=validated_data.get("first_name", instance.first_name),
                last_name=validated_data.get("last_name", instance.last_name),
                email=validated_data.get("email", instance.email),
                is_active=validated_data.get("is_active", instance.is_active),
                role=Role(role),
                by=self.context["request"].user,
            )


class StaffPermission(AccessPermission):
    """As every scoped API, and changing an account needs accounts.rules.may_manage (403, as on
    the staff page)."""

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        allowed = super().has_object_permission(request, view, obj)
        if request.method in permissions.SAFE_METHODS:
            return allowed
        return allowed and rules.may_manage(request.user, obj)


class StaffViewSet(ScopedViewSet):
    """Staff accounts: list and read (auth.view_user), add (auth.add_user) and change
    (auth.change_user, and only accounts you may manage)."""

    queryset = User.objects.prefetch_related("groups").order_by("username")
    serializer_class = StaffSerializer
    permission_classes = [StaffPermission]
    http_method_names = ["get", "post", "patch", "put", "head", "options"]


def register(router: DefaultRouter) -> None:
    router.register("staff", StaffViewSet, basename="staff")
