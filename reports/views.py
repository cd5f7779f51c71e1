"""Reports pages: operations, prosecution, victims and referrals, deadlines, year over year,
each a page of its own (so each stays fast), with CSV of every table and the grant export.

Who may open them and what they count is the policy's (`access.may_view_reports`,
`access.report_rows`); anyone else gets 404. Views, exports and charts are audited reads.
"""

from __future__ import annotations

from contextlib import contextmanager

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from reports import choices, clients, disclosure, figures, grant
from reports.charts import chart_for
from reports.figures.definitions import DEFINITIONS, treatment
from reports.forms import PeriodForm
from taskforce import access, audit
from taskforce.models import Agency, County
from taskforce.web.exports import csv_response
from victims.models import Victim

SECTIONS = {
    "operations": ("Operations", figures.operations_section),
    "prosecution": ("Prosecution", figures.prosecution_section),
    "victims": ("Victims and referrals", figures.victims_section),
    "deadlines": ("Deadlines", figures.deadlines_section),
    "trends": ("Year over year", figures.trends_section),
}


class OneOrEvery(forms.ModelMultipleChoiceField):
    """One record or every one (none chosen), for the task-force-wide reports: a single select
    whose every value sent is read, so that a set of several is refused, not cut to its last.

    Why not a set: counts of people in the task-force-wide view are rounded by cell key and
    audited per table (reports/disclosure.py), which holds against an attacker solving two
    filters' tables together only over the filters this form offers. With sets of agencies, the
    set "every agency but one" publishes the small difference between two other filters, and an
    attacker combining the three narrowed a count of 1 to 4 to 2 values in about 2 data sets in
    100 (bench/attack_overlapping.py --any-sets); with one or every, none of the data sets
    measured (README: Reports, disclosure control)."""

    class Widget(forms.Select):
        def value_from_datadict(self, data, files, name):
            sent = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
            return [value for value in sent if value]

    widget = Widget

    def __init__(self, *args, every: str, noun: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.empty_label = every  # ModelChoiceIterator offers it first, with the value ""
        self.noun = noun

    def clean(self, value):
        if isinstance(value, list | tuple) and len(value) > 1:
            raise forms.ValidationError(
                f"Choose one {self.noun}, or none for every {self.noun}: the task-force-wide "
                f"figures are not offered for a set of several, to keep small counts hidden.",
                code="several",
            )
        return super().clean(value)


class ReportForm(PeriodForm):
    counties = forms.ModelMultipleChoiceField(
        queryset=County.objects.none(),
        required=False,
        help_text="None chosen: every county you may report on.",
        error_messages={"invalid_choice": "%(value)s is not a county you may report on."},
    )
    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        help_text="None chosen: every agency.",
        error_messages={"invalid_choice": "%(value)s is not an agency you may report on."},
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counties"].queryset = choices.report_counties(actor).order_by("name")
        self.fields["counties"].widget.attrs["size"] = 6
        agencies = choices.report_agencies(actor).order_by("name")
        self.fields["agencies"].queryset = agencies
        self.fields["agencies"].widget.attrs["size"] = 6
        if access.reports_task_force_wide(actor):
            for name, noun, every in (
                ("counties", "county", "Every county"),
                ("agencies", "agency", "Every agency"),
            ):
                self.fields[name] = OneOrEvery(
                    queryset=self.fields[name].queryset, required=False, label=noun.title(),
                    every=every, noun=noun, help_text=f"One {noun}, or every {noun}.",
                    error_messages=self.fields[name].error_messages,
                )  # fmt: skip
        else:
            self.fields["agencies"].help_text = "Your agency's records, and those shared with it."

    def scope(self) -> figures.Scope:
        data = self.cleaned_data
        return figures.Scope(
            start=data["start"],
            end=data["end"],
            counties=tuple(c.pk for c in data["counties"]),
            agencies=tuple(a.pk for a in data["agencies"]),
        )


def _form(request: HttpRequest) -> ReportForm:
    data = request.GET.copy()
    data.pop("export", None)
    return ReportForm(data, actor=request.user)


@contextmanager
def aggregating():
    """Report queries without PostgreSQL's JIT compiler. Their cost estimates (aggregates over
    millions of rows) pass its thresholds, and compiling took about 1.5 s a query, often longer
    than running it (bench/bench_reports.py). Off for this transaction only."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
                # Hashes of a few hundred thousand ids (what a supervisor sees from elsewhere)
                # fit in memory instead of spilling to disk in batches.
                cursor.execute("SET LOCAL work_mem = '64MB'")
                # Each prepared statement (taskforce/prepared.py) planned for its own values:
                # a report's best plan depends on its period and id sets, and the generic plan
                # PostgreSQL settles on after five runs read far more (the largest supervisor's
                # ten-year grant export: 500 ms for its first five runs, 1.2-1.3 s after).
                cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        yield


def _require_reports(request: HttpRequest) -> None:
    if not access.may_view_reports(request.user):
        raise access.NotFound


def _filters_for_audit(form: ReportForm) -> dict:
    scope = form.scope()
    return {
        "period": form.cleaned_data["period"],
        "start": scope.start.isoformat(),
        "end": scope.end.isoformat(),
        "counties": list(scope.counties),
        "agencies": list(scope.agencies),
    }


@login_required
def reports_home(request: HttpRequest) -> HttpResponse:
    _require_reports(request)
    query = request.GET.urlencode()
    return redirect(reverse("report", args=["operations"]) + (f"?{query}" if query else ""))


def _page(request: HttpRequest, form: ReportForm, section: str, title: str) -> dict:
    """What every report page shows around its figures: tabs, the form, whose view it is."""
    return {
        "page_title": f"Reports: {title}",
        "section": section,
        "sections": [(key, label) for key, (label, _) in SECTIONS.items()],
        "form": form,
        "wide": access.reports_task_force_wide(request.user),
        # "Last 12 months": this page's defaults (the grant export's form falls back to the first).
        "reset_url": reverse("report", args=[section if section in SECTIONS else "operations"]),
        "client_export": access.may_export_own_rows(request.user, Victim),
        "time_zone": timezone.get_current_timezone_name(),
    }


@login_required
def report(request: HttpRequest, section: str) -> HttpResponse:
    _require_reports(request)
    if section not in SECTIONS:
        raise access.NotFound
    title, build = SECTIONS[section]
    form = _form(request)
    context = _page(request, form, section, title)
    wide = context["wide"]
    if not form.is_valid():
        return render(request, "reports/report.html", context, status=400)
    scope = form.scope()
    with aggregating():
        built = build(request.user, scope)
    tables = [disclosure.protect(table) if wide else table for table in built["tables"]]
    export = request.GET.get("export")
    if export:
        table = next((t for t in tables if t.key == export), None)
        if table is None:
            raise access.NotFound
        audit.record(
            request.user,
            "report.exported",
            changes={"table": f"{section}/{table.key}", **_filters_for_audit(form)},
        )
        header, *rows = table.csv_rows()
        return csv_response(f"{section}-{table.key}.csv", header, rows)
    audit.record(
        request.user, "report.viewed", changes={"page": section, **_filters_for_audit(form)}
    )
    context.update(
        figures=[disclosure.protect_figure(f) if wide else f for f in built["figures"]],
        tables=[(table, chart_for(table)) for table in tables],
        query=request.GET.urlencode(),
        any_suppressed=any(table.suppressed for table in tables),
        period_words=form.period_words(),
    )
    return render(request, "reports/report.html", context)


@login_required
def grant_export(request: HttpRequest) -> HttpResponse:
    """The federal performance-measure shaped export (README: Reports, grant export)."""
    _require_reports(request)
    form = _form(request)
    if not form.is_valid():
        context = _page(request, form, "grant", "grant export")
        return render(request, "reports/report.html", context, status=400)
    scope = form.scope()
    with aggregating():
        rows = grant.grant_rows(request.user, scope)
    audit.record(
        request.user, "report.exported", changes={"table": "grant", **_filters_for_audit(form)}
    )
    return csv_response(
        f"grant-report-{scope.start}-{scope.end}.csv", grant.HEADER, [r.as_list() for r in rows]
    )


@login_required
def client_export(request: HttpRequest) -> HttpResponse:
    """The grant figures' client-level export, for the owning agency's advocates and supervisors
    only (reports/clients.py): a page with the period, and the CSV when asked for."""
    if not access.may_export_own_rows(request.user, Victim):
        raise access.NotFound
    form = PeriodForm(request.GET)
    context = {"page_title": "Grant report: client-level export", "form": form}
    if not form.is_valid():
        return render(request, "reports/clients.html", context, status=400)
    if request.GET.get("download") != "csv":
        return render(request, "reports/clients.html", context | {
            "period_words": form.period_words(), "query": request.GET.urlencode()})  # fmt: skip
    scope = figures.Scope(start=form.cleaned_data["start"], end=form.cleaned_data["end"])
    with aggregating():
        rows = [row.as_list() for row in clients.client_rows(request.user, scope)]
        audit.record(request.user, "report.exported", changes={
            "table": "grant-clients", "rows": len(rows), "period": form.cleaned_data["period"],
            "start": scope.start.isoformat(), "end": scope.end.isoformat()})  # fmt: skip
    return csv_response(f"grant-clients-{scope.start}-{scope.end}.csv", clients.HEADER, rows)


@login_required
def definitions(request: HttpRequest) -> HttpResponse:
    """What every report figure counts, and whether it is exact for this viewer."""
    _require_reports(request)
    wide = access.reports_task_force_wide(request.user)
    rows = [(d, treatment(d.sensitive, wide)) for d in DEFINITIONS.values()]
    context = {"page_title": "Reports: definitions", "definitions": rows, "wide": wide}
    return render(request, "reports/definitions.html", context)
