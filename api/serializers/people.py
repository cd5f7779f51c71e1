"""People (arrestees, defendants, youths reported missing) as the API shows them."""

from __future__ import annotations

from rest_framework import serializers

from api.base import Withheld
from cases.models import Person


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


class ArresteeSerializer(Withheld, serializers.ModelSerializer):
    """A person named inside another record (an arrest's arrestee, a case's defendants)."""

    label_fields = ("last_name",)
    sealed = serializers.BooleanField(read_only=True, source="is_sealed")

    class Meta:
        model = Person
        fields = ["public_id", "first_name", "last_name", "date_of_birth", "sealed"]
        read_only_fields = fields
