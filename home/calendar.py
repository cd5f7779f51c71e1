"""A person's calendar feed (iCalendar): hearings and open deadlines they may see, no names.

Calendar apps fetch it without a session: the secret in its address is the key."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from icalendar import Calendar as ICalendar
from icalendar import Event

from cases.models import Case, CourtEvent, CourtEventStatus
from deadlines import preferences
from deadlines.records import deadlines_visible
from deadlines.selectors import attach_urls
from taskforce import access, audit
from taskforce.models import DeadlineStatus, User

PAST_DAYS, FUTURE_DAYS, MOST_EVENTS = 30, 365, 1000


def feed_for(user: User, *, now: dt.datetime | None = None) -> bytes:
    """Hearings of the cases the person may see and the open deadlines of their agency, from a
    month ago to a year ahead. Titles carry the kind and the case number, never a person's name:
    calendars are synced to phones and shared more widely than the app."""
    now = now or timezone.now()
    start, end = now - dt.timedelta(days=PAST_DAYS), now + dt.timedelta(days=FUTURE_DAYS)
    feed = ICalendar()
    feed.add("prodid", "-//Task Force Caseload//Deadlines and hearings//EN")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", "Task Force Caseload")
    hearings = (
        CourtEvent.objects.filter(
            case__in=access.visible(user, Case), status=CourtEventStatus.SCHEDULED,
            starts_at__range=(start, end),
        )
        .select_related("case")
        .order_by("starts_at")[:MOST_EVENTS]
    )  # fmt: skip
    for hearing in hearings:
        url = settings.SITE_URL + access.detail_url(Case, hearing.case.public_id)
        feed.add_component(_event(
            uid=f"hearing-{hearing.public_id}", now=now, start=hearing.starts_at,
            length=dt.timedelta(hours=1), location=hearing.courtroom, url=url,
            summary=f"{hearing.get_kind_display()}: case {hearing.case.number}",
            description=f"Open the case in Task Force Caseload: {url}",
        ))  # fmt: skip
    membership = access.acting_membership(user)
    deadlines = list(
        deadlines_visible(user)
        .filter(status=DeadlineStatus.OPEN, due_at__range=(start, end))
        .filter(responsible_agency=membership.agency if membership else None)
        .exclude(rule="court_event")  # the hearing itself is above
        .select_related("content_type")
        .order_by("due_at")[:MOST_EVENTS]
    )
    attach_urls(deadlines)
    for deadline in deadlines:
        url = settings.SITE_URL + deadline.url
        feed.add_component(_event(
            uid=f"deadline-{deadline.public_id}", now=now, start=deadline.due_at,
            length=dt.timedelta(minutes=15), url=url, summary=f"Due: {deadline.title}",
            description=f"{deadline.source}\n{url}",
        ))  # fmt: skip
    return feed.to_ical()


def _event(*, uid, now, start, length, summary, url, description, location="") -> Event:
    event = Event()
    event.add("uid", f"{uid}@taskforce-caseload")
    event.add("dtstamp", now)
    event.add("dtstart", start)
    event.add("duration", length)
    event.add("summary", summary)
    if location:
        event.add("location", location)
    event.add("url", url)
    event.add("description", description)
    return event


@never_cache
@require_http_methods(["GET", "HEAD"])
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Calendar apps fetch this without a session: the secret in the address is the key."""
    user = preferences.calendar_feed_owner(token)
    if user is None:
        raise access.NotFound
    body = feed_for(user)
    audit.record(user, "calendar_feed.fetched")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="taskforce.ics"'
    return response
