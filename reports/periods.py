"""The periods funders report on: the federal fiscal year (October to September, named by the
year it ends in: FY2026 is October 1, 2025 to September 30, 2026), its quarters (BJA PMT: Q1
October to December … Q4 July to September) and the calendar half-years of OVC TIMS (January to
June, July to December).

A period is a pair of local days, both inclusive; a report turns them into local midnights
(`figures.Scope.since`/`until`, `taskforce.dates.start_of_day`), so a fiscal year starts at
midnight on October 1 in the task force's time zone, not in UTC.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

FISCAL_YEARS_OFFERED = 5  # the current federal fiscal year and the four before it
_KEY = re.compile(r"^(?:FY(?P<fy>\d{4})(?:-Q(?P<q>[1-4]))?|(?P<year>\d{4})-H(?P<h>[12]))$")


@dataclass(frozen=True)
class Period:
    key: str  # what the reports' `period` parameter carries: FY2026, FY2026-Q1, 2026-H1
    name: str  # the period in plain words, without its dates
    kind: str  # "fiscal year", "quarter" or "half-year"
    start: dt.date
    end: dt.date  # inclusive

    @property
    def words(self) -> str:
        return f"{self.name}: {span_words(self.start, self.end)}"


def fiscal_year_of(day: dt.date) -> int:
    """The federal fiscal year a day falls in, named by the calendar year it ends in."""
    return day.year + 1 if day.month >= 10 else day.year


def fiscal_year_start(day: dt.date) -> dt.date:
    """October 1 of the federal fiscal year the day falls in."""
    return dt.date(fiscal_year_of(day) - 1, 10, 1)


def fiscal_year(year: int) -> Period:
    return Period(
        f"FY{year}", f"Federal fiscal year {year}", "fiscal year",
        dt.date(year - 1, 10, 1), dt.date(year, 9, 30),
    )  # fmt: skip


def fiscal_quarter(year: int, quarter: int) -> Period:
    """Quarter 1 of FY2026 is October to December 2025; quarter 2 January to March 2026; …"""
    first_month = (10 + 3 * (quarter - 1) - 1) % 12 + 1
    calendar_year = year - 1 if quarter == 1 else year
    start = dt.date(calendar_year, first_month, 1)
    return Period(
        f"FY{year}-Q{quarter}", f"Quarter {quarter} of federal fiscal year {year} (PMT)",
        "quarter", start, _month_end(calendar_year, first_month + 2),
    )  # fmt: skip


def half_year(year: int, half: int) -> Period:
    months = (1, 6) if half == 1 else (7, 12)
    return Period(
        f"{year}-H{half}", f"{'First' if half == 1 else 'Second'} half of {year} (OVC TIMS)",
        "half-year", dt.date(year, months[0], 1), _month_end(year, months[1]),
    )  # fmt: skip


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def parse(key: str) -> Period | None:
    """The period a key names (FY2026, FY2026-Q1, 2026-H1), or None."""
    match = _KEY.match((key or "").strip())
    if match is None:
        return None
    if match["fy"]:
        year = int(match["fy"])
        if not 1901 <= year <= 9998:
            return None
        return fiscal_quarter(year, int(match["q"])) if match["q"] else fiscal_year(year)
    year = int(match["year"])
    return half_year(year, int(match["h"])) if 1900 <= year <= 9998 else None


def offered(today: dt.date) -> list[Period]:
    """The periods the reports' form offers, latest first: every fiscal year, quarter and
    half-year of the last five federal fiscal years that has begun by today."""
    current = fiscal_year_of(today)
    years = range(current, current - FISCAL_YEARS_OFFERED, -1)
    found = [fiscal_year(y) for y in years]
    found += [fiscal_quarter(y, q) for y in years for q in (4, 3, 2, 1)]
    found += [half_year(y, h) for y in range(today.year, current - FISCAL_YEARS_OFFERED - 1, -1)
              for h in (2, 1)]  # fmt: skip
    return [p for p in found if p.start <= today]


def choices(today: dt.date) -> list:
    """`offered` as grouped choices for a select, after the custom range."""
    groups: dict[str, list] = {"fiscal year": [], "quarter": [], "half-year": []}
    for period in offered(today):
        label = f"{period.key} ({span_words(period.start, period.end)})"
        groups[period.kind].append((period.key, label))
    return [
        ("", "Custom dates (From and To)"),
        ("Federal fiscal years (October to September)", groups["fiscal year"]),
        ("PMT quarters (federal fiscal)", groups["quarter"]),
        ("OVC TIMS half-years", groups["half-year"]),
    ]


def matching(start: dt.date, end: dt.date) -> Period | None:
    """The funder's period these days are exactly, if any (a custom range may be one)."""
    for candidate in (
        fiscal_year(fiscal_year_of(start)),
        *(fiscal_quarter(fiscal_year_of(start), q) for q in (1, 2, 3, 4)),
        half_year(start.year, 1 if start.month <= 6 else 2),
    ):
        if (candidate.start, candidate.end) == (start, end):
            return candidate
    return None


def day_words(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def span_words(start: dt.date, end: dt.date) -> str:
    """October 1, 2025 to September 30, 2026; October 1 to December 31, 2025 in one year."""
    if start == end:
        return day_words(start)
    if start.year == end.year:
        return f"{start:%B} {start.day} to {day_words(end)}"
    return f"{day_words(start)} to {day_words(end)}"


def describe(start: dt.date, end: dt.date) -> str:
    """The period in plain words: the funder's period's name when the days are one."""
    period = matching(start, end)
    return period.words if period else span_words(start, end)
