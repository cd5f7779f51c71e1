"""What every keyset-paged list page does with the request: the cursor in, the links out; and
`Listing`, one list page with its filters and CSV export."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from taskforce import access, records
from taskforce.web.exports import csv_response
from taskforce.web.pagination import Page
from taskforce.web.private_search import link_query
from taskforce.web.saved_filters import saved_filters_for


def cursor(request: HttpRequest, model: type[models.Model]) -> models.Model | None:
    """The record the page continues after (`?after=<public id>`), through the policy."""
    public_id = request.GET.get("after")
    return access.get_for(request.user, model, public_id) if public_id else None


def page_links(request: HttpRequest, page: Page) -> dict:
    """The filters to keep in page and export links, the next page's cursor, saved filters."""
    query = link_query(request.GET.copy())
    query.pop("after", None)
    list_name = request.resolver_match.view_name
    return {
        "page": page,
        "query": query.urlencode(),
        "next_after": page.rows[-1].public_id if page.has_next else None,
        "list_name": list_name,
        "saved_filters": saved_filters_for(request.user, list_name),
    }


@dataclass(frozen=True)
class Listing:
    """A filtered, keyset-paged list of one kind of record, and its CSV export.

    The list and the export read the same filter form and call the app's selectors, which start
    from the policy; the export is audited with the query that chose its rows.
    """

    model: type[models.Model]
    filter_form: Callable[[HttpRequest], forms.Form]  # bound to request.GET
    filters: type  # the selector's filters (a dataclass of the form's fields)
    page: Callable[..., Page]  # selector(actor=, filters=, after=)
    export_rows: Callable[..., QuerySet]  # selector(actor=, filters=)
    template: str
    title: str
    csv_name: str
    csv_header: Sequence[str]
    csv_row: Callable[[models.Model], list]
    context: Callable[[HttpRequest], dict] = lambda request: {}
    # What each row shows, worked out once in Python (`rows` in the template), for a list whose
    # template would otherwise ask every row's record for it (taskforce/web/shown.py).
    rows: Callable[[list], list] | None = None

    def filtered(self, request: HttpRequest) -> tuple[forms.Form, object]:
        """The bound form and its filters; an invalid form (errors next to its fields) filters
        nothing."""
        form = self.filter_form(request)
        return form, self.filters(**form.cleaned_data) if form.is_valid() else self.filters()

    def list_page(self, request: HttpRequest) -> HttpResponse:
        form, filters = self.filtered(request)
        page = self.page(actor=request.user, filters=filters, after=cursor(request, self.model))
        return render(
            request,
            self.template,
            {
                "page_title": self.title,
                "form": form,
                **page_links(request, page),
                **({"rows": self.rows(page.rows)} if self.rows else {}),
                **self.context(request),
            },
        )

    def export(self, request: HttpRequest) -> HttpResponse:
        _, filters = self.filtered(request)
        rows = self.export_rows(actor=request.user, filters=filters)
        records.record_exported(
            actor=request.user, model=self.model, count=rows.count(), query=request.GET
        )
        return csv_response(
            self.csv_name, self.csv_header, (self.csv_row(r) for r in rows.iterator(chunk_size=500))
        )
