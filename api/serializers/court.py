"""What the API accepts for the steps of a case in court: hearings, a speedy-trial demand, a
juvenile's detention and release, and sentences."""

from __future__ import annotations

from rest_framework import serializers

from api.fields import DateField, DateTimeField
from cases.models import (
    ContinuanceBy,
    CourtEventKind,
    CourtEventStatus,
    DemandBy,
    DemandLevel,
    DetentionFacility,
    JuvenileDetention,
    Sentence,
    SpeedyTrialDemand,
)

MONEY = {"max_digits": 8, "decimal_places": 2, "min_value": 0}


class SentenceWrite(serializers.Serializer):
    sentenced_on = DateField()
    assessment = serializers.DecimalField(
        **MONEY,
        help_text="609.3241(a) penalty assessment, not waivable: $500 to $750 for a misdemeanor "
        "violation of 609.27, a violation of 609.324 subd. 2, 609.33 or 617.293; $750 to $1,000 "
        "otherwise.",
    )
    custody_days = serializers.IntegerField(min_value=0, max_value=365_000, default=0)
    custody_stayed = serializers.BooleanField(default=False)
    probation_months = serializers.IntegerField(min_value=0, max_value=12_000, default=0)
    fine = serializers.DecimalField(max_digits=9, decimal_places=2, min_value=0, default=0)
    conditions = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    assessment_reduced_for_indigence = serializers.BooleanField(default=False)
    reduction_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    assessment_paid = serializers.DecimalField(**MONEY, default=0)
    installments = serializers.IntegerField(min_value=1, max_value=1000, default=1)


class SentenceOut(serializers.ModelSerializer):
    charge = serializers.UUIDField(source="charge.public_id", read_only=True)

    class Meta:
        model = Sentence
        fields = [
            "charge",
            "sentenced_on",
            "custody_days",
            "custody_stayed",
            "probation_months",
            "fine",
            "conditions",
            "assessment",
            "assessment_reduced_for_indigence",
            "reduction_reason",
            "assessment_paid",
            "installments",
        ]
        read_only_fields = fields


class HearingSchedule(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CourtEventKind.choices)
    starts_at = DateTimeField()
    courtroom = serializers.CharField(required=False, allow_blank=True, max_length=80)
    judge = serializers.CharField(required=False, allow_blank=True, max_length=120)


class HearingContinue(serializers.Serializer):
    starts_at = DateTimeField(help_text="The new date and time, later than the old.")
    continued_by = serializers.ChoiceField(choices=ContinuanceBy.choices)
    reason = serializers.CharField(max_length=2000)


class HearingRecord(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[(CourtEventStatus.HELD, "Held"), (CourtEventStatus.CANCELLED, "Cancelled")]
    )
    outcome = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    combined_with_rule8 = serializers.BooleanField(
        default=False,
        help_text="A first appearance held with the Rule 8 hearing: the omnibus hearing is due "
        "within 28 days instead of 42 (Rule 11.01).",
    )


class SpeedyTrialDemandWrite(serializers.Serializer):
    demanded_on = DateField()
    level = serializers.ChoiceField(choices=DemandLevel.choices)
    pleaded_not_guilty_on = DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The not-guilty plea; required for a misdemeanor, whose 60 days run from it "
        "(Rule 6.06).",
    )
    made_by = serializers.ChoiceField(choices=DemandBy.choices, default=DemandBy.DEFENSE)
    in_custody = serializers.BooleanField(default=False)


class SpeedyTrialDemandOut(serializers.ModelSerializer):
    class Meta:
        model = SpeedyTrialDemand
        fields = [
            "demanded_on", "level", "pleaded_not_guilty_on", "made_by", "in_custody", "recorded_at"
        ]  # fmt: skip
        read_only_fields = fields


class DetentionWrite(serializers.Serializer):
    detained_at = DateTimeField()
    facility = serializers.ChoiceField(choices=DetentionFacility.choices)


class ReleaseWrite(serializers.Serializer):
    released_at = DateTimeField()


class DetentionOut(serializers.ModelSerializer):
    class Meta:
        model = JuvenileDetention
        fields = ["detained_at", "facility", "released_at"]
        read_only_fields = fields
