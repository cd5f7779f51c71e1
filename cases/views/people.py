"""Person pages: who someone is, how to recognise them, and the records the viewer may see."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cases.models import Arrest
from cases.selectors.people import person_get, person_merged_into
from cases.views.sharing import share_page, sharing_context
from taskforce import access, records


@login_required
def person_detail(request: HttpRequest, public_id) -> HttpResponse:
    try:
        person = person_get(actor=request.user, public_id=public_id)
    except access.NotFound:
        # A merged duplicate's old address leads to the person kept, for whoever may see them.
        kept = person_merged_into(actor=request.user, public_id=public_id)
        messages.info(request, "The record at that address was merged into this person.")
        return redirect("cases:person_detail", public_id=kept.public_id)
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
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_share(request: HttpRequest, public_id) -> HttpResponse:
    person = person_get(actor=request.user, public_id=public_id, action=access.Action.SHARE)
    back = reverse("cases:person_detail", kwargs={"public_id": person.public_id})
    return share_page(request, person, noun="person", back=back, label=str(person))
