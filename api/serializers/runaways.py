"""API shapes of runaway reports (issue #11) and of the numbers and handles seen in a sting."""

from rest_framework import serializers

from api.base import AgencyRef, Withheld
from cases.models import RunawayReport
from cases.models.runaways import ReviewOutcome


class PersonRef(Withheld, serializers.Serializer):
    public_id = serializers.UUIDField(read_only=True)


class RunawayReportSerializer(serializers.ModelSerializer):
    owner_agency = AgencyRef(read_only=True)
    youth = PersonRef(read_only=True)
    linked_case = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = RunawayReport
        fields = [
            "public_id", "version", "youth", "reported_at", "reported_by", "returned_at",
            "returned_from", "notes", "review_outcome", "linked_case", "reviewed_at",
            "review_note", "owner_agency", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class RunawayReviewWrite(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)
    outcome = serializers.ChoiceField(
        choices=[c for c in ReviewOutcome.choices if c[0] != ReviewOutcome.PENDING]
    )
    note = serializers.CharField(max_length=4000)
    case_number = serializers.CharField(
        max_length=40, required=False, allow_blank=True,
        help_text="The number of a case you may open; only when the outcome is linked.",
    )  # fmt: skip
