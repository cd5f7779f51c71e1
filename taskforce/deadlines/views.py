"""The agency's deadlines page: overdue, due today, due this week."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from taskforce import access
from taskforce.deadlines import selectors
from taskforce.deadlines.services import deadline_waive
from taskforce.forms import add_service_errors


@login_required
def deadlines(request: HttpRequest) -> HttpResponse:
    groups = selectors.agency_deadlines(request.user)
    selectors.attach_urls([d for group in groups.values() for d in group])
    return render(request, "taskforce/deadlines.html", {"page_title": "Deadlines", **groups})


class WaiveForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


@login_required
@require_http_methods(["GET", "POST"])
def deadline_waive_view(request: HttpRequest, public_id) -> HttpResponse:
    deadline = selectors.deadlines_visible(request.user).filter(public_id=public_id).first()
    if deadline is None:
        raise access.NotFound
    form = WaiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            deadline_waive(
                actor=request.user, deadline=deadline, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{deadline.title}” waived.")
            return redirect("deadlines")
    return render(
        request,
        "taskforce/deadline_waive.html",
        {"page_title": "Waive a deadline", "form": form, "deadline": deadline},
    )
