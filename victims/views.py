"""Victim pages: the record as its agency keeps it, or as much as a consent releases."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cases.views.imports import spreadsheet_pages
from taskforce import access, audit, records
from taskforce.models import StaleVersion
from taskforce.web.forms import add_service_errors, refuse_stale, step_page
from taskforce.web.shown import access_history_context
from victims import imports
from victims.forms import (
    AdvocateNoteForm,
    ConsentForm,
    ContactForm,
    ServiceEndForm,
    ServiceForm,
    VictimContactForm,
    VictimGuardianForm,
    VictimIdentificationForm,
    VictimScreeningForm,
)
from victims.models import Victim
from victims.services import (
    advocate_note_add,
    consent_record,
    consent_revoke,
    contact_record,
    service_end,
    service_record,
    victim_update,
)


def _victim(request: HttpRequest, public_id, action=access.Action.VIEW) -> Victim:
    related = ("owner_agency", "person", "assigned_advocate")
    return access.get_for(request.user, Victim, public_id, action, related=related)


def _own_victim(request: HttpRequest, public_id) -> Victim:
    """A victim for a page that changes the record: its own agency's pages alone. Another agency,
    even one a consent lets read the record, gets the same 404 as for a record it cannot see."""
    victim = _victim(request, public_id)
    if victim.owner_agency_id != getattr(access.acting_membership(request.user), "agency_id", None):
        raise access.NotFound
    access.require(request.user, access.Action.CHANGE, victim)
    return victim


_sees = access.scope_includes


@login_required
def victim_detail(request: HttpRequest, public_id) -> HttpResponse:
    victim = _victim(request, public_id)
    scope = access.consent_scope(request.user, victim)
    if scope is None:
        # A grant without a consent in force (or a role that sees none) shows nothing at all.
        raise access.NotFound
    records.record_viewed(actor=request.user, obj=victim)
    own = scope == "full" and victim.owner_agency_id == request.user.membership.agency_id
    return render(
        request,
        "victims/victim_detail.html",
        {
            "page_title": "Victim record",
            "victim": victim,
            **access_history_context(request.user, victim),
            "own": own,
            "sees_contact": _sees(scope, "contact"),
            "sees_summary": _sees(scope, "summary"),
            "sees_full": _sees(scope, "full"),
            "status_only": scope == "status",
            "consents": victim.consents.select_related("to_agency", "recorded_by") if own else (),
            "services": victim.services.all() if _sees(scope, "summary") else (),
            "contacts": victim.contacts.select_related("by") if own else (),
            "notes": victim.notes.select_related("by") if own else (),
            # Every consent releases at least the referrals' status.
            "referrals": victim.referrals.select_related("referring_agency", "owner_agency")
            if scope
            else (),
            "can_share": own and access.can(request.user, access.Action.SHARE, victim),
            "can_change": own and access.can(request.user, access.Action.CHANGE, victim),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_new(request: HttpRequest, public_id) -> HttpResponse:
    victim = _victim(request, public_id, access.Action.SHARE)
    form = ConsentForm(request.POST or None, request.FILES or None, owner=victim.owner_agency)
    if request.method == "POST" and form.is_valid():
        try:
            consent = consent_record(actor=request.user, victim=victim, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Consent recorded: {consent.to_agency.name} may see "
                f"{consent.get_scope_display().lower()} until {consent.expires_on:%b %-d, %Y}.",
            )
            return redirect("victims:detail", public_id=victim.public_id)
    return render(
        request,
        "victims/consent_form.html",
        {"page_title": "Record consent", "form": form, "victim": victim},
    )


@login_required
@require_http_methods(["POST"])
def consent_withdraw(request: HttpRequest, public_id, consent_id) -> HttpResponse:
    victim = _victim(request, public_id, access.Action.SHARE)
    consent = victim.consents.filter(public_id=consent_id).first()
    if consent is None:
        raise access.NotFound
    consent_revoke(actor=request.user, consent=consent, reason=request.POST.get("reason", ""))
    messages.success(request, f"{consent.to_agency.name} no longer has access.")
    return redirect("victims:detail", public_id=victim.public_id)


# Each section of the record its agency keeps current: its page's title and form.
SECTION_PAGES = {
    "contact": ("Contact and safety", VictimContactForm),
    "guardian": ("Custody", VictimGuardianForm),
    "identification": ("Identification", VictimIdentificationForm),
    "screening": ("Screening and eligibility", VictimScreeningForm),
}


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(value, "strftime"):
        return f"{value:%b %-d, %Y}"
    return str(value)


@login_required
@require_http_methods(["GET", "POST"])
def victim_edit(request: HttpRequest, public_id, section: str) -> HttpResponse:
    """Edit one section of the record; a save over someone else's newer one is refused with
    both versions side by side."""
    victim = _own_victim(request, public_id)
    title, form_class = SECTION_PAGES[section]
    if request.method == "GET":
        records.record_viewed(actor=request.user, obj=victim)  # the form shows what it holds
    form = form_class(request.POST or None, instance=victim)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            victim_update(actor=request.user, victim=victim, section=section, data=data,
                          expected_version=form.cleaned_data["version"] or 0)  # fmt: skip
        except StaleVersion:
            theirs = Victim.objects.select_related("updated_by").get(pk=victim.pk)
            conflict = [
                (form.fields[name].label, _shown(getattr(theirs, name)), _shown(data[name]))
                for name in data
            ]
            refuse_stale(form, theirs, "record")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{title} saved.")
            return redirect("victims:detail", public_id=victim.public_id)
    return render(
        request,
        "victims/victim_section_form.html",
        {"page_title": f"Edit {title.lower()}", "title": title, "form": form,
         "victim": victim, "conflict": conflict},
    )  # fmt: skip


def _own_step(request, public_id, form_class, save, heading, note=""):
    """A one-form page that records something on a victim's record and returns to it."""
    victim = _victim(request, public_id, access.Action.CHANGE)

    def record(data: dict) -> str:
        save(victim, data)
        return "Saved."

    return step_page(
        request, form_class(request.POST or None), record,
        heading=heading, eyebrow="Victim record", note=note,
        back_url=reverse("victims:detail", kwargs={"public_id": victim.public_id}),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def service_new(request: HttpRequest, public_id) -> HttpResponse:
    return _own_step(
        request, public_id, ServiceForm,
        lambda victim, data: service_record(actor=request.user, victim=victim, **data),
        "Record a service",
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def service_close(request: HttpRequest, public_id, service_id) -> HttpResponse:
    """End a service on the record: completed or declined, with its outcome."""
    victim = _own_victim(request, public_id)
    service = victim.services.filter(public_id=service_id).first()
    if service is None:
        raise access.NotFound
    if request.method == "GET":
        records.record_viewed(actor=request.user, obj=victim)  # the page names the service

    def end(data: dict) -> str:
        ended = service_end(actor=request.user, service=service, **data)
        return f"{ended.get_kind_display()} service ended: {ended.get_status_display().lower()}."

    return step_page(
        request, ServiceEndForm(request.POST or None), end,
        heading=f"End a service: {service.get_kind_display().lower()}", eyebrow="Victim record",
        note=f"{service.provider or 'No provider recorded'} · offered "
        f"{service.offered_on:%b %-d, %Y} · {service.get_status_display().lower()}",
        back_url=reverse("victims:detail", kwargs={"public_id": victim.public_id}),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def contact_new(request: HttpRequest, public_id) -> HttpResponse:
    return _own_step(
        request, public_id, ContactForm,
        lambda victim, data: contact_record(actor=request.user, victim=victim, **data),
        "Log a contact or attempt",
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def note_new(request: HttpRequest, public_id) -> HttpResponse:
    return _own_step(
        request, public_id, AdvocateNoteForm,
        lambda victim, data: advocate_note_add(actor=request.user, victim=victim, **data),
        "Add an advocate note",
        note="Private to your agency, always.",
    )  # fmt: skip


@login_required
def consent_signed_form(request: HttpRequest, public_id, consent_id) -> HttpResponse:
    """The scanned release, for the victim's own agency only (it names the person)."""
    victim = _victim(request, public_id, access.Action.SHARE)
    consent = victim.consents.filter(public_id=consent_id).exclude(signed_form="").first()
    if consent is None:
        raise access.NotFound
    audit.record(request.user, "consent.form_downloaded", victim)
    response = FileResponse(
        consent.signed_form.open("rb"),
        as_attachment=True,
        filename=f"consent-{consent.signed_on}{PurePath(consent.signed_form.name).suffix}",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store"
    return response


# Victims kept in a spreadsheet: upload, preview, template (victims.imports).
VICTIM_IMPORT = spreadsheet_pages(
    imports.KIND, app="victims", title="Import victims", who="person", done_url="home"
)
