"""The task force's record in past years: Central Minnesota's buyer stings (100 buyers, all
convicted) and trafficker convictions, counted on the year-over-year page as 31 rising to 63."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from cases.models import Arrest, CaseStatus, Charge, CustodyStatus, Decision, Operation, Statute
from cases.services.arrests import ArrestRow, arrests_create
from cases.services.cases import case_transition
from cases.services.charges import ChargeInput, charge_dispose, charging_decide
from cases.services.handoffs import handoff_create
from cases.services.operations import operation_create
from home.demo.names import born_aged, invented_name
from taskforce.models import Agency, County, User

STEARNS_STING = "Central Minnesota buyer stings {year} (demo)"
# Convictions (counts) the year-over-year page shows for the four years before this one: the
# state's sex-trafficking convictions rose from 31 to 63 (DESIGN.md §1).
CONVICTIONS_BY_YEAR = (31, 39, 48, 63)
STEARNS_BUYERS_BY_YEAR = (22, 24, 26, 28)  # 100 buyer cases, every one convicted
STEARNS_TRAFFICKERS_BY_YEAR = (0, 1, 1, 1)  # at least three trafficker convictions


@dataclass(frozen=True)
class Prosecuted:
    """Arrests of one agency in one county, handed to one prosecutor, each ending convicted."""

    liaison: str  # username entering the arrests
    prosecutor: str  # username charging them
    county: str
    statute: str
    disposition: str = "pleaded_as_charged"


def prosecute(
    spec: Prosecuted,
    agencies: dict[str, Agency],
    arrested_on: list[dt.date],
    *,
    operation: Operation | None = None,
    first: int,
    booking: str,
    convict: bool = True,
    counts: list[int] | None = None,
) -> list[Arrest]:
    """Enter the arrests (cited and released: no custody clock runs), hand them off, charge
    each eight days later (`counts[i]` counts of the statute for the i-th, one unless given)
    and, when `convict`, record the plea two months on and close the case: every step through
    the services, so audit, deadlines and outcomes follow."""
    liaison = User.objects.get(username=spec.liaison)
    prosecutor = User.objects.get(username=spec.prosecutor)
    county = County.objects.get(name=spec.county)
    statute = Statute.objects.get(citation=spec.statute)
    agency = liaison.membership.agency
    rows = []
    for n, day in enumerate(arrested_on, first):
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(19 + n % 4, 10 + n % 40)))
        name = invented_name(n, female=False)
        rows.append(
            ArrestRow(
                last_name=name[1], first_name=name[0], date_of_birth=born_aged(24 + n % 37, day, n),
                arrested_at=at, county=county, custody_status=CustodyStatus.CITED,
                statutes=[statute], booking_number=f"{booking}-{n:04d}",
                city=county.name, arresting_officer="Demo officer",
            )
        )  # fmt: skip
    arrests = arrests_create(actor=liaison, operation=operation, arresting_agency=agency, rows=rows)
    prosecution = prosecutor.membership.agency
    today = timezone.localdate()
    handoffs = handoff_create(actor=liaison, arrests=arrests, to_agency=prosecution)
    for i, handoff in enumerate(handoffs):
        case, arrest = handoff.case, handoff.arrest
        filed_on = min(timezone.localdate(arrest.arrested_at) + dt.timedelta(days=8), today)
        count = ChargeInput(defendant=arrest.arrestee, statute=statute, filed_on=filed_on)
        charging_decide(actor=prosecutor, case=case, decision=Decision.CHARGE,
                        charges=[count] * (counts[i] if counts else 1))  # fmt: skip
        if not convict:
            continue
        disposed_on = min(filed_on + dt.timedelta(days=60), today)
        for charge in Charge.objects.filter(case=case).order_by("count_number"):
            charge_dispose(actor=prosecutor, charge=charge, disposition=spec.disposition,
                           disposed_on=disposed_on)  # fmt: skip
        case_transition(actor=prosecutor, case=case, to_status=CaseStatus.CLOSED)
    return arrests


def _days_in(year: int, count: int, salt: int) -> list[dt.date]:
    """`count` days spread from February to August of a year, so each case's plea (two months
    and eight days after its arrest) falls in the same calendar year."""
    start = dt.date(year, 2, 1)
    return [
        start + dt.timedelta(days=(i * 197 // max(count, 1) + salt) % 200) for i in range(count)
    ]


def seed_history(agencies: dict[str, Agency]) -> int:
    """Four years of convictions; returns how many cases were created (0 when present)."""
    today = timezone.localdate()
    years = [today.year - 4 + i for i in range(4)]
    if Operation.objects.filter(name=STEARNS_STING.format(year=years[0])).exists():
        return 0
    liaison = User.objects.get(username="stearns_liaison")
    stearns = County.objects.get(name="Stearns")
    created = 0
    buyer = Prosecuted("stearns_liaison", "stearns_prosecutor", "Stearns", "609.324 subd. 3")
    minor_buyer = Prosecuted("stearns_liaison", "stearns_prosecutor", "Stearns",
                             "609.324 subd. 1(c)")  # fmt: skip
    trafficker = Prosecuted("stearns_liaison", "stearns_prosecutor", "Stearns", "609.322 subd. 1a",
                            disposition="convicted")  # fmt: skip
    # Elsewhere in the state: sex-trafficking cases that complete each year's convictions.
    others = [
        Prosecuted("wcso_liaison", "wash_prosecutor", "Washington", "609.322 subd. 1a"),
        Prosecuted("stpaul_liaison", "ramsey_prosecutor", "Ramsey", "609.322 subd. 1"),
        Prosecuted("wcso_liaison", "dakota_prosecutor", "Dakota", "609.322 subd. 1a",
                   disposition="convicted"),
    ]  # fmt: skip
    n = 1000
    for i, year in enumerate(years):
        buyers = STEARNS_BUYERS_BY_YEAR[i]
        operation = operation_create(
            actor=liaison, name=STEARNS_STING.format(year=year), kind="buyer_sting",
            starts_on=dt.date(year, 2, 1), ends_on=dt.date(year, 8, 31), counties=[stearns],
            participants=[], ads_posted=300 + 40 * i, responses=220 + 30 * i,
            contacts=buyers * 3,
            notes="The Central Minnesota task force's buyer stings of the year. Demo data.",
        )  # fmt: skip
        days = _days_in(year, buyers, i)
        minors = buyers // 4  # decoys stating 16 or 17
        prosecute(minor_buyer, agencies, days[:minors], operation=operation, first=n,
                  booking=f"SC{year % 100}")  # fmt: skip
        prosecute(buyer, agencies, days[minors:], operation=operation, first=n + minors,
                  booking=f"SC{year % 100}")  # fmt: skip
        n += buyers
        traffickers = STEARNS_TRAFFICKERS_BY_YEAR[i]
        if traffickers:
            prosecute(trafficker, agencies, _days_in(year, traffickers, 40), first=n,
                      booking=f"SCT{year % 100}")  # fmt: skip
            n += traffickers
        rest = CONVICTIONS_BY_YEAR[i] - buyers - traffickers
        for k, spec in enumerate(others):
            convictions = rest // len(others) + (1 if k < rest % len(others) else 0)
            # A trafficker is convicted on several counts (one per victim, say): three a case.
            counts = [3] * (convictions // 3) + ([convictions % 3] if convictions % 3 else [])
            prosecute(spec, agencies, _days_in(year, len(counts), 13 * k), first=n,
                      booking=f"{spec.county[:2].upper()}T{year % 100}", counts=counts)  # fmt: skip
            n += len(counts)
        created += CONVICTIONS_BY_YEAR[i]
    return created  # convictions (counts)
