"""Sealing and expunging records: an administrator's acts, each with a reason and audited.

A sealed record disappears from every list, search, export, page, report and the API for
everyone (the policy treats it as missing); only administrators see it, here, and may unseal
it. Expunging removes a record's identifying content for good and leaves it sealed, as a
tombstone, so counts and references elsewhere stay whole.
"""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from taskforce import access, audit
from taskforce.forms import add_service_errors
from taskforce.models import User

EXPUNGED = "(expunged)"


def _require_administrator(actor: User) -> None:
    if not (actor.is_active and actor.is_superuser):
        raise access.NotFound


def _reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": "Record why (e.g. the court order sealing the record)."})
    return reason.strip()


@transaction.atomic
def record_seal(*, actor: User, obj: models.Model, reason: str) -> models.Model:
    _require_administrator(actor)
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
    _require_administrator(actor)
    reason = _reason(reason)
    type(obj).objects.filter(pk=obj.pk).update(sealed_at=None, sealed_by=None, seal_reason="")
    audit.record(actor, "record.unsealed", obj, reason=reason)
    obj.refresh_from_db()
    return obj


def _wipe(obj: models.Model) -> dict:
    """The identifying content of one record, by kind: what expunging a record means."""
    label = obj._meta.label
    if label == "cases.Person":
        obj.identifiers.all().delete()
        return {"first_name": EXPUNGED, "middle_name": "", "last_name": EXPUNGED,
                "date_of_birth": None, "first_name_key": "", "last_name_key": "",
                "birth_key": ""}  # fmt: skip
    if label == "victims.Victim":
        obj.notes.update(body=EXPUNGED)
        obj.contacts.update(outcome="")
        return {"address": "", "phone": "", "contact_method": "", "safe_times": "",
                "safety_concerns": "", "guardian_note": "", "override_reason": ""}  # fmt: skip
    if label == "referrals.Referral":
        return {"reason": EXPUNGED, "decline_reason": ""}
    if label == "cases.Arrest":
        return {"address": "", "narrative": "", "meeting_place": "", "vehicle": ""}
    if label == "cases.RunawayReport":
        return {"address": "", "notes": "", "returned_from": "", "review_note": ""}
    if label == "cases.Case":
        obj.notes.update(body=EXPUNGED)
        return {"title": "Expunged case"}
    return {}


@transaction.atomic
def record_expunge(*, actor: User, obj: models.Model, reason: str) -> models.Model:
    """Remove the identifying content for good, drop its change history, and seal it."""
    _require_administrator(actor)
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
    obj.refresh_from_db()
    return obj


def sealed_records() -> list[models.Model]:
    found = []
    for model in access.protected_models():
        found += list(model.objects.filter(sealed_at__isnull=False).order_by("-sealed_at")[:200])
    return sorted(found, key=lambda record: record.sealed_at, reverse=True)


# --- The administrator's page ---------------------------------------------------------------


class SealForm(forms.Form):
    record = forms.CharField(max_length=36, help_text="The record's id, from its address.")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


@login_required
@require_http_methods(["GET", "POST"])
def sealing(request: HttpRequest) -> HttpResponse:
    _require_administrator(request.user)
    form = SealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        obj = access.record_by_public_id(form.cleaned_data["record"])
        if obj is None:
            form.add_error("record", "No record has this id.")
        else:
            try:
                record_seal(actor=request.user, obj=obj, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"{audit.label_for(obj)} sealed.")
                return redirect("sealing")
    return render(
        request,
        "taskforce/sealing.html",
        {"page_title": "Sealed records", "form": form, "sealed": sealed_records(),
         "reason_form": ReasonForm()},
    )  # fmt: skip


@login_required
@require_POST
def sealing_act(request: HttpRequest, public_id, act: str) -> HttpResponse:
    _require_administrator(request.user)
    obj = access.record_by_public_id(public_id)
    if obj is None or obj.sealed_at is None or act not in {"unseal", "expunge"}:
        raise access.NotFound
    form = ReasonForm(request.POST)
    if form.is_valid():
        service = record_unseal if act == "unseal" else record_expunge
        service(actor=request.user, obj=obj, reason=form.cleaned_data["reason"])
        messages.success(request, f"{audit.label_for(obj)} {act}ed.")
    else:
        messages.error(request, "Record why, then try again.")
    return redirect("sealing")
