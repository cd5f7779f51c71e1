"""Runaway review pages: the queue, a report, its review, and the CSV import with preview."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cases.forms.runaways import RunawayImportForm, RunawayQueueFilterForm, RunawayReviewForm
from cases.models import ReviewOutcome, RunawayReport
from cases.selectors import runaways as selectors
from cases.services import runaways as services
from cases.views.imports import ImportFlow
from taskforce import access, records
from taskforce.models import StaleVersion
from taskforce.web import listing
from taskforce.web.forms import add_service_errors, refuse_stale
from taskforce.web.shown import access_history_context


def _require_reviewer(request: HttpRequest) -> None:
    if not access.may_review_runaways(request.user):
        raise access.Forbidden


@login_required
def runaway_queue(request: HttpRequest) -> HttpResponse:
    _require_reviewer(request)
    form = RunawayQueueFilterForm(request.GET or {"outcome": ReviewOutcome.PENDING})
    outcome = form.cleaned_data["outcome"] if form.is_valid() else ReviewOutcome.PENDING
    page = selectors.runaway_queue(
        actor=request.user, outcome=outcome, after=listing.cursor(request, RunawayReport)
    )
    reasons = selectors.match_reasons(actor=request.user, reports=page.rows)
    return render(
        request,
        "cases/runaway_queue.html",
        {
            "page_title": "Runaway review",
            "form": form,
            "rows": [(report, reasons[report.pk]) for report in page.rows],
            "outcome": outcome,
            **listing.page_links(request, page),
        },
    )


@login_required
def runaway_detail(request: HttpRequest, public_id) -> HttpResponse:
    report = selectors.runaway_get(actor=request.user, public_id=public_id)
    records.record_viewed(actor=request.user, obj=report)
    can_review = access.may_review_runaways(request.user) and access.can(
        request.user, access.Action.CHANGE, report
    )
    return render(
        request,
        "cases/runaway_detail.html",
        {
            "page_title": "Runaway report",
            "report": report,
            "reasons": selectors.match_reasons(actor=request.user, reports=[report])[report.pk],
            "identifiers": report.youth.identifiers.all(),
            "can_review": can_review,
            "can_see_youth": access.can(request.user, access.Action.VIEW, report.youth),
            "can_see_case": report.linked_case is not None
            and access.can(request.user, access.Action.VIEW, report.linked_case),
            **access_history_context(request.user, report),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def runaway_review(request: HttpRequest, public_id) -> HttpResponse:
    report = selectors.runaway_get(
        actor=request.user, public_id=public_id, action=access.Action.CHANGE
    )
    _require_reviewer(request)
    initial = {
        "version": report.version,
        "outcome": report.review_outcome if report.review_outcome != "pending" else None,
        "case_number": report.linked_case.number if report.linked_case else "",
        "note": report.review_note,
    }
    form = RunawayReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            linked_case = (
                selectors.case_to_link(actor=request.user, number=data["case_number"])
                if data["case_number"].strip()
                else None
            )
            services.runaway_review(
                actor=request.user,
                report=report,
                expected_version=data["version"] or 0,
                outcome=data["outcome"],
                note=data["note"],
                linked_case=linked_case,
            )
        except StaleVersion:
            current = RunawayReport.objects.select_related("updated_by").get(pk=report.pk)
            refuse_stale(form, current, "report")
            report = current
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Review saved.")
            return redirect("cases:runaway_detail", public_id=report.public_id)
    return render(
        request,
        "cases/runaway_review.html",
        {"page_title": "Review a runaway report", "form": form, "report": report},
    )


RUNAWAY_IMPORT = ImportFlow(
    noun="reports",
    imported="runaway reports",
    who="youth",
    title="Import runaway reports",
    upload_template="cases/runaway_import.html",
    preview_template="cases/runaway_import_preview.html",
    preview_url="cases:runaway_import_preview",
    columns=services.COLUMNS,
    required=services.REQUIRED,
    stage=lambda *, actor, data, file_name, fields: services.runaway_import_stage(
        actor=actor, data=data, file_name=file_name
    ),
    get=services.runaway_import_get,
    rows=services.runaway_import_rows,
    confirm=services.runaway_import_confirm,
    discard=services.runaway_import_discard,
    again_url=lambda staged: reverse("cases:runaway_import"),
    done_url=lambda staged: reverse("cases:runaway_queue"),
    gone_url="cases:runaway_queue",
)


@login_required
@require_http_methods(["GET", "POST"])
def runaway_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV of runaway reports; the next page shows every row checked, nothing saved."""
    _require_reviewer(request)
    return RUNAWAY_IMPORT.upload(
        request, RunawayImportForm(request.POST or None, request.FILES or None)
    )


@login_required
@require_http_methods(["GET", "POST"])
def runaway_import_preview(request: HttpRequest, public_id) -> HttpResponse:
    return RUNAWAY_IMPORT.preview(request, public_id)
