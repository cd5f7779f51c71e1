"""Hand-offs over the API: list, read, and hand arrests to a prosecution agency."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from api.base import ListRetrieve
from api.serializers.handoffs import HandOffCreate, HandOffSerializer
from cases.models import HandOff
from cases.selectors.arrests import arrests_by_ids
from cases.services.handoffs import handoff_create
from taskforce import access


class HandOffFilter(django_filters.FilterSet):
    arrest = django_filters.UUIDFilter(field_name="arrest__public_id")
    to_agency = django_filters.UUIDFilter(field_name="to_agency__public_id")

    class Meta:
        model = HandOff
        fields = ["arrest", "to_agency"]


class HandOffViewSet(mixins.CreateModelMixin, ListRetrieve):
    """Arrests handed to a prosecution agency: each becomes a case in its intake."""

    model = HandOff
    serializer_class = HandOffSerializer
    # As the hand-off page: its arrest and case are audited where they are read.
    audit_reads = False
    filterset_class = HandOffFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return self.visible().select_related("arrest", "to_agency", "case", "owner_agency")

    @extend_schema(request=HandOffCreate, responses={201: HandOffSerializer(many=True)})
    def create(self, request, *args, **kwargs):
        incoming = HandOffCreate(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        arrests = arrests_by_ids(
            actor=request.user, public_ids=data["arrests"], action=access.Action.SHARE
        )
        handoffs = handoff_create(
            actor=request.user,
            arrests=arrests,
            to_agency=data["to_agency"],
            one_case=data["one_case"],
            note=data.get("note", ""),
        )
        created = self.get_queryset().filter(pk__in=[h.pk for h in handoffs]).order_by("id")
        return Response(HandOffSerializer(created, many=True).data, status=status.HTTP_201_CREATED)
