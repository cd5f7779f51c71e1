"""Person pages: who someone is, how to recognise them, and the records the viewer may see."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cases.models import Arrest, Person
from cases.models.people import by_name
from cases.selectors.people import (
    has_match_elsewhere,
    merge_preview,
    people_matching,
    person_get,
    person_merged_into,
)
from cases.services.access_requests import (
    REASON_MAX,
    access_request_create,
    open_request_for,
    requests_left_today,
)
from cases.services.people import (
    may_merge,
    merge_get,
    merge_require,
    merges_undoable,
    person_merge,
    person_merge_undo,
)
from cases.views.sharing import share_page, sharing_context
from taskforce import access, records
from taskforce.models import StaleVersion
from taskforce.web.forms import step_page


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
    prefetch_related_objects([person], "identifiers")  # shown, and matched on below
    arrests = (
        # The person's arrests, each tested as it is read (a bounded few).
        Arrest.objects.filter(access.visible_rows_condition(request.user, Arrest))
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
            "can_merge": may_merge(request.user, person),
            "merges": merges_undoable(actor=request.user, person=person),
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


def _merge_candidates(actor, keep: Person, words: str) -> list[Person]:
    """The agency's own people named by the words typed, other than the person kept."""
    if not words.strip():
        return []
    found = (
        people_matching(actor=actor, text=words)
        .filter(owner_agency_id=keep.owner_agency_id)
        .exclude(pk=keep.pk)[:50]
    )
    return by_name(found)


@login_required
@require_http_methods(["GET", "POST"])
def person_merge_page(request: HttpRequest, public_id) -> HttpResponse:
    """Pick the duplicate, compare the two, confirm: the duplicate's records move to this person."""
    keep = person_get(actor=request.user, public_id=public_id)
    merge_require(request.user, keep)
    words = request.GET.get("q", "")
    other_id = request.POST.get("other") or request.GET.get("other")
    other = None
    if other_id:
        other = person_get(actor=request.user, public_id=other_id)
        merge_require(request.user, keep, other)
        if other.pk == keep.pk:
            raise access.NotFound
    if request.method == "POST" and other is not None:
        try:
            person_merge(
                actor=request.user, keep=keep, merge=other,
                keep_version=int(request.POST.get("keep_version", "0")),
                merge_version=int(request.POST.get("merge_version", "0")),
            )  # fmt: skip
        except (StaleVersion, ValueError):
            messages.error(
                request, "One of these records was changed since you opened this page; nothing "
                "was merged. Check both again, then confirm.",
            )  # fmt: skip
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages) + " Nothing was merged.")
        else:
            messages.success(
                request, f"{other.display_name} was merged into this person. You can undo it "
                "from this page for 30 days.",
            )  # fmt: skip
            return redirect("cases:person_detail", public_id=keep.public_id)
        return redirect(
            f"{reverse('cases:person_merge', args=[keep.public_id])}?other={other.public_id}"
        )
    return render(
        request,
        "cases/person_merge.html",
        {
            "page_title": "Merge a duplicate",
            "keep": keep,
            "words": words,
            "candidates": _merge_candidates(request.user, keep, words) if other is None else [],
            "other": other,
            "keep_counts": merge_preview(actor=request.user, person=keep),
            "other_counts": merge_preview(actor=request.user, person=other) if other else {},
        },
    )


@login_required
@require_http_methods(["POST"])
def person_merge_undo_page(request: HttpRequest, public_id) -> HttpResponse:
    merge_record = merge_get(actor=request.user, public_id=public_id)
    try:
        restored = person_merge_undo(actor=request.user, merge_record=merge_record)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("cases:person_detail", public_id=merge_record.kept.public_id)
    messages.success(request, "The merge was undone: these records are back with this person.")
    return redirect("cases:person_detail", public_id=restored.public_id)
