"""Arrest pages: bulk entry in one sitting, CSV import with preview, list, detail, export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cases.forms import (
    ArrestEntryHeaderForm,
    ArrestFilterForm,
    ArrestForm,
    ArrestImportForm,
    ArrestRowForm,
    ArrestRowFormSet,
)
from cases.models import Arrest, Operation
from cases.selectors import arrests as selectors
from cases.selectors.handoffs import handoffs_of
from cases.selectors.people import likely_duplicates, people_with_matches_elsewhere
from cases.services import imports
from cases.services.arrests import (
    ArrestRow,
    arrest_rows_check,
    arrest_update,
    arresting_agency_check,
    arresting_agency_choices,
    arrests_create,
)
from cases.views.imports import ImportFlow
from cases.views.sharing import share_page, sharing_context
from taskforce import access, records
from taskforce.models import SEALED_LABEL, StaleVersion
from taskforce.web import listing
from taskforce.web.forms import add_service_errors, refuse_stale

ROWS_PER_STEP = 10
MAX_ROWS = 200
# Where a service's row error goes in the bulk table.
ROW_FIELD = {
    "arrested_at": "arrested_time",
    "statutes": "statute",
    "decoy_age_stated_at": None,
    "arresting_agency": None,
}


def _operations(request: HttpRequest):
    return access.visible(request.user, Operation).order_by("-starts_on", "name")


def _agencies(request: HttpRequest):
    return arresting_agency_choices(actor=request.user)


def _header_initial(request: HttpRequest) -> dict:
    initial = {"arresting_agency": imports.arresting_agency_default(request.user)}
    if request.GET.get("operation"):
        initial["operation"] = access.get_for(request.user, Operation, request.GET["operation"])
    return initial


def _row_from(form: ArrestRowForm, header: dict) -> ArrestRow:
    data = form.cleaned_data
    return ArrestRow(
        last_name=data["last_name"],
        first_name=data["first_name"],
        date_of_birth=data["date_of_birth"],
        arrested_at=form.arrested_at(),
        county=data["county"],
        city=data["city"],
        booking_number=data["booking_number"],
        custody_status=data["custody_status"],
        statutes=[data["statute"]],
        decoy_stated_age=data["decoy_stated_age"],
        solicitation_venue=data["solicitation_venue"],
        phone=data["phone"],
        arresting_officer=header["arresting_officer"],
    )


def _resolve_people(request: HttpRequest, pairs) -> bool:
    """Offer possible matches on rows that have them; True when every such row has a choice."""
    decided = True
    for form, row in pairs:
        matches = likely_duplicates(
            actor=request.user,
            first_name=row.first_name,
            last_name=row.last_name,
            date_of_birth=row.date_of_birth,
            identifiers=row.person_data().identifiers,
        )
        if not matches:
            continue
        choice = form.data.get(form.add_prefix("person"), "")
        form.offer_matches(matches)
        chosen = {str(p.public_id): p for p in matches}
        if choice == "new":
            continue
        if choice in chosen:
            row.person = chosen[choice]
            continue
        form.add_error("person", "Someone like this is on record: is it the same person?")
        decided = False
    return decided


@login_required
@require_http_methods(["GET", "POST"])
def arrest_bulk(request: HttpRequest) -> HttpResponse:
    """Enter a sting's arrests in one sitting: a table of rows, saved together or not at all.

    Blank rows are ignored. "Add rows" (a script adds them in place; without it, the server)
    keeps everything typed so far.
    """
    operations = _operations(request)
    if request.method == "GET":
        header = ArrestEntryHeaderForm(
            initial=_header_initial(request), operations=operations, agencies=_agencies(request)
        )
        return _bulk_page(request, header, ArrestRowFormSet())

    data = request.POST
    if "add_rows" in data:
        data = data.copy()
        rows = int(data.get("form-TOTAL_FORMS") or 0) + ROWS_PER_STEP
        data["form-TOTAL_FORMS"] = str(min(rows, MAX_ROWS))
    header = ArrestEntryHeaderForm(data, operations=operations, agencies=_agencies(request))
    formset = ArrestRowFormSet(data)
    if "add_rows" in data:
        return _bulk_page(request, header, formset)

    rows_valid, header_valid = formset.is_valid(), header.is_valid()
    filled = [form for form in formset.forms if form.has_changed()]
    if not filled:
        messages.error(request, "Type at least one arrest into the table.")
        return _bulk_page(request, header, formset)
    if not header_valid:
        return _bulk_page(request, header, formset)

    # Check what can be checked on every row that is complete, so all problems show at once.
    agency, operation = header.cleaned_data["arresting_agency"], header.cleaned_data["operation"]
    try:
        arresting_agency_check(actor=request.user, operation=operation, arresting_agency=agency)
    except ValidationError as error:
        add_service_errors(header, error)
        return _bulk_page(request, header, formset)
    pairs = [(form, _row_from(form, header.cleaned_data)) for form in filled if form.is_valid()]
    arrest_rows_check(
        actor=request.user, operation=operation, arresting_agency=agency,
        rows=[row for _, row in pairs],
    )  # fmt: skip
    for form, row in pairs:
        for name, errors in row.errors.items():
            for error in errors:
                form.add_error(ROW_FIELD.get(name, name), error)
    people_decided = _resolve_people(request, pairs)
    if not rows_valid or any(form.errors for form in filled) or not people_decided:
        return _bulk_page(request, header, formset)

    try:
        arrests = arrests_create(
            actor=request.user,
            operation=operation,
            arresting_agency=agency,
            rows=[row for _, row in pairs],
        )
    except ValidationError as error:
        add_service_errors(header, error)
        return _bulk_page(request, header, formset)
    messages.success(request, f"{len(arrests)} arrest{'s' if len(arrests) != 1 else ''} saved.")
    _tell_of_matches_elsewhere(request, [arrest.arrestee for arrest in arrests])
    if operation is not None:
        return redirect("cases:operation_detail", public_id=operation.public_id)
    return redirect("cases:arrest_list")


def _tell_of_matches_elsewhere(request: HttpRequest, people) -> None:
    """Say how many people just entered match a record at an agency the user cannot see (never
    which); each of their pages offers Request access."""
    own = access.acting_membership(request.user).agency_id
    matched = people_with_matches_elsewhere(
        actor=request.user, subjects=[person for person in people if person.owner_agency_id == own]
    )
    if matched:
        count = len(matched)
        messages.info(
            request,
            f"{count} {'person' if count == 1 else 'people'} you entered "
            f"match{'es' if count == 1 else ''} a record at another agency. Open "
            f"{'their' if count == 1 else 'each'} person page to request access.",
        )


def _bulk_page(request, header, formset) -> HttpResponse:
    errors = sum(
        1 for form in formset.forms if form.is_bound and form.has_changed() and form.errors
    )
    return render(
        request,
        "cases/arrest_bulk.html",
        {
            "page_title": "Enter arrests",
            "header": header,
            "formset": formset,
            "rows_with_errors": errors,
            "rows_per_step": ROWS_PER_STEP,
        },
    )


def _import_again(staged) -> str:
    again = reverse("cases:arrest_import")
    if staged.operation is not None:
        again += f"?operation={staged.operation.public_id}"
    return again


def _import_done(staged) -> str:
    if staged.operation is not None:
        return reverse("cases:operation_detail", kwargs={"public_id": staged.operation.public_id})
    return reverse("cases:arrest_list")


ARREST_IMPORT = ImportFlow(
    noun="arrests",
    imported="arrests",
    who="person",
    title="Import arrests",
    upload_template="cases/arrest_import.html",
    preview_template="cases/arrest_import_preview.html",
    preview_url="cases:arrest_import_preview",
    columns=imports.COLUMNS,
    required=imports.REQUIRED,
    stage=lambda *, actor, data, file_name, fields: imports.arrest_import_stage(
        actor=actor,
        data=data,
        file_name=file_name,
        operation=fields["operation"],
        arresting_agency=fields["arresting_agency"],
    ),
    get=imports.arrest_import_get,
    rows=imports.arrest_import_rows,
    confirm=imports.arrest_import_confirm,
    discard=imports.arrest_import_discard,
    again_url=_import_again,
    done_url=_import_done,
    gone_url="cases:arrest_list",
)


@login_required
@require_http_methods(["GET", "POST"])
def arrest_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV of arrests; the next page shows every row checked, nothing saved yet."""
    form = ArrestImportForm(
        request.POST or None,
        request.FILES or None,
        initial=_header_initial(request) if request.method == "GET" else None,
        operations=_operations(request),
        agencies=_agencies(request),
    )
    return ARREST_IMPORT.upload(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def arrest_import_preview(request: HttpRequest, public_id) -> HttpResponse:
    return ARREST_IMPORT.preview(request, public_id)


def _person_cells(person) -> list:
    """Surname, given name, birth date; a sealed person's cells name nobody."""
    if person.is_sealed:
        return [SEALED_LABEL, "", ""]
    return [person.last_name, person.first_name, person.date_of_birth or ""]


def _arrest_row(a: Arrest) -> list:
    return [
        *_person_cells(a.arrestee),
        a.arrested_at, a.city, a.county.name, a.arresting_agency.name,
        a.booking_number, a.get_custody_status_display(),
        "; ".join(c.statute.citation for c in a.charges.all()),
        str(a.operation) if a.operation else "", a.decoy_stated_age or "",
        a.get_solicitation_venue_display() if a.solicitation_venue else "",
        "; ".join(h.to_agency.name for h in a.handoffs.all()),
    ]  # fmt: skip


ARRESTS = listing.Listing(
    model=Arrest,
    filter_form=lambda request: ArrestFilterForm(request.GET, operations=_operations(request)),
    filters=selectors.ArrestFilters,
    page=selectors.arrest_list,
    export_rows=selectors.arrest_export_rows,
    template="cases/arrest_list.html",
    title="Arrests",
    csv_name="arrests.csv",
    csv_header=[
        "Last name",
        "First name",
        "Born",
        "Arrested at",
        "City",
        "County",
        "Arresting agency",
        "Booking number",
        "Custody",
        "Charges",
        "Operation",
        "Decoy stated age",
        "Solicited",
        "Handed off to",
    ],
    csv_row=_arrest_row,
    context=lambda request: {"can_enter": access.may_create(request.user, Arrest)},
)


@login_required
def arrest_list(request: HttpRequest) -> HttpResponse:
    return ARRESTS.list_page(request)


@login_required
def arrest_export(request: HttpRequest) -> HttpResponse:
    return ARRESTS.export(request)


@login_required
def arrest_detail(request: HttpRequest, public_id) -> HttpResponse:
    arrest = selectors.arrest_for_page(actor=request.user, public_id=public_id)
    records.record_viewed(actor=request.user, obj=arrest)
    return render(
        request,
        "cases/arrest_detail.html",
        {
            "page_title": arrest.page_title,
            "arrest": arrest,
            "charges": arrest.charges.all(),
            "handoffs": handoffs_of(actor=request.user, arrest=arrest),
            "can_hand_off": access.can(request.user, access.Action.SHARE, arrest),
            "can_change": access.can(request.user, access.Action.CHANGE, arrest),
            **sharing_context(request, arrest),
            "can_see_person": access.can(request.user, access.Action.VIEW, arrest.arrestee),
            "can_see_operation": arrest.operation is not None
            and access.can(request.user, access.Action.VIEW, arrest.operation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def arrest_edit(request: HttpRequest, public_id) -> HttpResponse:
    arrest = selectors.arrest_get(
        actor=request.user, public_id=public_id, action=access.Action.CHANGE
    )
    form = ArrestForm(request.POST or None, instance=arrest)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            arrest_update(
                actor=request.user,
                arrest=arrest,
                expected_version=form.cleaned_data["version"] or 0,
                data=data,
            )
        except StaleVersion:
            refuse_stale(form, Arrest.objects.select_related("updated_by").get(pk=arrest.pk),
                         "arrest")  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Arrest saved.")
            return redirect("cases:arrest_detail", public_id=arrest.public_id)
    return render(
        request,
        "cases/arrest_form.html",
        {"page_title": f"Correct the {arrest.page_title.lower()}", "form": form, "arrest": arrest},
    )


@login_required
@require_http_methods(["GET", "POST"])
def arrest_share(request: HttpRequest, public_id) -> HttpResponse:
    arrest = selectors.arrest_get(
        actor=request.user, public_id=public_id, action=access.Action.SHARE
    )
    back = reverse("cases:arrest_detail", kwargs={"public_id": arrest.public_id})
    return share_page(request, arrest, noun="arrest", back=back, label=str(arrest))
