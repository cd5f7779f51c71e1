"""Django admin for administrators only: agencies, memberships, counties (people and their
sign-in: accounts/admin.py)."""

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from taskforce.models import Agency, County, Heartbeat, Membership
from taskforce.services import membership_end, membership_start


class MembershipInline(admin.TabularInline):
    """A person's memberships, read only: they are started and ended on the Memberships page,
    through the services that keep groups and personal grants in step."""

    model = Membership
    extra = 0
    fields = ["agency", "role", "title", "started_at", "ended_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "county", "is_active"]
    list_filter = ["kind", "is_active", "county"]
    search_fields = ["name", "short_name", "jurisdiction", "county"]
    readonly_fields = ["public_id", "group", "created_at", "updated_at"]


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "agency", "role", "title", "started_at", "ended_at"]

    def clean_ended_at(self):
        ended_at = self.cleaned_data.get("ended_at")
        started_at = self.instance.started_at if self.instance.pk else None
        if ended_at and started_at and ended_at < started_at:
            raise forms.ValidationError(
                f"A membership cannot end before it started ({started_at:%Y-%m-%d %H:%M})."
            )
        return ended_at


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ["user", "agency", "role", "title", "started_at", "ended_at"]
    list_filter = ["role", "agency__kind", "agency"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "agency__name"]
    autocomplete_fields = ["user", "agency"]
    date_hierarchy = "started_at"

    # A membership is started (a move to another agency ends the current one) and ended only
    # through taskforce.services, which keep the agency Group in step and take back the grants
    # made to the person. Agency and role never change in place: end it and start another.
    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        if obj is None:
            return []
        return ["user", "agency", "role", "started_at"] + (["ended_at"] if obj.ended_at else [])

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Membership, form, change: bool) -> None:
        if not change:
            started = membership_start(
                user=obj.user, agency=obj.agency, role=obj.role, title=obj.title,
                at=obj.started_at,
            )  # fmt: skip
            obj.pk = started.pk
            return
        ended_at = obj.ended_at
        if "title" in form.changed_data:
            Membership.objects.filter(pk=obj.pk).update(title=obj.title)
        if "ended_at" in form.changed_data and ended_at is not None:
            membership_end(membership=Membership.objects.get(pk=obj.pk), at=ended_at)


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
