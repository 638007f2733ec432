"""The access log in the API: read only, for those who may see the log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import django_filters
from django.db.models import QuerySet
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.routers import DefaultRouter

from audit.access import can_view_access_log
from audit.models import AccessEvent
from mars import reads
from mars.dates import day_start


class AccessLogPermission(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return can_view_access_log(request.user)


class AccessEventSerializer(serializers.ModelSerializer):
    people = serializers.ListField(child=serializers.IntegerField(), read_only=True)

    class Meta:
        model = AccessEvent
        fields = [
            "id",
            "at",
            "user",
            "username",
            "people",
            "what",
            "path",
            "method",
            "ip",
            "device",
            "reason",
        ]


class AccessEventFilter(django_filters.FilterSet):
    person = django_filters.NumberFilter(method="about", label="Reads of this person (id)")
    start = django_filters.DateFilter(method="from_day", label="From this local day")
    end = django_filters.DateFilter(method="to_day", label="To this local day (included)")

    class Meta:
        model = AccessEvent
        fields = ["user"]

    def about(self, queryset: Any, name: str, value: int) -> Any:
        return queryset.about(int(value))

    def from_day(self, queryset: Any, name: str, value: Any) -> Any:
        return queryset.filter(at__gte=day_start(value))

    def to_day(self, queryset: Any, name: str, value: Any) -> Any:
        return queryset.filter(at__lt=day_start(value + timedelta(days=1)))


class AccessEventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Who read which people, newest first; filter by person, user and local days."""

    queryset = AccessEvent.objects.all()
    serializer_class = AccessEventSerializer
    permission_classes = [AccessLogPermission]
    filterset_class = AccessEventFilter

    def get_queryset(self) -> QuerySet[AccessEvent]:
        return AccessEvent.objects.newest_first()

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        person = request.query_params.get("person", "")
        reads.note([int(person)] if person.isdigit() else [], "api: access log")
        return super().list(request, *args, **kwargs)


def register(router: DefaultRouter) -> None:
    router.register("access-log", AccessEventViewSet)
