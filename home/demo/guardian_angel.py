"""Operation Guardian Angel: two weeks of undercover stings in September, 21 men charged, 13 of
them in Washington County, with arrests also in Dakota and Ramsey counties."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases.models import Operation
from cases.services.operations import operation_create
from home.demo.history import Prosecuted, prosecute
from taskforce.models import Agency, County, User

GUARDIAN_ANGEL = "Operation Guardian Angel"
# (county, prosecuting office's user, arrests): every arrest charged.
GUARDIAN_ANGEL_ARRESTS = [("Washington", "wash_prosecutor", 13), ("Dakota", "dakota_prosecutor", 4),
                          ("Ramsey", "ramsey_prosecutor", 4)]  # fmt: skip


def guardian_angel_days(today: dt.date) -> tuple[dt.date, dt.date]:
    """The latest September whose charges (eight days after the arrests) are already filed."""
    year = today.year if today >= dt.date(today.year, 10, 15) else today.year - 1
    starts_on = dt.date(year, 9, 8)
    return starts_on, starts_on + dt.timedelta(days=13)


def seed_guardian_angel(agencies: dict[str, Agency]) -> int:
    sheriff = agencies["WCSO"]
    if Operation.objects.filter(owner_agency=sheriff, name=GUARDIAN_ANGEL).exists():
        return 0
    liaison = User.objects.get(username="wcso_liaison")
    counties = list(County.objects.filter(name__in=[c for c, _, _ in GUARDIAN_ANGEL_ARRESTS]))
    starts_on, ends_on = guardian_angel_days(timezone.localdate())
    operation = operation_create(
        actor=liaison, name=GUARDIAN_ANGEL, kind="buyer_sting", starts_on=starts_on,
        ends_on=ends_on, counties=counties,
        participants=[agencies["Woodbury PD"], agencies["Cottage Grove PD"], agencies["SPPD"]],
        ads_posted=1_240, responses=1_560, contacts=118,
        notes="Undercover stings over two weeks; decoy ads stated ages 13 to 15. 21 men charged, "
              "13 of them in Washington County. Demo data: every name is invented.",
    )  # fmt: skip
    first = 1
    for county, prosecutor, count in GUARDIAN_ANGEL_ARRESTS:
        days = [starts_on + dt.timedelta(days=(i * 13) // count) for i in range(count)]
        spec = Prosecuted("wcso_liaison", prosecutor, county, "609.324 subd. 1(b)")
        prosecute(spec, agencies, days, operation=operation, first=first, booking="GA",
                  convict=False)  # fmt: skip
        first += count
    return 1
