"""REST API for risk: the same services and access rules as the pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from clients.access import SENSITIVE_NOTE_HELD, may_see_special_category
from mars import access
from mars.api import (
    EmptySerializer,
    NotesReads,
    RecordActionsMixin,
    ScopedViewSet,
    ServiceSerializer,
    refusals_as_validation_errors,
)
from mars.text import NOTE
from risk import services
from risk.access import (
    RESTRICTED_NOTE,
    can_approve_risk_plans,
    may_read_restricted,
)
from risk.models import (
    ActionStatus,
    AlertKind,
    Area,
    AreaRating,
    AssessmentQuerySet,
    Level,
    Meeting,
    MeetingAction,
    PlanAction,
    PlanDecision,
    RiskAlert,
    RiskAssessment,
    RiskPlan,
    SafeguardingConcern,
)

REFUSALS = (services.RiskError,)


class AreaRatingSerializer(serializers.ModelSerializer):
    area = serializers.ChoiceField(choices=Area.choices)
    level = serializers.ChoiceField(choices=Level.choices)

    class Meta:
        model = AreaRating
        fields = ["area", "level", "notes", "sensitive", "triggers"]
        extra_kwargs = {
            "notes": {
                "help_text": "A sensitive note reads as held to those who may not see the "
                "person's special category data; what they send for it changes nothing."
            },
            "sensitive": {"required": False},
        }


class RiskAssessmentSerializer(ServiceSerializer):
    refusals = REFUSALS
    areas = AreaRatingSerializer(
        many=True, help_text="Every area, each low, medium or high: the overall level follows."
    )
    review_due = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Empty: follows the level (high 1 month, medium 3, low 6). Only earlier.",
    )

    class Meta:
        model = RiskAssessment
        fields = [
            "id",
            "client",
            "assessed_on",
            "assessor",
            "level",
            "review_due",
            "summary",
            "areas",
        ]
        read_only_fields = ["level"]
        extra_kwargs = {"assessor": {"required": False}}

    def to_representation(self, instance: RiskAssessment) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not may_see_special_category(request.user, instance.client):
            for area in data.get("areas", []):
                if area.get("sensitive") and area.get("notes"):
                    area["notes"] = SENSITIVE_NOTE_HELD
        return data

    def save_with(self, record: RiskAssessment, data: dict[str, Any]) -> RiskAssessment:
        # A PATCH that leaves the areas out keeps the ratings as they are.
        areas = data.pop("areas", None)
        if areas is None:
            fields = AreaRatingSerializer.Meta.fields
            areas = [{name: getattr(row, name) for name in fields} for row in record.areas.all()]
        review_due = data.pop("review_due", None)
        for name, value in data.items():
            setattr(record, name, value)
        ratings = {row["area"]: row for row in areas}
        with refusals_as_validation_errors(*REFUSALS):
            return services.record_assessment(
                record, ratings, review_due=review_due, by=self.context["request"].user
            )


class PlanActionSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False)

    class Meta:
        model = PlanAction
        fields = ["id", "description", "owner", "owner_other", "due", "done_on"]
        read_only_fields = ["done_on"]


class RiskAlertSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False)
    kind = serializers.ChoiceField(choices=AlertKind.choices)
    restricted = serializers.BooleanField(read_only=True)

    class Meta:
        model = RiskAlert
        fields = ["id", "kind", "detail", "restricted"]

    def to_representation(self, instance: RiskAlert) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        request = self.context.get("request")
        if not may_read_restricted(getattr(request, "user", AnonymousUser()), instance):
            data.update(kind="restricted", detail=RESTRICTED_NOTE)
        return data


class PlanDecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanDecision
        fields = ["outcome", "decided_by", "decided_at", "comment"]


class RiskPlanSerializer(ServiceSerializer):
    refusals = REFUSALS
    actions = PlanActionSerializer(many=True, required=False)
    alerts = RiskAlertSerializer(many=True, required=False)
    decisions = PlanDecisionSerializer(many=True, read_only=True)
    review_due = serializers.DateField(read_only=True)

    class Meta:
        model = RiskPlan
        fields = [
            "id",
            "client",
            "assessment",
            "version",
            "previous",
            "status",
            "summary",
            "review_due",
            "drafted_by",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "actions",
            "alerts",
            "decisions",
        ]

    def save_with(self, record: RiskPlan, data: dict[str, Any]) -> RiskPlan:
        actions = data.pop("actions", None)
        alerts = data.pop("alerts", None)
        for name, value in data.items():
            setattr(record, name, value)
        by = self.context["request"].user
        with refusals_as_validation_errors(*REFUSALS):
            if record.pk is None:
                return services.draft_plan(
                    record, actions=actions or [], alerts=alerts or [], by=by
                )
            # Lists left out of a change stay as they are; a list sent is the plan's whole list.
            if actions is None:
                actions = [{"id": a.pk} for a in record.actions.all()]
            if alerts is None:
                alerts = [{"id": a.pk} for a in record.alerts.all()]
            return services.save_plan(record, actions=actions, alerts=alerts, by=by)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=NOTE, required=False, allow_blank=True, default="")


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=NOTE, help_text="What needs to change.")


class ActionDoneSerializer(serializers.Serializer):
    action = serializers.IntegerField(help_text="The id of one of this version's actions.")
    done_on = serializers.DateField(
        allow_null=True, help_text="The day it was done; null reopens it."
    )


class ApproverPermission(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return can_approve_risk_plans(request.user)


class RiskAssessmentViewSet(ScopedViewSet):
    queryset = RiskAssessment.objects.all()
    serializer_class = RiskAssessmentSerializer
    filterset_fields = ["client", "level"]

    def get_queryset(self) -> AssessmentQuerySet:
        assessments = access.visible(self.request.user, RiskAssessment.objects.all())
        queryset = assessments.prefetch_related("areas")
        review = self.request.query_params.get("review")
        today = timezone.localdate()
        if review == "overdue":
            queryset = queryset.overdue(today)
        elif review == "due":
            queryset = queryset.due_within(today, settings.RISK_REVIEW_NOTICE_DAYS)
        return queryset

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "review",
                str,
                enum=["overdue", "due"],
                description="Only people's latest assessments whose review is overdue, or due "
                "within the notice period (7 days).",
            )
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)


class RiskPlanViewSet(RecordActionsMixin, ScopedViewSet):
    """Risk plan versions. A new one is a draft; an approved one is read-only."""

    refusals = REFUSALS
    queryset = RiskPlan.objects.all()
    serializer_class = RiskPlanSerializer
    filterset_fields = ["client", "status"]

    def get_queryset(self) -> models.QuerySet[RiskPlan]:
        return (
            super()
            .get_queryset()
            .select_related("assessment")
            .prefetch_related("actions", "alerts", "decisions")
        )

    @extend_schema(request=EmptySerializer, responses=RiskPlanSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Send a draft or returned version to a coordinator."""
        return self.act(
            request, EmptySerializer, lambda p, d: services.submit_plan(p, by=request.user)
        )

    @extend_schema(request=ActionDoneSerializer, responses=RiskPlanSerializer)
    @action(detail=True, methods=["post"], url_path="action-done")
    def action_done(self, request: Request, pk: str | None = None) -> Response:
        """Record that one of the plan's actions was done (or reopen it); the plan itself, even
        an approved one, is unchanged."""

        def run(plan: RiskPlan, data: dict[str, Any]) -> RiskPlan:
            found = plan.actions.filter(pk=data["action"]).first()
            if found is None:
                raise services.RiskError("That action is not one of this version's.")
            services.complete_plan_action(found, done_on=data["done_on"], by=request.user)
            return plan

        return self.act(request, ActionDoneSerializer, run)

    @extend_schema(request=CommentSerializer, responses=RiskPlanSerializer)
    @action(detail=True, methods=["post"], permission_classes=[ApproverPermission])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """A coordinator (not the author) approves: the version and its alerts come into force."""
        return self.act(
            request,
            CommentSerializer,
            lambda p, d: services.approve_plan(p, comment=d["comment"], by=request.user),
        )

    @extend_schema(request=ReturnSerializer, responses=RiskPlanSerializer)
    @action(
        detail=True, methods=["post"], url_path="return", permission_classes=[ApproverPermission]
    )
    def send_back(self, request: Request, pk: str | None = None) -> Response:
        """A coordinator returns the version to its author with what needs to change."""
        return self.act(
            request,
            ReturnSerializer,
            lambda p, d: services.return_plan(p, comment=d["comment"], by=request.user),
        )


class MeetingActionSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False)
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False)

    class Meta:
        model = MeetingAction
        fields = [
            "id",
            "meeting",
            "description",
            "owner",
            "owner_other",
            "due",
            "status",
            "done_on",
        ]
        read_only_fields = ["meeting", "done_on"]


class MeetingSerializer(ServiceSerializer):
    refusals = REFUSALS
    actions = MeetingActionSerializer(many=True, required=False)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "client",
            "kind",
            "held_on",
            "chair",
            "chair_other",
            "staff",
            "agencies",
            "others_present",
            "notes",
            "recorded_by",
            "actions",
        ]
        read_only_fields = ["recorded_by"]

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        chair = data.get("chair", getattr(self.instance, "chair", None))
        other = data.get("chair_other", getattr(self.instance, "chair_other", ""))
        if chair is None and not other:
            raise serializers.ValidationError({"chair": "Say who chaired the meeting."})
        return data

    def save_with(self, record: Meeting, data: dict[str, Any]) -> Meeting:
        staff = data.pop("staff", None)
        agencies = data.pop("agencies", None)
        actions = data.pop("actions", None)
        for name, value in data.items():
            setattr(record, name, value)
        if record.pk is not None:
            staff = record.staff.all() if staff is None else staff
            agencies = record.agencies.all() if agencies is None else agencies
            if actions is None:
                actions = [{"id": a.pk} for a in record.actions.all()]
        with refusals_as_validation_errors(*REFUSALS):
            return services.save_meeting(
                record,
                staff=staff or [],
                agencies=agencies or [],
                actions=actions or [],
                by=self.context["request"].user,
            )


class MeetingViewSet(ScopedViewSet):
    queryset = Meeting.objects.all()
    serializer_class = MeetingSerializer
    filterset_fields = ["client", "kind"]

    def get_queryset(self) -> models.QuerySet[Meeting]:
        return super().get_queryset().prefetch_related("staff", "agencies", "actions")


class ActionStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    done_on = serializers.DateField(required=False, allow_null=True)


class MeetingActionViewSet(
    NotesReads,
    RecordActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Meeting actions (added and changed with their meeting); `mine` lists the user's own."""

    refusals = REFUSALS
    queryset = MeetingAction.objects.all()
    serializer_class = MeetingActionSerializer
    permission_classes = ScopedViewSet.permission_classes
    filterset_fields = ["meeting", "status", "owner"]

    def get_queryset(self) -> models.QuerySet[MeetingAction]:
        queryset = access.visible(self.request.user, MeetingAction.objects.all())
        if self.request.query_params.get("mine") in ("1", "true"):
            queryset = queryset.filter(owner_id=self.request.user.pk)
        return queryset

    @extend_schema(
        parameters=[OpenApiParameter("mine", bool, description="Only the user's own actions")]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ActionStatusSerializer, responses=MeetingActionSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request: Request, pk: str | None = None) -> Response:
        """Mark the action done (today unless a date is given), cancelled or open again."""
        return self.act(
            request,
            ActionStatusSerializer,
            lambda a, d: services.update_action(
                a, status=d["status"], done_on=d.get("done_on"), by=request.user
            ),
        )


class SafeguardingConcernSerializer(ServiceSerializer):
    refusals = REFUSALS

    class Meta:
        model = SafeguardingConcern
        fields = [
            "id",
            "client",
            "raised_on",
            "raised_by",
            "category",
            "details",
            "referred_to",
            "referred_on",
            "agency_reference",
            "outcome",
            "closed_on",
        ]
        read_only_fields = ["raised_by"]

    def service(self, record: SafeguardingConcern, *, by: Any) -> SafeguardingConcern:
        return services.save_concern(record, by=by)


class SafeguardingConcernViewSet(ScopedViewSet):
    queryset = SafeguardingConcern.objects.all()
    serializer_class = SafeguardingConcernSerializer
    filterset_fields = ["client", "category"]


def register(router: DefaultRouter) -> None:
    router.register("risk-assessments", RiskAssessmentViewSet)
    router.register("risk-plans", RiskPlanViewSet)
    router.register("meetings", MeetingViewSet)
    router.register("meeting-actions", MeetingActionViewSet)
    router.register("safeguarding-concerns", SafeguardingConcernViewSet)
