"""The reports' headline figures for the last 12 months, as the coordinator's home shows them.

The same section functions, rounding and suppression as the report pages (reports/views.py), so
a number on the home is the number on the page it links to. Registered with the home in
ReportsConfig.ready() (taskforce/web/headlines.py), the home not importing the reports.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from reports import figures
from reports.disclosure import protect_figure
from reports.views import SECTIONS, aggregating
from taskforce import access, audit
from taskforce.models import User
from taskforce.web.headlines import HeadlineGroup

# The pages whose headline figures the home repeats (deadlines and trends have none).
HEADLINE_SECTIONS = ("operations", "prosecution", "victims")


def last_twelve_months() -> figures.Scope:
    """The report pages' default period (reports.views._form): a year up to today."""
    today = timezone.localdate()
    return figures.Scope(start=today - dt.timedelta(days=364), end=today)


def headline_figures(actor: User) -> list[HeadlineGroup]:
    if not access.may_view_reports(actor):
        return []
    scope = last_twelve_months()
    wide = access.reports_task_force_wide(actor)
    groups = []
    with aggregating():
        for section in HEADLINE_SECTIONS:
            title, build = SECTIONS[section]
            built = build(actor, scope)
            shown = [protect_figure(f) if wide else f for f in built["figures"]]
            groups.append(HeadlineGroup(title, reverse("report", args=[section]), shown))
        audit.record(
            actor,
            "report.viewed",
            changes={
                "page": "home",
                "sections": list(HEADLINE_SECTIONS),
                "start": scope.start.isoformat(),
                "end": scope.end.isoformat(),
                "counties": [],
                "agencies": [],
            },
        )
    return groups
