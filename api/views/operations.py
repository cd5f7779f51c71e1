"""Operations (stings) over the API: list, read, create, update, share, and their ad responses."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import ListRetrieve, Shareable, VersionedUpdate, valid
from api.serializers.operations import (
    AdResponseSerializer,
    AdResponsesWrite,
    OperationSerializer,
    OperationUpdate,
    OperationWrite,
)
from cases.models import Operation, OperationKind
from cases.selectors.operations import ad_responses_of
from cases.services.operations import ad_responses_add, operation_create, operation_update
from taskforce import access


class OperationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Name contains")
    kind = django_filters.ChoiceFilter(choices=OperationKind.choices)
    starts_from = django_filters.DateFilter(field_name="starts_on", lookup_expr="gte")
    starts_to = django_filters.DateFilter(field_name="starts_on", lookup_expr="lte")

    class Meta:
        model = Operation
        fields = ["q", "kind", "starts_from", "starts_to"]


class OperationViewSet(mixins.CreateModelMixin, VersionedUpdate, Shareable, ListRetrieve):
    """Stings and investigations: the lead agency and the participating agencies see them."""

    model = Operation
    serializer_class = OperationSerializer
    update_serializer_class = OperationUpdate
    filterset_class = OperationFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            self.visible()
            .select_related("owner_agency")
            .prefetch_related("counties", "participants__agency")
        )

    @extend_schema(request=OperationWrite, responses={201: OperationSerializer})
    def create(self, request, *args, **kwargs):
        incoming = OperationWrite(data=request.data)
        incoming.is_valid(raise_exception=True)
        operation = operation_create(actor=request.user, **incoming.validated_data)
        operation = self.get_queryset().get(pk=operation.pk)
        return Response(OperationSerializer(operation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OperationUpdate)
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(
        methods=["get"],
        responses={200: AdResponseSerializer(many=True)},
        description="The phone numbers and handles seen in the operation.",
    )
    @extend_schema(
        methods=["post"],
        request=AdResponsesWrite,
        responses={201: AdResponseSerializer(many=True)},
        description="Record numbers and handles seen (all or none); repeats are skipped.",
    )
    @action(
        detail=True, methods=["get", "post"], url_path="ad-responses", pagination_class=None,
        filter_backends=[],
    )  # fmt: skip
    def ad_responses(self, request, *args, **kwargs):
        if request.method == "GET":
            operation = self.get_object(access.Action.VIEW)
            rows = ad_responses_of(operation)
            return Response(AdResponseSerializer(rows, many=True).data)
        operation = self.get_object(access.Action.CHANGE)
        data = valid(AdResponsesWrite, request)
        try:
            added = ad_responses_add(
                actor=request.user, operation=operation, text="\n".join(data["values"]),
                seen_on=data["seen_on"],
            )  # fmt: skip
        except ValidationError as error:
            raise ValidationError(
                {"values" if k == "text" else k: v for k, v in error.message_dict.items()}
            ) from None
        return Response(AdResponseSerializer(added, many=True).data, status=status.HTTP_201_CREATED)

    def apply_update(self, obj, data, version):
        return operation_update(
            actor=self.request.user,
            operation=obj,
            expected_version=version,
            data={k: v for k, v in data.items() if k not in {"counties", "participants"}},
            counties=data.get("counties"),
            participants=data.get("participants"),
        )
