"""Retention and the register in the API: legal holds (place, lift), who the next run
anonymises (the preview), past runs, and what MARS holds and why. Same rules as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from clients.models import Client
from mars import access, reads
from mars.api import (
    AccessPermission,
    NotesReads,
    RecordedViewSet,
    refusals_as_validation_errors,
)
from mars.text import NOTE
from privacy import register as held_register
from privacy.access import LIFT_HOLD, RUN_RETENTION, VIEW_REGISTER
from privacy.models import LegalHold, RetentionRun
from privacy.services import RetentionError, due_people, lift_hold, place_hold


class LegalHoldSerializer(serializers.ModelSerializer):
    client = serializers.PrimaryKeyRelatedField(queryset=Client.objects.none())

    class Meta:
        model = LegalHold
        fields = [
            "id",
            "client",
            "reason",
            "placed_by",
            "placed_on",
            "lifted_on",
            "lifted_by",
            "lift_reason",
        ]
        read_only_fields = ["placed_by", "placed_on", "lifted_on", "lifted_by", "lift_reason"]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["client"].queryset = access.visible_people(request.user)  # type: ignore[attr-defined]
        return fields

    def create(self, validated_data: dict[str, Any]) -> LegalHold:
        with refusals_as_validation_errors(RetentionError):
            return place_hold(
                validated_data["client"],
                by=self.context["request"].user,
                reason=validated_data["reason"],
            )


class LiftSerializer(serializers.Serializer):
    lift_reason = serializers.CharField(max_length=NOTE)


class LegalHoldViewSet(RecordedViewSet):
    """Legal holds (coordinator): a person under a hold in force is left out of retention."""

    queryset = LegalHold.objects.all()
    serializer_class = LegalHoldSerializer
    refusals = (RetentionError,)
    filterset_fields = ["client"]

    @extend_schema(request=LiftSerializer, responses=LegalHoldSerializer)
    @action(detail=True, methods=["post"])
    def lift(self, request: Request, pk: str | None = None) -> Response:
        access.require(request.user, LIFT_HOLD)
        return self.act(
            request,
            LiftSerializer,
            lambda hold, data: lift_hold(hold, by=request.user, reason=data["lift_reason"]),  # type: ignore[arg-type]
        )


class RunRetentionPermission(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return access.can(request.user, RUN_RETENTION)


class DueSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    last_activity = serializers.DateField()
    what = serializers.CharField()
    due_on = serializers.DateField()


class RetentionPreviewViewSet(viewsets.ViewSet):
    """Who the next retention run anonymises, and why (last activity and the day it ran out)."""

    permission_classes = [RunRetentionPermission]

    @extend_schema(responses=DueSerializer(many=True))
    def list(self, request: Request) -> Response:
        due = due_people(timezone.localdate())
        reads.note([d.client_id for d in due], "api: retention preview")
        return Response([d.as_json() for d in due])


class RetentionRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = RetentionRun
        fields = [
            "id",
            "started_at",
            "finished_at",
            "by",
            "trigger",
            "dry_run",
            "as_of",
            "only",
            "reason",
            "people",
            "anonymised_count",
            "access_events_removed",
        ]


class RetentionRunViewSet(
    NotesReads, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Past retention runs (read only): who each anonymised, and why."""

    queryset = RetentionRun.objects.all()
    serializer_class = RetentionRunSerializer
    permission_classes = [AccessPermission]

    def get_queryset(self) -> QuerySet[RetentionRun]:
        return access.visible(self.request.user, RetentionRun.objects.all())

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        # The people a run names are in its list of people, not only its `only` key.
        if args and args[0] is not None:
            runs = list(args[0]) if kwargs.get("many") else [args[0]]
            args = (runs if kwargs.get("many") else runs[0], *args[1:])
            reads.note([p["id"] for run in runs for p in run.people], self.read_name())
        return super().get_serializer(*args, **kwargs)


class RegisterPermission(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return access.can(request.user, VIEW_REGISTER)


class ProcessingRegisterViewSet(viewsets.ViewSet):
    """What personal data MARS holds, its lawful basis and condition, who may see it and how
    long it is kept: made from the code's own tables."""

    permission_classes = [RegisterPermission]

    @extend_schema(
        responses=inline_serializer(
            "HeldCategory",
            {
                "key": serializers.CharField(),
                "title": serializers.CharField(),
                "description": serializers.CharField(),
                "article_6": serializers.CharField(),
                "condition": serializers.CharField(),
                "special": serializers.BooleanField(),
                "criminal": serializers.BooleanField(),
                "fields": serializers.ListField(child=serializers.DictField()),
                "seen_by": serializers.ListField(child=serializers.CharField()),
                "need_to_know": serializers.CharField(),
                "kept": serializers.CharField(),
            },
            many=True,
        )
    )
    def list(self, request: Request) -> Response:
        return Response(held_register.as_json())


def register(router: DefaultRouter) -> None:
    router.register("legal-holds", LegalHoldViewSet)
    router.register("retention-preview", RetentionPreviewViewSet, basename="retention-preview")
    router.register("retention-runs", RetentionRunViewSet)
    router.register(
        "processing-register", ProcessingRegisterViewSet, basename="processing-register"
    )
