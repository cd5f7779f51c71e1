"""Cases over the API: the caseload, one case with its charges and hearings, changes."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import ListRetrieve, Shareable, VersionedUpdate
from api.serializers.cases import (
    CaseDetailSerializer,
    CaseFinalDisposition,
    CaseSerializer,
    CaseTransition,
    CaseUpdate,
)
from api.views.court import CourtSteps
from cases.models import Case, CaseKind, CaseStatus
from cases.services.cases import (
    case_delete,
    case_final_disposition_record,
    case_transition,
    case_update,
)
from taskforce import access


class CaseFilter(django_filters.FilterSet):
    number = django_filters.CharFilter(lookup_expr="iexact")
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices)
    kind = django_filters.ChoiceFilter(choices=CaseKind.choices)
    county = django_filters.CharFilter(field_name="county__name", lookup_expr="iexact")

    class Meta:
        model = Case
        fields = ["number", "status", "kind", "county"]


class CaseViewSet(CourtSteps, VersionedUpdate, Shareable, ListRetrieve):
    """Prosecution cases: the owning office's, shared ones, and cases a person is assigned."""

    model = Case
    serializer_class = CaseSerializer
    update_serializer_class = CaseUpdate
    filterset_class = CaseFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return (
            self.visible()
            .select_related("owner_agency", "county", "assigned_prosecutor")
            .prefetch_related("defendants")
        )

    def get_serializer_class(self):
        return CaseDetailSerializer if self.action == "retrieve" else CaseSerializer

    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()
        self.viewed(case)
        case = (
            self.get_queryset()
            .prefetch_related(
                "charges__statute",
                "charges__defendant",
                "charges__amended_to",
                "court_events__continued_to",
            )
            .get(pk=case.pk)
        )
        return Response(CaseDetailSerializer(case).data)

    @extend_schema(request=CaseUpdate)
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    def apply_update(self, obj, data, version):
        return case_update(actor=self.request.user, case=obj, expected_version=version, data=data)

    @extend_schema(request=CaseFinalDisposition, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], url_path="final-disposition")
    def final_disposition(self, request, *args, **kwargs):
        """Record (or correct) the final disposition's date: the victims' notice falls due 15
        working days after it (Minn. Stat. 611A.039), overdue at once if that is past."""
        case = self.get_object(access.Action.CHANGE)
        incoming = CaseFinalDisposition(data=request.data)
        incoming.is_valid(raise_exception=True)
        case = case_final_disposition_record(
            actor=request.user, case=case,
            disposed_on=incoming.validated_data["final_disposition_on"],
        )  # fmt: skip
        return Response(CaseSerializer(self.get_queryset().get(pk=case.pk)).data)

    @extend_schema(request=CaseTransition, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, *args, **kwargs):
        """Move the case along its state machine (intake → under review → charged …)."""
        case = self.get_object(access.Action.CHANGE)
        incoming = CaseTransition(data=request.data)
        incoming.is_valid(raise_exception=True)
        case = case_transition(actor=request.user, case=case, **incoming.validated_data)
        return Response(CaseSerializer(self.get_queryset().get(pk=case.pk)).data)

    @extend_schema(
        parameters=[OpenApiParameter("reason", str, required=True, description="Why, for audit")],
        responses={204: None},
    )
    def destroy(self, request, *args, **kwargs):
        """Delete a case opened in error (supervisors); one from police or with charges is not."""
        case = self.get_object(access.Action.DELETE)
        case_delete(actor=request.user, case=case, reason=request.query_params.get("reason", ""))
        return Response(status=status.HTTP_204_NO_CONTENT)
