"""The deadlines report: deadlines met, late, missed, waived or open, by rule and by agency."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from deadlines.records import DEADLINE_RECORDS, guard_model
from deadlines.rules import RULES
from reports.disclosure import Tally, record_key
from reports.figures.common import Scope, in_name_order
from reports.tables import Table
from taskforce import access
from taskforce.models import Agency, Deadline, DeadlineStatus, User

DEADLINE_OUTCOMES = [
    ("on_time", "Met on time"),
    ("late", "Met late"),
    ("missed", "Missed"),
    ("waived", "Waived"),
    ("open", "Not yet due"),
]
# Deadlines about victims' and referrals' records count those people: suppressed like them.
PEOPLE_RECORDS = {"referrals.Referral", "victims.Consent"}


def report_deadlines(actor: User) -> QuerySet:
    """Deadlines counted exactly when their record may be (see access.report_rows) and its
    progress too (access.report_progress_q: a referral's deadlines are its progress, which its
    sender sees only under the victim's consent)."""
    # Sets of ids, each hashed once per query (access.report_ids_q): a lookup of each
    # deadline's record took 13 s at 3M deadlines (bench/bench_reports.py).
    match = Q(pk__in=[])
    for label, path in DEADLINE_RECORDS.items():
        model, guard = apps.get_model(label), guard_model(label)
        progress = access.report_progress_q(actor, guard)
        if path:  # a consent's deadline counts when its victim may be counted
            guards = access.report_rows(actor, guard).filter(progress)
            records = model.objects.filter(**{f"{path}__in": guards})
            found = Q(object_id__in=records.values("pk"))
        else:
            found = access.report_ids_q(actor, model, "object_id")
            if progress:  # only where the model narrows it: no extra id set for the others
                found &= Q(object_id__in=model.objects.filter(progress).values("pk"))
        # The record's type first: PostgreSQL tests the terms of each OR branch in the order
        # written, so each deadline is looked up only in its own type's id sets, not in every
        # type's (ten years of the largest agency's deadlines: 14 s to 9 s on a loaded machine,
        # issue #22).
        match |= Q(content_type=ContentType.objects.get_for_model(model)) & found
    return Deadline.objects.filter(match)


def _deadline_columns(now: dt.datetime, people_types: set[int]) -> dict:
    """Each outcome's count, and for the people's deadlines its cell key (reports/disclosure)."""
    met = Q(status=DeadlineStatus.MET)
    outcomes = {
        "on_time": met & Q(closed_at__lte=F("due_at")),
        "late": met & Q(closed_at__gt=F("due_at")),
        # A missed deadline stays open, escalated, past its time (deadlines).
        "missed": Q(status=DeadlineStatus.MISSED) | Q(status=DeadlineStatus.OPEN, due_at__lt=now),
        "waived": Q(status=DeadlineStatus.WAIVED),
        "open": Q(status=DeadlineStatus.OPEN, due_at__gte=now),
    }
    people = Q(content_type__in=people_types)
    key = record_key(Deadline)
    return {name: Count("pk", filter=match) for name, match in outcomes.items()} | {
        f"{name}_key": Sum(key, filter=match & people) for name, match in outcomes.items()
    }


def deadlines_section(actor: User, scope: Scope) -> dict:
    now = timezone.now()
    deadlines = report_deadlines(actor).filter(
        scope.datetimes("due_at"), scope.where(None, "responsible_agency")
    )
    # The deadline's own record (a consent, not the victim it guards): rows carry its type.
    people_types = {
        ContentType.objects.get_for_model(apps.get_model(label)).pk for label in PEOPLE_RECORDS
    }
    columns = _deadline_columns(now, people_types)
    # One GROUP BY for the three tables: each scan of a year's deadlines takes about half a
    # second at state scale (bench/bench_reports.py); the groups are folded here.
    groups = list(
        deadlines.values("rule", "content_type", "responsible_agency__name").annotate(**columns)
        .order_by()
    )  # fmt: skip
    names = [key for key, _ in DEADLINE_OUTCOMES]
    headers = [label for _, label in DEADLINE_OUTCOMES]

    def fold(key: str, of_people: bool) -> dict:
        folded: dict = {}
        for group in groups:
            if (group["content_type"] in people_types) == of_people:
                sums = folded.setdefault(group[key], dict.fromkeys(names, 0))
                for name in names:
                    sums[name] += (
                        Tally(group[name], group[f"{name}_key"]) if of_people else (group[name])
                    )
        return folded

    def rule_label(rule: str) -> str:
        return RULES[rule].title if rule in RULES else rule

    case_rules, people_rules = fold("rule", False), fold("rule", True)
    by_agency = fold("responsible_agency__name", False)
    tables = [
        Table(key="deadlines-cases", title="Court and case deadlines, by rule", row_header="Rule",
              columns=headers, chart="stacked",
              rows=[(rule_label(r), [case_rules[r][n] for n in names])
                    for r in sorted(case_rules)]),
        Table(key="deadlines-people", title="Victims' and referrals' deadlines, by rule",
              row_header="Rule", columns=headers, sensitive=True,
              rows=[(rule_label(r), [people_rules[r][n] for n in names])
                    for r in sorted(people_rules)]),
        Table(key="deadlines-agency", title="Court and case deadlines, by responsible agency",
              row_header="Agency", columns=headers, chart="stacked",
              rows=[(agency or "No agency", [by_agency[agency][n] for n in names])
                    for agency in in_name_order(Agency, by_agency)]),
    ]  # fmt: skip
    return {"figures": [], "tables": tables}
