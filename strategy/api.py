"""REST API of the Strategy Group: the same services and access rules as the pages.

Members, meetings (with their agenda, papers, actions and sendings), actions and news are read
by staff who read the group; the coordinator (manage_strategy_group) adds and changes members,
plans and changes meetings, adds agenda items, uploads papers, writes minutes, records news and
actions, and sends papers and minutes.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from mars.api import EmptySerializer, ServiceSerializer, refusals_as_validation_errors
from strategy import access, services
from strategy.models import (
    Action,
    AgendaItem,
    GroupMeeting,
    Member,
    NewsItem,
    NewsTag,
    Paper,
    PaperKind,
    Sending,
    SentTo,
)

REFUSALS = (services.StrategyError,)


class GroupPermission(permissions.BasePermission):
    """As mars.api.AccessPermission, over strategy.access: a list needs the group's read right
    (403), a record is 404 to those without it (the viewsets' querysets are empty for them), and
    creating or changing needs manage_strategy_group (403)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not request.user.is_authenticated:
            return False
        if view.action == "list":
            return access.can_read(request.user)
        if view.action == "create":
            return access.can_manage(request.user)
        return True

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return request.method in permissions.SAFE_METHODS or access.can_manage(request.user)


class GroupViewSet(viewsets.GenericViewSet):
    permission_classes = [GroupPermission]

    def get_queryset(self) -> QuerySet[Any]:
        records = super().get_queryset()
        return records if access.can_read(self.request.user) else records.none()


class StrategyMemberSerializer(ServiceSerializer):
    refusals = REFUSALS

    class Meta:
        model = Member
        fields = ["id", "user", "name", "organisation", "email", "active"]

    def service(self, record: Member, *, by: Any) -> Member:
        return services.save_member(record, by=by)


class StrategyAgendaItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        fields = ["id", "title", "owner", "order", "news", "notes"]
        read_only_fields = ["news"]
        extra_kwargs = {"order": {"required": False}}


class StrategyPaperUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    title = serializers.CharField(max_length=300, required=False, default="")
    kind = serializers.ChoiceField(choices=PaperKind.choices, default=PaperKind.PAPER)


class StrategyMinutesSerializer(serializers.Serializer):
    minutes = serializers.CharField(max_length=50_000, allow_blank=True, trim_whitespace=False)


class StrategyPaperSerializer(serializers.ModelSerializer):
    download = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Paper
        fields = [
            "id",
            "kind",
            "title",
            "original_name",
            "content_type",
            "size",
            "uploaded_at",
            "download",
        ]


class StrategySentToSerializer(serializers.ModelSerializer):
    class Meta:
        model = SentTo
        fields = ["member", "email", "sent_at"]


class StrategySendingSerializer(serializers.ModelSerializer):
    recipients = StrategySentToSerializer(many=True, read_only=True)

    class Meta:
        model = Sending
        fields = ["id", "kind", "requested_by", "requested_at", "papers", "recipients"]


class StrategyActionSerializer(ServiceSerializer):
    refusals = REFUSALS

    class Meta:
        model = Action
        fields = ["id", "meeting", "description", "owner", "due", "done_on"]

    def service(self, record: Action, *, by: Any) -> Action:
        return services.save_action(record, by=by)


class GroupMeetingSerializer(ServiceSerializer):
    refusals = REFUSALS
    agenda = StrategyAgendaItemSerializer(many=True, read_only=True)
    papers = StrategyPaperSerializer(many=True, read_only=True)
    actions = StrategyActionSerializer(many=True, read_only=True)
    sendings = StrategySendingSerializer(many=True, read_only=True)

    class Meta:
        model = GroupMeeting
        fields = [
            "id",
            "starts_at",
            "place",
            "link",
            "status",
            "minutes",
            "agenda",
            "papers",
            "actions",
            "sendings",
        ]
        # The minutes are written through POST minutes/ (a meeting with minutes was held).
        read_only_fields = ["minutes"]

    def service(self, record: GroupMeeting, *, by: Any) -> GroupMeeting:
        return services.save_meeting(record, by=by)


class StrategyNewsSerializer(ServiceSerializer):
    refusals = REFUSALS
    tags = serializers.ListField(
        child=serializers.ChoiceField(choices=NewsTag.choices), required=False
    )

    class Meta:
        model = NewsItem
        fields = ["id", "title", "day", "link", "text", "tags", "added_by"]
        read_only_fields = ["added_by"]

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        link = data.get("link", getattr(self.instance, "link", ""))
        text = data.get("text", getattr(self.instance, "text", ""))
        if not link and not text:
            raise serializers.ValidationError({"link": "Give a link, a text, or both."})
        return data

    def service(self, record: NewsItem, *, by: Any) -> NewsItem:
        return services.save_news(record, by=by)


class MemberViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    GroupViewSet,
):
    """The group's members, staff and partners; the coordinator adds and changes them."""

    queryset = Member.objects.all()
    serializer_class = StrategyMemberSerializer


class MeetingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    GroupViewSet,
):
    """Meetings with their agenda, papers, actions and what was sent to whom; the coordinator
    plans and changes them, adds agenda items, uploads papers, writes minutes and sends."""

    queryset = GroupMeeting.objects.prefetch_related(
        "agenda", "papers", "actions", "sendings__recipients", "sendings__papers"
    )
    serializer_class = GroupMeetingSerializer
    filterset_fields = ["status"]

    def _meeting(self, meeting: GroupMeeting, status: int = 200) -> Response:
        fresh = self.get_queryset().get(pk=meeting.pk)
        return Response(self.get_serializer(fresh).data, status=status)

    @extend_schema(request=StrategyAgendaItemSerializer, responses={201: GroupMeetingSerializer})
    @action(detail=True, methods=["post"])
    def agenda(self, request: Request, pk: str | None = None) -> Response:
        """Add an item to the agenda (at the end unless an order is given)."""
        meeting = self.get_object()
        shape = StrategyAgendaItemSerializer(data=request.data)
        shape.is_valid(raise_exception=True)
        item = AgendaItem(meeting=meeting, **shape.validated_data)
        with refusals_as_validation_errors(*REFUSALS):
            services.save_agenda_item(item, by=request.user)
        return self._meeting(meeting, status=201)

    @extend_schema(
        request={"multipart/form-data": StrategyPaperUploadSerializer},
        responses={201: GroupMeetingSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def papers(self, request: Request, pk: str | None = None) -> Response:
        """Upload a paper or the minutes as a document: PDF, DOCX, XLSX or ODT, judged by its
        content, at most STRATEGY_PAPER_MAX_BYTES."""
        meeting = self.get_object()
        upload = StrategyPaperUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        with refusals_as_validation_errors(*REFUSALS):
            services.upload_paper(
                meeting, data["file"], title=data["title"], kind=data["kind"], by=request.user
            )
        return self._meeting(meeting, status=201)

    @extend_schema(request=StrategyMinutesSerializer, responses=GroupMeetingSerializer)
    @action(detail=True, methods=["post"])
    def minutes(self, request: Request, pk: str | None = None) -> Response:
        """Write the minutes; a meeting with minutes has been held."""
        meeting = self.get_object()
        shape = StrategyMinutesSerializer(data=request.data)
        shape.is_valid(raise_exception=True)
        with refusals_as_validation_errors(*REFUSALS):
            services.save_minutes(meeting, minutes=shape.validated_data["minutes"], by=request.user)
        return self._meeting(meeting)

    def _send(self, request: Request, send: Any) -> Response:
        meeting = self.get_object()
        with refusals_as_validation_errors(*REFUSALS):
            send(meeting, by=request.user)
        return self._meeting(meeting)

    @extend_schema(request=EmptySerializer, responses=GroupMeetingSerializer)
    @action(detail=True, methods=["post"], url_path="send-papers")
    def send_papers(self, request: Request, pk: str | None = None) -> Response:
        """Email the papers to every active member (after commit, by a task)."""
        return self._send(request, services.send_papers)

    @extend_schema(request=EmptySerializer, responses=GroupMeetingSerializer)
    @action(detail=True, methods=["post"], url_path="send-minutes")
    def send_minutes(self, request: Request, pk: str | None = None) -> Response:
        """Email the minutes to every active member (after commit, by a task)."""
        return self._send(request, services.send_minutes)


class ActionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    GroupViewSet,
):
    """Actions agreed at meetings; `open=true` lists those not done."""

    queryset = Action.objects.all()
    serializer_class = StrategyActionSerializer
    filterset_fields = ["meeting", "owner"]

    def get_queryset(self) -> QuerySet[Any]:
        actions = super().get_queryset()
        if self.request.query_params.get("open") == "true":
            actions = actions.filter(done_on=None)
        return actions


class NewsViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    GroupViewSet,
):
    """News and updates; `to-agenda` puts one on the next meeting's agenda."""

    queryset = NewsItem.objects.all()
    serializer_class = StrategyNewsSerializer

    @extend_schema(request=EmptySerializer, responses=StrategyAgendaItemSerializer)
    @action(detail=True, methods=["post"], url_path="to-agenda")
    def to_agenda(self, request: Request, pk: str | None = None) -> Response:
        """Put the item on the next meeting's agenda, at the end."""
        with refusals_as_validation_errors(*REFUSALS):
            item = services.add_news_to_agenda(self.get_object(), by=request.user)
        return Response(StrategyAgendaItemSerializer(item).data, status=201)


def register(router: DefaultRouter) -> None:
    router.register("strategy/members", MemberViewSet, basename="strategymember")
    router.register("strategy/meetings", MeetingViewSet, basename="strategymeeting")
    router.register("strategy/actions", ActionViewSet, basename="strategyaction")
    router.register("strategy/news", NewsViewSet, basename="strategynews")
