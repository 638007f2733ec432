"""REST API for people, agencies, support plans, referrals and health access."""

from __future__ import annotations

from typing import Any

import django_filters
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from clients import countries, services
from clients.access import (
    SENSITIVE_NOTE_HELD,
    may_change_discharge,
    may_remove_discharge,
    may_see_special_category,
    people_whose_special_category_is_seen,
    visible_clients,
    with_need_seen_by,
)
from clients.consent import (
    Consent,
    ConsentHow,
    ConsentOutcome,
    LawfulBasis,
    SharingScope,
    SharingWithoutConsent,
    state_among,
)
from clients.forms import CONSENT_FILTERS, with_consent_filter
from clients.models import (
    PERSON_FIELDS,
    SPECIAL_NEEDS,
    Agency,
    BreakGlass,
    Client,
    Discharge,
    GoalStatus,
    HealthAccess,
    PublicFunds,
    Referral,
    SupportGoal,
    SupportNeed,
    SupportPlan,
)
from mars import access
from mars.api import (
    TIMER_FIELDS,
    AccessPermission,
    NotesReads,
    RecordedViewSet,
    ReferralTimerFields,
    ScopedClientMixin,
    ScopedViewSet,
    ServiceSerializer,
    refusals_as_validation_errors,
)
from mars.people import alerts_of, with_alerts


class ClientSerializer(serializers.ModelSerializer):
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        source="alias_names",
        help_text="Other names the person is known by.",
    )
    support_needs = serializers.ListField(
        child=serializers.ChoiceField(choices=SupportNeed.choices), required=False
    )
    alerts = serializers.SerializerMethodField(
        help_text="Alerts other records hold about the person (the approved risk plan's): "
        "shown to every worker."
    )
    consent = serializers.SerializerMethodField(
        help_text="Information-sharing consent today: status (valid, expired, withdrawn, "
        "refused, none) and in words."
    )
    nationality = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2,
        help_text='The country of the person\'s nationality, ISO 3166-1 alpha-2 ("GB", "PL"; '
        '"XK" Kosovo); "" not known. Setting one clears `nationality_as_recorded`.',
    )
    nationality_name = serializers.SerializerMethodField(
        help_text='The country\'s name, or "Not known".'
    )
    special_category = serializers.SerializerMethodField(
        help_text="Need to know. `visible` false: the reader may not see this person's special "
        "category data, so `ethnicity` and `public_funds` are null and `support_needs` lists "
        "only needs that are not health, offending or immigration; `held` says what is held "
        "without saying what it is. What such a reader sends for those fields changes nothing."
    )
    confirmed_distinct = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Set after checking possible duplicates, to create the record anyway.",
    )

    class Meta:
        model = Client
        fields = [
            "id",
            "reference",
            *PERSON_FIELDS,
            "nationality_name",
            "nationality_as_recorded",
            "aliases",
            "alerts",
            "consent",
            "special_category",
            "created_at",
            "confirmed_distinct",
        ]
        read_only_fields = ["reference", "created_at", "nationality_as_recorded"]
        extra_kwargs = {
            "nationality_as_recorded": {
                "help_text": "The text a nationality was first written as, kept while it names "
                "no one country (then `nationality` is empty)."
            },
            "public_funds": {
                "help_text": "Access to public funds (an immigration fact: special category)."
            },
        }

    def _sees(self, client: Client) -> bool:
        request = self.context.get("request")
        return request is not None and may_see_special_category(request.user, client)

    @extend_schema_field(
        serializers.DictField(
            help_text='{"visible": bool, "held": {"ethnicity": bool, "public_funds": bool, '
            '"special_needs": bool}}'
        )
    )
    def get_special_category(self, client: Client) -> dict[str, Any]:
        return {
            "visible": self._sees(client),
            "held": {
                "ethnicity": bool(client.ethnicity),
                "public_funds": client.public_funds != PublicFunds.NOT_KNOWN,
                "special_needs": bool(client.special_needs),
            },
        }

    def get_nationality_name(self, client: Client) -> str:
        return countries.name_of(client.nationality)

    def validate_nationality(self, value: str) -> str:
        code = value.strip().upper()
        if code and code not in countries.by_code():
            raise ValidationError(
                f'"{value}" is not a country code (ISO 3166-1 alpha-2, such as "GB" or "PL").'
            )
        return code

    def to_representation(self, instance: Client) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if not self._sees(instance):
            data["ethnicity"] = None
            data["public_funds"] = None
            data["support_needs"] = [
                n for n in data.get("support_needs", []) if n not in SPECIAL_NEEDS
            ]
        return data

    @extend_schema_field(
        inline_serializer(
            "ClientAlert",
            {
                "kind": serializers.CharField(),
                "label": serializers.CharField(),
                "detail": serializers.CharField(),
                "restricted": serializers.BooleanField(),
            },
            many=True,
        )
    )
    def get_alerts(self, client: Client) -> list[dict[str, Any]]:
        request = self.context.get("request")
        return alerts_of(client, request.user if request is not None else AnonymousUser())

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_consent(self, client: Client) -> dict[str, str]:
        # The list's prefetch of each person's consents: no query per person.
        state = state_among(client, client.consents.all())
        return {"status": state.status, "summary": state.summary}

    def validate_key_worker(self, value: Any) -> Any:
        from clients.models import key_worker_choices

        if value is not None and not key_worker_choices().filter(pk=value.pk).exists():
            raise ValidationError("A key worker must be an active member of staff.")
        return value

    def _split(self, data: dict[str, Any]) -> tuple[dict[str, Any], list[str] | None]:
        data = dict(data)
        data.pop("confirmed_distinct", None)
        aliases = data.pop("alias_names", None)
        return data, aliases

    def create(self, validated_data: dict[str, Any]) -> Client:
        confirmed = validated_data.get("confirmed_distinct", False)
        fields, aliases = self._split(validated_data)
        with refusals_as_validation_errors(services.ClientError):
            try:
                return services.create_client(
                    fields,
                    aliases=aliases or [],
                    by=self.context["request"].user,
                    confirmed_distinct=confirmed,
                )
            except services.PossibleDuplicates as duplicates:
                # DRF sends whatever JSON it is given (its stubs expect text only).
                matches: Any = [
                    {
                        "id": c.pk,
                        "reference": c.reference,
                        "name": c.full_name,
                        "known_as": c.known_as,
                        "date_of_birth": c.date_of_birth.isoformat() if c.date_of_birth else None,
                    }
                    for c in duplicates.candidates
                ]
                raise ValidationError(
                    {"possible_duplicates": matches, "detail": str(duplicates)}
                ) from duplicates

    def update(self, instance: Client, validated_data: dict[str, Any]) -> Client:
        fields, aliases = self._split(validated_data)
        with refusals_as_validation_errors(services.ClientError):
            return services.update_client(
                instance, fields, aliases=aliases, by=self.context["request"].user
            )


class ClientFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Name, alias, reference or date of birth")
    need = django_filters.ChoiceFilter(
        choices=SupportNeed.choices,
        method="with_need",
        help_text="A health, offending or immigration need finds only the people whose special "
        "category data the reader may see.",
    )
    consent = django_filters.ChoiceFilter(
        choices=CONSENT_FILTERS[1:],
        method="with_consent",
        label="Consent expiring (review-by within 30 days) or expired; or no valid consent",
    )
    public_funds = django_filters.ChoiceFilter(
        choices=PublicFunds.choices,
        method="with_public_funds",
        help_text="Special category: finds only the people whose special category data the "
        "reader may see.",
    )
    nationality = django_filters.CharFilter(
        method="with_nationality", help_text='A country code ("PL"), or "not_known".'
    )

    class Meta:
        model = Client
        fields = ["status", "key_worker", "local_connection"]

    def search(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.search(value)

    def with_need(self, queryset: Any, name: str, value: str) -> Any:
        return with_need_seen_by(self.request.user, queryset, value)

    def with_consent(self, queryset: Any, name: str, value: str) -> Any:
        return with_consent_filter(queryset, value, timezone.localdate())

    def with_public_funds(self, queryset: Any, name: str, value: str) -> Any:
        return people_whose_special_category_is_seen(
            self.request.user, queryset.filter(public_funds=value)
        )

    def with_nationality(self, queryset: Any, name: str, value: str) -> Any:
        # "not_known" as the bundle writes it: an empty value is no filter at all.
        code = value.strip()
        return queryset.filter(nationality="" if code.lower() == "not_known" else code.upper())


class SpecialKindFilter(django_filters.FilterSet):
    """By person and by kind, for a special category record (a discharge, a health access): by
    kind only among the people whose special category data the reader may see, so a filter
    tells no one else what kind of record a person has."""

    kind = django_filters.CharFilter(method="of_kind", help_text="The kind of record.")

    def of_kind(self, queryset: Any, name: str, value: str) -> Any:
        seen = people_whose_special_category_is_seen(self.request.user, Client.objects.all())
        return queryset.filter(kind=value, client__in=seen)


class DischargeFilter(SpecialKindFilter):
    class Meta:
        model = Discharge
        fields = ["client"]


class HealthAccessFilter(SpecialKindFilter):
    class Meta:
        model = HealthAccess
        fields = ["client"]


class ClientViewSet(ScopedViewSet):
    queryset = Client.objects.all()
    serializer_class = ClientSerializer
    filterset_class = ClientFilter

    def get_queryset(self) -> models.QuerySet[Client]:
        return with_alerts(
            visible_clients(self.request.user)
            .select_related("key_worker")
            .prefetch_related(
                "aliases",
                Prefetch("consents", queryset=Consent.objects.prefetch_related("agencies")),
            )
            .order_by("last_name", "first_name", "id")
        )


class AgencySerializer(ServiceSerializer):
    refusals = (services.ClientError,)

    class Meta:
        model = Agency
        fields = ["id", "key", "name", "kind", "phone", "email", "address", "active"]

    def service(self, record: Agency, *, by: Any) -> Agency:
        return services.save_agency(record, by=by)


class AgencyViewSet(ScopedViewSet):
    queryset = Agency.objects.all()
    serializer_class = AgencySerializer
    filterset_fields = ["kind", "active"]


class ClientRecordSerializer(ScopedClientMixin, serializers.ModelSerializer):
    """A record about a person: the person must be one the user may see, and not merged."""

    def create(self, validated_data: dict[str, Any]) -> Any:
        return self.update(self.Meta.model(), validated_data)  # type: ignore[misc]  # subclasses set Meta.model

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        if (
            isinstance(instance, HealthAccess)
            and instance.pk
            and not may_see_special_category(self.context["request"].user, instance.client)
        ):
            # Nobody changes what they may not read (break glass reads; it does not write).
            raise PermissionDenied("You may not change a health record you cannot see.")
        for name, value in validated_data.items():
            setattr(instance, name, value)
        with refusals_as_validation_errors(services.ClientError):
            return services.save_person_record(instance, by=self.context["request"].user)

    def validate_client(self, client: Client) -> Client:
        if self.instance is not None and client.pk != self.instance.client_id:
            raise ValidationError("A record cannot be moved to another person; merge the people.")
        return client


class GoalSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False)
    status = serializers.ChoiceField(choices=GoalStatus.choices, required=False)

    class Meta:
        model = SupportGoal
        fields = ["id", "description", "status", "target_date", "notes", "sensitive"]
        extra_kwargs = {
            "notes": {
                "help_text": "A sensitive note is shown as held to those who may not see the "
                "person's special category data; what they send for it changes nothing."
            }
        }


class LawfulBasisFields(serializers.Serializer):
    """Another lawful basis for sharing the person's consent does not cover: write only, used
    only when needed (clients.services.check_sharing)."""

    basis = serializers.ChoiceField(
        choices=LawfulBasis.choices,
        required=False,
        write_only=True,
        help_text="When sharing goes beyond the person's consent: the lawful basis for it.",
    )
    basis_reason = serializers.CharField(
        required=False,
        write_only=True,
        max_length=5000,
        help_text="Why sharing without consent is justified on that basis.",
    )

    @staticmethod
    def basis_of(data: dict[str, Any]) -> dict[str, str]:
        return {
            "basis": data.pop("basis", "") or "",
            "basis_reason": data.pop("basis_reason", "") or "",
        }


class SupportPlanSerializer(LawfulBasisFields, ClientRecordSerializer):
    goals = GoalSerializer(many=True, required=False)
    agencies = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Agency.objects.all(), required=False
    )

    class Meta:
        model = SupportPlan
        fields = [
            "id",
            "client",
            "start",
            "end",
            "review_date",
            "summary",
            "agencies",
            "goals",
            "basis",
            "basis_reason",
        ]

    def to_representation(self, instance: SupportPlan) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not may_see_special_category(request.user, instance.client):
            for goal in data.get("goals", []):
                if goal.get("sensitive") and goal.get("notes"):
                    goal["notes"] = SENSITIVE_NOTE_HELD
        return data

    def _save(self, plan: SupportPlan, data: dict[str, Any]) -> SupportPlan:
        basis = self.basis_of(data)
        agencies = data.pop("agencies", None)
        goals = data.pop("goals", None)
        if (
            goals
            and plan.pk
            and not may_see_special_category(self.context["request"].user, plan.client)
        ):
            held = {g.pk for g in plan.goals.all() if g.sensitive and g.notes}
            for goal in goals:
                if goal.get("id") in held:
                    goal.pop("notes", None)
                    goal.pop("sensitive", None)
        for name, value in data.items():
            setattr(plan, name, value)
        if goals is not None and plan.pk:
            # Goals not sent are removed: the list is the plan's goals.
            kept = {g.get("id") for g in goals if g.get("id")}
            goals = goals + [
                {"id": g.pk, "delete": True} for g in plan.goals.all() if g.pk not in kept
            ]
        with refusals_as_validation_errors(services.ClientError):
            return services.save_support_plan(
                plan,
                agencies=agencies
                if agencies is not None
                else (plan.agencies.all() if plan.pk else []),
                goals=goals or [],
                by=self.context["request"].user,
                **basis,
            )

    def create(self, validated_data: dict[str, Any]) -> SupportPlan:
        return self._save(SupportPlan(), validated_data)

    def update(self, instance: SupportPlan, validated_data: dict[str, Any]) -> SupportPlan:
        return self._save(instance, validated_data)


class ReferralSerializer(LawfulBasisFields, ReferralTimerFields, ClientRecordSerializer):
    class Meta:
        model = Referral
        fields = [
            "id",
            "client",
            "direction",
            "agency",
            "referred_on",
            "reason",
            "status",
            "status_changed_on",
            "notes",
            "basis",
            "basis_reason",
            *TIMER_FIELDS,
        ]

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        basis = self.basis_of(validated_data)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        with refusals_as_validation_errors(services.ClientError):
            return services.save_person_record(instance, by=self.context["request"].user, **basis)


class HealthAccessSerializer(ClientRecordSerializer):
    restricted = serializers.SerializerMethodField(
        help_text="True when the reader may not see the person's special category data: `kind`, "
        "`outcome` and `notes` are then null (the record is held; its date is shown)."
    )

    class Meta:
        model = HealthAccess
        fields = ["id", "client", "kind", "date", "outcome", "notes", "restricted"]

    def get_restricted(self, record: HealthAccess) -> bool:
        request = self.context.get("request")
        return request is None or not may_see_special_category(request.user, record.client)

    def to_representation(self, instance: HealthAccess) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if data["restricted"]:
            data.update(kind=None, outcome=None, notes=None)
        return data


class DischargeSerializer(ScopedClientMixin, serializers.ModelSerializer):
    """A person leaving an institution; saved through clients.services (record_discharge,
    change_discharge), whose refusals (the same leaving twice, a future date) are 400s."""

    restricted = serializers.SerializerMethodField(
        help_text="True when the reader may not see the person's special category data: `kind`, "
        "`date`, `evidence` and `notes` are then null (a record is held)."
    )

    class Meta:
        model = Discharge
        fields = ["id", "client", "kind", "date", "evidence", "notes", "created_by", "restricted"]
        read_only_fields = ["created_by"]
        # The same leaving twice is the service's refusal, with its message (not DRF's).
        validators: list[Any] = []

    def get_restricted(self, record: Discharge) -> bool:
        request = self.context.get("request")
        return request is None or not may_see_special_category(request.user, record.client)

    def to_representation(self, instance: Discharge) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if data["restricted"]:
            data.update(kind=None, date=None, evidence=None, notes=None)
        return data

    def validate_client(self, client: Client) -> Client:
        if self.instance is not None and client.pk != self.instance.client_id:
            raise ValidationError("A record cannot be moved to another person; merge the people.")
        return client

    def create(self, validated_data: dict[str, Any]) -> Discharge:
        data = dict(validated_data)
        client = data.pop("client")
        with refusals_as_validation_errors(services.ClientError):
            return services.record_discharge(client, **data, by=self.context["request"].user)

    def update(self, instance: Discharge, validated_data: dict[str, Any]) -> Discharge:
        data = dict(validated_data)
        data.pop("client", None)
        with refusals_as_validation_errors(services.ClientError):
            return services.change_discharge(instance, data, by=self.context["request"].user)


class DischargeViewSet(ScopedViewSet, mixins.DestroyModelMixin):
    """Discharges from institutions (?client=): special category. Those who may not see the
    person's special category data read that one is held; they neither change nor delete it."""

    queryset = Discharge.objects.select_related("client")
    serializer_class = DischargeSerializer
    filterset_class = DischargeFilter

    def _check_may_change(self, discharge: Discharge, *, remove: bool = False) -> None:
        allowed = may_remove_discharge if remove else may_change_discharge
        if not allowed(self.request.user, discharge):
            # Nobody changes what they may not read (break glass reads; it does not write).
            raise PermissionDenied("You may not change a record you cannot see.")

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Refused before the body is read: what they send is never checked against the record.
        self._check_may_change(self.get_object())
        return super().update(request, *args, **kwargs)

    def perform_destroy(self, instance: Discharge) -> None:
        self._check_may_change(instance, remove=True)
        with refusals_as_validation_errors(services.ClientError):
            services.remove_discharge(instance, by=self.request.user)


class BreakGlassSerializer(ScopedClientMixin, serializers.ModelSerializer):
    """An urgent reading of one person's restricted information; the reason is required."""

    class Meta:
        model = BreakGlass
        fields = ["id", "client", "reason", "user", "at", "expires_at"]
        read_only_fields = ["user", "at", "expires_at"]

    def create(self, validated_data: dict[str, Any]) -> BreakGlass:
        with refusals_as_validation_errors(services.ClientError):
            return services.break_glass(
                validated_data["client"],
                by=self.context["request"].user,
                reason=validated_data["reason"],
            )


class BreakGlassViewSet(
    NotesReads,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """POST a grant (anyone who may break glass, for a person they may see); the list of grants
    is the coordinator's (`clients.view_breakglass`). Grants are never changed or removed."""

    queryset = BreakGlass.objects.select_related("client", "user")
    serializer_class = BreakGlassSerializer
    permission_classes = [AccessPermission]
    filterset_fields = ["client", "user"]

    def get_queryset(self) -> models.QuerySet[BreakGlass]:
        return access.visible(self.request.user, super().get_queryset())


class SupportPlanViewSet(ScopedViewSet):
    queryset = SupportPlan.objects.all()
    serializer_class = SupportPlanSerializer
    filterset_fields = ["client"]

    def get_queryset(self) -> models.QuerySet[SupportPlan]:
        return super().get_queryset().prefetch_related("agencies", "goals")


class ReferralViewSet(ScopedViewSet):
    queryset = Referral.objects.all()
    serializer_class = ReferralSerializer
    filterset_fields = ["client", "direction", "status", "agency"]


class HealthAccessViewSet(ScopedViewSet):
    queryset = HealthAccess.objects.all()
    serializer_class = HealthAccessSerializer
    filterset_class = HealthAccessFilter


class ConsentSerializer(ScopedClientMixin, serializers.ModelSerializer):
    """A consent given or refused. Created through record_consent / record_refusal; withdrawn
    through the withdraw action."""

    how = serializers.ChoiceField(
        choices=[c for c in ConsentHow.choices if c[0] != ConsentHow.NOT_RECORDED]
    )
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=SharingScope.choices),
        required=False,
        help_text="Kinds of agency it covers (a consent given).",
    )
    agencies = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Agency.objects.all(), required=False
    )
    review_by = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Defaults to given on plus CONSENT_REVIEW_MONTHS (a consent given).",
    )

    class Meta:
        model = Consent
        fields = [
            "id",
            "client",
            "outcome",
            "how",
            "scopes",
            "agencies",
            "given_on",
            "review_by",
            "withdrawn_on",
            "recorded_by",
            "recorded_at",
            "notes",
        ]
        read_only_fields = ["withdrawn_on", "recorded_by", "recorded_at"]

    def create(self, validated_data: dict[str, Any]) -> Consent:
        by = self.context["request"].user
        with refusals_as_validation_errors(services.ClientError):
            if validated_data["outcome"] == ConsentOutcome.REFUSED:
                return services.record_refusal(
                    validated_data["client"],
                    how=validated_data["how"],
                    refused_on=validated_data["given_on"],
                    notes=validated_data.get("notes", ""),
                    by=by,
                )
            return services.record_consent(
                validated_data["client"],
                how=validated_data["how"],
                given_on=validated_data["given_on"],
                scopes=validated_data.get("scopes", []),
                agencies=validated_data.get("agencies", []),
                review_by=validated_data.get("review_by"),
                notes=validated_data.get("notes", ""),
                by=by,
            )


class WithdrawSerializer(serializers.Serializer):
    withdrawn_on = serializers.DateField()


class ConsentViewSet(RecordedViewSet):
    """Consents per person (?client=): list, record one given or refused, withdraw one."""

    queryset = Consent.objects.prefetch_related("agencies").order_by(
        "-given_on", "-recorded_at", "-id"
    )
    serializer_class = ConsentSerializer
    filterset_fields = ["client", "outcome"]
    refusals = (services.ClientError,)

    @extend_schema(request=WithdrawSerializer, responses=ConsentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        return self.act(
            request,
            WithdrawSerializer,
            lambda consent, data: services.withdraw_consent(
                consent, withdrawn_on=data["withdrawn_on"], by=request.user
            ),
        )


class SharingWithoutConsentSerializer(serializers.ModelSerializer):
    class Meta:
        model = SharingWithoutConsent
        fields = [
            "id",
            "client",
            "agency",
            "basis",
            "reason",
            "consent_said",
            "referral",
            "support_plan",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class SharingWithoutConsentViewSet(
    NotesReads, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Sharing without consent on another lawful basis, newest first: read only (a referral or
    a support plan records it)."""

    queryset = SharingWithoutConsent.objects.all()
    serializer_class = SharingWithoutConsentSerializer
    permission_classes = [AccessPermission]
    filterset_fields = ["client", "agency", "basis"]

    def get_queryset(self) -> models.QuerySet[SharingWithoutConsent]:
        return access.visible(self.request.user, SharingWithoutConsent.objects.all()).order_by(
            "-recorded_at", "-id"
        )


def register(router: DefaultRouter) -> None:
    router.register("clients", ClientViewSet)
    router.register("agencies", AgencyViewSet)
    router.register("support-plans", SupportPlanViewSet)
    router.register("referrals", ReferralViewSet)
    router.register("health-access", HealthAccessViewSet)
    router.register("discharges", DischargeViewSet)
    router.register("consents", ConsentViewSet)
    router.register("sharing-without-consent", SharingWithoutConsentViewSet)
    router.register("break-glass", BreakGlassViewSet)
