"""The import flow that arrests, runaway reports and the spreadsheets of cases, victims and
referrals share: upload → a preview of every row checked, nothing saved → "Save all" (one
transaction) or discard."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from cases.forms.imports import SpreadsheetImportForm
from cases.services.imports import MAX_BYTES, StagedImportGone
from cases.services.spreadsheets import MAX_BYTES as SPREADSHEET_MAX_BYTES
from cases.services.spreadsheets import (
    ImportKind,
    spreadsheet_confirm,
    spreadsheet_discard,
    spreadsheet_get,
    spreadsheet_rows,
    spreadsheet_stage,
    spreadsheet_template,
)
from taskforce import access
from taskforce.web.forms import add_service_errors


def person_choices(post) -> dict[int, str]:
    """Line number → the uploader's choice for a row whose person may be on record already."""
    return {
        int(key.removeprefix("person-")): value
        for key, value in post.items()
        if key.startswith("person-") and key.removeprefix("person-").isdigit() and value
    }


@dataclass(frozen=True)
class ImportFlow:
    """One kind of record's CSV import: its pages and the services that stage, check, save and
    discard a file (each of which asks the policy)."""

    noun: str  # what the preview calls the rows, e.g. "arrests"
    imported: str  # what the message after saving calls them, e.g. "runaway reports"
    who: str  # whom a row names: "person", "youth"
    title: str  # of the upload page
    upload_template: str
    preview_template: str
    preview_url: str  # URL name of the preview page, taking the staged file's public_id
    columns: Sequence[str]
    required: Sequence[str]
    # (actor, data, file_name, cleaned form data) → the staged file
    stage: Callable[..., object]
    get: Callable[..., object]  # (actor=, public_id=) → the staged file, or NotFound
    rows: Callable[..., list]  # (actor=, staged=) → every row, checked
    confirm: Callable[..., list]  # (actor=, staged=, choices=) → the records saved
    discard: Callable[..., None]  # (actor=, staged=)
    again_url: Callable[[object], str]  # where a discarded file sends the uploader
    done_url: Callable[[object], str]  # where a saved file sends them
    gone_url: str  # URL name of where a file no longer waiting sends them (its records' list)
    max_bytes: int = MAX_BYTES  # read one more to tell a file too large
    extra: dict = field(default_factory=dict)  # more context for both pages

    def upload(self, request: HttpRequest, form: forms.Form) -> HttpResponse:
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                staged = self.stage(
                    actor=request.user,
                    data=upload.read(self.max_bytes + 1),
                    file_name=upload.name,
                    fields=form.cleaned_data,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect(self.preview_url, public_id=staged.public_id)
        return render(
            request,
            self.upload_template,
            {"page_title": self.title, "form": form, "columns": self.columns,
             "required": self.required, **self.extra},
        )  # fmt: skip

    def preview(self, request: HttpRequest, public_id) -> HttpResponse:
        """The preview; "Save all" or Discard. A saved or discarded file is deleted, so a second
        click (or another tab) finds nothing: it is told so, and nothing is saved twice."""
        try:
            return self._preview(request, public_id)
        except StagedImportGone:
            if request.method != "POST":
                raise  # a page looked at again later: 404, as for any file not one's own
            messages.info(
                request,
                "This file is no longer waiting: it was already saved or discarded, or it was "
                "uploaded more than a day ago. Nothing more was saved; check the list before "
                "uploading it again.",
            )
            return redirect(self.gone_url)

    def _preview(self, request: HttpRequest, public_id) -> HttpResponse:
        staged = self.get(actor=request.user, public_id=public_id)
        problems: list[str] = []
        if request.method == "POST":
            if "confirm" not in request.POST:
                # Only an explicit "Save all" saves; anything else (Discard) throws the file away.
                self.discard(actor=request.user, staged=staged)
                messages.info(request, "The file was discarded; nothing was saved.")
                return redirect(self.again_url(staged))
            try:
                saved = self.confirm(
                    actor=request.user, staged=staged, choices=person_choices(request.POST)
                )
            except ValidationError as error:
                problems = error.messages
            else:
                messages.success(
                    request, f"{len(saved)} {self.imported} imported from {staged.file_name}."
                )
                return redirect(self.done_url(staged))
        rows = self.rows(actor=request.user, staged=staged)
        for row in rows:
            row.chosen = request.POST.get(f"person-{row.line}", "")
        return render(
            request,
            self.preview_template,
            {
                "who": self.who,
                "noun": self.noun,
                "page_title": f"Check {staged.file_name}",
                "staged": staged,
                "rows": rows,
                "bad_rows": sum(1 for row in rows if row.errors),
                "matched_rows": sum(1 for row in rows if row.is_ok and row.matches),
                "problems": problems,
                **self.extra,
            },
        )


@dataclass(frozen=True)
class SpreadsheetPages:
    """The upload, preview and template pages of one spreadsheet kind, for its app's urls."""

    kind: ImportKind
    flow: ImportFlow

    def upload(self, request: HttpRequest) -> HttpResponse:
        if not self.kind.may_import(request.user):
            raise access.Forbidden
        return self.flow.upload(
            request, SpreadsheetImportForm(request.POST or None, request.FILES or None)
        )

    def preview(self, request: HttpRequest, public_id) -> HttpResponse:
        return self.flow.preview(request, public_id)

    def template(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(spreadsheet_template(self.kind), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{self.kind.slug}-template.csv"'
        return response

    def urls(self, prefix: str) -> list:
        """The three pages under `prefix` ("cases/import/"), named `<slug>_import`, …"""
        slug = self.kind.slug
        return [
            path(prefix, _page(self.upload), name=f"{slug}_import"),
            path(f"{prefix}template.csv", login_required(self.template),
                 name=f"{slug}_import_template"),
            path(f"{prefix}<uuid:public_id>/", _page(self.preview), name=f"{slug}_import_preview"),
        ]  # fmt: skip


def _page(view):
    return login_required(require_http_methods(["GET", "POST"])(view))


def spreadsheet_pages(
    kind: ImportKind, *, app: str, title: str, who: str, done_url: str
) -> SpreadsheetPages:
    """The pages of a kind whose URLs are named in `app` ("cases"); saved or gone, the
    uploader goes to `done_url` (a URL name)."""
    flow = ImportFlow(
        noun=kind.noun,
        imported=kind.noun,
        who=who,
        title=title,
        upload_template="cases/spreadsheet_import.html",
        preview_template="cases/spreadsheet_import_preview.html",
        preview_url=f"{app}:{kind.slug}_import_preview",
        columns=kind.names,
        required=kind.required,
        stage=lambda *, actor, data, file_name, fields: spreadsheet_stage(
            actor=actor, kind=kind, data=data, file_name=file_name
        ),
        get=lambda *, actor, public_id: spreadsheet_get(
            actor=actor, kind=kind, public_id=public_id
        ),
        rows=lambda *, actor, staged: spreadsheet_rows(actor=actor, kind=kind, staged=staged),
        confirm=lambda *, actor, staged, choices: spreadsheet_confirm(
            actor=actor, kind=kind, staged=staged, choices=choices
        ),
        discard=spreadsheet_discard,
        again_url=lambda staged: reverse(f"{app}:{kind.slug}_import"),
        done_url=lambda staged: reverse(done_url),
        gone_url=done_url,
        max_bytes=SPREADSHEET_MAX_BYTES,
        extra={
            "kind": kind,
            "template_url": f"{app}:{kind.slug}_import_template",
            "shown": kind.shown,
        },
    )
    return SpreadsheetPages(kind=kind, flow=flow)
