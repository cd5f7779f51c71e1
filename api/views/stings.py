"""Operations, arrests (with the bulk import), people and hand-offs over the API."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import ListRetrieve, Shareable, VersionedUpdate, valid
from api.fields import IsoDateTimeFilter
from api.serializers.runaways import AdResponseSerializer, AdResponsesWrite
from api.serializers.stings import (
    ArrestImport,
    ArrestSerializer,
    ArrestUpdate,
    HandOffCreate,
    HandOffSerializer,
    OperationSerializer,
    OperationUpdate,
    OperationWrite,
    PersonSerializer,
)
from cases.models import Arrest, CustodyStatus, HandOff, Operation, OperationKind, Person
from cases.models.people import birth_key, name_key
from cases.selectors.arrests import arrests_by_ids
from cases.selectors.operations import operation_get
from cases.services.arrests import arrest_update
from cases.services.handoffs import handoff_create
from cases.services.imports import arrest_import_records, arresting_agency_default
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
            rows = operation.ad_responses.order_by("-seen_on", "value")
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


class ArrestFilter(django_filters.FilterSet):
    operation = django_filters.UUIDFilter(field_name="operation__public_id")
    county = django_filters.CharFilter(field_name="county__name", lookup_expr="iexact")
    custody_status = django_filters.ChoiceFilter(choices=CustodyStatus.choices)
    arrested_from = IsoDateTimeFilter(field_name="arrested_at", lookup_expr="gte")
    arrested_to = IsoDateTimeFilter(field_name="arrested_at", lookup_expr="lte")
    booking_number = django_filters.CharFilter(lookup_expr="iexact")
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

    def filter_handed_off(self, queryset, name, value):
        handed = Exists(HandOff.objects.filter(arrest=OuterRef("pk")))
        return queryset.filter(handed if value else ~handed)


class ArrestViewSet(VersionedUpdate, Shareable, ListRetrieve):
    """Arrests; new ones arrive through `import` (all or none), as a sting's arrests do."""

    model = Arrest
    serializer_class = ArrestSerializer
    update_serializer_class = ArrestUpdate
    filterset_class = ArrestFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            self.visible()
            .select_related("arrestee", "county", "arresting_agency", "operation", "owner_agency")
            .prefetch_related("charges__statute", "handoffs__to_agency")
        )

    @extend_schema(request=ArrestUpdate)
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    def apply_update(self, obj, data, version):
        return arrest_update(
            actor=self.request.user, arrest=obj, expected_version=version, data=data
        )

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


class PersonFilter(django_filters.FilterSet):
    """Exact (case- and accent-blind) matches only: names and birth dates are encrypted and
    looked up through their keyed hashes."""

    last_name = django_filters.CharFilter(method="by_key", help_text="Whole last name.")
    first_name = django_filters.CharFilter(method="by_key", help_text="Whole first name.")
    date_of_birth = django_filters.DateFilter(method="by_birth_date")

    class Meta:
        model = Person
        fields = ["last_name", "first_name", "date_of_birth"]

    def by_key(self, queryset, name, value):
        return queryset.filter(**{f"{name}_key": name_key(value)})

    def by_birth_date(self, queryset, name, value):
        return queryset.filter(birth_key=birth_key(value))


class PersonViewSet(Shareable, ListRetrieve):
    """People the caller may see: their agency's, shared ones, and arrestees of visible arrests."""

    model = Person
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    http_method_names = ["get", "post", "head", "options"]


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
