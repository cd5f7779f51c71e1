"""One Share page for every record kind that has one (cases, operations, arrests, people), and
the "who can see this" context its detail page lists shares from."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cases.forms import ShareForm
from taskforce import access
from taskforce.web.forms import add_service_errors


def share_page(
    request: HttpRequest, obj: models.Model, *, noun: str, back: str, label: str = ""
) -> HttpResponse:
    """Share `obj` (already loaded for Action.SHARE) with another agency: the form, the one
    sharing service (`access.share`, which checks again and reports bad input per field), then
    back to the record, where the share is listed with its Revoke link. `label` names the record
    in the heading (the page's title, kept in browser history, names only its kind)."""
    form = ShareForm(request.POST or None, owner=obj.owner_agency)
    if request.method == "POST" and form.is_valid():
        try:
            access.share(actor=request.user, obj=obj, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Shared with {form.cleaned_data['to_agency'].name}. You can revoke it here.",
            )
            return redirect(back)
    return render(
        request,
        "cases/share.html",
        {
            "page_title": f"Share this {noun}",
            "form": form,
            "record": obj,
            "noun": noun,
            "label": label,
            "back": back,
        },
    )


def sharing_context(request: HttpRequest, obj: models.Model) -> dict:
    """What a detail page's "Who can see this" panel and Share button need."""
    return {
        "can_share": access.can(request.user, access.Action.SHARE, obj),
        "shares": access.shares_of(request.user, obj),
    }
