"""Agencies (to name a hand-off's or a share's recipient), deadlines and the caller's bell."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import AgencyRef, OpaqueCursorPagination, part_of, valid
from api.fields import IsoDateTimeFilter
from deadlines.records import deadlines_visible
from deadlines.selectors import attach_urls
from deadlines.services import deadline_waive
from taskforce import access
from taskforce.models import Agency, AgencyKind, Deadline, DeadlineStatus, Notification
from taskforce.services import (
    notification_get,
    notification_mark_read,
    notifications_mark_all_read,
)


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["public_id", "name", "short_name", "kind", "jurisdiction"]
        read_only_fields = fields


class AgencyFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=AgencyKind.choices)

    class Meta:
        model = Agency
        fields = ["kind"]


class ByName(OpaqueCursorPagination):
    page_size = 100
    ordering = ("name", "id")


class AgencyViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The task force's active agencies: not secret (every hand-off and share form lists them)."""

    serializer_class = AgencySerializer
    filterset_class = AgencyFilter
    pagination_class = ByName

    def get_queryset(self):
        if access.acting_membership(self.request.user) is None:
            return Agency.objects.none()
        return Agency.objects.filter(is_active=True)


class DeadlineSerializer(serializers.ModelSerializer):
    responsible_agency = AgencyRef(read_only=True)
    record_type = serializers.CharField(source="content_type.model", read_only=True)
    record_url = serializers.CharField(source="url", read_only=True)

    class Meta:
        model = Deadline
        fields = [
            "public_id",
            "title",
            "rule",
            "rule_version",
            "source",
            "event_at",
            "due_at",
            "status",
            "responsible_agency",
            "record_type",
            "record_url",
            "closed_at",
            "waiver_reason",
        ]
        read_only_fields = fields


class DeadlineWaive(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="Why, e.g. the defendant waived it.")


class DeadlineFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DeadlineStatus.choices)
    due_before = IsoDateTimeFilter(field_name="due_at", lookup_expr="lt")
    due_after = IsoDateTimeFilter(field_name="due_at", lookup_expr="gte")

    class Meta:
        model = Deadline
        fields = ["status", "due_before", "due_after"]


class ByDue(OpaqueCursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("due_at", "id")


class DeadlineViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Deadlines, visible exactly where their records are."""

    serializer_class = DeadlineSerializer
    filterset_class = DeadlineFilter
    pagination_class = ByDue
    lookup_field = "public_id"
    http_method_names = ["get", "post", "head", "options"]

    def _deadline(self) -> Deadline:
        deadline = part_of(self.get_queryset(), self.kwargs["public_id"])
        attach_urls([deadline])
        return deadline

    def retrieve(self, request, *args, **kwargs):
        """One deadline: its rule, due time, status and the record it belongs to."""
        return Response(DeadlineSerializer(self._deadline()).data)

    @extend_schema(request=DeadlineWaive, responses={200: DeadlineSerializer})
    @action(detail=True, methods=["post"])
    def waive(self, request, *args, **kwargs):
        """Waive an open deadline, with the reason (whoever may change its record)."""
        deadline = self._deadline()
        deadline_waive(actor=request.user, deadline=deadline, **valid(DeadlineWaive, request))
        return Response(DeadlineSerializer(self._deadline()).data)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Deadline.objects.none()
        return deadlines_visible(self.request.user).select_related(
            "content_type", "responsible_agency"
        )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        attach_urls(page)
        return page


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["public_id", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields


class MarkedRead(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread.")


class Newest(OpaqueCursorPagination):
    page_size = 50
    ordering = ("-created_at", "-id")


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's own notifications (the bell), newest first."""

    serializer_class = NotificationSerializer
    pagination_class = Newest
    lookup_field = "public_id"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Notification.objects.none()
        return Notification.objects.filter(user=self.request.user)

    @extend_schema(request=None, responses={200: NotificationSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request, *args, **kwargs):
        """Mark one of your notifications read."""
        notification = notification_get(actor=request.user, public_id=kwargs["public_id"])
        notification = notification_mark_read(actor=request.user, notification=notification)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses={200: MarkedRead})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request, *args, **kwargs):
        """Mark all your notifications read."""
        return Response({"marked": notifications_mark_all_read(actor=request.user)})
