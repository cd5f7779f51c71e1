"""The core's tables: agencies and people, what every protected record shares, the deadline
engine's rows. Import them from here (`from taskforce.models import Agency`)."""

from taskforce.models.agencies import (
    ROLES_BY_AGENCY_KIND,
    Agency,
    AgencyKind,
    County,
    Heartbeat,
    Membership,
    Role,
    SignInMethod,
    User,
)
from taskforce.models.deadlines import (
    Deadline,
    DeadlineStatus,
    Digest,
    Holiday,
    Notification,
    Reminder,
    ReminderSettings,
    ReminderStatus,
)
from taskforce.models.records import (
    SEALED_LABEL,
    AuditEvent,
    GrantFields,
    ProtectedModel,
    SavedFilter,
    Share,
    ShareLevel,
    StaleVersion,
)

__all__ = [
    "ROLES_BY_AGENCY_KIND",
    "SEALED_LABEL",
    "Agency",
    "AgencyKind",
    "AuditEvent",
    "County",
    "Deadline",
    "DeadlineStatus",
    "Digest",
    "GrantFields",
    "Heartbeat",
    "Holiday",
    "Membership",
    "Notification",
    "ProtectedModel",
    "Reminder",
    "ReminderSettings",
    "ReminderStatus",
    "Role",
    "SavedFilter",
    "Share",
    "ShareLevel",
    "SignInMethod",
    "StaleVersion",
    "User",
]
