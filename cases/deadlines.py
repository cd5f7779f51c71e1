"""Deadline rules of criminal and juvenile procedure and of victims' rights notices (Minn. R.
Crim. P., Juv. Delinq. P., ch. 611A), registered with the deadline engine when cases is ready.

Hours are counted as elapsed time (UTC); see deadlines/rules.py."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases.models import Case, CourtEvent, DemandLevel
from deadlines.calendar import Calendar
from deadlines.rules import DAY, HOUR, close_of_business, context_finder, recipients, rule


@rule(
    "first_appearance",
    version=1,
    title="First appearance (warrantless arrest, in custody)",
    source="Minn. R. Crim. P. 4.02 subd. 5(1)",
    lead_minutes=(12 * HOUR, 2 * HOUR),
)
def first_appearance(calendar: Calendar, arrested_at: dt.datetime, **_) -> dt.datetime:
    """Not more than 36 hours after the arrest, exclusive of the day of arrest, Sundays and
    legal holidays: the count starts at midnight after the arrest day and skips those days."""
    return calendar.add_hours_skipping(
        arrested_at,
        36,
        skip=lambda day: day.weekday() == 6 or calendar.is_holiday(day),
        from_next_day=True,
    )


@rule(
    "probable_cause",
    version=1,
    title="Judicial probable-cause determination",
    source="Minn. R. Crim. P. 4.03; County of Riverside v. McLaughlin, 500 U.S. 44 (1991)",
    lead_minutes=(12 * HOUR, 2 * HOUR),
)
def probable_cause(calendar: Calendar, arrested_at: dt.datetime, **_) -> dt.datetime:
    """Within 48 actual hours of a warrantless arrest, weekends and holidays included."""
    return timezone.localtime(arrested_at.astimezone(dt.UTC) + dt.timedelta(hours=48))


@rule(
    "charging_decision",
    version=1,
    title="Charging decision on a handed-off arrest",
    source="The prosecuting office's charging target, set by an administrator",
    lead_minutes=(7 * DAY, DAY),
)
def charging_decision(calendar: Calendar, handed_off_at: dt.datetime, *, agency, **_):
    """The agency's target in days (30 unless it set another), ending on a court day."""
    day = timezone.localdate(handed_off_at)
    return close_of_business(calendar.add_days(day, agency.charging_target_days))


@rule(
    "disposition_notice",
    version=1,
    title="Notify the victim of the final disposition",
    source="Minn. Stat. 611A.039 subd. 1",
    lead_minutes=(3 * DAY, DAY),
)
def disposition_notice(calendar: Calendar, disposed_at: dt.datetime, **_) -> dt.datetime:
    """Within 15 working days of the final disposition."""
    return close_of_business(calendar.add_court_days(timezone.localdate(disposed_at), 15))


@rule(
    "omnibus_hearing",
    version=1,
    title="Omnibus hearing",
    source="Minn. R. Crim. P. 11.01",
    lead_minutes=(7 * DAY, DAY),
)
def omnibus_hearing(
    calendar: Calendar, appeared_at: dt.datetime, *, combined_with_rule8: bool = False, **_
) -> dt.datetime:
    """Within 42 days after the Rule 5 first appearance, or 28 days when the Rule 8 hearing
    was held with it; a last day on a weekend or holiday runs to the next court day."""
    days = 28 if combined_with_rule8 else 42
    return close_of_business(calendar.add_days(timezone.localdate(appeared_at), days))


@rule(
    "speedy_trial",
    version=2,  # 2: a misdemeanor's count starts at the not-guilty plea (the event passed in)
    title="Trial after a speedy-trial demand",
    source="Minn. R. Crim. P. 11.09 (felony, gross misdemeanor), 6.06 (misdemeanor); "
    "Minn. Stat. 611A.033",
    lead_minutes=(14 * DAY, 3 * DAY),
)
def speedy_trial(calendar: Calendar, counted_from: dt.datetime, **_) -> dt.datetime:
    """Trial within 60 days: of the demand for a felony or gross misdemeanor (R. 11.09), of the
    not-guilty plea for a misdemeanor (R. 6.06); the event is the one the level counts from."""
    demanded_at = counted_from
    return close_of_business(calendar.add_days(timezone.localdate(demanded_at), 60))


@rule(
    "custody_release",
    version=1,
    title="Release from custody if not tried",
    source="Minn. R. Crim. P. 11.09(b) (120 days), 6.06 (misdemeanor: 10 days)",
    lead_minutes=(7 * DAY, DAY),
)
def custody_release(
    calendar: Calendar, demanded_at: dt.datetime, *, misdemeanor: bool = False, **_
) -> dt.datetime:
    """A defendant in custody and not tried is released 120 days after the demand (10 days
    for a misdemeanor after the not-guilty plea). Counted in calendar days, not moved."""
    days = 10 if misdemeanor else 120
    return close_of_business(timezone.localdate(demanded_at) + dt.timedelta(days=days))


JUVENILE_DETENTION_HOURS = {"secure_juvenile": 36, "adult_jail": 24, "metro_adult_jail": 6}


@rule(
    "juvenile_detention_hearing",
    version=2,  # 2: the 6 hours in a metropolitan adult jail run through weekends and holidays
    title="Detention hearing for a detained juvenile",
    source="Minn. R. Juv. Delinq. P. 5.07 subd. 1",
    lead_minutes=(6 * HOUR, 2 * HOUR),
)
def juvenile_detention_hearing(
    calendar: Calendar, detained_at: dt.datetime, *, facility: str = "secure_juvenile", **_
) -> dt.datetime:
    """36 hours in a secure juvenile facility, 24 in an adult jail, excluding Saturdays, Sundays
    and holidays; the count starts when the child is taken. In an adult jail in a metropolitan
    county the limit is 6 hours "including Saturdays, Sundays and holidays": plain elapsed hours."""
    hours = JUVENILE_DETENTION_HOURS[facility]
    if facility == "metro_adult_jail":
        return timezone.localtime(detained_at.astimezone(dt.UTC) + dt.timedelta(hours=hours))
    return calendar.add_hours_skipping(
        detained_at, hours, skip=lambda day: not calendar.is_court_day(day)
    )


@rule(
    "juvenile_detention_review",
    version=2,  # 2: the order's own day counts as the first day
    title="Detention review for a juvenile still detained",
    source="Minn. Stat. 260B.178 subd. 2; Minn. R. Juv. Delinq. P. 5.08",
    lead_minutes=(DAY,),
)
def juvenile_detention_review(calendar: Calendar, last_hearing_at: dt.datetime, **_) -> dt.datetime:
    """Every eight days "excluding Saturdays, Sundays and holidays, from and including the date
    of the order" (260B.178 subd. 2): the order's day is day 1 when it is a business day; an
    order on a weekend or holiday starts the count on the next business day."""
    order_day = timezone.localdate(last_hearing_at)
    return close_of_business(calendar.add_court_days(order_day - dt.timedelta(days=1), 8))


@rule(
    "juvenile_trial",
    version=1,
    title="Juvenile trial after a demand",
    source="Minn. R. Juv. Delinq. P. 13.02",
    lead_minutes=(7 * DAY, DAY),
)
def juvenile_trial(
    calendar: Calendar, demanded_at: dt.datetime, *, detained: bool = False, **_
) -> dt.datetime:
    """Within 30 days of the demand when the child is detained, 60 when not."""
    return close_of_business(
        calendar.add_days(timezone.localdate(demanded_at), 30 if detained else 60)
    )


@rule(
    "plea_notice",
    version=1,
    title="Tell the victims of the plea agreement before the plea",
    source="Minn. Stat. 611A.03 subd. 1",
    lead_minutes=(3 * DAY, DAY),
)
def plea_notice(calendar: Calendar, hearing_at: dt.datetime, **_) -> dt.datetime:
    """Before the plea is entered: due when the hearing where it may be entered starts."""
    return hearing_at


@rule(
    "court_event",
    version=1,
    title="Hearing",
    source="Court calendar",
    lead_minutes=(7 * DAY, DAY, 2 * HOUR),
)
def court_event(calendar: Calendar, starts_at: dt.datetime, **_) -> dt.datetime:
    """Due when the hearing starts; met when its outcome is recorded."""
    return starts_at


@recipients("court_event")
def hearing_prosecutor(deadline) -> list:
    """A hearing reminds the case's assigned prosecutor (who still has to be allowed to see the
    case when the reminder is sent)."""
    event = CourtEvent.objects.select_related("case__assigned_prosecutor").get(
        pk=deadline.object_id
    )
    return [event.case.assigned_prosecutor] if event.case.assigned_prosecutor else []


# Deadlines stored before their context was kept (deadlines.services.deadlines_recompute): what
# each was counted by, from its record or from the count it gave.


def _days_counted(deadline) -> int:
    return (timezone.localdate(deadline.due_at) - timezone.localdate(deadline.event_at)).days


@context_finder("omnibus_hearing")
def omnibus_context(deadline) -> dict:
    """28 days (Rule 8 combined) or 42: moving to a court day adds a few days at most."""
    return {"combined_with_rule8": _days_counted(deadline) < 42}


@context_finder("juvenile_trial")
def juvenile_trial_context(deadline) -> dict:
    """30 days (detained) or 60: moving to a court day adds a few days at most."""
    return {"detained": _days_counted(deadline) < 60}


@context_finder("custody_release")
def custody_release_context(deadline) -> dict | None:
    demand = Case.objects.filter(pk=deadline.object_id).values_list("speedy_demand__level").first()
    if not demand or demand[0] is None:
        return None
    return {"misdemeanor": demand[0] == DemandLevel.MISDEMEANOR}


@context_finder("juvenile_detention_hearing")
def detention_context(deadline) -> dict | None:
    """The facility of the detention the deadline was numbered after (the case's n-th)."""
    case = Case.objects.filter(pk=deadline.object_id).first()
    if case is None:
        return None
    detentions = list(case.detentions.order_by("pk").values_list("facility", flat=True))
    if len(detentions) < deadline.sequence:
        return None
    return {"facility": detentions[deadline.sequence - 1]}
