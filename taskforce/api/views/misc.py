"""Agencies (to name a hand-off's or a share's recipient), deadlines and the caller's bell."""

from __future__ import annotations

import django_filters
from rest_framework import mixins, serializers, viewsets
from rest_framework.pagination import CursorPagination

from taskforce import access
from taskforce.api.base import AgencyRef
from taskforce.api.fields import IsoDateTimeFilter
from taskforce.deadlines.selectors import attach_urls, deadlines_visible
from taskforce.models import Agency, AgencyKind, Deadline, DeadlineStatus, Notification


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


class ByName(CursorPagination):
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
        ]
        read_only_fields = fields


class DeadlineFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DeadlineStatus.choices)
    due_before = IsoDateTimeFilter(field_name="due_at", lookup_expr="lt")
    due_after = IsoDateTimeFilter(field_name="due_at", lookup_expr="gte")

    class Meta:
        model = Deadline
        fields = ["status", "due_before", "due_after"]


class ByDue(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("due_at", "id")


class DeadlineViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Deadlines, visible exactly where their records are."""

    serializer_class = DeadlineSerializer
    filterset_class = DeadlineFilter
    pagination_class = ByDue

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
        fields = ["title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields


class Newest(CursorPagination):
    page_size = 50
    ordering = ("-created_at", "-id")


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's own notifications (the bell), newest first."""

    serializer_class = NotificationSerializer
    pagination_class = Newest

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Notification.objects.none()
        return Notification.objects.filter(user=self.request.user)
