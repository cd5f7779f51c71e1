"""Saved list filters: a user names the filters of a list page and comes back to them."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from taskforce.access import NotFound
from taskforce.models import SavedFilter

# The list pages that offer saved filters (URL names).
LISTS = {"cases:list", "cases:arrest_list", "cases:operation_list"}


class SavedFilterForm(forms.Form):
    list_name = forms.ChoiceField(choices=[(name, name) for name in sorted(LISTS)])
    name = forms.CharField(max_length=80, label="Save these filters as")
    query = forms.CharField(max_length=1000, required=False)

    def clean_query(self) -> str:
        # Keep only real filter parameters: never the page cursor, and never search words (often
        # a name, kept out of addresses and stored queries; see taskforce/private_search.py).
        dropped = {"after", "q", "s"}
        pairs = [(k, v) for k, v in parse_qsl(self.cleaned_data["query"]) if v and k not in dropped]
        return urlencode(pairs)


def saved_filters_for(user, list_name: str):
    return SavedFilter.objects.filter(user=user, list_name=list_name)


@login_required
@require_POST
def saved_filter_save(request: HttpRequest) -> HttpResponse:
    form = SavedFilterForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the filter a name of up to 80 characters.")
        target = request.POST.get("list_name")
        return redirect(target if target in LISTS else "home")
    data = form.cleaned_data
    _, created = SavedFilter.objects.update_or_create(
        user=request.user,
        list_name=data["list_name"],
        name=data["name"].strip(),
        defaults={"query": data["query"]},
    )
    messages.success(request, f"Filter “{data['name']}” {'saved' if created else 'updated'}.")
    return redirect(f"{reverse(data['list_name'])}?{data['query']}")


@login_required
@require_POST
def saved_filter_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = SavedFilter.objects.filter(pk=pk, user=request.user).first()
    if saved is None:
        raise NotFound
    saved.delete()
    messages.success(request, f"Filter “{saved.name}” removed.")
    return redirect(saved.list_name)
