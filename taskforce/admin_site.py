"""The admin site: open to administrators (superusers) only."""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from taskforce.selectors import accounts_awaiting_approval


class TaskforceAdminSite(admin.AdminSite):
    site_header = "Task Force Caseload administration"
    site_title = "Task Force Caseload admin"
    index_title = "Agencies, people and memberships"
    index_template = "taskforce/admin_index.html"

    def has_permission(self, request: HttpRequest) -> bool:
        # Staff flags alone are not enough: guardian's object-permission pages in the admin
        # would let any staff user grant access (shared/STACK.md). Administrators only.
        return request.user.is_active and request.user.is_superuser

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        # One way in for everyone: the app's sign-in, with its lockout, second step and audit.
        return redirect_to_login(request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index"))

    def index(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        # Single sign-on (issue #23): people who signed in through the directory for the first
        # time wait for an administrator to give them a membership; the index says how many.
        extra_context = {**(extra_context or {}), "awaiting_approval": None}
        if self.has_permission(request):
            extra_context["awaiting_approval"] = accounts_awaiting_approval().count()
        return super().index(request, extra_context)
