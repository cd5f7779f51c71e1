"""A case's steps in court over the API: each finds the case through the policy (404 for another
agency's), its count or hearing among the case's own, and calls the service the page calls."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import UUID_PART, part_of, valid
from api.serializers.cases import CourtEventSerializer
from api.serializers.court import (
    DetentionOut,
    DetentionWrite,
    HearingContinue,
    HearingRecord,
    HearingSchedule,
    ReleaseWrite,
    SentenceOut,
    SentenceWrite,
    SpeedyTrialDemandOut,
    SpeedyTrialDemandWrite,
)
from api.views.charges import CHARGE_ID, ChargeSteps
from cases.services import court as court_services

EVENT_ID = OpenApiParameter("event_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


class CourtSteps(ChargeSteps):
    """Actions of the case viewset (`CaseViewSet`) in court, with those on its counts
    (`ChargeSteps`): POST only, each needs change on the case."""

    def _event(self, case):
        return part_of(case.court_events.select_related("case"), self.kwargs["event_id"])

    @extend_schema(parameters=[CHARGE_ID], request=SentenceWrite, responses={201: SentenceOut})
    @action(
        detail=True, methods=["post"], url_path=f"charges/{UUID_PART.format('charge_id')}/sentence"
    )
    def charge_sentence(self, request, *args, **kwargs):
        """The sentence on a count of conviction, with the 609.3241 assessment."""
        case = self._case()
        sentence = court_services.sentence_record(
            actor=request.user, charge=self._charge(case), **valid(SentenceWrite, request)
        )
        return Response(SentenceOut(sentence).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=HearingSchedule, responses={201: CourtEventSerializer})
    @action(detail=True, methods=["post"], url_path="hearings")
    def hearing_schedule(self, request, *args, **kwargs):
        """Schedule a hearing; its deadline and any victims' notice follow."""
        case = self._case()
        event = court_services.court_event_schedule(
            actor=request.user, case=case, **valid(HearingSchedule, request)
        )
        return Response(CourtEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[EVENT_ID], request=HearingContinue, responses={201: CourtEventSerializer}
    )
    @action(
        detail=True, methods=["post"], url_path=f"hearings/{UUID_PART.format('event_id')}/continue"
    )
    def hearing_continue(self, request, *args, **kwargs):
        """Continue a hearing: the new hearing is returned; the old stays, marked continued."""
        case = self._case()
        new = court_services.court_event_continue(
            actor=request.user, event=self._event(case), **valid(HearingContinue, request)
        )
        return Response(CourtEventSerializer(new).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[EVENT_ID], request=HearingRecord, responses={200: CourtEventSerializer}
    )
    @action(
        detail=True, methods=["post"], url_path=f"hearings/{UUID_PART.format('event_id')}/record"
    )
    def hearing_record(self, request, *args, **kwargs):
        """Record a hearing held (with its outcome) or cancelled."""
        case = self._case()
        event = court_services.court_event_record(
            actor=request.user, event=self._event(case), **valid(HearingRecord, request)
        )
        return Response(CourtEventSerializer(event).data)

    @extend_schema(request=SpeedyTrialDemandWrite, responses={201: SpeedyTrialDemandOut})
    @action(detail=True, methods=["post"], url_path="speedy-trial-demand")
    def speedy_trial_demand(self, request, *args, **kwargs):
        """A speedy-trial demand: starts the trial clock, and in custody the release clock."""
        case = self._case()
        demand = court_services.speedy_trial_demand_record(
            actor=request.user, case=case, **valid(SpeedyTrialDemandWrite, request)
        )
        return Response(SpeedyTrialDemandOut(demand).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DetentionWrite, responses={201: DetentionOut})
    @action(detail=True, methods=["post"], url_path="detention")
    def detention(self, request, *args, **kwargs):
        """A juvenile defendant held: the detention hearing falls due (Juv. R. 5.07)."""
        case = self._case()
        detention = court_services.juvenile_detention_record(
            actor=request.user, case=case, **valid(DetentionWrite, request)
        )
        return Response(DetentionOut(detention).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReleaseWrite, responses={200: DetentionOut})
    @action(detail=True, methods=["post"], url_path="detention/release")
    def detention_release(self, request, *args, **kwargs):
        """The juvenile is released: the detention clocks stop."""
        case = self._case()
        detention = court_services.juvenile_release_record(
            actor=request.user, case=case, **valid(ReleaseWrite, request)
        )
        return Response(DetentionOut(detention).data)
