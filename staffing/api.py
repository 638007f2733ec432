"""REST API for absences and caseload cover: the same services and access rules as the pages."""

from __future__ import annotations

from typing import Any

import django_filters
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, build_choice_field
from rest_framework import serializers
from rest_framework.routers import DefaultRouter

from mars.api import ScopedViewSet, ServiceSerializer
from staffing import access, services
from staffing.models import Absence, AbsenceKind, AbsenceQuerySet, CaseloadCover

REFUSALS = (services.StaffingError,)
HIDDEN = (
    '"away" in place of a kind that is or was sickness, for anyone but the coordinator and '
    "the worker."
)


class AbsenceKindField(serializers.ChoiceField):
    """An absence's kind: one of AbsenceKind when written; read as the reader sees it
    (staffing.access.shown_kind: "away" where it hides sickness)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=AbsenceKind.choices, **kwargs)


class AbsenceKindFieldSchema(OpenApiSerializerFieldExtension):
    """In the schema, the kind written is an AbsenceKind; the kind read may also be "away"."""

    target_class = AbsenceKindField

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        if direction == "request":
            return build_choice_field(self.target)
        # A component of its own: the enum hook names one choice set per field and component,
        # and would give the request's kind "away" too.
        schema = build_choice_field(serializers.ChoiceField(choices=access.SHOWN_KINDS))
        schema.pop("x-spec-enum-id", None)
        schema["description"] = f"{HIDDEN}\n\n{schema['description']}"
        component = ResolvedComponent(
            name="ShownAbsenceKindEnum",
            type=ResolvedComponent.SCHEMA,
            object="ShownAbsenceKindEnum",
            schema=schema,
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


class AbsenceSerializer(ServiceSerializer):
    refusals = REFUSALS
    worker = serializers.PrimaryKeyRelatedField(
        queryset=services.staff_choices(),
        required=False,
        help_text="Whose absence: yourself when left out (only the coordinator names another).",
    )
    kind = AbsenceKindField()
    kind_label = serializers.SerializerMethodField(
        help_text='"Away" in place of a kind that is or was sickness, for anyone but the '
        "coordinator and the worker."
    )

    class Meta:
        model = Absence
        fields = ["id", "worker", "kind", "kind_label", "starts", "ends", "notes", "created_by"]
        read_only_fields = ["created_by"]

    def get_kind_label(self, absence: Absence) -> str:
        return access.kind_label(self.context["request"].user, absence)

    def to_representation(self, instance: Absence) -> dict[str, Any]:
        user = self.context["request"].user
        data: dict[str, Any] = super().to_representation(instance)
        data["kind"] = access.shown_kind(user, instance)
        if not access.reads_details(user, instance):
            data["notes"] = ""
        return data

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is None:
            attrs.setdefault("worker", self.context["request"].user)
        elif "worker" in attrs and attrs["worker"] != self.instance.worker:
            raise serializers.ValidationError({"worker": "An absence stays with its worker."})
        return attrs

    def service(self, record: Absence, *, by: Any) -> Absence:
        return services.record_absence(record, by=by)


class CaseloadCoverSerializer(ServiceSerializer):
    refusals = REFUSALS
    worker = serializers.PrimaryKeyRelatedField(queryset=services.staff_choices())
    covered_by = serializers.PrimaryKeyRelatedField(queryset=services.staff_choices())

    class Meta:
        model = CaseloadCover
        fields = ["id", "worker", "covered_by", "starts", "ends", "notes", "created_by"]
        read_only_fields = ["created_by"]

    def service(self, record: CaseloadCover, *, by: Any) -> CaseloadCover:
        return services.hand_over_caseload(record, by=by)


class AbsenceFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=access.SHOWN_KINDS,
        method="filter_kind",
        help_text=f"The kind as you read it: {HIDDEN}",
    )

    class Meta:
        model = Absence
        fields = ["worker", "kind"]

    def filter_kind(self, absences: AbsenceQuerySet, name: str, value: str) -> AbsenceQuerySet:
        # On the kind the reader sees, so that filtering does not tell who is off sick.
        return access.with_kind_shown(self.request.user, absences, value)


class AbsenceViewSet(ScopedViewSet):
    """Planned absences: a worker records their own leave and training, the coordinator anyone's."""

    queryset = Absence.objects.select_related("worker").with_sickness_known()
    serializer_class = AbsenceSerializer
    filterset_class = AbsenceFilter


class CaseloadCoverViewSet(ScopedViewSet):
    """Caseload cover: the coordinator hands a worker's caseload to another for a period."""

    queryset = CaseloadCover.objects.select_related("worker", "covered_by")
    serializer_class = CaseloadCoverSerializer
    filterset_fields = ["worker", "covered_by"]


def register(router: DefaultRouter) -> None:
    router.register("absences", AbsenceViewSet)
    router.register("caseload-covers", CaseloadCoverViewSet)
