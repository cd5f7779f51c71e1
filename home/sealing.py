"""The administrator's page of sealed records: seal, unseal, expunge, each with a reason."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from taskforce import access, audit
from taskforce.sealing import (
    record_expunge,
    record_seal,
    record_unseal,
    require_administrator,
    sealed_records,
)
from taskforce.web.forms import add_service_errors


class SealForm(forms.Form):
    record = forms.CharField(max_length=36, help_text="The record's id, from its address.")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


@login_required
@require_http_methods(["GET", "POST"])
def sealing(request: HttpRequest) -> HttpResponse:
    require_administrator(request.user)
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
    require_administrator(request.user)
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
