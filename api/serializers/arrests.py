"""Operations, arrests, people and hand-offs as the API shows and accepts them."""

from __future__ import annotations

from rest_framework import serializers

from api.base import AgencyField, AgencyRef, CountyField, Ref, VersionSerializer
from api.fields import DateTimeField
from api.serializers.handoffs import HandOffBrief
from api.serializers.people import ArresteeSerializer
from cases.models import (
    Arrest,
    CustodyStatus,
    SolicitationVenue,
)


class ChargeCitation(serializers.Serializer):
    citation = serializers.CharField(source="statute.citation", read_only=True)
    counts = serializers.IntegerField(read_only=True)


class ArrestSerializer(serializers.ModelSerializer):
    owner_agency = AgencyRef(read_only=True)
    arresting_agency = AgencyRef(read_only=True)
    operation = Ref(read_only=True, allow_null=True)
    arrestee = ArresteeSerializer(read_only=True)
    county = serializers.SlugRelatedField(slug_field="name", read_only=True)
    charges = ChargeCitation(many=True, read_only=True)
    # Only the hand-offs the caller may see, prefetched by the view (ArrestViewSet.SEEN_HANDOFFS).
    handoffs = HandOffBrief(many=True, read_only=True, source="seen_handoffs")

    class Meta:
        model = Arrest
        fields = [
            "public_id",
            "version",
            "operation",
            "arrestee",
            "arrested_at",
            "address",
            "city",
            "county",
            "arresting_agency",
            "arresting_officer",
            "booking_number",
            "custody_status",
            "jail",
            "charges",
            "evidence",
            "narrative",
            "decoy_stated_age",
            "decoy_age_stated_at",
            "solicitation_venue",
            "meeting_place",
            "vehicle",
            "victims_recovered",
            "victims_screened",
            "handoffs",
            "owner_agency",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ArrestUpdate(VersionSerializer):
    """The corrections the arrest page allows: the arrestee and charges stay as entered."""

    arrested_at = DateTimeField(required=False)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    city = serializers.CharField(max_length=80, required=False, allow_blank=True)
    county = CountyField(required=False)
    arresting_officer = serializers.CharField(max_length=120, required=False, allow_blank=True)
    booking_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    custody_status = serializers.ChoiceField(choices=CustodyStatus.choices, required=False)
    jail = serializers.CharField(max_length=120, required=False, allow_blank=True)
    decoy_stated_age = serializers.IntegerField(
        min_value=1, max_value=99, required=False, allow_null=True
    )
    decoy_age_stated_at = DateTimeField(required=False, allow_null=True)
    solicitation_venue = serializers.ChoiceField(
        choices=SolicitationVenue.choices, required=False, allow_blank=True
    )
    meeting_place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    vehicle = serializers.CharField(max_length=120, required=False, allow_blank=True)
    victims_recovered = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    victims_screened = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    evidence = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    narrative = serializers.CharField(required=False, allow_blank=True, max_length=20_000)


class ArrestImportRow(serializers.Serializer):
    """One arrest, in the CSV import's columns and formats (README: Import CSV)."""

    last_name = serializers.CharField(max_length=80, allow_blank=True)
    first_name = serializers.CharField(max_length=80, allow_blank=True)
    arrested_at = serializers.CharField(help_text="Local time, e.g. 2026-03-14 21:30.")
    county = serializers.CharField(max_length=80)
    custody_status = serializers.CharField(help_text="booked, cited or released_pending.")
    charges = serializers.CharField(help_text="Statute citations separated by ';'.")
    date_of_birth = serializers.CharField(required=False, allow_blank=True)
    city = serializers.CharField(max_length=80, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    booking_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    arresting_officer = serializers.CharField(max_length=120, required=False, allow_blank=True)
    jail = serializers.CharField(max_length=120, required=False, allow_blank=True)
    decoy_stated_age = serializers.CharField(required=False, allow_blank=True)
    solicitation_venue = serializers.CharField(required=False, allow_blank=True)
    meeting_place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    vehicle = serializers.CharField(max_length=120, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    handle = serializers.CharField(max_length=120, required=False, allow_blank=True)
    narrative = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    person = serializers.CharField(
        required=False,
        help_text="When the arrestee may already be on record: an existing person's public id "
        "(the same person) or 'new'.",
    )

    def to_internal_value(self, data):
        # Like the CSV header check: a column the import does not know is refused, not ignored.
        if isinstance(data, dict):
            unknown = sorted(str(key) for key in data if key not in self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {"non_field_errors": [f"Unknown columns: {', '.join(unknown)}."]}
                )
        return super().to_internal_value(data)


class ArrestImport(serializers.Serializer):
    operation = serializers.UUIDField(required=False, allow_null=True)
    arresting_agency = AgencyField(
        required=False, help_text="Defaults to your agency when it is a police agency."
    )
    rows = ArrestImportRow(many=True, allow_empty=False, max_length=5000)
