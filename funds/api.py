"""REST API for funds and payments: the same services and access rules as the pages."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import FileResponse, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from funds import export, hardship, services, uploads
from funds.access import can_approve_payments
from funds.models import (
    Approval,
    DocumentKind,
    Fund,
    FundQuerySet,
    HardshipAnswer,
    HardshipAssessment,
    HardshipQuestion,
    Payment,
    PaymentMethod,
    PaymentRequest,
    Receipt,
)
from funds.uploads import as_download
from mars import access
from mars.api import (
    AccessPermission,
    NotesReads,
    RecordActionsMixin,
    RecordedViewSet,
    ScopedViewSet,
    ServiceSerializer,
    refusals_as_validation_errors,
)
from mars.spreadsheets import download
from mars.text import NOTE

REFUSALS = (services.FundsError,)


class FundSerializer(ServiceSerializer):
    refusals = REFUSALS
    waiting = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    committed = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    paid = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    remaining = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = Fund
        fields = [
            "id",
            "name",
            "kind",
            "year",
            "budget",
            "approval_threshold",
            "per_person_limit",
            "hardship_largest_payment",
            "hardship_most_payments",
            "notes",
            "waiting",
            "committed",
            "paid",
            "remaining",
        ]

    def service(self, record: Fund, *, by: Any) -> Fund:
        saved = services.save_fund(record, by=by)
        return Fund.objects.with_totals().get(pk=saved.pk)


class FundViewSet(ScopedViewSet):
    """Funds with their budget, what waits for approval, what is committed, paid and remains."""

    queryset = Fund.objects.all()
    serializer_class = FundSerializer
    filterset_fields = ["year", "kind"]

    def get_queryset(self) -> FundQuerySet:
        return access.visible(self.request.user, Fund.objects.all()).with_totals()


class ApprovalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Approval
        fields = ["capacity", "approved_by", "approved_at", "comment", "override_reason"]


class PaymentMadeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "request", "amount", "paid_on", "method", "reference", "recorded_by"]


class ReceiptSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = Receipt
        fields = [
            "id",
            "kind",
            "original_name",
            "content_type",
            "size",
            "uploaded_by",
            "uploaded_at",
            "download",
        ]

    def get_download(self, receipt: Receipt) -> str:
        request = self.context.get("request")
        path = f"/api/receipts/{receipt.pk}/download/"
        return request.build_absolute_uri(path) if request else path


class PaymentRequestSerializer(ServiceSerializer):
    refusals = REFUSALS
    approvals = ApprovalSerializer(many=True, read_only=True)
    payment = PaymentMadeSerializer(read_only=True, allow_null=True)
    receipts = ReceiptSerializer(many=True, read_only=True)
    reference = serializers.CharField(read_only=True)
    waiting_for = serializers.SerializerMethodField(
        help_text="The approvals still needed (coordinator, director, resettlement_manager)."
    )
    hardship_breaks = serializers.SerializerMethodField()
    cannot_be_approved_because = serializers.SerializerMethodField()

    class Meta:
        model = PaymentRequest
        fields = [
            "id",
            "reference",
            "fund",
            "client",
            "house",
            "issue",
            "amount",
            "purpose",
            "payee",
            "needed_by",
            "status",
            "requested_by",
            "requested_at",
            "approved_at",
            "closed_by",
            "closed_at",
            "close_reason",
            "waiting_for",
            "hardship_breaks",
            "cannot_be_approved_because",
            "approvals",
            "payment",
            "receipts",
        ]
        read_only_fields = [
            "status",
            "requested_by",
            "requested_at",
            "approved_at",
            "closed_by",
            "closed_at",
            "close_reason",
        ]

    def _checks(self, record: PaymentRequest) -> services.Checks:
        # The checks are worked out once a response.
        cache = self.context.setdefault("checks", {})  # type: ignore[attr-defined]  # a dict, typed Mapping
        if record.pk not in cache:
            cache[record.pk] = services.check_rules(record)
        return cache[record.pk]

    def get_waiting_for(self, record: PaymentRequest) -> list[str]:
        return self._checks(record).waiting_for if record.is_open else []

    def get_hardship_breaks(self, record: PaymentRequest) -> list[str]:
        return self._checks(record).hardship_breaks if record.is_open else []

    def get_cannot_be_approved_because(self, record: PaymentRequest) -> list[str]:
        return self._checks(record).refusals if record.is_open else []

    def service(self, record: PaymentRequest, *, by: Any) -> PaymentRequest:
        return services.request_payment(record, by=by)


class ApproveSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=NOTE, required=False, allow_blank=True, default="")
    override_reason = serializers.CharField(
        max_length=NOTE,
        required=False,
        allow_blank=True,
        default="",
        help_text="The director's reason for approving past a hardship rule (then required).",
    )


class CloseReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=NOTE, required=False, allow_blank=True, default="")


class PaySerializer(serializers.Serializer):
    paid_on = serializers.DateField()
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    reference = serializers.CharField(max_length=100)


class ReceiptUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices, default=DocumentKind.RECEIPT)
    file = serializers.FileField(help_text="PDF, JPEG or PNG, up to 10 MB.")


class CanApprove(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return can_approve_payments(request.user)


def _require(user: Any, permission: str) -> None:
    if not access.can(user, permission):
        raise PermissionDenied


class PaymentRequestViewSet(RecordActionsMixin, ScopedViewSet):
    """Payment requests. A new one waits for approval; it can be changed only until someone
    approves it. `?to_approve=1` lists those waiting for the signed-in user's approval."""

    refusals = REFUSALS
    queryset = PaymentRequest.objects.all()
    serializer_class = PaymentRequestSerializer
    filterset_fields = ["fund", "client", "status", "requested_by"]

    def get_queryset(self) -> models.QuerySet[PaymentRequest]:
        found = super().get_queryset()
        if self.request.query_params.get("to_approve") == "1":
            found = services.approval_queue(self.request.user)
        return found.select_related("fund", "client", "payment").prefetch_related(
            "approvals", "receipts"
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "to_approve", bool, description="Only those waiting for my approval (1)."
            )
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ApproveSerializer, responses=PaymentRequestSerializer)
    @action(detail=True, methods=["post"], permission_classes=[CanApprove])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Approve in the part the signed-in user plays (coordinator, director, resettlement
        manager). Refused for one's own request, past the budget or a person's limit."""
        return self.act(
            request,
            ApproveSerializer,
            lambda r, d: services.approve_payment(
                r, comment=d["comment"], override_reason=d["override_reason"], by=request.user
            ),
        )

    @extend_schema(request=CloseReasonSerializer, responses=PaymentRequestSerializer)
    @action(detail=True, methods=["post"], permission_classes=[CanApprove])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        """Turn a waiting request down; the reason is required."""
        return self.act(
            request,
            CloseReasonSerializer,
            lambda r, d: services.reject_payment(r, reason=d["reason"], by=request.user),
        )

    @extend_schema(request=CloseReasonSerializer, responses=PaymentRequestSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Withdraw a request that is not paid (the person who asked, or a coordinator)."""
        _require(request.user, "funds.change_paymentrequest")
        return self.act(
            request,
            CloseReasonSerializer,
            lambda r, d: services.cancel_payment(r, reason=d["reason"], by=request.user),
        )

    @extend_schema(request=PaySerializer, responses=PaymentRequestSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request: Request, pk: str | None = None) -> Response:
        """Record that an approved request was paid: date, method, reference."""
        _require(request.user, "funds.pay_paymentrequest")
        return self.act(
            request,
            PaySerializer,
            lambda r, d: services.record_payment(r, by=request.user, **d),
        )

    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": ReceiptUploadSerializer},
        responses={201: ReceiptSerializer},
    )
    @extend_schema(methods=["get"], responses=ReceiptSerializer(many=True))
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser],
        # Every receipt of one request, in one answer.
        pagination_class=None,
    )
    def receipts(self, request: Request, pk: str | None = None) -> Response:
        """The request's receipts and invoices; POST attaches one (PDF, JPEG or PNG)."""
        record = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            return Response(
                ReceiptSerializer(record.receipts.all(), many=True, context=context).data
            )
        _require(request.user, "funds.add_receipt")
        upload = ReceiptUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        with refusals_as_validation_errors(*REFUSALS):
            receipt = services.attach_receipt(
                record,
                upload.validated_data["file"],
                kind=upload.validated_data["kind"],
                by=request.user,
            )
        return Response(ReceiptSerializer(receipt, context=context).data, status=201)


class ReceiptViewSet(NotesReads, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Receipts and invoices, each only to those who may see its request."""

    serializer_class = ReceiptSerializer
    permission_classes = [AccessPermission]
    queryset = Receipt.objects.all()

    def get_queryset(self) -> models.QuerySet[Receipt]:
        return services.visible_receipts(self.request.user)

    @extend_schema(responses={(200, kind): OpenApiTypes.BINARY for _, kind in uploads.SIGNATURES})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        """The file itself, as a download."""
        return as_download(self.get_object())


class PaymentFilterSerializer(serializers.Serializer):
    paid_from = serializers.DateField()
    paid_to = serializers.DateField()
    fund = serializers.PrimaryKeyRelatedField(queryset=Fund.objects.all(), required=False)
    spreadsheet = serializers.ChoiceField(choices=["csv", "xlsx"], default="xlsx")


class PaymentViewSet(NotesReads, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Payments made; `export` gives the finance team's CSV or XLSX for a period."""

    serializer_class = PaymentMadeSerializer
    permission_classes = [AccessPermission]
    queryset = Payment.objects.all()
    filterset_fields = {"paid_on": ["gte", "lte"], "request__fund": ["exact"]}

    def get_queryset(self) -> models.QuerySet[Payment]:
        return Payment.objects.filter(
            request__in=access.visible(self.request.user, PaymentRequest.objects.all())
        ).order_by("-paid_on", "-id")

    @extend_schema(
        parameters=[PaymentFilterSerializer],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY),
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiResponse(OpenApiTypes.BINARY),
        },
    )
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> HttpResponse:
        """Payments made from `paid_from` to `paid_to`, from one fund or all, as CSV or XLSX.
        No cell can run as a formula."""
        _require(request.user, "funds.export_paymentrequest")
        checked = PaymentFilterSerializer(data=request.query_params)
        checked.is_valid(raise_exception=True)
        data = checked.validated_data
        return download(
            *export.export(
                data["paid_from"], data["paid_to"], data.get("fund"), data["spreadsheet"]
            )
        )


class HardshipAnswerSerializer(serializers.ModelSerializer):
    question = serializers.PrimaryKeyRelatedField(
        queryset=HardshipQuestion.objects.filter(active=True),
        help_text="The question's id (GET /api/hardship-questions/).",
    )
    question_text = serializers.CharField(read_only=True)

    class Meta:
        model = HardshipAnswer
        fields = ["question", "question_text", "answer"]


class HardshipAssessmentSerializer(ServiceSerializer):
    """An assessment is made once: authorise or director asks for the payment (`request`)."""

    refusals = REFUSALS
    reference = serializers.CharField(read_only=True)
    answers = HardshipAnswerSerializer(
        many=True, help_text="An answer to each active question of the procedure."
    )

    class Meta:
        model = HardshipAssessment
        fields = [
            "id",
            "reference",
            "client",
            "fund",
            "circumstances",
            "benefits",
            "benefits_note",
            "local_welfare",
            "local_welfare_note",
            "food_bank",
            "food_bank_note",
            "other_funds",
            "other_funds_note",
            "amount",
            "purpose",
            "payee",
            "rules",
            "recommendation",
            "reason",
            "assessed_by",
            "assessed_at",
            "request",
            "answers",
        ]
        read_only_fields = ["rules", "assessed_by", "assessed_at", "request"]

    def create(self, validated_data: dict[str, Any]) -> HardshipAssessment:
        answers = {a["question"].pk: a["answer"] for a in validated_data.pop("answers")}
        record = HardshipAssessment(**validated_data)
        with refusals_as_validation_errors(*self.refusals):
            return hardship.assess_hardship(
                record, answers=answers, by=self.context["request"].user
            )


class HardshipAssessmentViewSet(RecordedViewSet):
    """Hardship assessments, made before a payment from a hardship fund. Each is kept as made:
    list, retrieve and create only."""

    queryset = HardshipAssessment.objects.all()
    serializer_class = HardshipAssessmentSerializer
    filterset_fields = ["client", "fund", "recommendation"]

    def get_queryset(self) -> models.QuerySet[HardshipAssessment]:
        return super().get_queryset().prefetch_related("answers")


class HardshipQuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = HardshipQuestion
        fields = ["id", "text", "order"]


class CanAssessHardship(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return access.can(request.user, "funds.add_hardshipassessment")


class HardshipQuestionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The procedure's questions an assessment answers now, in order (the administrator keeps
    them in the Django admin)."""

    serializer_class = HardshipQuestionSerializer
    permission_classes = [CanAssessHardship]
    queryset = HardshipQuestion.objects.all()
    pagination_class = None

    def get_queryset(self) -> models.QuerySet[HardshipQuestion]:
        return hardship.questions()


def register(router: DefaultRouter) -> None:
    router.register("funds", FundViewSet)
    router.register("payment-requests", PaymentRequestViewSet)
    router.register("payments", PaymentViewSet)
    router.register("receipts", ReceiptViewSet)
    router.register("hardship-assessments", HardshipAssessmentViewSet)
    router.register("hardship-questions", HardshipQuestionViewSet)
