"""What the API accepts to send a Safe Harbor referral and to work one."""

from __future__ import annotations

from rest_framework import serializers

from api.base import AgencyField, VersionSerializer
from api.fields import DateField
from cases.models import Sex
from referrals.models import ClosureReason, ReferralStatus, Region, SourceKind, Urgency


class ReferralSend(serializers.Serializer):
    """Who is referred: someone on record you can see (`person`), or a new person record of
    your agency (`first_name`, `last_name`, …) as the page makes one."""

    person = serializers.UUIDField(required=False, help_text="A person you can see.")
    first_name = serializers.CharField(max_length=80, required=False)
    last_name = serializers.CharField(max_length=80, required=False)
    date_of_birth = DateField(required=False, allow_null=True)
    sex = serializers.ChoiceField(choices=Sex.choices, default=Sex.UNKNOWN)
    to_agency = AgencyField(help_text="An active victim-service agency.")
    region = serializers.SlugRelatedField(
        slug_field="name",
        queryset=Region.objects.all(),
        required=False,
        allow_null=True,
        help_text="The Safe Harbor region, by name.",
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.ROUTINE)
    source = serializers.ChoiceField(choices=SourceKind.choices)
    reason = serializers.CharField(
        max_length=4000,
        help_text="What the advocate needs to know to reach out safely. No more than needed.",
    )
    arrest = serializers.UUIDField(required=False, allow_null=True, help_text="From an arrest.")
    case = serializers.UUIDField(required=False, allow_null=True, help_text="From a case.")

    def validate(self, attrs):
        if "person" in attrs:
            extra = sorted({"first_name", "last_name", "date_of_birth"} & set(attrs))
            if extra:
                raise serializers.ValidationError(
                    {name: "Give the person on record or a new person, not both." for name in extra}
                )
            return attrs
        missing = {
            name: "Name the person referred (or give `person`)."
            for name in ("first_name", "last_name")
            if not attrs.get(name, "").strip()
        }
        if missing:
            raise serializers.ValidationError(missing)
        return attrs


class ReferralTransition(VersionSerializer):
    to_status = serializers.ChoiceField(choices=ReferralStatus.choices)
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="Required to decline."
    )
    closure_reason = serializers.ChoiceField(
        choices=ClosureReason.choices, required=False, allow_blank=True, help_text="To close."
    )


class ReferralAssign(VersionSerializer):
    advocate = serializers.CharField(
        max_length=150,
        allow_null=True,
        help_text="The username of an advocate or supervisor of the agency; null for no one.",
    )
