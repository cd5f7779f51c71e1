"""Form plumbing shared by every app: domain errors shown next to their fields, stale edits
refused knowingly, and the one-form page that records one thing on a record."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: field errors by field, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def refuse_stale(form: forms.Form, current, noun: str) -> None:
    """Keep what the user typed, tell them who saved first, and arm the form to save over it.

    The next submit carries the current version: saving again is a choice made knowingly.
    """
    form.data = form.data.copy()
    form.data["version"] = current.version
    form.add_error(
        None,
        f"{current.updated_by.display_name()} changed this {noun} at "
        f"{timezone.localtime(current.updated_at):%H:%M} after you opened it. Nothing of yours "
        "was saved. Compare with their version, then save again to keep your changes.",
    )


def step_page(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[dict], str | None],
    *,
    heading: str,
    eyebrow: str,
    back_url: str,
    note: str = "",
    multipart: bool = False,
) -> HttpResponse:
    """A one-form page that records one thing on a record and returns to the record's page.

    On a valid submit it runs `save(cleaned_data)` (a service call), whose return is the success
    message ("Saved." when it returns nothing); a service's ValidationError is shown next to its
    fields and nothing is lost.
    """
    if request.method == "POST" and form.is_valid():
        try:
            done = save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done or "Saved.")
            return redirect(back_url)
    return render(
        request,
        "step_form.html",
        {
            "page_title": heading,
            "heading": heading,
            "eyebrow": eyebrow,
            "note": note,
            "form": form,
            "back_url": back_url,
            "multipart": multipart,
        },
    )
