"""Operations (stings) as the API shows and accepts them."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.base import AgencyField, AgencyRef, CountyField, VersionSerializer
from cases.models import (
    AdResponse,
    Operation,
    OperationKind,
)


class OperationSerializer(serializers.ModelSerializer):
    owner_agency = AgencyRef(read_only=True)
    counties = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    participants = serializers.SerializerMethodField()

    class Meta:
        model = Operation
        fields = [
            "public_id",
            "version",
            "name",
            "kind",
            "starts_on",
            "ends_on",
            "counties",
            "participants",
            "ads_posted",
            "responses",
            "contacts",
            "notes",
            "owner_agency",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(AgencyRef(many=True))
    def get_participants(self, operation):
        return AgencyRef([p.agency for p in operation.participants.all()], many=True).data


class OperationWrite(serializers.Serializer):
    name = serializers.CharField(max_length=160)
    kind = serializers.ChoiceField(choices=OperationKind.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)
    counties = CountyField(many=True, required=False)
    participants = AgencyField(many=True, required=False)
    ads_posted = serializers.IntegerField(min_value=0, max_value=2_000_000_000, required=False)
    responses = serializers.IntegerField(min_value=0, max_value=2_000_000_000, required=False)
    contacts = serializers.IntegerField(min_value=0, max_value=2_000_000_000, required=False)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=20_000)

    def validate_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Name the operation.")
        return value


class OperationUpdate(VersionSerializer, OperationWrite):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "version":
                field.required = False


class AdResponseSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdResponse
        fields = ["public_id", "kind", "value", "seen_on", "recorded_at"]
        read_only_fields = fields


class AdResponsesWrite(serializers.Serializer):
    values = serializers.ListField(
        child=serializers.CharField(max_length=120), min_length=1, max_length=500,
        help_text="Phone numbers and @handles; all are saved or none.",
    )  # fmt: skip
    seen_on = serializers.DateField()
