"""The audit trail as supervisors read it: filters, pages, CSV."""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from taskforce import access, audit
from taskforce.dates import start_of_day
from taskforce.models import AuditEvent, User
from taskforce.web.exports import csv_response

logger = logging.getLogger(__name__)
PAGE_SIZE = 100
MOST_EXPORTED = 100_000


class AuditFilterForm(forms.Form):
    user = forms.CharField(
        required=False, max_length=150, label="Who (user name)",
        help_text="The whole user name (capitals do not matter).",
    )  # fmt: skip
    record = forms.CharField(
        required=False, max_length=36, label="Record",
        help_text="The record's id, as in the address of its page.",
    )  # fmt: skip
    action = forms.CharField(
        required=False, max_length=60, label="Action", help_text="e.g. viewed, share, consent."
    )
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_record(self):
        value = self.cleaned_data["record"].strip()
        if not value:
            return None
        try:
            uuid.UUID(value)
        except ValueError:
            raise ValidationError(
                "That is not a record id: copy it from the record's address."
            ) from None
        found = access.record_by_public_id(value)
        if found is None:
            return ContentType.objects.get_for_model(AuditEvent), -1  # no such record: no rows
        return ContentType.objects.get_for_model(found), found.pk

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned


def audit_events_for(actor: User, filters: dict) -> QuerySet[AuditEvent]:
    """The audit rows the actor may read, narrowed by the filters, newest first.

    Each filter is one an index ending in `at` answers in order, in each month's partition (issue
    #22): the user name matched whole (case-blind), the action by the names the trail holds
    that contain the words given (a few dozen, found through the action index), the record by
    its type and id."""
    events = access.audit_trail_visible(actor)
    if filters.get("user"):
        events = events.filter(actor_username__iexact=filters["user"].strip())
    if filters.get("record"):
        target_type, target_id = filters["record"]
        events = events.filter(target_type=target_type, target_id=target_id)
    if filters.get("action"):
        events = events.filter(action__in=audit.actions_containing(filters["action"].strip()))
    if filters.get("date_from"):
        events = events.filter(at__gte=start_of_day(filters["date_from"]))
    if filters.get("date_to"):
        events = events.filter(at__lt=start_of_day(filters["date_to"] + dt.timedelta(days=1)))
    return events.select_related("target_type").order_by("-at", "-id")


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def page_mark(event: AuditEvent) -> str:
    """Where the next page starts: the last row's time (microseconds) and id."""
    return f"{(event.at - EPOCH) // dt.timedelta(microseconds=1)}.{event.id}"


def older_than(events: QuerySet[AuditEvent], mark: str) -> QuerySet[AuditEvent]:
    """The rows after `page_mark`'s row in the page's order (`at`, then id, both descending);
    a mark that is not one leaves the rows as they are (the first page)."""
    stamp, _, ident = mark.partition(".")
    if not (stamp.isdigit() and ident.isdigit()):
        return events
    moment = EPOCH + dt.timedelta(microseconds=int(stamp))
    # `at <= moment` alone is what the indexes and the partitions' bounds can use.
    return events.filter(Q(at__lt=moment) | Q(at=moment, id__lt=int(ident)), at__lte=moment)


CSV_HEADER = ["When", "User", "Agency", "Action", "Record type", "Record", "Reason", "Changes",
              "IP address", "Browser"]  # fmt: skip


def with_labels(actor: User, events: list[AuditEvent]) -> list[AuditEvent]:
    """Each row's `label`: the record's name read now through the policy when the reader may
    see it, else the stored neutral label (kind and short id). The trail stores no names."""
    refs = [
        (event.target_type.model_class() if event.target_type else None, event.target_id)
        for event in events
    ]
    names = access.readable_labels(actor, refs)
    for event, ref in zip(events, refs, strict=True):
        event.label = names.get(ref, event.target_label)
    return events


def _csv_row(event: AuditEvent) -> list:
    return [
        event.at, event.actor_username, event.actor_agency_name,
        event.action, event.target_type.model if event.target_type else "", event.label,
        event.reason, event.changes or "", event.ip_address or "", event.user_agent,
    ]  # fmt: skip


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    if not access.may_read_audit_trail(request.user):
        raise access.NotFound
    form = AuditFilterForm(request.GET or None)
    valid = form.is_valid() or not form.is_bound
    filters = form.cleaned_data if form.is_bound and valid else {}
    events = audit_events_for(request.user, filters) if valid else AuditEvent.objects.none()
    if request.GET.get("export") == "csv" and valid:
        rows = with_labels(request.user, list(events[:MOST_EXPORTED]))
        audit.record(request.user, "audit.exported", changes={
            "rows": len(rows), "filters": {k: str(v) for k, v in filters.items() if v},
        })  # fmt: skip
        return csv_response("audit-trail.csv", CSV_HEADER, (_csv_row(e) for e in rows))
    events = older_than(events, request.GET.get("before", ""))
    page = with_labels(request.user, list(events[: PAGE_SIZE + 1]))
    query = request.GET.copy()
    query.pop("before", None)
    query.pop("export", None)
    return render(
        request,
        "taskforce/audit_log.html",
        {
            "page_title": "Access log",
            "form": form,
            "events": page[:PAGE_SIZE],
            "next_before": page_mark(page[PAGE_SIZE - 1]) if len(page) > PAGE_SIZE else None,
            "query": query.urlencode(),
        },
    )
