"""Counts as the API shows them, and what it accepts to charge, amend and dispose of them."""

from __future__ import annotations

from rest_framework import serializers

from api.base import AgencyField, RecordId
from api.fields import DateField
from cases.models import Charge, Decision, Disposition, Statute
from cases.models.statutes import OffenceLevel


class ChargeSerializer(serializers.ModelSerializer):
    defendant = RecordId()
    statute = serializers.CharField(source="statute.citation", read_only=True)
    amended_to = serializers.UUIDField(
        source="amended_to.public_id", read_only=True, allow_null=True
    )

    class Meta:
        model = Charge
        fields = [
            "public_id",
            "defendant",
            "count_number",
            "statute",
            "level",
            "filed_on",
            "status",
            "amended_to",
            "disposition",
            "disposed_on",
        ]
        read_only_fields = fields


class StatuteField(serializers.SlugRelatedField):
    """A statute by its citation, as the court cites it (e.g. "609.324 subd. 1(b)")."""

    default_error_messages = {
        "does_not_exist": "'{value}' is not a statute we know; give its citation.",
        "invalid": "Give a statute's citation, e.g. 609.324 subd. 1(b).",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Statute.objects.all())
        super().__init__(slug_field="citation", **kwargs)


class ChargeFile(serializers.Serializer):
    defendant = serializers.UUIDField(help_text="The public id of a defendant of this case.")
    statute = StatuteField()
    filed_on = DateField()
    level = serializers.ChoiceField(
        choices=OffenceLevel.choices,
        required=False,
        allow_blank=True,
        help_text="The statute's level unless given.",
    )


class CaseDecision(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="Required to decline or refer."
    )
    referred_to = AgencyField(required=False, allow_null=True, help_text="Refer: the office.")
    charges = ChargeFile(
        many=True, required=False, max_length=100, help_text="Charge: the counts to file."
    )


class ChargeAmend(serializers.Serializer):
    statute = StatuteField(help_text="The amended charge.")
    amended_on = DateField()
    level = serializers.ChoiceField(choices=OffenceLevel.choices, required=False, allow_blank=True)


class ChargeDispose(serializers.Serializer):
    disposition = serializers.ChoiceField(choices=Disposition.choices)
    disposed_on = DateField()
