"""REST API for reporting: the contract figures for a month, report runs (start, retry,
publish, download), targets, England's monthly return (RSDF: its figures for any month, and
the month's return records, checked and submitted), and bundle imports (upload, then follow),
under the same services and access rules as the pages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from mars import access, reads
from mars.api import AccessPermission, ServiceSerializer, refusals_as_validation_errors
from mars.dates import MonthError, first_of_month, parse_month
from mars.openapi import OneObjectSchema
from mars.text import COMMENTARY, NOTE
from reporting import documents, imports, kpis, longterm, returns, rsdf, services
from reporting.access import (
    IMPORT_BUNDLES,
    can_see_long_term,
    can_see_rsdf_figures,
    visible_bundle_imports,
    visible_report_runs,
    visible_rsdf_returns,
)
from reporting.models import BundleImport, FileKind, ImportStatus, ReportRun, RsdfReturn, Target

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


class ActionPermission(permissions.BasePermission):
    """An action named in `needs` asks for its permission; any other (reading) asks for one of
    `readers`."""

    needs: dict[str, str] = {}
    readers: tuple[str, ...] = ()

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        if view.action in self.needs:
            return access.can(user, self.needs[view.action])
        return any(access.can(user, name) for name in self.readers)


class ReportRunPermission(ActionPermission):
    """Reading needs a sight of runs (commissioners: published ones); starting one, adding
    runs; retrying, changing them; publishing, the publish right."""

    needs = {
        "create": "reporting.add_reportrun",
        "retry": "reporting.change_reportrun",
        "publish": "reporting.publish_reportrun",
    }
    readers = ("reporting.view_reportrun", "reporting.view_published_reportrun")


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


# DESIGN.md's example of the return's JSON: the shape the API documents and answers in.
RSDF_EXAMPLE: dict[str, Any] = {
    "period": "2026-10",
    "definitions": "rsdf-v1",
    "night": "2026-10-21",
    "population": 266900,
    "over_month": {
        "total": 40,
        "per_100k": 15.0,
        "new": 10,
        "institution_leavers": 3,
        "long_term": 12,
        "returners": 4,
        "returners_from_settled": 1,
        "nights_bedded_down": {"1": 5, "2": 3, "3_5": 8, "6_10": 10, "over_10": 14},
        "gender": {"male": 30, "female": 8, "other": 1, "not_known": 1},
        "age": {"under_18": 0, "18_25": 6, "26_plus": 31, "not_known": 3, "under_25": 5},
        "nationality": {"uk": 33, "eea": 5, "outside_eea": 1, "not_known": 1},
        "public_funds": {"eligible": 35, "no_recourse": 4, "not_known": 1},
    },
    "single_night": {"total": 12, "per_100k": 4.5, "new": 2, "unidentified_sightings": 1},
    "accommodated": {"total": 9, "emergency": 4, "supported": 3, "settled": 2},
}
# Figures that may be null: per 100,000 without a population, the single night without a night.
NULLABLE = {"per_100k", "night", "population"}


def _schema_of(example: Any, name: str = "") -> dict[str, Any]:
    """An OpenAPI schema for a JSON value shaped like the example."""
    if isinstance(example, dict):
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {key: _schema_of(value, key) for key, value in example.items()},
            "required": list(example),
        }
    elif isinstance(example, bool):
        schema = {"type": "boolean"}
    elif isinstance(example, int):
        schema = {"type": "integer"}
    elif isinstance(example, float):
        schema = {"type": "number"}
    else:
        schema = {"type": "string"}
    if name in NULLABLE:
        schema["nullable"] = True
    return schema


def _rsdf_schema() -> dict[str, Any]:
    schema = _schema_of(RSDF_EXAMPLE)
    for key in ("total", "new", "unidentified_sightings"):
        schema["properties"]["single_night"]["properties"][key]["nullable"] = True
    schema["example"] = RSDF_EXAMPLE
    return schema


RSDF_SCHEMA = _rsdf_schema()


@contextmanager
def refusals_by_field(*domain_errors: type[Exception]) -> Iterator[None]:
    """A service's refusal as a 400 whose message is under the field it names (else detail)."""
    try:
        yield
    except domain_errors as error:
        raise serializers.ValidationError(
            {getattr(error, "field", None) or "detail": str(error)}
        ) from error


class RsdfQuerySerializer(serializers.Serializer):
    period = PeriodField(help_text="The month, YYYY-MM.")
    single_night = serializers.DateField(
        required=False,
        help_text="A day in the month, not its last. Default: the month's return's, else none "
        "(the single-night figures are null).",
    )
    population = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="Residents, for the figures per 100,000. Default: the month's return's, else "
        "the MARS_POPULATION setting.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        night = attrs.get("single_night")
        if night is not None:
            try:
                rsdf.check_night(attrs["period"], night)
            except ValueError as error:
                raise serializers.ValidationError({"single_night": str(error)}) from error
        return attrs


class CanSeeRsdfFigures(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return can_see_rsdf_figures(request.user)


class RsdfFiguresViewSet(viewsets.ViewSet):
    """England's monthly return (RSDF) for any month, computed now, in DESIGN.md's shape
    (coordinator and director; commissioners read submitted returns at /api/rsdf-returns/)."""

    permission_classes = [CanSeeRsdfFigures]
    schema = OneObjectSchema()

    @extend_schema(
        parameters=[
            OpenApiParameter("period", str, required=True, description="The month, YYYY-MM."),
            OpenApiParameter(
                "single_night",
                OpenApiTypes.DATE,
                description="A day in the month, not its last. Default: the month's return's.",
            ),
            OpenApiParameter(
                "population",
                int,
                description="Residents, for the rates. Default: the month's return's, else "
                "the MARS_POPULATION setting.",
            ),
        ],
        responses={200: RSDF_SCHEMA},
    )
    def list(self, request: Request) -> Response:
        checked = RsdfQuerySerializer(data=request.query_params)
        checked.is_valid(raise_exception=True)
        data = checked.validated_data
        night, population = returns.night_and_population(data["period"])
        return Response(
            rsdf.figures(
                data["period"],
                night=data.get("single_night", night),
                population=data.get("population", population),
            )
        )


class RsdfReturnSerializer(serializers.ModelSerializer):
    period = PeriodField()
    checked_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    submitted_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    figures = serializers.JSONField(
        read_only=True,
        help_text="The figures as submitted (DESIGN.md's shape); empty until then: a draft's "
        "are at /api/rsdf/?period=.",
    )

    class Meta:
        model = RsdfReturn
        fields = [
            "id",
            "period",
            "night",
            "population",
            "definitions",
            "status",
            "notes",
            "checked_at",
            "checked_by",
            "submitted_at",
            "submitted_by",
            "gaps_reason",
            "gaps",
            "figures",
            "created_at",
        ]
        read_only_fields = [
            "definitions",
            "status",
            "checked_at",
            "submitted_at",
            "gaps_reason",
            "gaps",
            "created_at",
        ]

    def to_representation(self, instance: RsdfReturn) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not can_see_rsdf_figures(self.context["request"].user):
            # Commissioners read counts only: the team's own words may name someone.
            data.pop("notes", None)
            data.pop("gaps_reason", None)
        return data

    def create(self, validated_data: dict[str, Any]) -> RsdfReturn:
        by = self.context["request"].user
        with refusals_by_field(returns.ReturnError):
            record = returns.open_return(validated_data["period"], by=by)
            if {"night", "population", "notes"} & validated_data.keys():
                record = self._change(record, validated_data)
        return record

    def update(self, instance: RsdfReturn, validated_data: dict[str, Any]) -> RsdfReturn:
        if "period" in validated_data and validated_data["period"] != instance.period:
            raise serializers.ValidationError(
                {"period": "A return's month stays as it is: open the other month's return."}
            )
        with refusals_by_field(returns.ReturnError):
            return self._change(instance, validated_data)

    def _change(self, record: RsdfReturn, data: dict[str, Any]) -> RsdfReturn:
        return returns.change_return(
            record,
            night=data.get("night", record.night),
            population=data.get("population", record.population),
            notes=data.get("notes", record.notes),
            by=self.context["request"].user,
        )


class SubmitReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=NOTE,
        allow_blank=True,
        required=False,
        default="",
        help_text="Why it is sent with gaps: needed when people counted have facts not known.",
    )


class RsdfReturnPermission(ActionPermission):
    """Reading needs a sight of returns (commissioners: submitted ones); opening one, adding
    returns; changing, checking and submitting one, changing them."""

    needs = {
        "create": "reporting.add_rsdfreturn",
        "update": "reporting.change_rsdfreturn",
        "partial_update": "reporting.change_rsdfreturn",
        "check": "reporting.change_rsdfreturn",
        "submit": "reporting.change_rsdfreturn",
    }
    readers = ("reporting.view_rsdfreturn", "reporting.view_published_reportrun")


class RsdfReturnViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The months' RSDF returns. Creating one opens the month's (or gives the one open); its
    single night, population and notes change until it is submitted; `check` then `submit`
    send it, keeping its figures. Commissioners see submitted returns only."""

    serializer_class = RsdfReturnSerializer
    permission_classes = [RsdfReturnPermission]
    queryset = RsdfReturn.objects.all()
    filterset_fields = ["status"]

    def get_queryset(self) -> models.QuerySet[RsdfReturn]:
        return visible_rsdf_returns(self.request.user).select_related("checked_by", "submitted_by")

    @extend_schema(request=None, responses=RsdfReturnSerializer)
    @action(detail=True, methods=["post"])
    def check(self, request: Request, pk: str | None = None) -> Response:
        """Mark the return checked (its single night must be chosen)."""
        record = self.get_object()
        with refusals_by_field(returns.ReturnError):
            record = returns.mark_checked(record, by=request.user)
        return Response(self.get_serializer(record).data)

    @extend_schema(request=SubmitReturnSerializer, responses=RsdfReturnSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Submit a checked return, keeping its figures; with gaps, a reason is needed."""
        record = self.get_object()
        checked = SubmitReturnSerializer(data=request.data)
        checked.is_valid(raise_exception=True)
        with refusals_by_field(returns.ReturnError):
            record = returns.submit_return(
                record, reason=checked.validated_data["reason"], by=request.user
            )
        return Response(self.get_serializer(record).data)


class LongTermQuerySerializer(serializers.Serializer):
    period = PeriodField(required=False, help_text="The month, YYYY-MM. Default: this month.")


class LongTermPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="client.pk")
    reference = serializers.CharField(source="client.reference")
    name = serializers.CharField(source="client.display_name")
    months_out = serializers.IntegerField(help_text="Months seen of the 12 before the period.")
    months = serializers.SerializerMethodField(help_text="Those months, YYYY-MM, oldest first.")
    key_worker = serializers.CharField(
        source="client.key_worker.username",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="The key worker's username, or null.",
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


class BundleImportSerializer(serializers.ModelSerializer):
    file = serializers.FileField(
        write_only=True, help_text="A mars-bundle/1 JSON file, sent as multipart/form-data."
    )
    uploaded_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    status = serializers.ChoiceField(
        source="outcome",
        choices=ImportStatus.choices,
        read_only=True,
        help_text="checking and writing while a worker has it; failed too when its worker has "
        "shown no sign of life for BUNDLE_IMPORT_STALE_MINUTES.",
    )
    summary = serializers.ListField(child=serializers.CharField(), read_only=True)
    problems = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="When refused: every problem, as path: message.",
    )

    class Meta:
        model = BundleImport
        fields = [
            "id",
            "file",
            "file_name",
            "size",
            "uploaded_by",
            "uploaded_at",
            "status",
            "done",
            "total",
            "rate",
            "seconds_left",
            "progress_at",
            "summary",
            "changed_anything",
            "problems",
            "finished_at",
        ]
        read_only_fields = [name for name in fields if name != "file"]

    def create(self, validated_data: dict[str, Any]) -> BundleImport:
        with refusals_as_validation_errors(imports.ImportRefused):
            job = imports.queue_import(validated_data["file"], by=self.context["request"].user)
        job.refresh_from_db()  # without a broker (eager) the worker's part has run already
        return job


class BundleImportPermission(ActionPermission):
    """Uploading a bundle and reading the imports both need the right to import bundles."""

    needs = {"create": IMPORT_BUNDLES}
    readers = (IMPORT_BUNDLES,)


class BundleImportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Bundle imports, newest first. Creating one uploads the file (multipart/form-data, field
    `file`) and queues it: a worker imports it all or nothing. Poll the import for its `status`
    and progress (`done` of `total` records, `rate` a second, `seconds_left`) until it is done
    (with its `summary`), refused (with every one of its `problems`) or failed."""

    serializer_class = BundleImportSerializer
    permission_classes = [BundleImportPermission]
    parser_classes = [MultiPartParser]
    queryset = BundleImport.objects.all()

    def get_queryset(self) -> models.QuerySet[BundleImport]:
        return visible_bundle_imports(self.request.user).select_related("uploaded_by")


def register(router: DefaultRouter) -> None:
    # Before any "rsdf" viewset: its detail route would otherwise take "long-term" for an id.
    router.register("rsdf/long-term", LongTermViewSet, basename="rsdf-long-term")
    router.register("kpis", FiguresViewSet, basename="kpis")
    router.register("rsdf", RsdfFiguresViewSet, basename="rsdf")
    router.register("rsdf-returns", RsdfReturnViewSet)
    router.register("report-runs", ReportRunViewSet)
    router.register("targets", TargetViewSet)
    router.register("bundle-imports", BundleImportViewSet)
