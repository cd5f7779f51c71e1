"""Pages that record one step on a case in court: hearings, detention, speedy-trial demands,
victims and their notices, notes, documents and sentences.

Each is a small form on its own page that saves through one service and returns to the case.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from cases.forms import (
    ContinueForm,
    CourtEventForm,
    DetentionForm,
    DocumentForm,
    FinalDispositionForm,
    HearingRecordForm,
    NoteForm,
    NoticeForm,
    ReleaseForm,
    SentenceForm,
    SpeedyTrialDemandForm,
    VictimForm,
)
from cases.models import Charge, CourtEvent
from cases.models.court import assessment_range
from cases.selectors.cases import case_get
from cases.selectors.victims import case_victims_visible
from cases.services import cases as case_services
from cases.services import court as court_services
from cases.services import notes as note_services
from cases.services import notices as notice_services
from cases.services.people import PersonData
from cases.views.cases import case_part, case_step, case_to_change
from taskforce import audit


@login_required
@require_http_methods(["GET", "POST"])
def sentence_new(request: HttpRequest, public_id, charge_id) -> HttpResponse:
    case = case_to_change(request, public_id)
    charge: Charge = case_part(case.charges.select_related("statute"), charge_id)

    def save(data):
        court_services.sentence_record(actor=request.user, charge=charge, **data)
        return f"Sentence on count {charge.count_number} recorded."

    form = SentenceForm(request.POST or None)
    low, high, why = assessment_range(charge.statute.citation, charge.level)
    form.fields["assessment"].help_text = (
        f"${low:,.0f} to ${high:,.0f} for {why} (609.3241(a)); not waivable. Shared 40% arresting "
        "agency, 20% prosecuting agency, 40% Safe Harbor for Youth account (victim-service "
        "organizations)."
    )
    return case_step(
        request,
        case,
        form,
        save,
        heading=f"Sentence on count {charge.count_number}: {charge.statute}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def hearing_new(request: HttpRequest, public_id) -> HttpResponse:
    case = case_to_change(request, public_id)

    def save(data):
        event = court_services.court_event_schedule(actor=request.user, case=case, **data)
        return f"{event.get_kind_display()} scheduled."

    return case_step(
        request, case, CourtEventForm(request.POST or None), save, heading="Schedule a hearing"
    )


@login_required
@require_http_methods(["GET", "POST"])
def hearing_continue(request: HttpRequest, public_id, event_id) -> HttpResponse:
    case = case_to_change(request, public_id)
    event: CourtEvent = case_part(case.court_events, event_id)

    def save(data):
        court_services.court_event_continue(actor=request.user, event=event, **data)
        return f"{event.get_kind_display()} continued; both dates stay on the record."

    return case_step(
        request, case, ContinueForm(request.POST or None), save, heading=f"Continue the {event}"
    )


@login_required
@require_http_methods(["GET", "POST"])
def hearing_record(request: HttpRequest, public_id, event_id) -> HttpResponse:
    case = case_to_change(request, public_id)
    event: CourtEvent = case_part(case.court_events, event_id)

    def save(data):
        court_services.court_event_record(actor=request.user, event=event, **data)
        return "Hearing recorded."

    return case_step(
        request, case, HearingRecordForm(request.POST or None, event=event), save,
        heading=f"Record the {event}",
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def detention_new(request: HttpRequest, public_id) -> HttpResponse:
    case = case_to_change(request, public_id)

    def save(data):
        court_services.juvenile_detention_record(actor=request.user, case=case, **data)
        return "Detention recorded; the detention hearing deadline is on the case."

    return case_step(
        request, case, DetentionForm(request.POST or None), save,
        heading="Record a juvenile detention",
        note="The detention hearing is due within 36 hours in a secure juvenile facility (24 "
        "in an adult jail), not counting weekends or holidays; in a metropolitan adult jail "
        "within 6 hours, weekends and holidays included.",
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def detention_release(request: HttpRequest, public_id) -> HttpResponse:
    case = case_to_change(request, public_id)

    def save(data):
        court_services.juvenile_release_record(actor=request.user, case=case, **data)
        return "Release recorded; the detention deadlines are closed."

    return case_step(
        request, case, ReleaseForm(request.POST or None), save, heading="Record the release"
    )


@login_required
@require_http_methods(["GET", "POST"])
def final_disposition_new(request: HttpRequest, public_id) -> HttpResponse:
    case = case_to_change(request, public_id)

    def save(data):
        updated = case_services.case_final_disposition_record(
            actor=request.user, case=case, disposed_on=data["final_disposition_on"]
        )
        return final_disposition_message(updated)

    return case_step(
        request, case,
        FinalDispositionForm(request.POST or None,
                             initial={"final_disposition_on": case.final_disposition_on}),
        save,
        heading="Record the final disposition's date",
        note="Minn. Stat. 611A.039: the victims are told of the final disposition within 15 "
        "working days of it.",
    )  # fmt: skip


def final_disposition_message(case) -> str:
    """What recording the date set in motion: the notice's due time, or that it is overdue."""
    from django.utils import timezone

    from deadlines.services import deadlines_of

    day = f"{case.final_disposition_on:%b %-d, %Y}"
    notice = deadlines_of(case).filter(rule="disposition_notice").first()
    if notice is None:
        return f"Final disposition of {day} recorded."
    due = f"{timezone.localtime(notice.due_at):%b %-d, %Y %H:%M}"
    if notice.is_overdue():
        return (
            f"Final disposition of {day} recorded. The 15 working days to notify the victims "
            f"ended {due}: the notice is overdue."
        )
    return f"Final disposition of {day} recorded; notify the victims by {due}."


@login_required
@require_http_methods(["GET", "POST"])
def speedy_demand_new(request: HttpRequest, public_id) -> HttpResponse:
    case = case_to_change(request, public_id)

    def save(data):
        court_services.speedy_trial_demand_record(actor=request.user, case=case, **data)
        return "Speedy-trial demand recorded; its deadlines are on the case."

    return case_step(
        request, case, SpeedyTrialDemandForm(request.POST or None), save,
        heading="Record a speedy-trial demand",
        note="Trial is due within 60 days of the demand for a felony or gross misdemeanor "
        "(Rule 11.09), within 60 days of the not-guilty plea for a misdemeanor (Rule 6.06).",
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def victim_new(request: HttpRequest, public_id) -> HttpResponse:
    case = case_to_change(request, public_id)

    def save(data):
        notice_services.case_victim_add(
            actor=request.user,
            case=case,
            data=PersonData(
                first_name=data["first_name"],
                last_name=data["last_name"],
                date_of_birth=data["date_of_birth"],
                sex=data["sex"],
            ),
            role=data["role"],
            contact_notes=data["contact_notes"],
        )
        return "Victim recorded."

    return case_step(
        request,
        case,
        VictimForm(request.POST or None),
        save,
        heading="Record a victim",
        note="Seen by your agency only, even when the case is shared: another agency sees the "
        "victim once their own record is shared with it. A victim under 18 marks the case "
        "juvenile.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest, public_id) -> HttpResponse:
    case = case_to_change(request, public_id)

    def save(data):
        notice_services.victim_notice_record(
            actor=request.user, case=case, victim_public_id=data.pop("victim"), **data
        )
        return "Notice recorded."

    return case_step(
        request,
        case,
        NoticeForm(request.POST or None, victims=case_victims_visible(request.user, case)),
        save,
        heading="Record a victim notice",
    )


@login_required
@require_http_methods(["GET", "POST"])
def note_new(request: HttpRequest, public_id) -> HttpResponse:
    case = case_to_change(request, public_id)

    def save(data):
        note_services.note_add(actor=request.user, case=case, **data)
        return "Note added."

    return case_step(request, case, NoteForm(request.POST or None), save, heading="Add a note")


@login_required
@require_http_methods(["GET", "POST"])
def document_new(request: HttpRequest, public_id) -> HttpResponse:
    case = case_to_change(request, public_id)

    def save(data):
        document = note_services.document_upload(
            actor=request.user,
            case=case,
            upload=data["file"],
            title=data["title"],
            visibility=data["visibility"],
        )
        return f"“{document.title}” uploaded."

    form = DocumentForm(request.POST or None, request.FILES or None)
    return case_step(request, case, form, save, heading="Upload a document", multipart=True)


@login_required
def document_download(request: HttpRequest, public_id, document_id) -> HttpResponse:
    """Stream a document to someone the policy lets see it; everyone else gets 404."""
    case = case_get(actor=request.user, public_id=public_id)
    document = note_services.document_get(actor=request.user, case=case, public_id=document_id)
    audit.record(request.user, "case.document_downloaded", case,
                 changes={"document": str(document.public_id)})  # fmt: skip
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store"
    return response
