"""REST API for subject access and the other data protection requests, and the export: the same
services and access rules as the pages."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from mars import access
from mars.api import (
    RecordedViewSet,
    ServiceSerializer,
    refusals_as_validation_errors,
)
from mars.forms import staff_label
from mars.text import NOTE
from rights import export, services
from rights.access import EXPORT_PERMISSION
from rights.models import AccessStatus, Decision, RightsRequest, SubjectAccessRequest

REFUSALS = (services.RightsError,)


class SubjectAccessRequestSerializer(ServiceSerializer):
    refusals = REFUSALS
    deadline = serializers.DateField(read_only=True, help_text="The extension's date, else due_on.")

    class Meta:
        model = SubjectAccessRequest
        fields = [
            "id",
            "client",
            "received_on",
            "requested_by",
            "representative",
            "identity_checked_on",
            "due_on",
            "extended_to",
            "extension_reason",
            "deadline",
            "status",
            "completed_on",
            "closing_reason",
            "export_made_at",
            "export_made_by",
            "recorded_by",
            "notes",
        ]
        read_only_fields = ["export_made_at", "export_made_by", "recorded_by"]

    def service(self, record: SubjectAccessRequest, *, by: Any) -> SubjectAccessRequest:
        return services.record_access_request(record, by=by)


class IdentitySerializer(serializers.Serializer):
    checked_on = serializers.DateField()


class ExtendSerializer(serializers.Serializer):
    extended_to = serializers.DateField()
    extension_reason = serializers.CharField(max_length=NOTE)


class CompleteSerializer(serializers.Serializer):
    completed_on = serializers.DateField()


class CloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[AccessStatus.REFUSED, AccessStatus.WITHDRAWN])
    reason = serializers.CharField(max_length=NOTE)


class _ScopedReadCreate(RecordedViewSet):
    """Requests are recorded, then changed only through their actions (each a service)."""

    refusals = REFUSALS

    def act(self, request: Request, shape: Any, run: Any) -> Response:
        access.require(request.user, access.perm(self.get_queryset().model, "change"))
        return super().act(request, shape, run)


class SubjectAccessRequestViewSet(_ScopedReadCreate):
    """Subject access requests: record, check identity, extend, complete, close; the export."""

    queryset = SubjectAccessRequest.objects.select_related("client")
    serializer_class = SubjectAccessRequestSerializer
    filterset_fields = ["client", "status"]

    @extend_schema(request=IdentitySerializer, responses=SubjectAccessRequestSerializer)
    @action(detail=True, methods=["post"])
    def identity(self, request: Request, pk: str | None = None) -> Response:
        """Record that the requester's identity was checked."""
        return self.act(
            request,
            IdentitySerializer,
            lambda r, d: services.record_identity_check(
                r, checked_on=d["checked_on"], by=request.user
            ),
        )

    @extend_schema(request=ExtendSerializer, responses=SubjectAccessRequestSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, pk: str | None = None) -> Response:
        """Put the deadline back, with a reason: at most two months past the due date."""
        return self.act(
            request,
            ExtendSerializer,
            lambda r, d: services.extend_request(
                r, to=d["extended_to"], reason=d["extension_reason"], by=request.user
            ),
        )

    @extend_schema(request=CompleteSerializer, responses=SubjectAccessRequestSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        """Record that the person was given their copy (the export made first)."""
        return self.act(
            request,
            CompleteSerializer,
            lambda r, d: services.complete_request(
                r, completed_on=d["completed_on"], by=request.user
            ),
        )

    @extend_schema(request=CloseSerializer, responses=SubjectAccessRequestSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """Close the request as refused or withdrawn, with the reason."""
        return self.act(
            request,
            CloseSerializer,
            lambda r, d: services.close_request(
                r, outcome=d["outcome"], reason=d["reason"], by=request.user
            ),
        )

    @extend_schema(
        request=None,
        responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(detail=True, methods=["post"])
    def export(self, request: Request, pk: str | None = None) -> FileResponse:
        """Make the export of everything held about the person: a ZIP of the PDF, the JSON,
        their receipts and the list of what was redacted. Written to the access log."""
        sar = self.get_object()
        if not access.can(request.user, EXPORT_PERMISSION):
            raise PermissionDenied
        with refusals_as_validation_errors(*REFUSALS), transaction.atomic():
            services.note_export(sar, by=request.user)
            made = export.export_file(sar.client, made_by=staff_label(request.user))
        export.log_export(sar.client)
        response = FileResponse(
            made,
            as_attachment=True,
            filename=f"{export.file_name(sar.client)}.zip",
            content_type="application/zip",
        )
        response["Cache-Control"] = "private, no-store"
        return response


class RightsRequestSerializer(ServiceSerializer):
    refusals = REFUSALS
    # Empty until the request is decided.
    decision = serializers.ChoiceField(choices=Decision.choices, allow_blank=True, read_only=True)

    class Meta:
        model = RightsRequest
        fields = [
            "id",
            "client",
            "kind",
            "received_on",
            "request",
            "decision",
            "decision_reason",
            "decided_on",
            "decided_by",
            "recorded_by",
        ]
        read_only_fields = ["recorded_by"]

    def service(self, record: RightsRequest, *, by: Any) -> RightsRequest:
        return services.record_rights_request(record, by=by)


class DecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    decision_reason = serializers.CharField(max_length=NOTE)
    decided_on = serializers.DateField()


class RightsRequestViewSet(_ScopedReadCreate):
    """Requests for rectification, erasure, restriction and objection, and their decisions."""

    queryset = RightsRequest.objects.select_related("client")
    serializer_class = RightsRequestSerializer
    filterset_fields = ["client", "kind", "decision"]

    @extend_schema(request=DecideSerializer, responses=RightsRequestSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """Decide the request (once), with the reason the person is told."""
        return self.act(
            request,
            DecideSerializer,
            lambda r, d: services.decide_rights_request(
                r,
                decision=d["decision"],
                reason=d["decision_reason"],
                decided_on=d["decided_on"],
                by=request.user,
            ),
        )


def register(router: DefaultRouter) -> None:
    router.register("subject-access-requests", SubjectAccessRequestViewSet)
    router.register("rights-requests", RightsRequestViewSet)
