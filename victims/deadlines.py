"""The deadline of a victim's consent: it runs out on its date (nothing escalates)."""

from __future__ import annotations

import datetime as dt

from deadlines.calendar import Calendar
from deadlines.rules import DAY, rule


@rule(
    "consent_expiry",
    version=1,
    title="Victim's consent to share expires",
    source="Victim's signed release (34 U.S.C. 12291(b)(2): reasonably time-limited)",
    lead_minutes=(14 * DAY, 2 * DAY),
    escalates=False,
)
def consent_expiry(calendar: Calendar, ends_at: dt.datetime, **_) -> dt.datetime:
    """When the release ends, access ends (the grant's own expiry); the reminder lets the
    advocate ask the victim whether to renew it before then."""
    return ends_at
