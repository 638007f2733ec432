"""REST API of the waiting list: read-only, by the same rules as its page (mars.waiting)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from mars import reads, waiting
from mars.waiting_views import chosen, owner_key


class MaySeeWaiting(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return waiting.can_see_waiting(request.user)


class WaitingSerializer(serializers.Serializer):
    key = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    since = serializers.DateField()
    due = serializers.DateField()
    days_waiting = serializers.IntegerField()
    days_over = serializers.IntegerField()
    owner = serializers.IntegerField(allow_null=True, help_text="The owner's user id, if staff.")
    owner_name = serializers.CharField()
    owner_key = serializers.CharField(help_text="The value the owner filter takes.")
    client = serializers.IntegerField(allow_null=True, help_text="The person it is about.")


class WaitingViewSet(viewsets.ViewSet):
    """Everything past its time, oldest first: the coordinator's all of it, a worker's their own
    and that of those they cover today."""

    permission_classes = [permissions.IsAuthenticated, MaySeeWaiting]
    serializer_class = WaitingSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, description='Only this kind ("Referral out")'),
            OpenApiParameter("owner", str, description="Only this owner (an item's owner_key)"),
        ],
        responses=WaitingSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        today = timezone.localdate()
        items = chosen(
            waiting.waiting_for(request.user, today),
            kind=request.query_params.get("kind", ""),
            owner=request.query_params.get("owner", ""),
        )
        reads.note([item.client_id for item in items], "waiting list (API)")
        rows = [
            {
                "key": item.key,
                "kind": item.kind,
                "title": item.title,
                "url": item.url,
                "since": item.since,
                "due": item.due,
                "days_waiting": item.days_waiting(today),
                "days_over": item.days_over(today),
                "owner": item.owner.pk if item.owner is not None else None,
                "owner_name": item.owner_name,
                "owner_key": owner_key(item),
                "client": item.client_id,
            }
            for item in items
        ]
        return Response(WaitingSerializer(rows, many=True).data)


def register(router: DefaultRouter) -> None:
    router.register("waiting", WaitingViewSet, basename="waiting")
