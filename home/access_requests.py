"""Access requests: the requesting agency's list, and the owning agency's decision page."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases.models import AccessRequestStatus, Person
from cases.services.access_requests import (
    access_request_decide as decide,
)
from cases.services.access_requests import (
    match_for_decision,
    requests_awaiting,
    requests_sent,
)
from taskforce import access, records
from taskforce.dates import start_of_day
from taskforce.web.forms import add_service_errors

DEFAULT_ACCESS_DAYS = 90


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("approve", "Approve: share this person's record"), ("decline", "Decline")],
        widget=forms.RadioSelect,
    )
    expires_on = forms.DateField(
        label="Access ends on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Approvals only. The other agency loses access at the start of this day.",
    )
    note = forms.CharField(
        label="Note for your agency's trail",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "approve":
            ends = cleaned.get("expires_on")
            if ends is None:
                self.add_error("expires_on", "Say until when the other agency may see it.")
            elif ends <= timezone.localdate():
                self.add_error("expires_on", "The end of access must be after today.")
        return cleaned

    def expires_at(self):
        ends = self.cleaned_data.get("expires_on")
        if ends is None:
            return None
        return start_of_day(ends)


@login_required
def access_requests(request: HttpRequest) -> HttpResponse:
    """What your agency asked for and what was answered; for supervisors, what waits on you."""
    sent = requests_sent(request.user)
    approved = [m.person_id for row in sent for m in row.matches.all()
                if m.status == AccessRequestStatus.APPROVED]  # fmt: skip
    # An approved request links to what the share now shows, read through the policy.
    shared = access.visible(request.user, Person).filter(pk__in=approved)
    shared_by_id = {p.pk: p for p in shared}
    for row in sent:
        row.shared = [shared_by_id[m.person_id] for m in row.matches.all()
                      if m.person_id in shared_by_id]  # fmt: skip
    return render(
        request,
        "taskforce/access_requests.html",
        {"page_title": "Access requests", "sent": sent,
         "awaiting": list(requests_awaiting(request.user)[:100])},
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def access_request_decide(request: HttpRequest, public_id) -> HttpResponse:
    match = match_for_decision(actor=request.user, public_id=public_id)
    if match.status != AccessRequestStatus.PENDING and request.method == "GET":
        messages.info(request, "This request has already been decided.")
        return redirect("access_requests")
    initial = {"expires_on": timezone.localdate() + timedelta(days=DEFAULT_ACCESS_DAYS)}
    form = DecisionForm(request.POST or None, initial=initial)
    if request.method == "GET":
        records.record_viewed(actor=request.user, obj=match.person)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            decide(
                actor=request.user, match=match, approve=approve,
                note=form.cleaned_data["note"], expires_at=form.expires_at(),
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            agency = match.request.requesting_agency.name
            messages.success(
                request,
                f"Shared with {agency} until {form.cleaned_data['expires_on']:%b %-d, %Y}."
                if approve else f"Declined. {agency} is told the request was declined.",
            )  # fmt: skip
            return redirect("access_requests")
    return render(
        request,
        "taskforce/access_request_decide.html",
        {"page_title": "Access request", "match": match, "form": form},
    )
