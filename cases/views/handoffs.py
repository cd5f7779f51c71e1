"""Hand-off pages: refer arrests to a prosecution agency; its intake queue receives them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cases.forms import HandOffForm
from cases.models import HandOff
from cases.selectors.arrests import arrests_by_ids
from cases.selectors.handoffs import INTAKE_PAGE_SIZE, intake_queue
from cases.services.handoffs import handoff_create
from taskforce import access
from taskforce.web import listing
from taskforce.web.forms import add_service_errors


@login_required
@require_http_methods(["GET", "POST"])
def handoff_new(request: HttpRequest) -> HttpResponse:
    """Hand the chosen arrests (`?arrest=<id>&arrest=<id>`) to a prosecution agency."""
    source = request.POST if request.method == "POST" else request.GET
    arrest_ids = source.getlist("arrest")
    if not arrest_ids:
        messages.error(request, "Tick the arrests to hand off first.")
        return redirect("cases:arrest_list")
    arrests = arrests_by_ids(actor=request.user, public_ids=arrest_ids, action=access.Action.SHARE)
    form = HandOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            handoffs = handoff_create(actor=request.user, arrests=arrests, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            agency = form.cleaned_data["to_agency"]
            messages.success(
                request,
                f"{len(handoffs)} arrest{'s' if len(handoffs) != 1 else ''} handed to "
                f"{agency.name}; they are in its intake queue.",
            )
            operation = arrests[0].operation
            if operation is not None:
                return redirect("cases:operation_detail", public_id=operation.public_id)
            return redirect("cases:arrest_detail", public_id=arrests[0].public_id)
    return render(
        request,
        "cases/handoff_form.html",
        {"page_title": "Hand off to prosecution", "form": form, "arrests": arrests},
    )


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    """The prosecution agency's intake: arrests handed to it, newest first."""
    pending = request.GET.get("show") != "all"
    after = listing.cursor(request, HandOff)
    page = intake_queue(actor=request.user, pending=pending, after=after, size=INTAKE_PAGE_SIZE)
    return render(
        request,
        "cases/intake.html",
        {
            "page_title": "Intake",
            "handoffs": page.rows,
            "pending": pending,
            **listing.page_links(request, page),
        },
    )


@login_required
def handoff_detail(request: HttpRequest, public_id) -> HttpResponse:
    """A hand-off opens as its arrest for those who see the arrest, else as its case."""
    handoff = access.get_for(request.user, HandOff, public_id)
    if access.can(request.user, access.Action.VIEW, handoff.arrest):
        return redirect("cases:arrest_detail", public_id=handoff.arrest.public_id)
    return redirect("cases:detail", public_id=handoff.case.public_id)
