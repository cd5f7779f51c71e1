"""Template context every page needs: the signed-in user's agency, role and navigation."""

from django.http import HttpRequest

from taskforce.models import Role

# Navigation per role: (label, URL name). Each feature adds its pages here as it lands.
_RECORDS = [("Home", "home"), ("Cases", "cases:list"), ("Shared", "shares")]
NAV_BY_ROLE: dict[str, list[tuple[str, str]]] = {
    Role.PROSECUTOR: _RECORDS,
    Role.POLICE_LIAISON: _RECORDS,
    Role.ADVOCATE: _RECORDS,
    Role.SUPERVISOR: _RECORDS,
    Role.COORDINATOR: [("Home", "home")],
}


def membership(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = user.membership
    role = current.role if current else None
    return {
        "current_membership": current,
        "current_agency": current.agency if current else None,
        "current_role": role,
        "nav_items": [
            {"label": label, "url_name": url_name} for label, url_name in NAV_BY_ROLE.get(role, [])
        ],
    }
