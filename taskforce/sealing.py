"""Sealing and expunging records: an administrator's acts, each with a reason and audited.

A sealed record disappears from every list, search, export, page, report and the API for
everyone (the policy treats it as missing); only administrators see it, here, and may unseal
it. Expunging removes a record's identifying content for good and leaves it sealed, as a
tombstone, so counts and references elsewhere stay whole.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from taskforce import access, audit
from taskforce.models import User

EXPUNGED = "(expunged)"


def require_administrator(actor: User) -> None:
    if not (actor.is_active and actor.is_superuser):
        raise access.NotFound


def _reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": "Record why (e.g. the court order sealing the record)."})
    return reason.strip()


@transaction.atomic
def record_seal(*, actor: User, obj: models.Model, reason: str) -> models.Model:
    require_administrator(actor)
    reason = _reason(reason)
    if obj.sealed_at is not None:
        raise ValidationError({"record": "This record is already sealed."})
    type(obj).objects.filter(pk=obj.pk).update(
        sealed_at=timezone.now(), sealed_by=actor, seal_reason=reason
    )
    audit.record(actor, "record.sealed", obj, reason=reason)
    obj.refresh_from_db()
    return obj


@transaction.atomic
def record_unseal(*, actor: User, obj: models.Model, reason: str) -> models.Model:
    require_administrator(actor)
    reason = _reason(reason)
    type(obj).objects.filter(pk=obj.pk).update(sealed_at=None, sealed_by=None, seal_reason="")
    audit.record(actor, "record.unsealed", obj, reason=reason)
    obj.refresh_from_db()
    return obj


def _delete_file_on_commit(stored) -> None:
    """An uploaded file goes once the expunge is committed (a rollback keeps it)."""
    storage, name = stored.storage, stored.name
    transaction.on_commit(lambda: storage.delete(name))


def _cases_of(person: models.Model):
    return (
        apps.get_model("cases", "CaseDefendant")
        .objects.filter(person=person)
        .values_list("case_id", flat=True)
    )


def _wipe(obj: models.Model) -> dict:
    """The identifying content of one record, by kind: what expunging a record means."""
    label = obj._meta.label
    if label == "cases.Person":
        obj.identifiers.all().delete()
        # A case's short description may have been typed with the name in it: the person's
        # cases keep none, now or in their history.
        cases = list(_cases_of(obj))
        apps.get_model("cases", "Case").objects.filter(pk__in=cases).update(title="")
        apps.get_model("cases", "CaseHistory").objects.filter(pgh_obj_id__in=cases).update(title="")
        return {"first_name": EXPUNGED, "middle_name": "", "last_name": EXPUNGED,
                "date_of_birth": None, "first_name_key": "", "last_name_key": "",
                "birth_key": ""}  # fmt: skip
    if label == "victims.Victim":
        obj.notes.update(body=EXPUNGED)
        obj.contacts.update(outcome="")
        for consent in obj.consents.exclude(signed_form=""):
            _delete_file_on_commit(consent.signed_form)
        obj.consents.update(signed_form="", guardian_name="")
        return {"address": "", "phone": "", "contact_method": "", "safe_times": "",
                "safety_concerns": "", "guardian_note": "", "override_reason": ""}  # fmt: skip
    if label == "referrals.Referral":
        return {"reason": EXPUNGED, "decline_reason": ""}
    if label == "cases.Arrest":
        return {"address": "", "narrative": "", "meeting_place": "", "vehicle": "",
                "booking_number": "", "address_key": "", "meeting_place_key": "",
                "booking_key": ""}  # fmt: skip
    if label == "cases.RunawayReport":
        return {"address": "", "notes": "", "returned_from": "", "review_note": "",
                "address_key": ""}  # fmt: skip
    if label == "cases.Case":
        obj.notes.update(body=EXPUNGED)
        for document in obj.documents.all():
            _delete_file_on_commit(document.file)
        obj.documents.all().delete()
        return {"title": "Expunged case"}
    return {}


@transaction.atomic
def record_expunge(*, actor: User, obj: models.Model, reason: str) -> models.Model:
    """Remove the identifying content for good, drop its change history, and seal it."""
    require_administrator(actor)
    reason = _reason(reason)
    model = type(obj)
    wiped = _wipe(obj)
    model.objects.filter(pk=obj.pk).update(
        **wiped, sealed_at=obj.sealed_at or timezone.now(), sealed_by=actor, seal_reason=reason
    )
    history = apps.get_model(obj._meta.app_label, f"{model.__name__}History")
    history.objects.filter(pgh_obj_id=obj.pk).delete()
    audit.record(actor, "record.expunged", obj, reason=reason,
                 changes={name: audit.REDACTED for name in wiped})  # fmt: skip
    audit.relabel(obj, actor=actor, reason="Expunged: no row of the trail names the record.")
    obj.refresh_from_db()
    return obj


def sealed_records() -> list[models.Model]:
    found = []
    for model in access.protected_models():
        found += list(model.objects.filter(sealed_at__isnull=False).order_by("-sealed_at")[:200])
    return sorted(found, key=lambda record: record.sealed_at, reverse=True)
