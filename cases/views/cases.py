"""Case pages: thin views over cases.selectors (reads) and cases.services (writes)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods

from cases.forms import (
    CaseFilterForm,
    CaseForm,
    DecisionForm,
    DeleteForm,
    TransitionForm,
)
from cases.models import Case, CaseStatus, Decision
from cases.selectors import cases as selectors
from cases.selectors.cases import case_get
from cases.selectors.victims import case_victims_shown
from cases.services import case_imports
from cases.services import cases as services
from cases.services import charges as charge_services
from cases.services import notices as notice_services
from cases.views import case_page
from cases.views.imports import spreadsheet_pages
from cases.views.sharing import share_page
from taskforce import access, records
from taskforce.models import StaleVersion
from taskforce.web import listing, shown
from taskforce.web.forms import add_service_errors, refuse_stale, step_page
from taskforce.web.shown import access_history_context


def _case_row(case: Case) -> list:
    return [
        case.number, case.caption, case.get_kind_display(), case.get_status_display(),
        case.county.name if case.county else "",
        "; ".join(p.display_name for p in case.defendants_shown),
        case.next_hearing,
        case.next_deadline,
        case.active_counts, case.victim_count, case.owner_agency.name,
        case.assigned_prosecutor.display_name() if case.assigned_prosecutor else "",
        case.updated_at,
    ]  # fmt: skip


# One caseload row, as templates/cases/case_list.html wrote it: filled once per row by
# format_html, which escapes every value; the template's loop over 50 rows of 14 values was a
# quarter of the page's Python calls (issue #22).
ROW = (
    "\n        <tr>\n"
    '          <td><a href="{url}">{number}</a></td>\n'
    "          <td>{caption}{title}</td>\n"
    "          <td>{status}</td>\n"
    "          <td>{defendants}</td>\n"
    "          <td>{next_hearing}</td>\n"
    "          <td>{next_deadline}</td>\n"
    "          <td>{active_counts}</td>\n"
    "          <td>{victim_count}</td>\n"
    "          <td>{agency}</td>\n"
    "          <td>{assigned}</td>\n"
    "          <td>{updated}</td>\n"
    "        </tr>\n      "
)


def _shown_rows(cases: list[Case]) -> list[SafeString]:
    """The caseload's rows as the page shows them (each value once, each URL from one reverse)."""
    url = access.detail_urls(Case)
    when, zone = "M j, Y H:i", timezone.get_current_timezone()
    # `get_status_display`, looked up once: it flattened the choices again for every row.
    statuses = {value: str(label) for value, label in Case._meta.get_field("status").flatchoices}
    rows = []
    for case in cases:
        defendants = case.defendants_shown
        prosecutor = case.assigned_prosecutor
        rows.append(shown.html_row(
            ROW,
            url=url(case.public_id),
            number=case.number,
            caption=case.caption,
            # Beside the caption when the caption names defendants rather than the title.
            title=format_html('<br><span class="muted">{}</span>', case.title)
            if case.title and defendants
            else "",
            status=statuses.get(case.status, case.status),
            defendants="; ".join(p.display_name for p in defendants) or shown.NONE_SHOWN,
            next_hearing=shown.time_element(case.next_hearing, when, zone=zone),
            next_deadline=shown.time_element(
                case.next_deadline, when, title=case.next_deadline_title or "", zone=zone
            ),
            active_counts=case.active_counts,
            victim_count=case.victim_count,
            agency=case.owner_agency.label,
            assigned=prosecutor.display_name() if prosecutor else shown.NONE_SHOWN,
            updated=shown.time_element(case.updated_at, when, zone=zone),
        ))  # fmt: skip
    return rows


CASES = listing.Listing(
    model=Case,
    filter_form=lambda request: CaseFilterForm(request.GET),
    filters=selectors.CaseFilters,
    page=selectors.case_list,
    export_rows=selectors.case_export_rows,
    template="cases/case_list.html",
    title="Cases",
    csv_name="cases.csv",
    csv_header=[
        "Number",
        "Caption",
        "Kind",
        "Status",
        "County",
        "Defendants",
        "Next hearing",
        "Next deadline",
        "Active counts",
        "Victims",
        "Agency",
        "Assigned prosecutor",
        "Last updated",
    ],
    csv_row=_case_row,
    context=lambda request: {"can_create": access.may_create(request.user, Case)},
    rows=_shown_rows,
)


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    return CASES.list_page(request)


@login_required
def case_export(request: HttpRequest) -> HttpResponse:
    return CASES.export(request)


@login_required
def case_detail(request: HttpRequest, public_id) -> HttpResponse:
    case = selectors.case_for_page(actor=request.user, public_id=public_id)
    records.record_viewed(actor=request.user, obj=case)
    allowed = access.allowed_actions(request.user, case)
    can_change = access.Action.CHANGE in allowed
    # Only the victims whose record the viewer may see: the case's share reaches none of them.
    victims = case_victims_shown(request.user, case)
    shown = {victim.pk for victim in victims}
    shares = selectors.case_shares(request.user, case)
    transition_form = TransitionForm(case=case) if can_change else None
    lists = {
        "defendants": case.defendants_shown,
        "charges": case.charges.all(),
        "hearings": case.court_events.all(),
        "victims": victims,
        "notices": [n for n in case.victim_notices.all() if n.victim_id in shown],
        "notices_due": notice_services.notices_due(case, victims),
        "arrests": selectors.case_arrests(request.user, case),
        # Read with the case, filtered by `cases.selectors.notes.readable_q`.
        "notes": case.notes.all(),
        "documents": case.documents.all(),
        "timeline": selectors.case_timeline(
            actor=request.user, case=case, victims=victims, shares=shares
        ),
        "deadlines": selectors.case_deadlines(request.user, case),
    }
    return render(
        request,
        "cases/case_detail.html",
        {
            "page_title": str(case),
            "case": case,
            "can_change": can_change,
            "can_delete": access.Action.DELETE in allowed,
            "can_share": access.Action.SHARE in allowed,
            "shares": shares,
            **lists,
            **case_page.shown_rows(lists, case=case, can_change=can_change),
            "owns_case": case.owner_agency_id == request.user.membership.agency_id,
            **access_history_context(request.user, case),
            "speedy_demand": getattr(case, "speedy_demand", None),
            "detention": next(iter(case.open_detentions), None),
            "needs_decision": can_change and case.status in charge_services.UNDECIDED,
            "transition_form_html": case_page.transition_form_html(transition_form)
            if transition_form and transition_form.fields["to_status"].choices
            else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    if not access.may_create(request.user, Case):
        raise access.Forbidden
    form = CaseForm(request.POST or None, agency=request.user.agency)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            case = services.case_create(actor=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Case {case.number} created.")
            return redirect("cases:detail", public_id=case.public_id)
    return render(request, "cases/case_form.html", {"page_title": "New case", "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, public_id) -> HttpResponse:
    case = selectors.case_get(actor=request.user, public_id=public_id, action=access.Action.CHANGE)
    form = CaseForm(request.POST or None, instance=case, agency=case.owner_agency)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        expected = form.cleaned_data["version"] or 0
        try:
            case = services.case_update(
                actor=request.user, case=case, expected_version=expected, data=data
            )
        except StaleVersion:
            conflict = Case.objects.select_related("updated_by", "assigned_prosecutor").get(
                pk=case.pk
            )
            refuse_stale(form, conflict, "case")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Case saved.")
            return redirect("cases:detail", public_id=case.public_id)
    return render(
        request,
        "cases/case_form.html",
        {"page_title": f"Edit {case}", "form": form, "case": case, "conflict": conflict},
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_delete(request: HttpRequest, public_id) -> HttpResponse:
    case = selectors.case_get(actor=request.user, public_id=public_id, action=access.Action.DELETE)
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        number = case.number
        try:
            services.case_delete(actor=request.user, case=case, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Case {number} deleted.")
            return redirect("cases:list")
    return render(
        request,
        "cases/case_delete.html",
        {"page_title": f"Delete {case}", "form": form, "case": case},
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_share(request: HttpRequest, public_id) -> HttpResponse:
    case = selectors.case_get(actor=request.user, public_id=public_id, action=access.Action.SHARE)
    back = reverse("cases:detail", kwargs={"public_id": case.public_id})
    return share_page(request, case, noun="case", back=back, label=case.number)


@login_required
@require_http_methods(["GET", "POST"])
def case_decide(request: HttpRequest, public_id) -> HttpResponse:
    """The charging decision on an intake case: charge, decline with a reason, or refer."""
    case = selectors.case_get(actor=request.user, public_id=public_id, action=access.Action.CHANGE)
    form = DecisionForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        counts = []
        if data["decision"] == Decision.CHARGE:
            counts = [
                charge_services.ChargeInput(data["defendant"], data["statute"], data["filed_on"])
            ]
        try:
            charge_services.charging_decide(
                actor=request.user,
                case=case,
                decision=data["decision"],
                reason=data["reason"],
                referred_to=data["referred_to"],
                charges=counts,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Decision recorded: {Decision(data['decision']).label}.")
            return redirect("cases:detail", public_id=case.public_id)
    return render(
        request,
        "cases/case_decide.html",
        {"page_title": f"Charging decision: {case}", "form": form, "case": case},
    )


@login_required
@require_http_methods(["POST"])
def case_move(request: HttpRequest, public_id) -> HttpResponse:
    case = selectors.case_get(actor=request.user, public_id=public_id, action=access.Action.CHANGE)
    form = TransitionForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.case_transition(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                f"Case moved to {CaseStatus(form.cleaned_data['to_status']).label.lower()}.",
            )
    else:
        messages.error(request, "Choose where the case goes next.")
    return redirect("cases:detail", public_id=case.public_id)


def case_step(
    request: HttpRequest,
    case: Case,
    form,
    save: Callable[[dict], str],
    *,
    heading: str,
    note: str = "",
    multipart: bool = False,
) -> HttpResponse:
    """A page that records one step on the case through a service and returns to the case."""
    return step_page(
        request, form, save, heading=heading, note=note, multipart=multipart,
        eyebrow=f"{case.number} {case.caption}",
        back_url=reverse("cases:detail", kwargs={"public_id": case.public_id}),
    )  # fmt: skip


def case_to_change(request: HttpRequest, public_id) -> Case:
    return case_get(actor=request.user, public_id=public_id, action=access.Action.CHANGE)


def case_part(queryset, public_id):
    """A charge or hearing of a case the actor may change; anything else is NotFound."""
    found = queryset.filter(public_id=public_id).first()
    if found is None:
        raise access.NotFound
    return found


# Cases kept in a spreadsheet: upload, preview, template (cases.services.case_imports).
CASE_IMPORT = spreadsheet_pages(
    case_imports.KIND, app="cases", title="Import cases", who="defendant", done_url="cases:list"
)
