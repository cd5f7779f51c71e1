"""People (arrestees, defendants, youths reported missing) as the API shows them."""

from __future__ import annotations

from rest_framework import serializers

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


class ArresteeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["public_id", "first_name", "last_name", "date_of_birth"]
        read_only_fields = fields
