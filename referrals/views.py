"""Referral pages: the receiving agency's work list and steps; the sender's view of what it sent."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cases.models import Arrest, Case
from cases.services.people import PersonData, person_create
from cases.views.imports import spreadsheet_pages
from referrals import imports, selectors, services
from referrals.forms import (
    ReferralAssignForm,
    ReferralFilterForm,
    ReferralSendForm,
    ReferralStepForm,
)
from referrals.models import REFERRAL_TRANSITIONS, Referral, ReferralStatus, SourceKind
from taskforce import access, records
from taskforce.models import AgencyKind
from taskforce.web.exports import csv_response
from taskforce.web.forms import add_service_errors
from taskforce.web.private_search import link_query
from taskforce.web.shown import access_history_context
from victims.forms import VictimForm


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    membership = access.acting_membership(request.user)
    receiving = membership is not None and membership.agency.kind == AgencyKind.VICTIM_SERVICES
    form = ReferralFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    query = link_query(request.GET.copy())
    context = {"page_title": "Referrals", "form": form, "receiving": receiving}
    if receiving:
        received = Paginator(selectors.received_ids(actor=request.user, **filters), PAGE_SIZE)
        page = received.get_page(request.GET.get("page"))
        page.object_list = selectors.received_loaded(page.object_list)
        context["received"] = page
    sent = Paginator(selectors.sent_ids(actor=request.user), PAGE_SIZE).get_page(
        request.GET.get("sent_page")
    )
    context["sent"] = sent
    context["sent_rows"] = selectors.sent_loaded(request.user, sent.object_list)
    # The links of each list keep the filters and the other list's page.
    context["received_query"] = _without(query, "page")
    context["sent_query"] = _without(query, "sent_page")
    context["query"] = _without(query, "page", "sent_page")
    return render(request, "referrals/referral_list.html", context)


# Rows a page of either list shows: a state's largest victim-service agency has 40,000
# referrals, and the lists showed their newest 500 each (0.6 s, most of it writing rows).
PAGE_SIZE = 50


def _without(query, *names: str) -> str:
    """The page's query string without `names` (the page numbers a link sets)."""
    query = query.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _detail(request: HttpRequest, referral, step_form=None, status=200) -> HttpResponse:
    receiver = selectors.is_receiver(request.user, referral)
    can_change = receiver and access.can(request.user, access.Action.CHANGE, referral)
    next_steps = sorted(REFERRAL_TRANSITIONS[referral.status])
    if step_form is None and can_change and next_steps:
        step_form = ReferralStepForm(choices=next_steps)
    shown = selectors.status_shown(request.user, referral)
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "page_title": "Referral",
            "referral": referral,
            "receiver": receiver,
            "status_label": ReferralStatus(shown).label,
            "status_capped": selectors.status_capped(request.user, referral),
            "step_form": step_form if can_change else None,
            "assign_form": ReferralAssignForm(
                initial={"advocate": referral.assigned_advocate}, agency=referral.owner_agency
            )
            if can_change
            else None,
            "history": referral.status_changes.select_related("by") if receiver else (),
            "can_open_victim": can_change
            and referral.victim is None
            and referral.status in {"accepted", "engaged"},
            **access_history_context(request.user, referral),
        },
        status=status,
    )


@login_required
def referral_detail(request: HttpRequest, public_id) -> HttpResponse:
    referral = selectors.referral_get(actor=request.user, public_id=public_id)
    records.record_viewed(actor=request.user, obj=referral)
    return _detail(request, referral)


@login_required
@require_http_methods(["POST"])
def referral_step(request: HttpRequest, public_id) -> HttpResponse:
    referral = selectors.referral_get(
        actor=request.user, public_id=public_id, action=access.Action.CHANGE
    )
    form = ReferralStepForm(request.POST, choices=sorted(REFERRAL_TRANSITIONS[referral.status]))
    if form.is_valid():
        try:
            services.referral_transition(actor=request.user, referral=referral, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Referral updated.")
            return redirect("referrals:detail", public_id=referral.public_id)
    # What was typed stays, with the problem beside its field.
    return _detail(request, referral, step_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def referral_send(request: HttpRequest) -> HttpResponse:
    """Refer someone identified in an arrest or a case (`?arrest=` / `?case=`) to Safe Harbor."""
    source = request.POST if request.method == "POST" else request.GET
    arrest = (
        access.get_for(request.user, Arrest, source["arrest"]) if source.get("arrest") else None
    )
    case = access.get_for(request.user, Case, source["case"]) if source.get("case") else None
    membership = access.acting_membership(request.user)
    if membership is None:
        raise access.Forbidden
    default_source = (
        SourceKind.PROSECUTION if membership.agency.kind == AgencyKind.PROSECUTION else
        SourceKind.POLICE if membership.agency.kind == AgencyKind.LAW_ENFORCEMENT else
        SourceKind.SELF
    )  # fmt: skip
    form = ReferralSendForm(request.POST or None, initial={"source": default_source})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                person = person_create(
                    actor=request.user,
                    data=PersonData(first_name=data["first_name"], last_name=data["last_name"],
                                    date_of_birth=data["date_of_birth"], sex=data["sex"]),
                )  # fmt: skip
                referral = services.referral_send(
                    actor=request.user, person=person, to_agency=data["to_agency"],
                    source=data["source"], reason=data["reason"], urgency=data["urgency"],
                    region=data["region"], arrest=arrest, case=case,
                )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Referral sent to {data['to_agency'].name}.")
            return redirect("referrals:detail", public_id=referral.public_id)
    return render(
        request,
        "referrals/referral_send.html",
        {"page_title": "Refer to Safe Harbor", "form": form, "arrest": arrest, "case": case},
    )


@login_required
def referral_export(request: HttpRequest) -> HttpResponse:
    """The receiving agency's referrals as CSV (the sender's list carries only what it may see)."""
    form = ReferralFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    # Every row, streamed a chunk at a time: the export took the lists' newest 500 and said
    # nothing of the rest.
    received = list(selectors.received_ids(actor=request.user, **filters))
    sent = list(selectors.sent_ids(actor=request.user))
    records.record_exported(
        actor=request.user, model=Referral, count=len(received) + len(sent), query=request.GET
    )

    def rows():
        for start in range(0, len(received), EXPORT_CHUNK):
            for r in selectors.received_loaded(received[start : start + EXPORT_CHUNK]):
                yield ["received", r.person.last_name, r.person.first_name,
                       r.referring_agency.name, r.owner_agency.name, r.created_at,
                       r.get_urgency_display(), r.get_status_display(),
                       r.region.name if r.region else ""]  # fmt: skip
        for start in range(0, len(sent), EXPORT_CHUNK):
            chosen = sent[start : start + EXPORT_CHUNK]
            for r, shown in selectors.sent_loaded(request.user, chosen):
                yield ["sent", r.person.last_name, r.person.first_name,
                       r.referring_agency.name, r.owner_agency.name, r.created_at,
                       r.get_urgency_display(), shown, ""]  # fmt: skip

    return csv_response(
        "referrals.csv",
        ["Direction", "Last name", "First name", "From", "To", "Sent", "Urgency", "Status",
         "Region"],
        rows(),
    )  # fmt: skip


EXPORT_CHUNK = 2000


@login_required
@require_http_methods(["POST"])
def referral_assign(request: HttpRequest, public_id) -> HttpResponse:
    referral = selectors.referral_get(
        actor=request.user, public_id=public_id, action=access.Action.CHANGE
    )
    form = ReferralAssignForm(request.POST, agency=referral.owner_agency)
    if form.is_valid():
        try:
            services.referral_assign(
                actor=request.user, referral=referral, advocate=form.cleaned_data["advocate"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, "Assignment saved.")
    else:
        messages.error(request, "Choose an advocate of your agency.")
    return redirect("referrals:detail", public_id=referral.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def victim_open(request: HttpRequest, referral_id) -> HttpResponse:
    """Open the agency's record of the person an accepted referral brought."""
    referral: Referral = selectors.referral_get(
        actor=request.user, public_id=referral_id, action=access.Action.CHANGE
    )
    form = VictimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            victim = services.referral_open_victim(actor=request.user, referral=referral,
                                          **form.cleaned_data)  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Victim record opened.")
            return redirect("victims:detail", public_id=victim.public_id)
    return render(
        request,
        "victims/victim_form.html",
        {"page_title": "Open a victim record", "form": form, "referral": referral},
    )


# Referrals kept in a spreadsheet: upload, preview, template (referrals.imports).
REFERRAL_IMPORT = spreadsheet_pages(
    imports.KIND, app="referrals", title="Import referrals", who="youth", done_url="referrals:list"
)
