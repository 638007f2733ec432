"""REST API for reporting: the contract figures for a month, report runs (start, retry,
publish, download) and targets, under the same services and access rules as the pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from mars import access, reads
from mars.api import AccessPermission, ServiceSerializer, refusals_as_validation_errors
from mars.dates import MonthError, first_of_month, parse_month
from mars.openapi import OneObjectSchema
from mars.text import COMMENTARY
from reporting import documents, kpis, longterm, services
from reporting.access import can_see_long_term, visible_report_runs
from reporting.models import FileKind, ReportRun, Target

REFUSALS = (services.ReportError,)


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-10"})
class PeriodField(serializers.Field):
    """A calendar month written YYYY-MM."""

    def to_representation(self, value: date) -> str:
        return kpis.period_label(value)

    def to_internal_value(self, data: Any) -> date:
        try:
            return parse_month(str(data))
        except MonthError as error:
            raise serializers.ValidationError(str(error)) from error


class RoughSleepersSerializer(serializers.Serializer):
    seen = serializers.IntegerField()
    new = serializers.IntegerField()
    stock = serializers.IntegerField()
    returners = serializers.IntegerField()
    unidentified_sightings = serializers.IntegerField()


class RatioSerializer(serializers.Serializer):
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class LeftStreetsSerializer(RatioSerializer):
    window_open = serializers.IntegerField()


class FigureCountSerializer(serializers.Serializer):
    count = serializers.IntegerField()


class FiguresSerializer(serializers.Serializer):
    """The contract figures, key for key as DESIGN.md defines them."""

    period = serializers.CharField()
    as_of = serializers.DateField()
    rough_sleepers = RoughSleepersSerializer()
    left_streets_within_14_days = LeftStreetsSerializer()
    supported_accommodation_access = FigureCountSerializer()
    reconnected = RatioSerializer()
    multi_agency_support_plans = FigureCountSerializer()
    primary_care_access = RatioSerializer()


class FiguresQuerySerializer(serializers.Serializer):
    period = PeriodField(help_text="The month, YYYY-MM.")
    as_of = serializers.DateField(required=False, help_text="Default: today.")


class CanReadReports(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return access.can(request.user, "reporting.view_reportrun")


class FiguresViewSet(viewsets.ViewSet):
    """The contract figures for any month, computed now (coordinator and director)."""

    permission_classes = [CanReadReports]
    schema = OneObjectSchema()

    @extend_schema(
        parameters=[
            OpenApiParameter("period", str, required=True, description="The month, YYYY-MM."),
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="Default: today."),
        ],
        responses=FiguresSerializer,
    )
    def list(self, request: Request) -> Response:
        checked = FiguresQuerySerializer(data=request.query_params)
        checked.is_valid(raise_exception=True)
        data = checked.validated_data
        return Response(kpis.figures(data["period"], data.get("as_of") or timezone.localdate()))


class ReportRunSerializer(serializers.ModelSerializer):
    period = PeriodField()
    as_of = serializers.DateField(required=False, help_text="Default: today.")
    started_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    published_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    files = serializers.SerializerMethodField()

    class Meta:
        model = ReportRun
        fields = [
            "id",
            "period",
            "as_of",
            "trigger",
            "state",
            "step",
            "progress",
            "error",
            "started_by",
            "created_at",
            "started_at",
            "finished_at",
            "figures",
            "commentary",
            "version",
            "replaces",
            "published_at",
            "published_by",
            "files",
        ]
        read_only_fields = [name for name in fields if name not in ("period", "as_of")]

    def get_files(self, run: ReportRun) -> dict[str, str]:
        """Where to download each file the run has (pdf, csv, xlsx)."""
        request = self.context["request"]
        return {
            kind: request.build_absolute_uri(f"/api/report-runs/{run.pk}/download/{kind}/")
            for kind in FileKind.values
            if run.file(kind)
        }

    def create(self, validated_data: dict[str, Any]) -> ReportRun:
        with refusals_as_validation_errors(*REFUSALS):
            return services.start_run(
                validated_data["period"],
                as_of=validated_data.get("as_of"),
                by=self.context["request"].user,
            )


class PublishSerializer(serializers.Serializer):
    commentary = serializers.CharField(
        max_length=COMMENTARY, allow_blank=True, required=False, default=""
    )


class ReportRunPermission(permissions.BasePermission):
    """Reading needs a sight of runs (commissioners: published ones); starting one, adding
    runs; retrying, changing them; publishing, the publish right."""

    needs = {
        "create": "reporting.add_reportrun",
        "retry": "reporting.change_reportrun",
        "publish": "reporting.publish_reportrun",
    }

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        if view.action in self.needs:
            return access.can(user, self.needs[view.action])
        return access.can(user, "reporting.view_reportrun") or access.can(
            user, "reporting.view_published_reportrun"
        )


class ReportRunViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Monthly report runs. Creating one starts it (it is made in the background: poll its
    `state` and `progress`); commissioners see published runs only."""

    serializer_class = ReportRunSerializer
    permission_classes = [ReportRunPermission]
    queryset = ReportRun.objects.all()
    filterset_fields = ["state", "trigger"]

    def get_queryset(self) -> models.QuerySet[ReportRun]:
        return visible_report_runs(self.request.user).select_related("started_by", "published_by")

    @extend_schema(request=None, responses=ReportRunSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        """Queue a failed run again."""
        run = self.get_object()
        with refusals_as_validation_errors(*REFUSALS):
            run = services.retry_run(run, by=request.user)
        run.refresh_from_db()
        return Response(self.get_serializer(run).data)

    @extend_schema(request=PublishSerializer, responses=ReportRunSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        """Publish a finished run with the coordinator's commentary (as the next version when
        the month has one already). A published run never changes."""
        run = self.get_object()
        checked = PublishSerializer(data=request.data)
        checked.is_valid(raise_exception=True)
        with refusals_as_validation_errors(*REFUSALS):
            run = services.publish_run(
                run, commentary=checked.validated_data["commentary"], by=request.user
            )
        return Response(self.get_serializer(run).data)

    @extend_schema(
        parameters=[OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=FileKind.values)],
        responses={
            (200, content_type.split(";")[0]): OpenApiResponse(OpenApiTypes.BINARY)
            for content_type in documents.CONTENT_TYPES.values()
        },
    )
    @action(detail=True, methods=["get"], url_path=r"download/(?P<kind>pdf|csv|xlsx)")
    def download(self, request: Request, kind: str, pk: str | None = None) -> FileResponse:
        """The run's PDF, CSV or XLSX, as a download."""
        return documents.as_download(self.get_object(), kind)


class TargetSerializer(ServiceSerializer):
    refusals = REFUSALS

    class Meta:
        model = Target
        fields = ["id", "measure", "year", "value", "amber_margin", "notes"]

    def service(self, record: Target, *, by: Any) -> Target:
        return services.save_target(record, by=by)

    def update(self, instance: Target, validated_data: dict[str, Any]) -> Target:
        for name in ("measure", "year"):
            if name in validated_data and validated_data[name] != getattr(instance, name):
                raise serializers.ValidationError(
                    {name: "A target's figure and year stay as they are: add a new target."}
                )
        return super().update(instance, validated_data)


class TargetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Targets per figure and contract year (April to March)."""

    serializer_class = TargetSerializer
    permission_classes = [AccessPermission]
    queryset = Target.objects.all()
    filterset_fields = ["year", "measure"]

    def get_queryset(self) -> models.QuerySet[Target]:
        return access.visible(self.request.user, Target.objects.all())


class LongTermQuerySerializer(serializers.Serializer):
    period = PeriodField(required=False, help_text="The month, YYYY-MM. Default: this month.")


class LongTermPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="client.pk")
    reference = serializers.CharField(source="client.reference")
    name = serializers.CharField(source="client.display_name")
    months_out = serializers.IntegerField(help_text="Months seen of the 12 before the period.")
    months = serializers.SerializerMethodField(help_text="Those months, YYYY-MM, oldest first.")
    key_worker: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        source="client.key_worker", slug_field="username", read_only=True, allow_null=True
    )
    support_plan_in_force = serializers.BooleanField(source="plan_in_force")
    accommodation = serializers.CharField(
        help_text="Today: the current placement's property and type, else the person's status."
    )
    placement = serializers.IntegerField(source="placement.pk", allow_null=True, default=None)

    def get_months(self, row: longterm.LongTermPerson) -> list[str]:
        return [f"{month.day:%Y-%m}" for month in row.months if month.seen]


class LongTermSerializer(serializers.Serializer):
    period = PeriodField()
    count = serializers.IntegerField()
    people = LongTermPersonSerializer(many=True)


class CanSeeLongTerm(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return can_see_long_term(request.user)


class LongTermViewSet(viewsets.ViewSet):
    """Everyone long-term in a month (RSDF B1: seen in it and in at least 3 of the 12 months
    before), most months out first, with their key worker, plan and accommodation today."""

    permission_classes = [CanSeeLongTerm]
    schema = OneObjectSchema()

    @extend_schema(
        parameters=[
            OpenApiParameter("period", str, description="The month, YYYY-MM. Default: this month.")
        ],
        responses=LongTermSerializer,
    )
    def list(self, request: Request) -> Response:
        checked = LongTermQuerySerializer(data=request.query_params)
        checked.is_valid(raise_exception=True)
        today = timezone.localdate()
        period = checked.validated_data.get("period") or first_of_month(today)
        rows = longterm.people(period, request.user, today)
        reads.note([row.client.pk for row in rows], "api: long-term list")
        return Response(
            LongTermSerializer({"period": period, "count": len(rows), "people": rows}).data
        )


def register(router: DefaultRouter) -> None:
    # Before any "rsdf" viewset: its detail route would otherwise take "long-term" for an id.
    router.register("rsdf/long-term", LongTermViewSet, basename="rsdf-long-term")
    router.register("kpis", FiguresViewSet, basename="kpis")
    router.register("report-runs", ReportRunViewSet)
    router.register("targets", TargetViewSet)
