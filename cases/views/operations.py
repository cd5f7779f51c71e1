"""Operation pages: list, detail with its arrests and counts, create and edit."""

from __future__ import annotations

import html

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods

from cases.forms import AdResponsesForm, OperationFilterForm, OperationForm
from cases.models import Arrest, Case, Operation
from cases.selectors import operations as selectors
from cases.services import operations as services
from cases.views.sharing import share_page, sharing_context
from taskforce import access, records
from taskforce.models import StaleVersion
from taskforce.web import listing, shown
from taskforce.web.forms import add_service_errors, refuse_stale


def _operation_row(op) -> list:
    return [
        op.name, op.get_kind_display(), op.owner_agency.name, op.starts_on, op.ends_on or "",
        "; ".join(c.name for c in op.counties.all()), op.arrest_count, op.ads_posted,
        op.responses, op.contacts,
    ]  # fmt: skip


OPERATIONS = listing.Listing(
    model=Operation,
    filter_form=lambda request: OperationFilterForm(request.GET),
    filters=selectors.OperationFilters,
    page=selectors.operation_list,
    export_rows=selectors.operation_export_rows,
    template="cases/operation_list.html",
    title="Operations",
    csv_name="operations.csv",
    csv_header=[
        "Name",
        "Kind",
        "Lead agency",
        "Starts",
        "Ends",
        "Counties",
        "Arrests",
        "Ads posted",
        "Responses",
        "Contacts",
    ],
    csv_row=_operation_row,
    context=lambda request: {"can_create": access.may_create(request.user, Operation)},
)


@login_required
def operation_list(request: HttpRequest) -> HttpResponse:
    return OPERATIONS.list_page(request)


@login_required
def operation_export(request: HttpRequest) -> HttpResponse:
    return OPERATIONS.export(request)


# One arrest of a sting's page, as templates/cases/operation_detail.html's loop wrote it: filled
# once per arrest, every value escaped as format_html would (`_escaped`); the loop's tags,
# filters and URL reversal over 24 arrests were a third of the page's Python calls (issue #22).
ARREST_ROW = (
    "\n          <tr>\n"
    "            <td>{pick}</td>\n"
    '            <td><a href="{url}">{arrestee}</a></td>\n'
    "            <td>{arrested}</td>\n"
    "            <td>{county}</td>\n"
    "            <td>{booking}</td>\n"
    "            <td>{custody}</td>\n"
    "            <td>{charges}</td>\n"
    "            <td>{handoffs}</td>\n"
    "          </tr>\n        "
)
PICK = '<input type="checkbox" name="arrest" value="{}" id="pick-{}" aria-label="Select {}"{}>'
NOT_HANDED_OFF = mark_safe(" data-not-handed-off")
NOT_YET = mark_safe('<span class="muted">Not yet</span>')
LINE_BREAK = mark_safe("<br>")


def _escaped(value) -> str:
    """What format_html does to each value (`conditional_escape`): a safe string as it is, any
    other escaped, without the lazy-string wrappers around Django's `escape` (issue #22)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _labels(model, name: str) -> dict:
    """A choice field's labels by value: what `get_<name>_display()` shows, looked up once per
    page rather than once per row."""
    return {value: str(label) for value, label in model._meta.get_field(name).flatchoices}


def _arrest_rows(rows: list[selectors.ArrestShown], shareable: set[int]) -> list[SafeString]:
    """The sting's arrests as its page shows them, a checkbox on those the actor may hand off:
    what format_html and format_html_join wrote, each value escaped."""
    url = access.detail_urls(Arrest)
    zone = timezone.get_current_timezone()
    custody, status = _labels(Arrest, "custody_status"), _labels(Case, "status")
    built = []
    for number, row in enumerate(rows, start=1):
        arrest = row.arrest
        pick = ""
        if arrest.pk in shareable:
            pick = PICK.format(_escaped(arrest.public_id), number, _escaped(row.arrestee_in_full()),
                               "" if row.handoffs else NOT_HANDED_OFF)  # fmt: skip
        handoffs = NOT_YET
        if row.handoffs:
            handoffs = LINE_BREAK.join(
                f"{_escaped(h.to_agency.label)}: {_escaped(status.get(stage, stage))}"
                for h, stage in ((h, h.case.status) for h in row.handoffs)
            )
        built.append(mark_safe(ARREST_ROW.format(  # noqa: S308 - every value escaped
            pick=pick,
            url=_escaped(url(arrest.public_id)),
            arrestee=_escaped(row.arrestee.display_name),
            arrested=_escaped(shown.time_element(arrest.arrested_at, "M j H:i", zone=zone)),
            county=_escaped(row.county),
            booking=_escaped(arrest.booking_number or shown.NONE_SHOWN),
            custody=_escaped(custody.get(arrest.custody_status, arrest.custody_status)),
            charges=_escaped("; ".join(row.citations)),
            handoffs=handoffs,
        )))  # fmt: skip
    return built


@login_required
def operation_detail(
    request: HttpRequest, public_id, ad_form: AdResponsesForm | None = None, status: int = 200
) -> HttpResponse:
    operation = selectors.operation_for_page(actor=request.user, public_id=public_id)
    records.record_viewed(actor=request.user, obj=operation)
    summary = selectors.operation_summary(actor=request.user, operation=operation)
    allowed = access.allowed_actions_each(request.user, summary.arrests)
    shareable = {pk for pk, actions in allowed.items() if access.Action.SHARE in actions}
    return render(
        request,
        "cases/operation_detail.html",
        {
            "page_title": operation.name,
            "operation": operation,
            "summary": summary,
            "shareable": shareable,
            "arrest_rows": _arrest_rows(summary.rows, shareable),
            "can_change": access.can(request.user, access.Action.CHANGE, operation),
            **sharing_context(request, operation),
            "participants": operation.participants.all(),
            "counties": operation.counties.all(),
            "ad_responses": selectors.ad_responses_of(operation),
            "ad_form": ad_form or AdResponsesForm(),
        },
        status=status,
    )


@login_required
@require_http_methods(["POST"])
def ad_responses_add(request: HttpRequest, public_id) -> HttpResponse:
    operation = selectors.operation_get(
        actor=request.user, public_id=public_id, action=access.Action.CHANGE
    )
    form = AdResponsesForm(request.POST)
    if form.is_valid():
        try:
            added = services.ad_responses_add(
                actor=request.user, operation=operation, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{len(added)} number(s) or handle(s) added.")
            detail = reverse("cases:operation_detail", args=[operation.public_id])
            return redirect(f"{detail}#ad-responses")
    return operation_detail(request, public_id, ad_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def operation_create(request: HttpRequest) -> HttpResponse:
    if not access.may_create(request.user, Operation):
        raise access.Forbidden
    form = OperationForm(request.POST or None, lead=request.user.agency)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            operation = services.operation_create(actor=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{operation.name} created. Enter its arrests next.")
            return redirect("cases:operation_detail", public_id=operation.public_id)
    return render(
        request, "cases/operation_form.html", {"page_title": "New operation", "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def operation_edit(request: HttpRequest, public_id) -> HttpResponse:
    operation = selectors.operation_get(
        actor=request.user, public_id=public_id, action=access.Action.CHANGE
    )
    form = OperationForm(request.POST or None, instance=operation, lead=operation.owner_agency)
    if request.method == "POST" and form.is_valid():
        related = {"version", "counties", "participants"}
        data = {k: v for k, v in form.cleaned_data.items() if k not in related}
        try:
            services.operation_update(
                actor=request.user,
                operation=operation,
                expected_version=form.cleaned_data["version"] or 0,
                data=data,
                counties=list(form.cleaned_data["counties"]),
                participants=list(form.cleaned_data["participants"]),
            )
        except StaleVersion:
            refuse_stale(form, Operation.objects.select_related("updated_by").get(pk=operation.pk),
                         "operation")  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Operation saved.")
            return redirect("cases:operation_detail", public_id=operation.public_id)
    return render(
        request,
        "cases/operation_form.html",
        {"page_title": f"Edit {operation}", "form": form, "operation": operation},
    )


@login_required
@require_http_methods(["GET", "POST"])
def operation_share(request: HttpRequest, public_id) -> HttpResponse:
    operation = selectors.operation_get(
        actor=request.user, public_id=public_id, action=access.Action.SHARE
    )
    back = reverse("cases:operation_detail", kwargs={"public_id": operation.public_id})
    return share_page(request, operation, noun="operation", back=back, label=str(operation))
