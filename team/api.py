"""REST API for supervision, team meetings and the caseloads: the same services and access rules
as the pages. A supervision the user may not read is not found (404), as on the pages."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from mars import access
from mars.api import AccessPermission, DayField, ServiceSerializer, refusals_as_validation_errors
from team import access as team_access
from team import caseloads, services
from team.models import Supervision, SupervisionAction, TeamAction, TeamMeeting

REFUSALS = (services.TeamError,)


class SupervisionActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupervisionAction
        fields = ["id", "description", "due", "done_on"]
        read_only_fields = ["id"]


class SupervisionSerializer(ServiceSerializer):
    refusals = REFUSALS
    actions = SupervisionActionSerializer(many=True, required=False)
    next_due = serializers.DateField(read_only=True, help_text="next_on, else the usual interval.")

    class Meta:
        model = Supervision
        fields = [
            "id",
            "worker",
            "supervisor",
            "held_on",
            "caseload_discussed",
            "wellbeing",
            "next_on",
            "next_due",
            "actions",
            "recorded_by",
        ]
        read_only_fields = ["recorded_by"]

    def save_with(self, record: Supervision, data: dict[str, Any]) -> Supervision:
        actions = data.pop("actions", [])
        for name, value in data.items():
            setattr(record, name, value)
        with refusals_as_validation_errors(*REFUSALS):
            return services.record_supervision(
                record, actions=actions, by=self.context["request"].user
            )


class SupervisionPermission(permissions.BasePermission):
    """Anyone signed in lists what they may read (their own); recording needs the right."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not request.user.is_authenticated:
            return False
        if view.action == "create":
            return team_access.can_record_supervision(request.user)
        return True


class SupervisionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """One-to-one supervisions: each read only by its worker, their supervisor and the
    coordinator."""

    queryset = Supervision.objects.all()
    serializer_class = SupervisionSerializer
    permission_classes = [SupervisionPermission]
    filterset_fields = ["worker", "supervisor"]

    def get_queryset(self) -> models.QuerySet[Supervision]:
        return team_access.visible_supervisions(self.request.user).prefetch_related("actions")


class TeamActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = TeamAction
        fields = ["id", "description", "owner", "due", "done_on"]
        read_only_fields = ["id"]


class TeamMeetingSerializer(ServiceSerializer):
    refusals = REFUSALS
    actions = TeamActionSerializer(many=True, required=False)

    class Meta:
        model = TeamMeeting
        fields = ["id", "held_on", "present", "notes", "actions", "recorded_by"]
        read_only_fields = ["recorded_by"]

    def save_with(self, record: TeamMeeting, data: dict[str, Any]) -> TeamMeeting:
        present = data.pop("present", [])
        actions = data.pop("actions", [])
        for name, value in data.items():
            setattr(record, name, value)
        with refusals_as_validation_errors(*REFUSALS):
            return services.record_team_meeting(
                record, present=present, actions=actions, by=self.context["request"].user
            )


class TeamMeetingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Team meetings with their actions: the case staff read them, the coordinator records."""

    queryset = TeamMeeting.objects.all()
    serializer_class = TeamMeetingSerializer
    permission_classes = [AccessPermission]

    def get_queryset(self) -> models.QuerySet[TeamMeeting]:
        queryset = access.visible(self.request.user, TeamMeeting.objects.all())
        return queryset.prefetch_related("present", "actions")


class TeamActionDoneSerializer(serializers.Serializer):
    done = serializers.BooleanField(
        default=True, help_text="false opens the action again (clears done_on)."
    )
    done_on = DayField(required=False, allow_null=True, help_text="Today if left out.")


class TeamActionPermission(permissions.BasePermission):
    """The action must be one the user may see (else 404); its owner or the coordinator marks
    it done (else 403), as on the page."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(request.user.is_authenticated)

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return team_access.may_update_action(request.user, obj)


class TeamActionViewSet(viewsets.GenericViewSet):
    """A team meeting's actions, one at a time: marking one done (or open again)."""

    queryset = TeamAction.objects.all()
    serializer_class = TeamActionSerializer
    permission_classes = [TeamActionPermission]

    def get_queryset(self) -> models.QuerySet[TeamAction]:
        return access.visible(self.request.user, TeamAction.objects.all())

    @extend_schema(request=TeamActionDoneSerializer, responses=TeamActionSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request: Request, pk: str | None = None) -> Response:
        """Mark the action done (on done_on, else today), or open again with done false: its
        owner or the coordinator."""
        team_action = self.get_object()
        checked = TeamActionDoneSerializer(data=request.data)
        checked.is_valid(raise_exception=True)
        data = checked.validated_data
        done_on = (data.get("done_on") or timezone.localdate()) if data["done"] else None
        with refusals_as_validation_errors(*REFUSALS):
            team_action = services.complete_team_action(
                team_action, done_on=done_on, by=request.user
            )
        return Response(TeamActionSerializer(team_action).data)


class CaseloadSerializer(serializers.Serializer):
    worker = serializers.IntegerField(source="worker.pk")
    worker_name = serializers.SerializerMethodField()
    people = serializers.IntegerField()
    never_contacted = serializers.IntegerField()
    oldest_last_contact = serializers.DateField(allow_null=True)
    plans_in_force = serializers.IntegerField()
    reviews_due = serializers.IntegerField(help_text="Due within the next 14 days.")
    reviews_overdue = serializers.IntegerField()
    referrals_waiting = serializers.IntegerField()
    actions_open = serializers.IntegerField()
    actions_past_due = serializers.IntegerField()
    supervision_due = serializers.DateField(source="supervision.due", allow_null=True)
    covered_by = serializers.IntegerField(source="covered_by.pk", allow_null=True)

    def get_worker_name(self, row: caseloads.Caseload) -> str:
        return str(row.worker.get_full_name() or row.worker.username)


class CaseloadPermission(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return team_access.can_see_caseloads(request.user)


class CaseloadViewSet(viewsets.ViewSet):
    """Every worker's caseload side by side (counts: no person named)."""

    permission_classes = [CaseloadPermission]

    @extend_schema(responses=CaseloadSerializer(many=True))
    def list(self, request: Request) -> Response:
        rows = caseloads.caseloads(timezone.localdate())
        return Response(CaseloadSerializer(rows, many=True).data)


def register(router: DefaultRouter) -> None:
    router.register("supervisions", SupervisionViewSet)
    router.register("team-meetings", TeamMeetingViewSet)
    router.register("team-actions", TeamActionViewSet)
    router.register("caseloads", CaseloadViewSet, basename="caseload")
