"""Django admin for administrators only: agencies, memberships, counties (people and their
sign-in: accounts/admin.py)."""

from django.contrib import admin
from django.http import HttpRequest

from taskforce.models import Agency, County, Heartbeat, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["agency", "role", "title", "started_at", "ended_at"]
    autocomplete_fields = ["agency"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "county", "is_active"]
    list_filter = ["kind", "is_active", "county"]
    search_fields = ["name", "short_name", "jurisdiction", "county"]
    readonly_fields = ["public_id", "group", "created_at", "updated_at"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role", "title", "started_at", "ended_at"]
    list_filter = ["role", "agency__kind", "agency"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "agency__name"]
    autocomplete_fields = ["user", "agency"]
    date_hierarchy = "started_at"


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_seen_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["name", "state"]
    list_filter = ["state"]
    search_fields = ["name"]
