"""Operations, arrests, people and hand-offs as the API shows and accepts them."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.base import AgencyField, AgencyRef, VersionSerializer
from api.fields import DateTimeField
from cases.models import (
    Arrest,
    CustodyStatus,
    HandOff,
    Operation,
    OperationKind,
    Person,
    SolicitationVenue,
)
from taskforce.models import County


class CountyField(serializers.SlugRelatedField):
    default_error_messages = {
        "does_not_exist": "'{value}' is not a county we know.",
        "invalid": "Give a county's name, e.g. Washington.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", County.objects.all())
        super().__init__(slug_field="name", **kwargs)


class Ref(serializers.Serializer):
    """A link to another record: its public id and a label."""

    public_id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True, source="__str__")


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = [
            "public_id",
            "version",
            "first_name",
            "middle_name",
            "last_name",
            "date_of_birth",
            "sex",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ArresteeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["public_id", "first_name", "last_name", "date_of_birth"]
        read_only_fields = fields


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


class ChargeCitation(serializers.Serializer):
    citation = serializers.CharField(source="statute.citation", read_only=True)
    counts = serializers.IntegerField(read_only=True)


class HandOffBrief(serializers.Serializer):
    public_id = serializers.UUIDField(read_only=True)
    to_agency = AgencyRef(read_only=True)


class ArrestSerializer(serializers.ModelSerializer):
    owner_agency = AgencyRef(read_only=True)
    arresting_agency = AgencyRef(read_only=True)
    operation = Ref(read_only=True, allow_null=True)
    arrestee = ArresteeSerializer(read_only=True)
    county = serializers.SlugRelatedField(slug_field="name", read_only=True)
    charges = ChargeCitation(many=True, read_only=True)
    handoffs = HandOffBrief(many=True, read_only=True)

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
