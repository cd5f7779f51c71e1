"""Victims and referrals over the API: privileged records, every read of one audited."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import UUID_PART, ListRetrieve, part_of, valid
from api.serializers.advocacy import (
    ConsentOut,
    ContactOut,
    NoteOut,
    ReferralOut,
    ServiceOut,
    VictimOut,
    referral_as_seen,
    victim_as_seen,
)
from api.serializers.referrals import ReferralAssign, ReferralSend, ReferralTransition
from api.serializers.victims import (
    ConsentWrite,
    ContactWrite,
    NoteWrite,
    ReasonWrite,
    ServiceEnd,
    ServiceWrite,
    VictimOpen,
)
from cases.models import Arrest, Case, Person
from cases.services.people import PersonData, person_create
from referrals import services as referral_services
from referrals.models import Referral, ReferralStatus, Urgency
from taskforce import access
from taskforce.models import StaleVersion, User
from victims import services as victim_services
from victims.models import Victim

CONSENT_ID = OpenApiParameter("consent_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
SERVICE_ID = OpenApiParameter("service_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


class VictimViewSet(ListRetrieve):
    """Victims' records: the advocacy agency's own, and others' under a consent in force."""

    model = Victim
    serializer_class = VictimOut
    audit_list_reads = True
    http_method_names = ["get", "post", "head", "options"]

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

    # --- The advocacy agency's work on the record: the services decide who may write. ---

    def _victim(self, policy_action: access.Action) -> Victim:
        """The victim as its page finds it (no consent in force: 404), then the action."""
        victim = self.get_object(access.Action.VIEW)
        if access.consent_scope(self.request.user, victim) is None:
            raise access.NotFound
        return access.require(self.request.user, policy_action, victim)

    @extend_schema(request=ConsentWrite, responses={201: ConsentOut})
    @action(detail=True, methods=["post"], url_path="consents")
    def consent_record(self, request, *args, **kwargs):
        """Record the victim's signed release to another agency: it sees what the scope
        releases until the consent expires or is revoked."""
        victim = self._victim(access.Action.SHARE)
        consent = victim_services.consent_record(
            actor=request.user, victim=victim, **valid(ConsentWrite, request)
        )
        data = ConsentOut(consent).data | {"is_active": consent.is_active()}
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[CONSENT_ID], request=ReasonWrite, responses={200: ConsentOut})
    @action(
        detail=True,
        methods=["post"],
        url_path=f"consents/{UUID_PART.format('consent_id')}/revoke",
    )
    def consent_revoke(self, request, *args, **kwargs):
        """The victim withdrew consent: the other agency loses access at once."""
        victim = self._victim(access.Action.SHARE)
        consent = part_of(victim.consents.select_related("to_agency"), kwargs["consent_id"])
        consent = victim_services.consent_revoke(
            actor=request.user, consent=consent, **valid(ReasonWrite, request)
        )
        return Response(ConsentOut(consent).data | {"is_active": consent.is_active()})

    @extend_schema(request=ServiceWrite, responses={201: ServiceOut})
    @action(detail=True, methods=["post"], url_path="services")
    def service_record(self, request, *args, **kwargs):
        """Record a service offered to or delivered for the person."""
        victim = self._victim(access.Action.CHANGE)
        service = victim_services.service_record(
            actor=request.user, victim=victim, **valid(ServiceWrite, request)
        )
        return Response(ServiceOut(service).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[SERVICE_ID], request=ServiceEnd, responses={200: ServiceOut})
    @action(
        detail=True, methods=["post"], url_path=f"services/{UUID_PART.format('service_id')}/end"
    )
    def service_end(self, request, *args, **kwargs):
        """A service ends: completed, or declined by the person."""
        victim = self._victim(access.Action.CHANGE)
        service = part_of(victim.services.select_related("victim"), kwargs["service_id"])
        service = victim_services.service_end(
            actor=request.user, service=service, **valid(ServiceEnd, request)
        )
        return Response(ServiceOut(service).data)

    @extend_schema(request=ContactWrite, responses={201: ContactOut})
    @action(detail=True, methods=["post"], url_path="contacts")
    def contact_record(self, request, *args, **kwargs):
        """Log a contact or an attempt: it meets the referrals' contact and follow-up clocks."""
        victim = self._victim(access.Action.CHANGE)
        contact = victim_services.contact_record(
            actor=request.user, victim=victim, **valid(ContactWrite, request)
        )
        return Response(ContactOut(contact).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NoteWrite, responses={201: NoteOut})
    @action(detail=True, methods=["post"], url_path="notes")
    def note_add(self, request, *args, **kwargs):
        """An advocate note: private to the agency, whatever any consent says."""
        victim = self._victim(access.Action.CHANGE)
        note = victim_services.advocate_note_add(
            actor=request.user, victim=victim, **valid(NoteWrite, request)
        )
        return Response(NoteOut(note).data, status=status.HTTP_201_CREATED)


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
    http_method_names = ["get", "post", "head", "options"]

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

    def _shown(self, referral) -> dict:
        return referral_as_seen(self.request.user, self.get_queryset().get(pk=referral.pk))

    @extend_schema(request=ReferralSend, responses={201: ReferralOut})
    def create(self, request, *args, **kwargs):
        """Refer a person to a victim-service agency, which owns the referral from then on."""
        data = valid(ReferralSend, request)
        user = request.user
        arrest = access.get_for(user, Arrest, data["arrest"]) if data.get("arrest") else None
        case = access.get_for(user, Case, data["case"]) if data.get("case") else None
        with transaction.atomic():
            if "person" in data:
                person = access.get_for(user, Person, data["person"])
            else:
                person = person_create(
                    actor=user,
                    data=PersonData(
                        first_name=data["first_name"],
                        last_name=data["last_name"],
                        date_of_birth=data.get("date_of_birth"),
                        sex=data["sex"],
                    ),
                )
            referral = referral_services.referral_send(
                actor=user,
                person=person,
                to_agency=data["to_agency"],
                source=data["source"],
                reason=data["reason"],
                urgency=data["urgency"],
                region=data.get("region"),
                arrest=arrest,
                case=case,
            )
        return Response(self._shown(referral), status=status.HTTP_201_CREATED)

    def _versioned(self, serializer_class) -> tuple[Referral, dict]:
        referral = self.get_object(access.Action.CHANGE)
        return referral, valid(serializer_class, self.request)

    @extend_schema(request=ReferralTransition, responses={200: ReferralOut})
    @action(detail=True, methods=["post"])
    def transition(self, request, *args, **kwargs):
        """Move the referral: sent → received → accepted or declined → engaged → closed."""
        referral, data = self._versioned(ReferralTransition)
        try:
            referral = referral_services.referral_transition(
                actor=request.user,
                referral=referral,
                to_status=data["to_status"],
                reason=data.get("reason", ""),
                closure_reason=data.get("closure_reason", ""),
                expected_version=data["version"],
            )
        except StaleVersion:
            raise self.stale(referral) from None
        return Response(self._shown(referral))

    @extend_schema(request=ReferralAssign, responses={200: ReferralOut})
    @action(detail=True, methods=["post"])
    def assign(self, request, *args, **kwargs):
        """Give the referral to an advocate or supervisor of the receiving agency (or no one)."""
        referral, data = self._versioned(ReferralAssign)
        advocate = None
        if data["advocate"] is not None:
            advocate = User.objects.filter(username=data["advocate"]).first()
            if advocate is None:
                # The same answer as for someone of another agency: names are not revealed.
                raise ValidationError({"advocate": "Choose an advocate of your agency."})
        try:
            referral = referral_services.referral_assign(
                actor=request.user,
                referral=referral,
                advocate=advocate,
                expected_version=data["version"],
            )
        except StaleVersion:
            raise self.stale(referral) from None
        return Response(self._shown(referral))

    @extend_schema(request=VictimOpen, responses={201: VictimOut})
    @action(detail=True, methods=["post"])
    def victim(self, request, *args, **kwargs):
        """Open the agency's record of the person an accepted referral brought (once)."""
        referral = self.get_object(access.Action.CHANGE)
        victim = referral_services.referral_open_victim(
            actor=request.user, referral=referral, **valid(VictimOpen, request)
        )
        victim = Victim.objects.select_related("person", "owner_agency").get(pk=victim.pk)
        return Response(victim_as_seen(victim, "full", own=True), status=status.HTTP_201_CREATED)
