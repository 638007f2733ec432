"""REST API for accommodation: the same services and access rules as the pages."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from accommodation import figures, services
from accommodation.access import can_decide_a2a
from accommodation.models import (
    A2AReferral,
    A2AReferralQuerySet,
    EndReason,
    HouseIssue,
    MarsHouseReferral,
    Placement,
    PlacementQuerySet,
    Property,
    PropertyType,
    Provider,
    Unavailability,
    Unit,
    UnitQuerySet,
)
from clients.access import visible_clients
from mars import access
from mars.api import (
    TIMER_FIELDS,
    RecordActionsMixin,
    ReferralTimerFields,
    ScopedViewSet,
    ServiceSerializer,
    refusals_as_validation_errors,
)
from mars.dates import MonthError
from mars.openapi import OneObjectSchema
from mars.text import NOTE

REFUSALS = (services.AccommodationError,)


class AccommodationSerializer(ServiceSerializer):
    refusals = REFUSALS


class ProviderSerializer(AccommodationSerializer):
    class Meta:
        model = Provider
        fields = [
            "id",
            "name",
            "contact_name",
            "phone",
            "email",
            "address",
            "agency",
            "notes",
            "active",
        ]

    def service(self, record: Provider, *, by: Any) -> Provider:
        return services.save_provider(record, by=by)


class PropertySerializer(AccommodationSerializer):
    units = serializers.ListField(
        child=serializers.CharField(max_length=80),
        required=False,
        write_only=True,
        help_text="Names of units to add; a new property with none gets one, Whole property.",
    )
    unit_ids: serializers.PrimaryKeyRelatedField[Unit] = serializers.PrimaryKeyRelatedField(
        source="units", many=True, read_only=True
    )

    class Meta:
        model = Property
        fields = [
            "id",
            "key",
            "name",
            "type",
            "address",
            "provider",
            "notes",
            "active",
            "units",
            "unit_ids",
        ]
        extra_kwargs = {"key": {"required": False}}

    def save_with(self, record: Any, data: dict[str, Any]) -> Any:
        names = data.pop("units", [])
        if names:
            request = self.context["request"]
            if not access.can_add_for(request.user, Unit):
                raise serializers.ValidationError({"units": "You may not add units."})
        for name, value in data.items():
            setattr(record, name, value)
        with refusals_as_validation_errors(*self.refusals):
            return services.save_property(record, units=names, by=self.context["request"].user)


class UnitSerializer(AccommodationSerializer):
    free_today = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = ["id", "property", "name", "kind", "active", "notes", "free_today"]

    def get_free_today(self, unit: Unit) -> bool:
        if hasattr(unit, "is_free"):  # lists annotate it: no query a row
            return bool(unit.is_free)
        return Unit.objects.free_on(timezone.localdate()).filter(pk=unit.pk).exists()

    def service(self, record: Unit, *, by: Any) -> Unit:
        return services.save_unit(record, by=by)


class UnavailabilitySerializer(AccommodationSerializer):
    class Meta:
        model = Unavailability
        fields = ["id", "unit", "start", "end", "reason", "recorded_by"]
        read_only_fields = ["recorded_by"]

    def service(self, record: Unavailability, *, by: Any) -> Unavailability:
        return services.save_unavailability(record, by=by)


class A2AReferralSerializer(ReferralTimerFields, AccommodationSerializer):
    days_waiting = serializers.SerializerMethodField(
        help_text="Days from referral to decision, or to today while it waits."
    )
    days_to_decision = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = A2AReferral
        fields = [
            "id",
            "client",
            "referred_on",
            "referred_by",
            "requested_type",
            "needs",
            "reasons",
            "status",
            "priority",
            "decided_by",
            "decided_at",
            "decision_reason",
            "days_waiting",
            "days_to_decision",
            "response_due",
            "days_over",
        ]
        read_only_fields = [
            "referred_by",
            "status",
            "priority",
            "decided_by",
            "decided_at",
            "decision_reason",
        ]

    def get_days_waiting(self, referral: A2AReferral) -> int:
        return referral.days_waiting()

    def service(self, record: A2AReferral, *, by: Any) -> A2AReferral:
        return services.refer_to_panel(record, by=by)


class PrioritySerializer(serializers.Serializer):
    priority = serializers.IntegerField(min_value=1, max_value=3)


class DecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(max_length=NOTE)
    priority = serializers.IntegerField(min_value=1, max_value=3, required=False, allow_null=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=NOTE)


class PlacementSerializer(AccommodationSerializer):
    property: serializers.PrimaryKeyRelatedField[Property] = serializers.PrimaryKeyRelatedField(
        source="unit.property", read_only=True
    )
    property_type = serializers.ChoiceField(
        source="unit.property.type", choices=PropertyType.choices, read_only=True
    )

    class Meta:
        model = Placement
        fields = [
            "id",
            "client",
            "property",
            "property_type",
            "unit",
            "start",
            "planned_end",
            "end",
            "end_reason",
            "move_on_destination",
            "nightly_cost",
            "referral",
            "notes",
            "placed_by",
        ]
        read_only_fields = ["placed_by"]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["unit"].queryset = access.visible(request.user, Unit.objects.all())
            fields["referral"].queryset = access.visible(request.user, A2AReferral.objects.all())
        if self.instance is not None and not isinstance(self.instance, list | models.QuerySet):
            # A placement keeps its person, unit and referral: move the person instead.
            for name in ("client", "unit", "referral"):
                fields[name].read_only = True
        return fields

    def create(self, validated_data: dict[str, Any]) -> Placement:
        if validated_data.get("end"):
            raise serializers.ValidationError({"end": "Place the person first, then end it."})
        with refusals_as_validation_errors(*self.refusals):
            return services.place_client(
                validated_data["client"],
                validated_data["unit"],
                start=validated_data["start"],
                planned_end=validated_data.get("planned_end"),
                nightly_cost=validated_data.get("nightly_cost"),
                referral=validated_data.get("referral"),
                notes=validated_data.get("notes", ""),
                by=self.context["request"].user,
            )

    def service(self, record: Placement, *, by: Any) -> Placement:
        return services.correct_placement(record, by=by)


class EndSerializer(serializers.Serializer):
    end = serializers.DateField()
    reason = serializers.ChoiceField(choices=EndReason.choices)
    destination = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )


class StayTermsSerializer(serializers.Serializer):
    """The unit someone moves into and what is planned for the stay."""

    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    planned_end = serializers.DateField(required=False, allow_null=True)
    nightly_cost = serializers.DecimalField(
        max_digits=8, decimal_places=2, required=False, allow_null=True, min_value=0
    )


class MoveSerializer(StayTermsSerializer):
    on = serializers.DateField()


class MarsHouseReferralSerializer(ReferralTimerFields, AccommodationSerializer):
    class Meta:
        model = MarsHouseReferral
        fields = [
            "id",
            "client",
            "received_on",
            "referred_by",
            "referring_agency",
            "reasons",
            "status",
            "assessed_on",
            "assessment",
            "decided_on",
            "decided_by",
            "decision_reason",
            "licence_date",
            "placement",
            *TIMER_FIELDS,
        ]
        read_only_fields = [
            "referred_by",
            "status",
            "assessed_on",
            "assessment",
            "decided_on",
            "decided_by",
            "decision_reason",
            "licence_date",
            "placement",
        ]

    def service(self, record: MarsHouseReferral, *, by: Any) -> MarsHouseReferral:
        return services.receive_mars_house_referral(record, by=by)


class AssessmentSerializer(serializers.Serializer):
    assessed_on = serializers.DateField()
    notes = serializers.CharField(max_length=NOTE)


class MarsHouseDecisionSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    reason = serializers.CharField(max_length=NOTE, required=False, allow_blank=True, default="")


class SignUpSerializer(StayTermsSerializer):
    licence_date = serializers.DateField()


class HouseIssueSerializer(AccommodationSerializer):
    class Meta:
        model = HouseIssue
        fields = [
            "id",
            "property",
            "unit",
            "resident",
            "reported_at",
            "kind",
            "description",
            "dealt_with_by",
            "action_taken",
            "resolved_on",
            "logged_by",
        ]
        read_only_fields = ["logged_by"]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["resident"].queryset = visible_clients(request.user)
        return fields

    def service(self, record: HouseIssue, *, by: Any) -> HouseIssue:
        return services.save_issue(record, by=by)


# Views


class PanelPermission(permissions.BasePermission):
    """The panel's actions need the panel's permission (not the change permission)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return can_decide_a2a(request.user)


class ProviderViewSet(ScopedViewSet):
    queryset = Provider.objects.all()
    serializer_class = ProviderSerializer


class PropertyViewSet(ScopedViewSet):
    queryset = Property.objects.all()
    serializer_class = PropertySerializer
    filterset_fields = ["type", "provider", "active"]

    def get_queryset(self) -> models.QuerySet[Property]:
        return super().get_queryset().prefetch_related("units")


class UnitViewSet(ScopedViewSet):
    queryset = Unit.objects.all()
    serializer_class = UnitSerializer
    filterset_fields = ["property", "active", "kind"]

    def get_queryset(self) -> UnitQuerySet:
        units = access.visible(self.request.user, Unit.objects.all())
        return units.with_free_on(timezone.localdate())


class UnavailabilityViewSet(ScopedViewSet):
    queryset = Unavailability.objects.all()
    serializer_class = UnavailabilitySerializer
    filterset_fields = ["unit"]


class A2AReferralViewSet(RecordActionsMixin, ScopedViewSet):
    """A2A referrals. The list is the panel's queue order: priority 1 first, then days waiting."""

    refusals = REFUSALS
    queryset = A2AReferral.objects.all()
    serializer_class = A2AReferralSerializer
    filterset_fields = ["client", "status", "priority", "requested_type"]

    def get_queryset(self) -> A2AReferralQuerySet:
        referrals = access.visible(self.request.user, A2AReferral.objects.all())
        return referrals.queue_order()

    @extend_schema(request=PrioritySerializer, responses=A2AReferralSerializer)
    @action(detail=True, methods=["post"], permission_classes=[PanelPermission])
    def prioritise(self, request: Request, pk: str | None = None) -> Response:
        """The panel sets the priority (1 most urgent) and takes the referral under review."""
        return self.act(
            request,
            PrioritySerializer,
            lambda r, d: services.prioritise_referral(r, d["priority"], by=request.user),
        )

    @extend_schema(request=DecisionSerializer, responses=A2AReferralSerializer)
    @action(detail=True, methods=["post"], permission_classes=[PanelPermission])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """The panel approves or declines, with its reason."""
        return self.act(
            request,
            DecisionSerializer,
            lambda r, d: services.decide_referral(
                r,
                approve=d["approve"],
                reason=d["reason"],
                priority=d.get("priority"),
                by=request.user,
            ),
        )

    @extend_schema(request=ReasonSerializer, responses=A2AReferralSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        return self.act(
            request,
            ReasonSerializer,
            lambda r, d: services.withdraw_referral(r, reason=d["reason"], by=request.user),
        )


class PlacementViewSet(RecordActionsMixin, ScopedViewSet):
    refusals = REFUSALS
    queryset = Placement.objects.all()
    serializer_class = PlacementSerializer
    filterset_fields = ["client", "unit", "unit__property", "end_reason"]

    def get_queryset(self) -> PlacementQuerySet:
        placements = access.visible(self.request.user, Placement.objects.all())
        queryset = placements.select_related("unit__property")
        if self.request.query_params.get("current") in ("1", "true"):
            queryset = queryset.current()
        return queryset

    @extend_schema(
        parameters=[OpenApiParameter("current", bool, description="Only those living there today")]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=EndSerializer, responses=PlacementSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        """Record that the person left, and why."""
        return self.act(
            request,
            EndSerializer,
            lambda p, d: services.end_placement(p, by=request.user, **d),
        )

    @extend_schema(request=MoveSerializer, responses=PlacementSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        """End this placement and start the next, in another unit, on the same day."""
        access.require(request.user, access.perm(Placement, "add"))
        placement = self.get_object()
        checked = MoveSerializer(data=request.data)
        checked.is_valid(raise_exception=True)
        data = dict(checked.validated_data)
        unit = access.get_visible(request.user, Unit, data.pop("unit").pk)
        with refusals_as_validation_errors(*REFUSALS):
            new = services.move_client(placement, unit, by=request.user, **data)
        return Response(self.get_serializer(new).data, status=201)


class MarsHouseReferralViewSet(RecordActionsMixin, ScopedViewSet):
    refusals = REFUSALS
    queryset = MarsHouseReferral.objects.all()
    serializer_class = MarsHouseReferralSerializer
    filterset_fields = ["client", "status"]

    @extend_schema(request=AssessmentSerializer, responses=MarsHouseReferralSerializer)
    @action(detail=True, methods=["post"])
    def assess(self, request: Request, pk: str | None = None) -> Response:
        return self.act(
            request,
            AssessmentSerializer,
            lambda r, d: services.assess_mars_house_referral(r, by=request.user, **d),
        )

    @extend_schema(request=MarsHouseDecisionSerializer, responses=MarsHouseReferralSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        return self.act(
            request,
            MarsHouseDecisionSerializer,
            lambda r, d: services.decide_mars_house_referral(r, by=request.user, **d),
        )

    @extend_schema(request=SignUpSerializer, responses=MarsHouseReferralSerializer)
    @action(detail=True, methods=["post"], url_path="sign-up")
    def sign_up(self, request: Request, pk: str | None = None) -> Response:
        """Sign the person up to a room: the licence date starts their placement."""
        access.require(request.user, access.perm(Placement, "add"))

        def run(referral: MarsHouseReferral, data: dict[str, Any]) -> Any:
            unit = access.get_visible(request.user, Unit, data.pop("unit").pk)
            return services.sign_up(referral, unit, by=request.user, **data)

        return self.act(request, SignUpSerializer, run)

    @extend_schema(request=ReasonSerializer, responses=MarsHouseReferralSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        return self.act(
            request,
            ReasonSerializer,
            lambda r, d: services.withdraw_mars_house_referral(r, by=request.user, **d),
        )


class HouseIssueViewSet(ScopedViewSet):
    queryset = HouseIssue.objects.all()
    serializer_class = HouseIssueSerializer
    filterset_fields = ["property", "unit", "kind"]


# Figures


class FreeUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    property = serializers.IntegerField(source="property_id")
    property_name = serializers.CharField(source="property.name")
    property_type = serializers.CharField(source="property.type")


class EndingSoonSerializer(serializers.Serializer):
    placement = serializers.IntegerField(source="pk")
    unit = serializers.IntegerField(source="unit_id")
    client = serializers.IntegerField(source="client_id")
    planned_end = serializers.DateField()


class OutOfUseSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    start = serializers.DateField()
    end = serializers.DateField(allow_null=True)
    reason = serializers.CharField()


class BoardSerializer(serializers.Serializer):
    today = serializers.DateField()
    free = FreeUnitSerializer(many=True)
    ending_soon = EndingSoonSerializer(many=True)
    unavailable = OutOfUseSerializer(many=True)


class FiguresPermission(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return access.can(request.user, view.needs)


class AvailabilityViewSet(viewsets.ViewSet):
    """The availability board: units free today, placements ending within 14 days, out of use."""

    permission_classes = [FiguresPermission]
    schema = OneObjectSchema()
    needs = "accommodation.view_unit"

    @extend_schema(
        responses=BoardSerializer,
        parameters=[OpenApiParameter("type", str, enum=PropertyType.values)],
    )
    def list(self, request: Request) -> Response:
        user = request.user
        units = access.visible(user, Unit.objects.all())
        if request.query_params.get("type") in PropertyType.values:
            units = units.filter(property__type=request.query_params["type"])
        board = figures.board(
            units,
            access.visible(user, Placement.objects.all()).filter(unit__in=units),
            timezone.localdate(),
        )
        return Response(
            BoardSerializer(
                {
                    "today": board.today,
                    "free": board.free,
                    "ending_soon": board.ending_soon,
                    "unavailable": [period for _, period in board.unavailable],
                }
            ).data
        )


class RoomMonthSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit.pk")
    name = serializers.CharField(source="unit.name")
    days = serializers.IntegerField()
    occupied = serializers.IntegerField()
    unavailable = serializers.IntegerField()
    void = serializers.IntegerField()
    occupancy = serializers.FloatField(allow_null=True)


class VoidReportSerializer(serializers.Serializer):
    month = serializers.DateField()
    days = serializers.IntegerField()
    occupied_days = serializers.IntegerField()
    unavailable_days = serializers.IntegerField()
    void_days = serializers.IntegerField()
    occupancy = serializers.FloatField(allow_null=True)
    rooms = RoomMonthSerializer(many=True)


class MarsHouseVoidsViewSet(viewsets.ViewSet):
    """MARS House voids for a month: per room, days occupied, out of use and void; occupancy."""

    permission_classes = [FiguresPermission]
    schema = OneObjectSchema()
    needs = "accommodation.view_unit"

    @extend_schema(
        responses=VoidReportSerializer,
        parameters=[OpenApiParameter("month", str, description="YYYY-MM; last month if empty")],
    )
    def list(self, request: Request) -> Response:
        try:
            report = figures.requested_void_report(
                request.user, request.query_params.get("month"), timezone.localdate()
            )
        except MonthError as error:
            raise serializers.ValidationError({"month": [str(error)]}) from error
        return Response(VoidReportSerializer(report).data)


class TenancySerializer(serializers.Serializer):
    placement = serializers.IntegerField(source="placement.pk")
    current_placement = serializers.IntegerField(source="current.pk")
    client = serializers.IntegerField(source="placement.client_id")
    start = serializers.DateField()
    end = serializers.DateField(allow_null=True)
    end_reason = serializers.CharField(allow_blank=True)
    at_6_months = serializers.SerializerMethodField()
    at_12_months = serializers.SerializerMethodField()

    def get_at_6_months(self, tenancy: figures.Tenancy) -> str:
        return tenancy.at[6]

    def get_at_12_months(self, tenancy: figures.Tenancy) -> str:
        return tenancy.at[12]


class RateSerializer(serializers.Serializer):
    months = serializers.IntegerField()
    sustained = serializers.IntegerField()
    reached = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class HousingFirstSerializer(serializers.Serializer):
    rates = RateSerializer(many=True)
    tenancies = TenancySerializer(many=True)


class HousingFirstViewSet(viewsets.ViewSet):
    """Housing First tenancies with their outcome at 6 and 12 months, and the sustainment rates."""

    permission_classes = [FiguresPermission]
    schema = OneObjectSchema()
    needs = "accommodation.view_placement"

    @extend_schema(responses=HousingFirstSerializer)
    def list(self, request: Request) -> Response:
        tenancies = figures.tenancies(
            access.visible(request.user, Placement.objects.all()), timezone.localdate()
        )
        return Response(
            HousingFirstSerializer(
                {"rates": figures.sustainment_rates(tenancies), "tenancies": tenancies}
            ).data
        )


def register(router: DefaultRouter) -> None:
    router.register("providers", ProviderViewSet)
    router.register("properties", PropertyViewSet)
    router.register("units", UnitViewSet)
    router.register("unit-unavailability", UnavailabilityViewSet)
    router.register("a2a-referrals", A2AReferralViewSet)
    router.register("placements", PlacementViewSet)
    router.register("mars-house-referrals", MarsHouseReferralViewSet)
    router.register("house-issues", HouseIssueViewSet)
    router.register("availability", AvailabilityViewSet, basename="availability")
    router.register("mars-house-voids", MarsHouseVoidsViewSet, basename="mars-house-voids")
    router.register("housing-first", HousingFirstViewSet, basename="housing-first")
