"""Hand-offs of arrests to a prosecution agency as the API shows and accepts them."""

from __future__ import annotations

from rest_framework import serializers

from api.base import AgencyField, AgencyRef
from cases.models import HandOff


class HandOffBrief(serializers.Serializer):
    public_id = serializers.UUIDField(read_only=True)
    to_agency = AgencyRef(read_only=True)


class HandOffSerializer(serializers.ModelSerializer):
    owner_agency = AgencyRef(read_only=True)
    to_agency = AgencyRef(read_only=True)
    arrest = serializers.UUIDField(source="arrest.public_id", read_only=True)
    case = serializers.UUIDField(source="case.public_id", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)

    class Meta:
        model = HandOff
        fields = [
            "public_id",
            "arrest",
            "to_agency",
            "case",
            "case_number",
            "note",
            "owner_agency",
            "created_at",
        ]
        read_only_fields = fields


class HandOffCreate(serializers.Serializer):
    arrests = serializers.ListField(
        child=serializers.UUIDField(), allow_empty=False, max_length=500
    )
    to_agency = AgencyField()
    one_case = serializers.BooleanField(
        default=False, help_text="One case for all the arrests instead of one each."
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
