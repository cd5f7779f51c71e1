"""Person pages: who someone is, how to recognise them, and the records the viewer may see."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cases.models import Arrest, Person
from cases.models.people import by_name
from cases.selectors.people import (
    merge_preview,
    people_matching,
    person_get,
    person_merged_into,
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
            "can_merge": may_merge(request.user, person),
            "merges": merges_undoable(actor=request.user, person=person),
            **sharing_context(request, person),
        },
    )


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
