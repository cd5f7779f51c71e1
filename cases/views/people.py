"""Person pages: who someone is, how to recognise them, and the records the viewer may see."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases.models import Arrest
from cases.selectors.people import person_get
from taskforce import access, records


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
        },
    )
