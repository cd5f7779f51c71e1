"""Operations, arrests (with the bulk import), people and hand-offs over the API."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import ListRetrieve, Shareable, VersionedUpdate
from api.fields import IsoDateTimeFilter
from api.serializers.arrests import ArrestImport, ArrestSerializer, ArrestUpdate
from cases.models import Arrest, CustodyStatus
from cases.models.arrests import booking_key
from cases.selectors.arrests import handed_off_q
from cases.selectors.handoffs import handoffs_seen_by
from cases.selectors.operations import operation_get
from cases.services.arrests import arrest_update
from cases.services.imports import arrest_import_records, arresting_agency_default


class ArrestFilter(django_filters.FilterSet):
    operation = django_filters.UUIDFilter(field_name="operation__public_id")
    county = django_filters.CharFilter(field_name="county__name", lookup_expr="iexact")
    custody_status = django_filters.ChoiceFilter(choices=CustodyStatus.choices)
    arrested_from = IsoDateTimeFilter(field_name="arrested_at", lookup_expr="gte")
    arrested_to = IsoDateTimeFilter(field_name="arrested_at", lookup_expr="lte")
    booking_number = django_filters.CharFilter(
        method="filter_booking_number", help_text="The whole booking number (any case)."
    )
    handed_off = django_filters.BooleanFilter(method="filter_handed_off")

    class Meta:
        model = Arrest
        fields = [
            "operation",
            "county",
            "custody_status",
            "arrested_from",
            "arrested_to",
            "booking_number",
            "handed_off",
        ]

    def filter_booking_number(self, queryset, name, value):
        return queryset.filter(booking_key=booking_key(value)) if value.strip() else queryset

    def filter_handed_off(self, queryset, name, value):
        handed = handed_off_q(self.request.user)
        return queryset.filter(handed if value else ~handed)


class ArrestViewSet(VersionedUpdate, Shareable, ListRetrieve):
    """Arrests; new ones arrive through `import` (all or none), as a sting's arrests do."""

    model = Arrest
    serializer_class = ArrestSerializer
    update_serializer_class = ArrestUpdate
    filterset_class = ArrestFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    SEEN_HANDOFFS = "seen_handoffs"

    def _seen_handoffs(self):
        return handoffs_seen_by(self.request.user, to_attr=self.SEEN_HANDOFFS)

    def get_queryset(self):
        return (
            self.visible()
            .select_related("arrestee", "county", "arresting_agency", "operation", "owner_agency")
            .prefetch_related("charges__statute", self._seen_handoffs())
        )

    def get_object(self, policy_action=None):
        """The one arrest (`access.get_for`), with the hand-offs the caller may see."""
        arrest = super().get_object(policy_action)
        prefetch_related_objects([arrest], self._seen_handoffs())
        return arrest

    @extend_schema(request=ArrestUpdate)
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    def apply_update(self, obj, data, version):
        arrest = arrest_update(
            actor=self.request.user, arrest=obj, expected_version=version, data=data
        )
        prefetch_related_objects([arrest], self._seen_handoffs())
        return arrest

    @extend_schema(
        request=ArrestImport,
        responses={201: ArrestSerializer(many=True)},
        description="Create a batch of arrests in the CSV import's columns and formats, with "
        "the same checks: every row is saved, or none and the answer lists each row's problems.",
    )
    @action(detail=False, methods=["post"], url_path="import")
    def bulk_import(self, request, *args, **kwargs):
        incoming = ArrestImport(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        operation = None
        if data.get("operation"):
            operation = operation_get(actor=request.user, public_id=data["operation"])
        agency = data.get("arresting_agency") or arresting_agency_default(request.user)
        if agency is None:
            raise ValidationError({"arresting_agency": "Name the police agency that arrested."})
        rows = [dict(row) for row in data["rows"]]
        choices = {n: row.pop("person") for n, row in enumerate(rows, start=1) if "person" in row}
        try:
            arrests = arrest_import_records(
                actor=request.user,
                records=rows,
                operation=operation,
                arresting_agency=agency,
                choices=choices,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                raise
            raise ValidationError({"rows": error.messages}) from None
        created = self.get_queryset().filter(pk__in=[a.pk for a in arrests]).order_by("id")
        return Response(ArrestSerializer(created, many=True).data, status=status.HTTP_201_CREATED)
