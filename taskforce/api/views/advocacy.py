"""Victims and referrals over the API: privileged records, every read of one audited."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from referrals.models import Referral, ReferralStatus, Urgency
from taskforce import access
from taskforce.api.base import ListRetrieve
from taskforce.api.serializers.advocacy import (
    ReferralOut,
    VictimOut,
    referral_as_seen,
    victim_as_seen,
)
from victims.models import Victim


class VictimViewSet(ListRetrieve):
    """Victims' records: the advocacy agency's own, and others' under a consent in force."""

    model = Victim
    serializer_class = VictimOut
    audit_list_reads = True
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return self.visible().select_related("person", "owner_agency")

    def _shown(self, victim) -> dict | None:
        scope = access.consent_scope(self.request.user, victim)
        if scope is None:
            return None
        own = victim.owner_agency_id == self.request.user.membership.agency_id
        return victim_as_seen(victim, scope, own)

    def paginate_queryset(self, queryset):
        page = super(ListRetrieve, self).paginate_queryset(queryset)
        shown = []
        for victim in page:
            data = self._shown(victim)
            # A grant without a consent in force shows nothing, as the page does (404 there):
            # such a row is left out, so a page may hold fewer rows than its size.
            if data is not None:
                self.viewed(victim)
                shown.append(data)
        return shown

    @extend_schema(responses=VictimOut(many=True))
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(page)

    @extend_schema(responses=VictimOut)
    def retrieve(self, request, *args, **kwargs):
        victim = self.get_object()
        data = self._shown(victim)
        if data is None:
            raise access.NotFound
        self.viewed(victim)
        return Response(data)


class ReferralFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReferralStatus.choices, method="filter_status")
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices)
    side = django_filters.ChoiceFilter(
        choices=[("received", "Received by my agency"), ("sent", "Sent by my agency")],
        method="filter_side",
    )

    class Meta:
        model = Referral
        fields = ["status", "urgency", "side"]

    def filter_status(self, queryset, name, value):
        # Filtering by the true status would reveal it to a sender without consent: the
        # filter applies to the receiving agency's own referrals only.
        membership = access.acting_membership(self.request.user)
        return queryset.filter(owner_agency=membership.agency, status=value)

    def filter_side(self, queryset, name, value):
        membership = access.acting_membership(self.request.user)
        if value == "received":
            return queryset.filter(owner_agency=membership.agency)
        return queryset.filter(referring_agency=membership.agency)


class ReferralViewSet(ListRetrieve):
    """Safe Harbor referrals: the receiving agency's, and those the caller's agency sent."""

    model = Referral
    serializer_class = ReferralOut
    filterset_class = ReferralFilter
    audit_list_reads = True
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return self.visible().select_related(
            "person", "referring_agency", "owner_agency", "region", "assigned_advocate", "victim"
        )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return [referral_as_seen(self.request.user, referral) for referral in page]

    @extend_schema(responses=ReferralOut(many=True))
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(page)

    @extend_schema(responses=ReferralOut)
    def retrieve(self, request, *args, **kwargs):
        referral = self.get_object()
        self.viewed(referral)
        return Response(referral_as_seen(request.user, referral))
