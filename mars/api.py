"""The REST API's router and the permission class that defers to mars.access."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils import timezone
from rest_framework import mixins, permissions, routers, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from mars import access, reads
from mars.dates import FIRST_MONTH, LAST_MONTH, NoSuchLocalTime, local_instant


class EmptySerializer(serializers.Serializer):
    """The body of an action that takes nothing."""


class ReferralTimerFields(serializers.Serializer):
    """A referral's timer (mars.waiting.response_due): days waiting for its answer (or taken to
    it), the day it is due by, and days past that while it waits. Read-only."""

    days_waiting = serializers.SerializerMethodField()
    response_due = serializers.DateField(read_only=True)
    days_over = serializers.SerializerMethodField()

    def get_days_waiting(self, obj: Any) -> int:
        return int(obj.days_waiting())

    def get_days_over(self, obj: Any) -> int:
        return int(obj.days_over())


TIMER_FIELDS = ["days_waiting", "response_due", "days_over"]


class AccessPermission(permissions.BasePermission):
    """DRF's view of mars.access: list and create need view/add; records come from the scoped
    queryset (404 when not visible); changing one needs the change permission (403)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        model = view.queryset.model
        if not request.user.is_authenticated:
            return False
        if view.action == "list":
            return access.can(request.user, access.perm(model, "view"))
        if view.action == "create":
            return access.can(request.user, access.perm(model, "add"))
        return True

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        verb = "delete" if request.method == "DELETE" else "change"
        return access.can(request.user, access.perm(type(obj), verb))


@contextmanager
def refusals_as_validation_errors(*domain_errors: type[Exception]) -> Iterator[None]:
    """Turn a service's refusal (a domain error or a model validation error) into a 400."""
    try:
        yield
    except DjangoValidationError as error:
        raise ValidationError(
            error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        ) from error
    except domain_errors as error:
        raise ValidationError({"detail": str(error)}) from error


class ScopedClientMixin:
    """The `client` field offers only people the user may see (and who are not merged)."""

    def get_fields(self) -> dict[str, Any]:
        # A mixin of serializers: super() and self.context are the serializer's.
        fields = super().get_fields()  # type: ignore[misc]
        request = self.context.get("request")  # type: ignore[attr-defined]
        if request is not None and "client" in fields and not fields["client"].read_only:
            fields["client"].queryset = access.visible_people(request.user)
            # A phone that kept a record for hours may name someone merged meanwhile.
            fields["client"].error_messages["does_not_exist"] = (
                "This person's record is not open to new records: it may have been merged "
                "into another. Find the person again."
            )
        return fields


class _InYears:
    """Refuses a day or an instant outside the years the service counts (mars.dates): one
    before 1900 is a slip, and the figures' look-backs and London's offsets of old (before
    1847 it was 1 minute 15 seconds behind Greenwich) fail on them."""

    def to_internal_value(self, value: Any) -> Any:
        checked = super().to_internal_value(value)  # type: ignore[misc]
        if not FIRST_MONTH.year <= checked.year <= LAST_MONTH.year:
            raise ValidationError(
                f"Give a date from {FIRST_MONTH.year} to {LAST_MONTH.year}.", code="out_of_range"
            )
        return checked


class DayField(_InYears, serializers.DateField):
    """A date from 1900 to 2999."""


class InstantField(_InYears, serializers.DateTimeField):
    """A date and time from 1900 to 2999. One without a UTC offset is read on a London clock,
    and refused if that clock skips or repeats it (mars.dates.local_instant), as in a bundle."""

    def enforce_timezone(self, value: datetime) -> datetime:
        if timezone.is_naive(value):
            try:
                return local_instant(value)
            except NoSuchLocalTime as error:
                raise ValidationError(str(error), code="no_such_local_time") from error
        return super().enforce_timezone(value)


class ServiceSerializer(ScopedClientMixin, serializers.ModelSerializer):
    """Saves through one service function: `service(record, by=user)`, whose refusals (the
    domain errors listed in `refusals`) become 400s. Its dates and times are from 1900 to
    2999."""

    refusals: tuple[type[Exception], ...] = ()
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateField: DayField,
        models.DateTimeField: InstantField,
    }

    def save_with(self, record: Any, data: dict[str, Any]) -> Any:
        for name, value in data.items():
            setattr(record, name, value)
        with refusals_as_validation_errors(*self.refusals):
            return self.service(record, by=self.context["request"].user)

    def service(self, record: Any, *, by: Any) -> Any:
        raise NotImplementedError

    def create(self, validated_data: dict[str, Any]) -> Any:
        return self.save_with(self.Meta.model(), validated_data)  # type: ignore[attr-defined,misc]  # subclasses set Meta.model

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        return self.save_with(instance, validated_data)


class RecordActionsMixin:
    """A POST action on one record: check its shape, call the service (its `refusals` become
    400s), return the record as it now is."""

    refusals: tuple[type[Exception], ...] = ()

    # A mixin of GenericViewSets: get_object() and the serializer methods are the viewset's.
    def act(
        self,
        request: Request,
        shape: type[serializers.Serializer],
        run: Callable[[Any, dict[str, Any]], Any],
    ) -> Response:
        record = self.get_object()  # type: ignore[attr-defined]
        checked = shape(data=request.data, context=self.get_serializer_context())  # type: ignore[attr-defined]
        checked.is_valid(raise_exception=True)
        with refusals_as_validation_errors(*self.refusals):
            result = run(record, dict(checked.validated_data))
        if not isinstance(result, type(record)):
            result = record
        result.refresh_from_db()
        return Response(self.get_serializer(result).data)  # type: ignore[attr-defined]


class NotesReads:
    """The people whose records a viewset returns are noted as read (the access log's): each
    object retrieved, changed or acted on, and each one on a page of a list."""

    # A mixin of GenericViewSets: basename, action and get_serializer() are the viewset's.
    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        if args and args[0] is not None:
            instance = args[0]
            if isinstance(instance, models.QuerySet):
                # Fetched here rather than by the serializer: the same one query.
                instance = list(instance)
                args = (instance, *args[1:])
            records = instance if kwargs.get("many") else [instance]
            reads.note_records(records, self.read_name())
        return super().get_serializer(*args, **kwargs)  # type: ignore[misc]

    def read_name(self) -> str:
        return f"api: {self.basename} {self.action}"  # type: ignore[attr-defined]


class ScopedViewSet(
    NotesReads,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, retrieve, create and update, scoped by mars.access."""

    permission_classes = [AccessPermission]

    def get_queryset(self) -> models.QuerySet[Any]:
        return access.visible(self.request.user, super().get_queryset())


class RecordedViewSet(
    NotesReads,
    RecordActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Records made once and then changed only through their actions (each a service): list,
    retrieve and create, scoped by mars.access; no PUT or PATCH."""

    permission_classes = [AccessPermission]

    def get_queryset(self) -> models.QuerySet[Any]:
        return access.visible(self.request.user, super().get_queryset())


# Each app registers its routes from its AppConfig.ready() (mars its notifications').
router = routers.DefaultRouter()
