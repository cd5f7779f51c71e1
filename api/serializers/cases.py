"""Cases with their defendants, charges and hearings as the API shows them."""

from __future__ import annotations

from rest_framework import serializers

from api.base import AgencyRef, CountyField, VersionSerializer
from api.fields import DateField
from api.serializers.charges import ChargeSerializer
from api.serializers.people import ArresteeSerializer
from cases.models import Case, CaseKind, CaseStatus, CourtEvent


class CourtEventSerializer(serializers.ModelSerializer):
    continued_to = serializers.UUIDField(
        source="continued_to.public_id", read_only=True, allow_null=True
    )

    class Meta:
        model = CourtEvent
        fields = [
            "public_id",
            "kind",
            "starts_at",
            "courtroom",
            "judge",
            "status",
            "outcome",
            "continued_to",
            "continued_by",
            "continuance_reason",
        ]
        read_only_fields = fields


class CaseSerializer(serializers.ModelSerializer):
    owner_agency = AgencyRef(read_only=True)
    county = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)
    assigned_prosecutor = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    defendants = ArresteeSerializer(many=True, read_only=True)

    class Meta:
        model = Case
        fields = [
            "public_id",
            "version",
            "number",
            "title",
            "kind",
            "status",
            "county",
            "court_file_number",
            "assigned_prosecutor",
            "is_juvenile",
            "final_disposition_on",
            "defendants",
            "owner_agency",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    charges = ChargeSerializer(many=True, read_only=True)
    court_events = CourtEventSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "charges", "court_events"]
        read_only_fields = fields


class CaseUpdate(VersionSerializer):
    number = serializers.CharField(max_length=40, required=False)
    title = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=CaseKind.choices, required=False)
    county = CountyField(required=False, allow_null=True)
    court_file_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    is_juvenile = serializers.BooleanField(required=False)


class CaseFinalDisposition(serializers.Serializer):
    final_disposition_on = DateField(
        help_text="The final disposition's date: the victims' notice is due 15 working days "
        "after it (Minn. Stat. 611A.039)."
    )


class CaseTransition(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=CaseStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)
