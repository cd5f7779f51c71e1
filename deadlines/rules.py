"""The registry of deadline rules: each app registers its own (cases/deadlines.py,
referrals/deadlines.py, victims/deadlines.py) when it is ready, one small function each, citing
what it implements.

A rule turns an event's time (and its context: the agency's own targets) into a due time. Its
name and version are stored with each deadline; change a rule by adding a version, so deadlines
already computed keep saying which rule made them. Each rule also says when its reminders go out by
default (people may choose their own lead times) and whether missing it escalates to a supervisor.

Hours are counted as elapsed time (UTC), so a count across a daylight-saving change is still that
many real hours. In Minnesota the clocks change at 02:00 on a Sunday, and every rule that counts
hours around skipped days skips Sundays, so the change never falls inside such a count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

HOUR, DAY = 60, 24 * 60


@dataclass(frozen=True)
class Rule:
    name: str
    version: int
    title: str
    source: str
    compute: Callable[..., dt.datetime]
    lead_minutes: tuple[int, ...]  # default reminder lead times, before the due time
    escalates: bool = True  # a missed deadline reaches the agency's supervisors


RULES: dict[str, Rule] = {}


def rule(
    name: str,
    *,
    version: int,
    title: str,
    source: str,
    lead_minutes: tuple[int, ...],
    escalates: bool = True,
):
    def register(compute):
        RULES[name] = Rule(name, version, title, source, compute, lead_minutes, escalates)
        return compute

    return register


# For deadlines stored before their context was kept: each app may say how to find a rule's
# context from the deadline's record (None when it cannot be known any more).
CONTEXT_FINDERS: dict[str, Callable] = {}


def context_finder(rule_name: str):
    """Register a function (deadline -> context dict, or None if unknown) for a rule."""

    def register(find):
        CONTEXT_FINDERS[rule_name] = find
        return find

    return register


def context_keys(rule_name: str) -> set[str]:
    """The context a rule counts by (its keyword-only parameters; the agency is the deadline's)."""
    import inspect

    parameters = inspect.signature(RULES[rule_name].compute).parameters.values()
    return {
        p.name
        for p in parameters
        if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name != "agency"
    }


def close_of_business(day: dt.date, hour: int = 17) -> dt.datetime:
    """A day's close of business, local time: when a day-counted deadline falls due."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


# Who hears of a deadline beyond its responsible person, by rule: each app adds the people it
# knows of (a case's prosecutor; the advocates of referrals made from the case).
RECIPIENTS: dict[str, list[Callable]] = {}


def recipients(rule_name: str):
    """Register a function (deadline → people) adding recipients to a rule's reminders."""

    def register(find):
        RECIPIENTS.setdefault(rule_name, []).append(find)
        return find

    return register
