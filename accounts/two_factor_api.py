"""The API for resetting another person's second factor: the same service as the staff page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.routers import DefaultRouter

from accounts import services
from accounts.access import can_reset_second_factors
from accounts.models import SecondFactorReset
from mars.api import refusals_as_validation_errors


class SecondFactorResetSerializer(serializers.ModelSerializer):
    account = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    reason = serializers.CharField(max_length=1000, allow_blank=False, trim_whitespace=True)

    class Meta:
        model = SecondFactorReset
        fields = ["id", "account", "by", "at", "reason"]
        read_only_fields = ["id", "by", "at"]


class MayResetSecondFactors(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return can_reset_second_factors(request.user)


class SecondFactorResetViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Reset another person's second factor, with a reason: their devices are removed and their
    sessions end. Never your own; only an account whose rights are all yours too (403 otherwise)."""

    queryset = SecondFactorReset.objects.none()
    serializer_class = SecondFactorResetSerializer
    permission_classes = [permissions.IsAuthenticated, MayResetSecondFactors]

    def perform_create(self, serializer: Any) -> None:
        account = serializer.validated_data["account"]
        actor: User = self.request.user  # type: ignore[assignment]
        if not services.may_reset_second_factor(actor, account):
            raise PermissionDenied("You may not reset this person's second factor.")
        with refusals_as_validation_errors(services.SecondFactorError):
            serializer.instance = services.reset_second_factor(
                account, by=actor, reason=serializer.validated_data["reason"]
            )


def register(router: DefaultRouter) -> None:
    router.register(
        "second-factor-resets", SecondFactorResetViewSet, basename="second-factor-reset"
    )
