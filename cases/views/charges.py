"""Pages of a case's counts: file, amend and dispose of a count, each saved through one service."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from cases.forms import (
    ChargeAmendForm,
    ChargeDisposeForm,
    ChargeFileForm,
)
from cases.models import Charge
from cases.services import charges as charge_services
from cases.views.cases import case_part, case_step, case_to_change


@login_required
@require_http_methods(["GET", "POST"])
def charge_new(request: HttpRequest, public_id) -> HttpResponse:
    case = case_to_change(request, public_id)

    def save(data):
        charge = charge_services.charge_file(
            actor=request.user, case=case, charge=charge_services.ChargeInput(**data)
        )
        return f"Count {charge.count_number} filed."

    return case_step(
        request, case, ChargeFileForm(request.POST or None, case=case), save, heading="File a count"
    )


@login_required
@require_http_methods(["GET", "POST"])
def charge_amend(request: HttpRequest, public_id, charge_id) -> HttpResponse:
    case = case_to_change(request, public_id)
    charge: Charge = case_part(case.charges.select_related("statute"), charge_id)

    def save(data):
        charge_services.charge_amend(actor=request.user, charge=charge, **data)
        return f"Count {charge.count_number} amended; the original is kept."

    return case_step(
        request,
        case,
        ChargeAmendForm(request.POST or None),
        save,
        heading=f"Amend count {charge.count_number}: {charge.statute}",
        note="The count as filed stays on the case's record.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def charge_dispose(request: HttpRequest, public_id, charge_id) -> HttpResponse:
    case = case_to_change(request, public_id)
    charge: Charge = case_part(case.charges.select_related("statute"), charge_id)

    def save(data):
        charge_services.charge_dispose(actor=request.user, charge=charge, **data)
        return f"Disposition of count {charge.count_number} recorded."

    return case_step(
        request,
        case,
        ChargeDisposeForm(request.POST or None),
        save,
        heading=f"Disposition of count {charge.count_number}: {charge.statute}",
    )
