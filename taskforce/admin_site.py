"""The admin site: open to administrators (superusers) only."""

from django.contrib import admin
from django.http import HttpRequest


class TaskforceAdminSite(admin.AdminSite):
    site_header = "Task Force Caseload administration"
    site_title = "Task Force Caseload admin"
    index_title = "Agencies, people and memberships"

    def has_permission(self, request: HttpRequest) -> bool:
        # Staff flags alone are not enough: guardian's object-permission pages in the admin
        # would let any staff user grant access (shared/STACK.md). Administrators only.
        return request.user.is_active and request.user.is_superuser
