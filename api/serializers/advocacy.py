"""Victims and referrals as the API shows them: only what the HTML pages show the caller.

A victim's fields come in the consent scopes' groups (victims/victim_detail.html): the scope is
`access.consent_scope`; the victim's own agency also sees consents, contacts, notes and service
outcomes. A referral's sender sees its status no further than the victim's consent allows
(`referrals.selectors.status_shown`).
"""

from __future__ import annotations

from rest_framework import serializers

from api.base import AgencyRef
from api.serializers.people import ArresteeSerializer
from referrals.models import Referral
from referrals.selectors import is_receiver, status_capped, status_shown
from taskforce import access
from victims.models import Victim


class ReferralStatusBrief(serializers.Serializer):
    """What every consent releases: the referrals' progress."""

    public_id = serializers.UUIDField()
    referring_agency = AgencyRef()
    owner_agency = AgencyRef()
    created_at = serializers.DateTimeField()
    status = serializers.CharField()
    closure_reason = serializers.CharField()


class ServiceOut(serializers.Serializer):
    public_id = serializers.UUIDField()
    kind = serializers.CharField()
    provider = serializers.CharField()
    status = serializers.CharField()
    offered_on = serializers.DateField()
    started_on = serializers.DateField(allow_null=True)
    ended_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField(required=False, help_text="Own agency only.")


class ConsentOut(serializers.Serializer):
    public_id = serializers.UUIDField()
    to_agency = AgencyRef()
    scope = serializers.CharField()
    purpose = serializers.CharField()
    signed_on = serializers.DateField()
    expires_on = serializers.DateField()
    signed_by_minor = serializers.BooleanField()
    revoked_on = serializers.DateTimeField(allow_null=True)
    is_active = serializers.BooleanField()


class ContactOut(serializers.Serializer):
    at = serializers.DateTimeField()
    method = serializers.CharField()
    reached = serializers.BooleanField()
    outcome = serializers.CharField()
    by = serializers.CharField(source="by.username")


class NoteOut(serializers.Serializer):
    at = serializers.DateTimeField()
    body = serializers.CharField()
    by = serializers.CharField(source="by.username")


CONTACT_FIELDS = ["address", "phone", "contact_method", "safe_times", "language"]
FULL_FIELDS = [
    "identified_on",
    "identified_how",
    "safe_harbor_override",
    "override_reason",
    "screening_tool",
    "screening_version",
    "screened_on",
    "screening_score",
    "screener",
    "safety_concerns",
]


def _plain(field_value):
    return field_value.isoformat() if hasattr(field_value, "isoformat") else field_value


def victim_as_seen(victim: Victim, scope: str, own: bool) -> dict:
    """The victim's record cut to what `scope` releases, group by group as the page shows it."""
    data = {
        "public_id": str(victim.public_id),
        "owner_agency": AgencyRef(victim.owner_agency).data,
        "scope": "own" if own else scope,
        "referrals": ReferralStatusBrief(
            victim.referrals.select_related("referring_agency", "owner_agency"), many=True
        ).data,
    }
    if access.scope_includes(scope, "contact"):
        data["person"] = ArresteeSerializer(victim.person).data
        data["is_juvenile"] = victim.is_juvenile
        data["interpreter_needed"] = victim.interpreter_needed
        data |= {name: getattr(victim, name) for name in CONTACT_FIELDS}
    if access.scope_includes(scope, "summary"):
        services = ServiceOut(victim.services.all(), many=True).data
        if not own:
            # Service outcomes stay with the advocacy agency whatever the consent.
            for service in services:
                service.pop("outcome", None)
        data["services"] = services
    if access.scope_includes(scope, "full"):
        data |= {name: _plain(getattr(victim, name)) for name in FULL_FIELDS}
        data["age_at_identification"] = victim.age_at_identification
        data["is_safe_harbor_eligible"] = victim.is_safe_harbor_eligible
        # The custody note is shown for a minor only.
        data["guardian_note"] = victim.guardian_note if victim.is_juvenile else ""
    if own:
        data["version"] = victim.version
        data["consents"] = [
            ConsentOut(consent).data | {"is_active": consent.is_active()}
            for consent in victim.consents.select_related("to_agency")
        ]
        data["contacts"] = ContactOut(victim.contacts.select_related("by"), many=True).data
        data["notes"] = NoteOut(victim.notes.select_related("by"), many=True).data
    return data


class VictimOut(serializers.Serializer):
    """The most any caller sees; each group is present only when the caller's scope releases it
    (scope: status < contact < summary < full < own)."""

    public_id = serializers.UUIDField()
    owner_agency = AgencyRef()
    scope = serializers.ChoiceField(choices=["status", "contact", "summary", "full", "own"])
    referrals = ReferralStatusBrief(many=True)
    person = ArresteeSerializer(required=False)
    is_juvenile = serializers.BooleanField(required=False)
    interpreter_needed = serializers.BooleanField(required=False)
    address = serializers.CharField(required=False)
    phone = serializers.CharField(required=False)
    contact_method = serializers.CharField(required=False)
    safe_times = serializers.CharField(required=False)
    language = serializers.CharField(required=False)
    services = ServiceOut(many=True, required=False)
    identified_on = serializers.DateField(required=False)
    identified_how = serializers.CharField(required=False)
    safe_harbor_override = serializers.BooleanField(required=False, allow_null=True)
    override_reason = serializers.CharField(required=False)
    screening_tool = serializers.CharField(required=False)
    screening_version = serializers.CharField(required=False)
    screened_on = serializers.DateField(required=False, allow_null=True)
    screening_score = serializers.CharField(required=False)
    screener = serializers.CharField(required=False)
    safety_concerns = serializers.CharField(required=False)
    age_at_identification = serializers.IntegerField(required=False, allow_null=True)
    is_safe_harbor_eligible = serializers.BooleanField(required=False, allow_null=True)
    guardian_note = serializers.CharField(required=False)
    version = serializers.IntegerField(required=False)
    consents = ConsentOut(many=True, required=False)
    contacts = ContactOut(many=True, required=False)
    notes = NoteOut(many=True, required=False)


class ReferralStep(serializers.Serializer):
    at = serializers.DateTimeField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    by = serializers.CharField(source="by.username")
    reason = serializers.CharField()


def referral_as_seen(actor, referral: Referral) -> dict:
    """The referral as its page shows the caller: the receiver sees its work, the sender the
    status as far as consent allows."""
    data = {
        "public_id": str(referral.public_id),
        "person": ArresteeSerializer(referral.person).data,
        "referring_agency": AgencyRef(referral.referring_agency).data,
        "owner_agency": AgencyRef(referral.owner_agency).data,
        "source": referral.source,
        "urgency": referral.urgency,
        "reason": referral.reason,
        "region": referral.region.name if referral.region else None,
        "created_at": referral.created_at.isoformat(),
        "status": status_shown(actor, referral),
        "status_capped": status_capped(actor, referral),
    }
    if is_receiver(actor, referral):
        data |= {
            "version": referral.version,
            "decline_reason": referral.decline_reason,
            "closure_reason": referral.closure_reason,
            "assigned_advocate": referral.assigned_advocate.username
            if referral.assigned_advocate
            else None,
            "victim": str(referral.victim.public_id) if referral.victim else None,
            "history": ReferralStep(referral.status_changes.select_related("by"), many=True).data,
        }
    return data


class ReferralOut(serializers.Serializer):
    """A referral; the receiving agency also gets its work fields (version … history)."""

    public_id = serializers.UUIDField()
    person = ArresteeSerializer()
    referring_agency = AgencyRef()
    owner_agency = AgencyRef()
    source = serializers.CharField()
    urgency = serializers.CharField()
    reason = serializers.CharField()
    region = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    status = serializers.CharField()
    status_capped = serializers.BooleanField()
    version = serializers.IntegerField(required=False)
    decline_reason = serializers.CharField(required=False)
    closure_reason = serializers.CharField(required=False)
    assigned_advocate = serializers.CharField(required=False, allow_null=True)
    victim = serializers.UUIDField(required=False, allow_null=True)
    history = ReferralStep(many=True, required=False)
