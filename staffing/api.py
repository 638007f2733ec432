"""REST API for absences and caseload cover: the same services and access rules as the pages."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.routers import DefaultRouter

from mars.api import ScopedViewSet, ServiceSerializer
from staffing import access, services
from staffing.models import Absence, CaseloadCover

REFUSALS = (services.StaffingError,)


class AbsenceSerializer(ServiceSerializer):
    refusals = REFUSALS
    worker = serializers.PrimaryKeyRelatedField(
        queryset=services.staff_choices(),
        required=False,
        help_text="Whose absence: yourself when left out (only the coordinator names another).",
    )
    kind_label = serializers.SerializerMethodField(
        help_text='"Away" in place of sickness for anyone but the coordinator and the worker.'
    )

    class Meta:
        model = Absence
        fields = ["id", "worker", "kind", "kind_label", "starts", "ends", "notes", "created_by"]
        read_only_fields = ["created_by"]

    def get_kind_label(self, absence: Absence) -> str:
        return access.kind_label(self.context["request"].user, absence)

    def to_representation(self, instance: Absence) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if not access.reads_details(self.context["request"].user, instance):
            data["notes"] = ""
            if data["kind_label"] == access.AWAY:
                data["kind"] = "away"
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


class AbsenceViewSet(ScopedViewSet):
    """Planned absences: a worker records their own leave and training, the coordinator anyone's."""

    queryset = Absence.objects.select_related("worker")
    serializer_class = AbsenceSerializer
    filterset_fields = ["worker", "kind"]


class CaseloadCoverViewSet(ScopedViewSet):
    """Caseload cover: the coordinator hands a worker's caseload to another for a period."""

    queryset = CaseloadCover.objects.select_related("worker", "covered_by")
    serializer_class = CaseloadCoverSerializer
    filterset_fields = ["worker", "covered_by"]


def register(router: DefaultRouter) -> None:
    router.register("absences", AbsenceViewSet)
    router.register("caseload-covers", CaseloadCoverViewSet)
