"""REST API for outreach: the same services and access rules as the pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.decorators import method_decorator
from django.views.decorators.gzip import gzip_page
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from clients.access import may_see_special_category, note_seen_by, visible_clients
from clients.models import SPECIAL_NEEDS, Agency, Client, SupportNeed, key_worker_choices
from mars import access
from mars.api import (
    RecordActionsMixin,
    RecordedViewSet,
    ScopedViewSet,
    refusals_as_validation_errors,
)
from mars.api import ServiceSerializer as BaseServiceSerializer
from mars.openapi import OneObjectSchema
from mars.text import NOTE
from outreach import figures, phone, services
from outreach.access import may_cover_sessions
from outreach.models import (
    Contact,
    CountedPerson,
    Hotspot,
    Intervention,
    OutreachSession,
    PublicReport,
    ReportAttempt,
    RoughSleepingCount,
    SessionCover,
    SevereWeatherActivation,
    SwepOffer,
)
from staffing.services import staff_choices


class ServiceSerializer(BaseServiceSerializer):
    refusals = (services.OutreachError,)


class HotspotSerializer(ServiceSerializer):
    class Meta:
        model = Hotspot
        fields = ["id", "name", "area", "description", "active", "latitude", "longitude"]

    def service(self, record: Hotspot, *, by: Any) -> Hotspot:
        return services.save_hotspot(record, by=by)


class SessionSerializer(ServiceSerializer):
    staff = serializers.PrimaryKeyRelatedField(many=True, queryset=get_user_model().objects.none())
    partners = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Agency.objects.all(), required=False
    )

    class Meta:
        model = OutreachSession
        fields = [
            "id",
            "date",
            "start_time",
            "end_time",
            "area",
            "staff",
            "partners",
            "other_partners",
            "notes",
        ]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["staff"].child_relation.queryset = key_worker_choices()
        return fields

    def save_with(self, record: Any, data: dict[str, Any]) -> Any:
        staff = data.pop("staff", None)
        partners = data.pop("partners", None)
        for name, value in data.items():
            setattr(record, name, value)
        with refusals_as_validation_errors(services.OutreachError):
            return services.save_session(
                record,
                staff=staff if staff is not None else record.staff.all(),
                partners=partners
                if partners is not None
                else (record.partners.all() if record.pk else []),
                by=self.context["request"].user,
            )


class SessionCoverSerializer(ServiceSerializer):
    """Cover for one worker's place on a planned session: who is away, who covers, and whether
    the covering worker took their place. Made once, through outreach.services.cover_session."""

    session = serializers.PrimaryKeyRelatedField(queryset=OutreachSession.objects.none())
    away = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(),
        help_text="The member of the session's staff away that day.",
    )
    covering = serializers.PrimaryKeyRelatedField(
        queryset=staff_choices(), help_text="Who covers: not on the session, not away that day."
    )

    class Meta:
        model = SessionCover
        fields = ["id", "session", "away", "covering", "replaced", "created_by", "created_at"]
        read_only_fields = ["created_by", "created_at"]
        # A second cover of one place is the service's to refuse, in its own words.
        validators: list[Any] = []

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["session"].queryset = access.visible(request.user, OutreachSession.objects.all())
        return fields

    def service(self, record: SessionCover, *, by: Any) -> SessionCover:
        return services.cover_session(
            record.session,
            away=record.away,
            covering=record.covering,
            replace=record.replaced,
            by=by,
        )


class ContactSerializer(ServiceSerializer):
    needs_observed = serializers.ListField(
        child=serializers.ChoiceField(choices=SupportNeed.choices), required=False
    )

    class Meta:
        model = Contact
        fields = [
            "id",
            "client",
            "description",
            "at",
            "kind",
            "bedded_down",
            "verification",
            "location",
            "hotspot",
            "latitude",
            "longitude",
            "engagement",
            "needs_observed",
            "notes",
            "sensitive",
            "session",
            "worker",
        ]
        read_only_fields = ["worker"]
        extra_kwargs = {
            "client": {"required": False, "allow_null": True},
            "notes": {
                "help_text": "A sensitive note reads as held to those who may not see the "
                "person's special category data; so do health, offending and immigration needs "
                "observed (left out of `needs_observed`)."
            },
        }

    def to_representation(self, instance: Contact) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not may_see_special_category(request.user, instance.client):
            data["notes"] = note_seen_by(
                request.user, instance.client, instance.notes, sensitive=instance.sensitive
            )
            data["needs_observed"] = [n for n in data["needs_observed"] if n not in SPECIAL_NEEDS]
        return data

    def service(self, record: Contact, *, by: Any) -> Contact:
        if (
            record.pk
            and Contact.objects.get(pk=record.pk).holds_special_category
            and not may_see_special_category(by, record.client)
        ):
            raise PermissionDenied(
                "You may not change a contact whose restricted notes you cannot see."
            )
        return services.log_contact(record, by=by)


class LinkSerializer(serializers.Serializer):
    client = serializers.PrimaryKeyRelatedField(queryset=Client.objects.none())

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        client = fields["client"]
        if isinstance(client, serializers.RelatedField):
            client.queryset = visible_clients(self.context["request"].user)  # type: ignore[arg-type]  # stubs misread Manager in its type
        return fields


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportAttempt
        fields = ["id", "at", "session", "found", "found_contact", "notes", "by"]
        read_only_fields = ["found", "by"]

    found_contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.none(), required=False, allow_null=True, write_only=True
    )

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        request = self.context.get("request")
        found_contact = fields["found_contact"]
        if request is not None and isinstance(found_contact, serializers.RelatedField):
            found_contact.queryset = access.visible(request.user, Contact.objects.all())  # type: ignore[arg-type]  # stubs misread Manager in its type
        return fields


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=NOTE)


class AllocateSerializer(serializers.Serializer):
    session = serializers.PrimaryKeyRelatedField(queryset=OutreachSession.objects.all())


class PublicReportSerializer(ServiceSerializer):
    attempts = AttemptSerializer(many=True, read_only=True)
    first_attempt_at = serializers.DateTimeField(read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = PublicReport
        fields = [
            "id",
            "received_at",
            "source",
            "source_reference",
            "location",
            "hotspot",
            "description",
            "reporter_consents",
            "reporter_name",
            "reporter_contact",
            "status",
            "allocated_session",
            "first_attempt_at",
            "found_contact",
            "outcome",
            "closed_at",
            "overdue",
            "attempts",
        ]
        read_only_fields = [
            "status",
            "allocated_session",
            "found_contact",
            "outcome",
            "closed_at",
        ]

    def get_overdue(self, report: PublicReport) -> bool:
        return report.is_overdue()

    def service(self, record: PublicReport, *, by: Any) -> PublicReport:
        return services.save_report(record, by=by)


class InterventionSerializer(ServiceSerializer):
    class Meta:
        model = Intervention
        fields = [
            "id",
            "client",
            "kind",
            "opened",
            "closed",
            "outcome",
            "outcome_notes",
            "worker",
            "notes",
            "destination",
            "local_connection_verified_by",
            "travel_arranged",
        ]
        extra_kwargs = {"worker": {"required": False}}

    def service(self, record: Intervention, *, by: Any) -> Intervention:
        return services.save_intervention(record, by=by)


class SwepActivationSerializer(ServiceSerializer):
    class Meta:
        model = SevereWeatherActivation
        fields = ["id", "starts", "ends", "trigger", "forecast_minimum", "note", "activated_by"]
        read_only_fields = ["activated_by"]

    def service(self, record: SevereWeatherActivation, *, by: Any) -> SevereWeatherActivation:
        return services.save_swep_activation(record, by=by)


class SwepSummarySerializer(serializers.Serializer):
    offered = serializers.IntegerField()
    accepted = serializers.IntegerField()
    declined = serializers.IntegerField()
    still_out = serializers.IntegerField()
    unidentified_sightings = serializers.IntegerField()


class SwepOfferSerializer(ServiceSerializer):
    class Meta:
        model = SwepOffer
        fields = [
            "id",
            "activation",
            "client",
            "offered_on",
            "offer",
            "accepted",
            "declined_reason",
            "mental_health_assessment_requested",
            "notes",
            "made_by",
        ]
        read_only_fields = ["made_by"]

    def service(self, record: SwepOffer, *, by: Any) -> SwepOffer:
        return services.save_swep_offer(record, by=by)


class CountSerializer(ServiceSerializer):
    agencies_consulted = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Agency.objects.all(), required=False
    )

    class Meta:
        model = RoughSleepingCount
        fields = ["id", "night", "method", "areas_covered", "agencies_consulted", "notes"]

    def save_with(self, record: Any, data: dict[str, Any]) -> Any:
        agencies = data.pop("agencies_consulted", None)
        for name, value in data.items():
            setattr(record, name, value)
        with refusals_as_validation_errors(services.OutreachError):
            return services.save_count(
                record,
                agencies=agencies
                if agencies is not None
                else (record.agencies_consulted.all() if record.pk else []),
                by=self.context["request"].user,
            )


class CountTotalsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    gender = serializers.DictField(child=serializers.IntegerField())
    age_band = serializers.DictField(child=serializers.IntegerField())
    nationality_group = serializers.DictField(child=serializers.IntegerField())


class CountedPersonSerializer(ServiceSerializer):
    class Meta:
        model = CountedPerson
        fields = ["id", "count", "client", "gender", "age_band", "nationality_group", "location"]
        extra_kwargs = {"client": {"required": False, "allow_null": True}}

    def service(self, record: CountedPerson, *, by: Any) -> CountedPerson:
        return services.save_counted_person(record, by=by)


class HotspotMonthSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="The month's first day (Europe/London).")
    # A declared field: the metaclass takes it off the class, so Field.label is not shadowed.
    label = serializers.CharField()  # type: ignore[assignment]
    people = serializers.IntegerField(
        help_text="Distinct identified people with a bedded-down contact there in the month."
    )
    unidentified = serializers.IntegerField(
        help_text="Bedded-down sightings there in the month of people not yet identified."
    )


class HotspotViewSet(ScopedViewSet):
    queryset = Hotspot.objects.all()
    serializer_class = HotspotSerializer
    filterset_fields = ["active"]

    @extend_schema(responses=HotspotMonthSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def months(self, request: Request, pk: str | None = None) -> Response:
        """The last 12 months at the hotspot, oldest first, this month last (counts: no person
        named), to whoever may see the hotspot's page."""
        months = figures.hotspot_months(self.get_object())
        return Response(HotspotMonthSerializer(months, many=True).data)


class SessionViewSet(ScopedViewSet):
    queryset = OutreachSession.objects.all()
    serializer_class = SessionSerializer
    filterset_fields = ["date"]

    def get_queryset(self) -> models.QuerySet[OutreachSession]:
        return super().get_queryset().prefetch_related("staff", "partners")


class SessionCoverViewSet(RecordedViewSet):
    """Cover on the rota's planned sessions: who covers whom. The coordinator covers (as on the
    rota's page); those who read the rota read the covers. Made once, never changed."""

    queryset = SessionCover.objects.all()
    serializer_class = SessionCoverSerializer
    filterset_fields = ["session", "away", "covering"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not may_cover_sessions(request.user):
            raise PermissionDenied
        return super().create(request, *args, **kwargs)


class ContactViewSet(ScopedViewSet):
    queryset = Contact.objects.all()
    serializer_class = ContactSerializer
    filterset_fields = ["client", "session", "hotspot", "bedded_down", "kind"]

    @extend_schema(request=LinkSerializer, responses=ContactSerializer)
    @action(detail=True, methods=["post"])
    def link(self, request: Request, pk: str | None = None) -> Response:
        """Link an unidentified sighting to the person it turned out to be."""
        contact = self.get_object()
        data = LinkSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        with refusals_as_validation_errors(services.OutreachError):
            contact = services.link_contact(contact, data.validated_data["client"], by=request.user)
        return Response(ContactSerializer(contact, context=self.get_serializer_context()).data)


class PublicReportViewSet(RecordActionsMixin, ScopedViewSet):
    refusals = (services.OutreachError,)
    queryset = PublicReport.objects.all()
    serializer_class = PublicReportSerializer
    filterset_fields = ["status", "source", "allocated_session"]

    def get_queryset(self) -> models.QuerySet[PublicReport]:
        return super().get_queryset().prefetch_related("attempts")

    @extend_schema(request=AttemptSerializer, responses=PublicReportSerializer)
    @action(detail=True, methods=["post"])
    def attempt(self, request: Request, pk: str | None = None) -> Response:
        """Record a go at finding the person; with found_contact, the report is found."""
        return self.act(
            request,
            AttemptSerializer,
            lambda report, data: services.record_attempt(report, by=request.user, **data),
        )

    @extend_schema(request=AllocateSerializer, responses=PublicReportSerializer)
    @action(detail=True, methods=["post"])
    def allocate(self, request: Request, pk: str | None = None) -> Response:
        """Give the report to a session today or later."""
        return self.act(
            request,
            AllocateSerializer,
            lambda report, data: services.allocate_report(report, data["session"], by=request.user),
        )

    @extend_schema(request=OutcomeSerializer, responses=PublicReportSerializer)
    @action(detail=True, methods=["post"], url_path="not-found")
    def not_found(self, request: Request, pk: str | None = None) -> Response:
        """Stop searching after attempts."""
        return self.act(
            request,
            OutcomeSerializer,
            lambda report, data: services.mark_not_found(report, by=request.user, **data),
        )

    @extend_schema(request=OutcomeSerializer, responses=PublicReportSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """Close the report, saying why."""
        return self.act(
            request,
            OutcomeSerializer,
            lambda report, data: services.close_report(report, by=request.user, **data),
        )


class InterventionViewSet(ScopedViewSet):
    queryset = Intervention.objects.all()
    serializer_class = InterventionSerializer
    filterset_fields = ["client", "kind", "outcome"]


class SwepActivationViewSet(ScopedViewSet):
    queryset = SevereWeatherActivation.objects.all()
    serializer_class = SwepActivationSerializer

    @extend_schema(responses=SwepSummarySerializer)
    @action(detail=True, methods=["get"])
    def summary(self, request: Request, pk: str | None = None) -> Response:
        """People offered, accepted, declined, still out; unidentified sightings during it."""
        return Response(SwepSummarySerializer(figures.swep_summary(self.get_object())).data)

    @extend_schema(request=None, responses=SwepActivationSerializer)
    @action(detail=True, methods=["post"], url_path="stand-down")
    def stand_down(self, request: Request, pk: str | None = None) -> Response:
        activation = self.get_object()
        with refusals_as_validation_errors(services.OutreachError):
            services.stand_down_swep(activation, by=request.user)
        activation.refresh_from_db()
        return Response(self.get_serializer(activation).data)


class SwepOfferViewSet(ScopedViewSet):
    queryset = SwepOffer.objects.all()
    serializer_class = SwepOfferSerializer
    filterset_fields = ["activation", "client", "accepted"]


class CountViewSet(ScopedViewSet):
    queryset = RoughSleepingCount.objects.all()
    serializer_class = CountSerializer

    @extend_schema(responses=CountTotalsSerializer)
    @action(detail=True, methods=["get"])
    def totals(self, request: Request, pk: str | None = None) -> Response:
        """Totals by gender, age band and nationality group, as in the snapshot return."""
        return Response(CountTotalsSerializer(figures.count_totals([self.get_object()])[0]).data)


class CountedPersonViewSet(mixins.DestroyModelMixin, ScopedViewSet):
    queryset = CountedPerson.objects.all()
    serializer_class = CountedPersonSerializer
    filterset_fields = ["count", "client"]

    def perform_destroy(self, instance: CountedPerson) -> None:
        services.remove_counted_person(instance, by=self.request.user)


class PhonePersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    known_as = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField())
    alerts = serializers.ListField(
        child=serializers.CharField(), help_text="Only the alerts that keep staff safe, by label."
    )


class PhoneListSerializer(serializers.Serializer):
    fetched_at = serializers.DateTimeField()
    keep_until = serializers.DateTimeField(help_text="The phone drops the list after this.")
    days = serializers.IntegerField(help_text="The people seen in this many days, today's too.")
    people = PhonePersonSerializer(many=True)


class MayLogContacts(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return access.can_add_for(request.user, Contact)


class PhonePeopleViewSet(viewsets.ViewSet):
    """The list an outreach phone keeps to pick people with no signal (outreach.phone): those
    the team has seen in the last 28 days, with names, aliases and the alerts that keep staff
    safe, and nothing else. For those who log contacts."""

    permission_classes = [permissions.IsAuthenticated, MayLogContacts]
    schema = OneObjectSchema()

    # Compressed (a tenth of the size) for a weak signal; it holds no secret and echoes nothing
    # sent, so compression reveals nothing (BREACH).
    @method_decorator(gzip_page)
    @extend_schema(responses={200: PhoneListSerializer})
    def list(self, request: Request) -> Response:
        return Response(phone.people_for_phone(request.user))


def register(router: DefaultRouter) -> None:
    router.register("outreach/people-for-phone", PhonePeopleViewSet, basename="phone-people")
    router.register("hotspots", HotspotViewSet)
    router.register("outreach-sessions", SessionViewSet)
    router.register("session-covers", SessionCoverViewSet)
    router.register("contacts", ContactViewSet)
    router.register("public-reports", PublicReportViewSet)
    router.register("interventions", InterventionViewSet)
    router.register("swep-activations", SwepActivationViewSet)
    router.register("swep-offers", SwepOfferViewSet)
    router.register("counts", CountViewSet)
    router.register("counted-people", CountedPersonViewSet)
