"""Template context every page needs: the signed-in user's agency, role and navigation."""

from django.http import HttpRequest

from home.notifications import unread_count
from taskforce import access
from taskforce.models import AgencyKind, Role
from victims.models import Victim

HOME = ("Home", "home")
SHARED = ("Shared", "shares")
REFERRALS = ("Referrals", "referrals:list")
DEADLINES = ("Deadlines", "deadlines")
POLICE = [("Operations", "cases:operation_list"), ("Arrests", "cases:arrest_list")]
PROSECUTION = [("Intake", "cases:intake"), ("Cases", "cases:list")]

# Pages a nav item stands for beyond its own (the item is marked current on them).
ALSO_CURRENT = {
    "reports": ("report", "report_grant", "report_clients", "report_definitions"),
}

# Navigation by agency kind and role: (label, URL name). Each feature adds its pages here.
NAV: dict[tuple[str, str], list[tuple[str, str]]] = {
    (AgencyKind.PROSECUTION, Role.PROSECUTOR): [HOME, *PROSECUTION, REFERRALS, SHARED],
    (AgencyKind.PROSECUTION, Role.SUPERVISOR): [HOME, *PROSECUTION, REFERRALS, SHARED],
    (AgencyKind.LAW_ENFORCEMENT, Role.POLICE_LIAISON): [HOME, *POLICE, REFERRALS, SHARED],
    (AgencyKind.LAW_ENFORCEMENT, Role.SUPERVISOR): [HOME, *POLICE, REFERRALS, SHARED],
    (AgencyKind.VICTIM_SERVICES, Role.ADVOCATE): [HOME, REFERRALS, ("Cases", "cases:list"), SHARED],
    (AgencyKind.VICTIM_SERVICES, Role.SUPERVISOR): [
        HOME,
        REFERRALS,
        ("Cases", "cases:list"),
        SHARED,
    ],
    (AgencyKind.TASK_FORCE, Role.SUPERVISOR): [HOME, *POLICE, ("Cases", "cases:list"), SHARED],
    (AgencyKind.TASK_FORCE, Role.COORDINATOR): [HOME],
}


def membership(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = user.membership
    key = (current.agency.kind, current.role) if current else None
    return {
        "current_membership": current,
        "current_agency": current.agency if current else None,
        "current_role": current.role if current else None,
        "unread_notifications": unread_count(user),
        "nav_items": [
            {"label": label, "url_name": name, "current": {name, *ALSO_CURRENT.get(name, ())}}
            for label, name in _with_deadlines(NAV.get(key, []))
            + (
                [("Runaway review", "cases:runaway_queue")]
                if access.may_review_runaways(user)
                else []
            )
            + ([("Reports", "reports")] if access.may_view_reports(user) else [])
            # An advocate reaches the grant client-level export without the reports.
            + (
                [("Grant clients", "report_clients")]
                if access.may_export_own_rows(user, Victim) and not access.may_view_reports(user)
                else []
            )
            + ([("Access log", "audit_log")] if access.may_read_audit_trail(user) else [])
        ],
    }


def _with_deadlines(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Everyone who works records has a deadlines page, just before Shared."""
    if SHARED not in items:
        return items
    position = items.index(SHARED)
    return [*items[:position], DEADLINES, *items[position:]]
