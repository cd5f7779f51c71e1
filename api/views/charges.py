"""A case's charging decision and counts over the API, calling the services the pages call."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import UUID_PART, part_of, valid
from api.serializers.cases import CaseSerializer
from api.serializers.charges import (
    CaseDecision,
    ChargeAmend,
    ChargeDispose,
    ChargeFile,
    ChargeSerializer,
)
from cases.models import Person
from cases.services import charges as charge_services
from taskforce import access

CHARGE_ID = OpenApiParameter("charge_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


def _charge_input(case, data: dict) -> charge_services.ChargeInput:
    defendant = Person.objects.filter(defendant_in__case=case, public_id=data["defendant"]).first()
    if defendant is None:
        raise ValidationError({"defendant": "Charge a defendant of this case."})
    return charge_services.ChargeInput(
        defendant=defendant,
        statute=data["statute"],
        filed_on=data["filed_on"],
        level=data.get("level", ""),
    )


class ChargeSteps:
    """Actions of the case viewset (`CaseViewSet`) on its counts: POST only, each needs change on
    the case."""

    def _case(self):
        return self.get_object(access.Action.CHANGE)

    def _charge(self, case):
        return part_of(case.charges.select_related("statute", "case"), self.kwargs["charge_id"])

    @extend_schema(request=CaseDecision, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], url_path="decision")
    def decision(self, request, *args, **kwargs):
        """The charging decision on an intake case: charge (with counts), decline or refer
        (each with a reason)."""
        case = self._case()
        data = valid(CaseDecision, request)
        charge_services.charging_decide(
            actor=request.user,
            case=case,
            decision=data["decision"],
            reason=data.get("reason", ""),
            referred_to=data.get("referred_to"),
            charges=[_charge_input(case, count) for count in data.get("charges", [])],
        )
        return Response(CaseSerializer(self.get_queryset().get(pk=case.pk)).data)

    @extend_schema(request=ChargeFile, responses={201: ChargeSerializer})
    @action(detail=True, methods=["post"], url_path="charges")
    def charge_file(self, request, *args, **kwargs):
        """File a count against a defendant of the case."""
        case = self._case()
        charge = charge_services.charge_file(
            actor=request.user, case=case, charge=_charge_input(case, valid(ChargeFile, request))
        )
        return Response(ChargeSerializer(charge).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[CHARGE_ID], request=ChargeAmend, responses={201: ChargeSerializer})
    @action(
        detail=True, methods=["post"], url_path=f"charges/{UUID_PART.format('charge_id')}/amend"
    )
    def charge_amend(self, request, *args, **kwargs):
        """Amend a count: the new count is returned; the original stays, marked amended."""
        case = self._case()
        charge = self._charge(case)
        amended = charge_services.charge_amend(
            actor=request.user, charge=charge, **valid(ChargeAmend, request)
        )
        return Response(ChargeSerializer(amended).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[CHARGE_ID], request=ChargeDispose, responses={200: ChargeSerializer})
    @action(
        detail=True, methods=["post"], url_path=f"charges/{UUID_PART.format('charge_id')}/dispose"
    )
    def charge_dispose(self, request, *args, **kwargs):
        """Record how a count ended."""
        case = self._case()
        charge = charge_services.charge_dispose(
            actor=request.user, charge=self._charge(case), **valid(ChargeDispose, request)
        )
        return Response(ChargeSerializer(charge).data)
