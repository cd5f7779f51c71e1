"""Runaway reports through the API: read them, read the review queue, record a review."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import ListRetrieve, Shareable, valid
from api.serializers.runaways import RunawayReportSerializer, RunawayReviewWrite
from cases.models import RunawayReport
from cases.models.runaways import ReviewOutcome
from cases.selectors.runaways import case_to_link, runaway_queue_rows
from cases.services.runaways import runaway_review
from taskforce import access
from taskforce.models import StaleVersion


class RunawayFilter(django_filters.FilterSet):
    review_outcome = django_filters.ChoiceFilter(choices=ReviewOutcome.choices)

    class Meta:
        model = RunawayReport
        fields = ["review_outcome"]


class RunawayReportViewSet(Shareable, ListRetrieve):
    """Runaway reports the caller may see (the owning agency's and those shared with it)."""

    model = RunawayReport
    serializer_class = RunawayReportSerializer
    filterset_class = RunawayFilter

    def get_queryset(self):
        return self.visible().select_related("owner_agency", "youth", "linked_case")

    @extend_schema(responses={200: RunawayReportSerializer(many=True)})
    @action(detail=False, methods=["get"])
    def queue(self, request, *args, **kwargs):
        """The review queue: reports whose youth turns up in what the caller may see (for
        prosecutors and supervisors; 404 for anyone else)."""
        outcome = request.query_params.get("review_outcome", "")
        if outcome not in ReviewOutcome.values:
            outcome = ""
        queue = runaway_queue_rows(actor=request.user, outcome=outcome).values("pk")
        matched = self.get_queryset().filter(pk__in=queue)
        page = self.paginate_queryset(matched)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=RunawayReviewWrite, responses={200: RunawayReportSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request, *args, **kwargs):
        """Mark a report reviewed: linked to a case (by its number), no link, or follow-up."""
        if not access.may_review_runaways(request.user):
            raise access.NotFound
        report = self.get_object(access.Action.CHANGE)
        data = valid(RunawayReviewWrite, request)
        number = data.pop("case_number", "").strip()
        linked = case_to_link(actor=request.user, number=number) if number else None
        try:
            report = runaway_review(
                actor=request.user, report=report, expected_version=data["version"],
                outcome=data["outcome"], note=data["note"], linked_case=linked,
            )  # fmt: skip
        except StaleVersion:
            raise self.stale(report) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data)
