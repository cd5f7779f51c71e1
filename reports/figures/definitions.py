"""What each report figure counts, from which records, and whether this viewer sees it exact:
one definition per table key (and per headline figure), shown beside the table and on the
definitions page (`/reports/definitions/#<key>`). A table a page builds without a definition
here fails the suite (tests/taskforce/test_report_periods.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Definition:
    key: str
    title: str
    counts: str  # what is counted
    source: str  # from which records (and which date puts a row in the period)
    sensitive: bool  # counts people (victims, referrals): hidden when small, task-force-wide


def _d(key: str, title: str, counts: str, source: str, sensitive: bool = False) -> Definition:
    return Definition(key, title, counts, source, sensitive)


_ARRESTS = ("Arrests made in the period, and what became of each: handed off to prosecution, "
            "charged, and the outcome of the case it became (convicted on any count, else "
            "acquitted, else dismissed or diverted, else declined, else pending).")  # fmt: skip
_ARREST_SOURCE = ("Arrests (`arrested_at` in the period) and the case each was handed off to; a "
                  "case you may not count shows as handed off, outcome pending.")  # fmt: skip
_DEADLINES = ("Deadlines due in the period: met on time (closed by the due time), met late, "
              "missed (marked missed, or open past due), waived, and not yet due.")  # fmt: skip
_TREND = "Counted per calendar year for the five years up to the end of the period."

DEFINITIONS: dict[str, Definition] = {d.key: d for d in [
    # Operations
    _d("operations-run", "Operations run", "Operations (stings) that started in the period.",
       "Operations, by start day, in the counties chosen."),
    _d("by-operation", "Arrests by operation", _ARRESTS, _ARREST_SOURCE),
    _d("by-county", "Arrests by county", _ARRESTS, _ARREST_SOURCE + " The arrest's county."),
    _d("by-agency", "Arrests by arresting agency", _ARRESTS,
       _ARREST_SOURCE + " The arresting agency."),
    _d("conviction-rate", "Conviction rate of resolved cases",
       "Arrests whose case ended in a conviction, as a share of those convicted, acquitted or "
       "dismissed (pending and declined left out).", _ARREST_SOURCE),
    # Prosecution
    _d("cases", "Cases opened", "Cases opened in the period, by kind and current status.",
       "Cases, by the time they were opened (`created_at`)."),
    _d("charges", "Counts filed", "Counts (charges) filed in the period, by statute and level.",
       "Charges, by the day filed (`filed_on`)."),
    _d("dispositions", "Counts disposed",
       "Counts disposed in the period, by disposition and level.",
       "Charges with a disposition, by the day disposed (`disposed_on`)."),
    _d("sentences", "Sentences", "Sentences pronounced in the period; those with custody served "
       "(executed), custody stayed, and probation.", "Sentences, by `sentenced_on`."),
    _d("median-arrest-to-charge", "Median days, arrest to charge",
       "The middle number of days from the day of a case's first arrest to a count's filing, "
       "over the counts filed in the period.", "Charges and their case's first arrest."),
    _d("median-charge-to-disposition", "Median days, charge to disposition",
       "The middle number of days from a defendant's first charge to a count's disposition, "
       "over the counts disposed in the period.", "Charges and their defendant's first count."),
    _d("assessments", "609.3241 penalty assessments",
       "Assessments ordered and collected in sentences of the period, split 40% to the "
       "arresting agency, 20% to the prosecuting agency, 40% to victim services.",
       "Sentences (`assessment`, `assessment_paid`), by `sentenced_on`."),
    # Victims and referrals
    _d("identified", "Victims identified",
       "Victims identified in the period, by age group at identification and gender.",
       "Victim records (`identified_on`); a victim is counted by the agency that owns the "
       "record, never by one it is shared with.", sensitive=True),
    _d("served", "Victims served",
       "Victims with a service being delivered at some time in the period (status being "
       "delivered or completed, its start and end days overlapping the period), each once.",
       "Services (`status`, `started_on`, `ended_on`) of victim records, counted by the "
       "owning agency.", sensitive=True),
    _d("referral-source", "Safe Harbor referrals, by source",
       "Safe Harbor referrals sent in the period, by who referred the youth.",
       "Referrals (`created_at`).", sensitive=True),
    _d("referral-region", "Safe Harbor referrals, by region",
       "Safe Harbor referrals sent in the period, by the navigator's region.",
       "Referrals (`created_at`, `region`).", sensitive=True),
    _d("referral-status", "Safe Harbor referrals, by status",
       "Safe Harbor referrals sent in the period, by status now (a sender sees no further "
       "than “received” unless the victim's consent lets it).",
       "Referrals (`created_at`, `status`).", sensitive=True),
    _d("referral-outcome", "Closed referrals, by outcome",
       "Referrals sent in the period and closed since, by closure reason.",
       "Referrals (`created_at`, `closure_reason`).", sensitive=True),
    _d("median-referral-to-contact", "Median days, referral to first contact",
       "The middle number of days from a referral to the first contact logged with its "
       "victim, over referrals your agency received.", "Referrals and contacts.",
       sensitive=True),
    _d("services", "Services delivered",
       "Services being delivered at some time in the period, by type (a service that spans "
       "several periods counts in each).", "Services (`kind`, `status`, `started_on`, "
       "`ended_on`) of victim records counted by their owning agency.", sensitive=True),
    # Deadlines
    _d("deadlines-cases", "Court and case deadlines, by rule", _DEADLINES,
       "Deadlines of arrests, cases and court events, by `due_at`."),
    _d("deadlines-people", "Victims' and referrals' deadlines, by rule", _DEADLINES,
       "Deadlines of referrals (first contact) and consents (expiry), by `due_at`.",
       sensitive=True),
    _d("deadlines-agency", "Court and case deadlines, by responsible agency", _DEADLINES,
       "Deadlines of arrests, cases and court events, by their responsible agency."),
    # Year over year
    _d("trend-operations", "Operations run, by year", f"Operations started. {_TREND}",
       "Operations (`starts_on`)."),
    _d("trend-arrests", "Arrests, by year", f"Arrests made. {_TREND}",
       "Arrests (`arrested_at`)."),
    _d("trend-charged", "Counts filed, by year", f"Counts filed. {_TREND}",
       "Charges (`filed_on`)."),
    _d("trend-convictions", "Convictions (counts), by year",
       f"Counts disposed as convicted or pleaded guilty. {_TREND}",
       "Charges (`disposition`, `disposed_on`)."),
    _d("trend-victims", "Victims identified, by year", f"Victims identified. {_TREND}",
       "Victim records (`identified_on`).", sensitive=True),
    _d("trend-referrals", "Safe Harbor referrals, by year", f"Referrals sent. {_TREND}",
       "Referrals (`created_at`).", sensitive=True),
]}  # fmt: skip

# Each headline figure's definition: the table it totals, or its own.
FIGURES = {
    "Operations run": "operations-run",
    "Arrests": "by-operation",
    "Handed off to prosecution": "by-operation",
    "Charged": "by-operation",
    "Declined": "by-operation",
    "Convicted": "by-operation",
    "Acquitted": "by-operation",
    "Dismissed": "by-operation",
    "Pending": "by-operation",
    "Conviction rate of resolved cases (%)": "conviction-rate",
    "Cases opened": "cases",
    "Counts filed": "charges",
    "Counts disposed": "dispositions",
    "Sentences": "sentences",
    "… with custody served": "sentences",
    "… with custody stayed": "sentences",
    "… with probation": "sentences",
    "Median days, arrest to charge": "median-arrest-to-charge",
    "Median days, charge to disposition": "median-charge-to-disposition",
    "Victims identified": "identified",
    "Victims served": "served",
    "Safe Harbor referrals": "referral-source",
    "Services delivered": "services",
    "Median days, referral to first contact": "median-referral-to-contact",
}


def treatment(sensitive: bool, wide: bool) -> str:
    """Whether a figure is exact for this viewer, or what hides it (reports/tables.py)."""
    if not wide:
        return ("Exact: your agency's own records and those shared with it (a victim shared "
                "with you is counted by their own agency, not here).")  # fmt: skip
    if sensitive:
        return ("Task-force-wide, so small counts are protected: counts are rounded to a "
                "multiple of 5 (at most 4 off); a count of 1 to 4 is hidden, and so is another "
                "count where a total would give it away, each shown as “x” (never saying which); "
                "a table of fewer than 20 people shows its total only; a median over fewer than "
                "5 is hidden.")  # fmt: skip
    return "Exact: counts of records (not of people), shown in full task-force-wide."


def definition_for(key: str) -> Definition | None:
    return DEFINITIONS.get(key)


def figure_key(label: str) -> str | None:
    return FIGURES.get(label)
