"""Person pages: who someone is, how to recognise them, and the records the viewer may see."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cases.models import Arrest, Person
from cases.selectors.people import has_match_elsewhere, person_get
from cases.services.access_requests import (
    REASON_MAX,
    access_request_create,
    open_request_for,
    requests_left_today,
)
from cases.views.sharing import share_page, sharing_context
from taskforce import access, records
from taskforce.web.forms import step_page


@login_required
def person_detail(request: HttpRequest, public_id) -> HttpResponse:
    person = person_get(actor=request.user, public_id=public_id)
    records.record_viewed(actor=request.user, obj=person)
    arrests = (
        access.visible(request.user, Arrest)
        .filter(arrestee=person)
        .select_related("county", "arresting_agency", "operation")
        .order_by("-arrested_at")
    )
    return render(
        request,
        "cases/person_detail.html",
        {
            "page_title": "Person",
            "person": person,
            # Sorted in Python: SQL sees only the values' ciphertext.
            "identifiers": sorted(person.identifiers.all(), key=lambda i: (i.kind, i.value)),
            "arrests": arrests,
            **sharing_context(request, person),
            **_elsewhere(request, person),
        },
    )


def _elsewhere(request: HttpRequest, person: Person) -> dict:
    """On a person the viewer's agency entered: whether an exact match exists at an agency the
    viewer cannot see (never which), and the request already made for it."""
    membership = access.acting_membership(request.user)
    if membership is None or person.owner_agency_id != membership.agency_id:
        return {}
    pending = open_request_for(person)
    return {
        "access_request": pending,
        "match_elsewhere": pending is None and has_match_elsewhere(actor=request.user,
                                                                   subject=person),
    }  # fmt: skip


class AccessRequestForm(forms.Form):
    reason = forms.CharField(
        label="Why your agency needs to see it",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The agency holding the matching record reads this and decides. Its "
        "supervisors see your name and agency.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_request_access(request: HttpRequest, public_id) -> HttpResponse:
    person = person_get(actor=request.user, public_id=public_id)
    membership = access.acting_membership(request.user)
    if person.owner_agency_id != membership.agency_id:
        raise access.NotFound  # a request is made from one's own record
    if request.method == "GET" and not has_match_elsewhere(actor=request.user, subject=person):
        messages.info(request, "No record at another agency matches this person.")
        return redirect("cases:person_detail", public_id=person.public_id)

    def send(data: dict) -> str:
        access_request_create(actor=request.user, subject=person, reason=data["reason"])
        return (
            "Request sent. The agency holding the matching record will decide; the answer "
            "appears under Access requests."
        )

    left = requests_left_today(request.user)
    return step_page(
        request, AccessRequestForm(request.POST or None), send,
        heading="Request access to a matching record", eyebrow="Person",
        note="A person at another agency exactly matches this one. You will not be told which "
        f"agency or record until they approve. You can send {left} more request"
        f"{'' if left == 1 else 's'} today.",
        back_url=reverse("cases:person_detail", kwargs={"public_id": person.public_id}),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def person_share(request: HttpRequest, public_id) -> HttpResponse:
    person = person_get(actor=request.user, public_id=public_id, action=access.Action.SHARE)
    back = reverse("cases:person_detail", kwargs={"public_id": person.public_id})
    return share_page(request, person, noun="person", back=back, label=str(person))
