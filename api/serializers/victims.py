"""What the API accepts for a victim's record: opening it, consents, services, contacts and
advocate notes (the advocacy agency's own work; the services check who may write)."""

from __future__ import annotations

from rest_framework import serializers

from api.base import AgencyField
from api.fields import DateField, DateTimeField
from cases.models import ContactMethod
from taskforce.access import ConsentScope
from victims.models import IdentifiedHow, ServiceKind, ServiceStatus


def _text(max_length: int, **kwargs) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, max_length=max_length, **kwargs)


class VictimOpen(serializers.Serializer):
    """The fields of the page's "Open a victim record" form."""

    identified_how = serializers.ChoiceField(choices=IdentifiedHow.choices)
    guardian_note = _text(4000, help_text="For a minor: who has custody, no-contact orders.")
    safe_harbor_override = serializers.BooleanField(
        required=False, allow_null=True, help_text="Leave out to follow the date of birth."
    )
    override_reason = _text(4000)
    screening_tool = _text(60, help_text="e.g. MYTEI, TVIT")
    screening_version = _text(20)
    screened_on = DateField(required=False, allow_null=True)
    screening_score = _text(40)
    screener = _text(120)
    safety_concerns = _text(4000)
    address = _text(200)
    phone = _text(40)
    contact_method = _text(120)
    safe_times = _text(120)
    language = _text(60)
    interpreter_needed = serializers.BooleanField(required=False)


class ConsentWrite(serializers.Serializer):
    to_agency = AgencyField(help_text="The agency the victim releases information to.")
    scope = serializers.ChoiceField(choices=ConsentScope.choices)
    purpose = serializers.CharField(max_length=200)
    signed_on = DateField()
    expires_on = DateField()
    signed_by_minor = serializers.BooleanField(default=False)
    guardian_name = _text(120)
    guardian_relationship = _text(60)
    guardian_is_alleged_abuser = serializers.BooleanField(default=False)


class ReasonWrite(serializers.Serializer):
    reason = _text(2000, help_text="Kept in the audit trail.")


class ServiceWrite(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ServiceKind.choices)
    provider = _text(160)
    status = serializers.ChoiceField(choices=ServiceStatus.choices, default=ServiceStatus.OFFERED)
    offered_on = DateField(required=False, help_text="Today unless given.")
    started_on = DateField(required=False, allow_null=True)
    ended_on = DateField(required=False, allow_null=True)
    outcome = _text(4000, help_text="Stays with your agency whatever any consent says.")


class ServiceEnd(serializers.Serializer):
    ended_on = DateField()
    status = serializers.ChoiceField(
        choices=[(ServiceStatus.COMPLETED, "Completed"), (ServiceStatus.DECLINED, "Declined")]
    )
    outcome = _text(4000)


class ContactWrite(serializers.Serializer):
    at = DateTimeField()
    method = serializers.ChoiceField(choices=ContactMethod.choices)
    reached = serializers.BooleanField(help_text="Did the attempt reach the person?")
    outcome = _text(4000)


class NoteWrite(serializers.Serializer):
    body = serializers.CharField(max_length=10_000, help_text="Private to your agency, always.")
