"""Form plumbing shared by every app: domain errors shown next to their fields."""

from django import forms
from django.core.exceptions import ValidationError
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
