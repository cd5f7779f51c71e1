"""Deadline rules of Safe Harbor referrals: first contact and follow-ups, by the agency's own
targets; registered with the deadline engine when referrals is ready."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases.models import CourtEvent
from deadlines.calendar import Calendar
from deadlines.rules import DAY, HOUR, close_of_business, recipients, rule
from referrals.models import Referral
from taskforce.models import User


@rule(
    "first_contact",
    version=1,
    title="First contact with the person referred",
    source="The victim-service agency's first-contact target, set by an administrator",
    lead_minutes=(DAY, 2 * HOUR),
)
def first_contact(calendar: Calendar, sent_at: dt.datetime, *, agency, **_) -> dt.datetime:
    """Within the receiving agency's target in business days (2 unless it set another)."""
    return close_of_business(
        calendar.add_court_days(timezone.localdate(sent_at), agency.first_contact_days)
    )


@rule(
    "follow_up",
    version=1,
    title="Follow-up with the person served",
    source="The victim-service agency's follow-up interval, set by an administrator",
    lead_minutes=(DAY,),
)
def follow_up(calendar: Calendar, last_contact_at: dt.datetime, *, agency, **_) -> dt.datetime:
    """The agency's interval after the last contact (14 days unless set), on a court day."""
    return close_of_business(
        calendar.add_days(timezone.localdate(last_contact_at), agency.follow_up_days)
    )


@recipients("court_event")
def hearing_advocates(deadline) -> list[User]:
    """A hearing also reminds the advocates assigned to the referrals made from its case."""
    case = CourtEvent.objects.filter(pk=deadline.object_id).values("case")
    return list(
        User.objects.filter(
            pk__in=Referral.objects.filter(case__in=case, assigned_advocate__isnull=False).values(
                "assigned_advocate"
            )
        )
    )
