"""People over the API: list and read those the caller may see, and share them."""

from __future__ import annotations

import django_filters

from api.base import ListRetrieve, Shareable
from api.serializers.people import PersonSerializer
from cases.models import Person
from cases.models.people import birth_key, name_key


class PersonFilter(django_filters.FilterSet):
    """Exact (case- and accent-blind) matches only: names and birth dates are encrypted and
    looked up through their keyed hashes."""

    last_name = django_filters.CharFilter(method="by_key", help_text="Whole last name.")
    first_name = django_filters.CharFilter(method="by_key", help_text="Whole first name.")
    date_of_birth = django_filters.DateFilter(method="by_birth_date")

    class Meta:
        model = Person
        fields = ["last_name", "first_name", "date_of_birth"]

    def by_key(self, queryset, name, value):
        return queryset.filter(**{f"{name}_key": name_key(value)})

    def by_birth_date(self, queryset, name, value):
        return queryset.filter(birth_key=birth_key(value))


class PersonViewSet(Shareable, ListRetrieve):
    """People the caller may see: their agency's, shared ones, and arrestees of visible arrests."""

    model = Person
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    http_method_names = ["get", "post", "head", "options"]
