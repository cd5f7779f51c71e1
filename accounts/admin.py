"""Django admin of people and their sign-in (administrators only): accounts, memberships shown
inline, and resetting a lost second factor."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.events import account_event
from accounts.sessions import account_reactivated
from accounts.sso import account_approve
from taskforce.admin import MembershipAdmin, MembershipInline
from taskforce.models import Membership, User
from taskforce.selectors import accounts_awaiting_approval


class AwaitingApprovalFilter(admin.SimpleListFilter):
    """Accounts a first directory sign-in made, which wait for their first membership."""

    title = "approval"
    parameter_name = "approval"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("waiting", "Waiting for a membership")]

    def queryset(self, request: HttpRequest, queryset):
        if self.value() == "waiting":
            return queryset.filter(pk__in=accounts_awaiting_approval().values("pk"))
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "current_agency"]
    fieldsets = (*DjangoUserAdmin.fieldsets, ("Single sign-on", {"fields": ["oidc_subject"]}))
    list_filter = [
        AwaitingApprovalFilter, "is_active", "is_superuser", "memberships__role",
        "memberships__agency__kind",
    ]  # fmt: skip

    @admin.display(description="Agency")
    def current_agency(self, obj: User) -> str:
        return obj.agency.label if obj.agency else "—"

    def save_model(self, request: HttpRequest, obj: User, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and obj.is_active:
            # Re-enabled after the inactivity rule disabled it: its 90 days start again.
            account_reactivated(actor=request.user, account=obj)


# --- Single sign-on (issue #23) ----------------------------------------------------------------
# A first sign-in through the directory makes an inactive account in no agency. An administrator
# approves it by starting its first membership here: the account becomes active, audited.
admin.site.unregister(Membership)


@admin.register(Membership)
class MembershipApprovalAdmin(MembershipAdmin):
    def save_model(self, request: HttpRequest, obj: Membership, form, change: bool) -> None:
        awaiting = not change and obj.user.is_awaiting_approval
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if awaiting:
                account_approve(actor=request.user, account=User.objects.get(pk=obj.user_id))


# --- Sign-in security (issue #9) -------------------------------------------------------------
# An administrator resets a person's second factor (lost phone and codes) by deleting their
# authenticator here; the next sign-in asks them to set up a new one. Recovery codes are the
# person's own secret: not shown in the admin at all.
admin.site.unregister(StaticDevice)
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuthenticatorAdmin(TOTPDeviceAdmin):
    def delete_model(self, request: HttpRequest, obj: TOTPDevice) -> None:
        self.delete_queryset(request, TOTPDevice.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        with transaction.atomic():
            for device in queryset.select_related("user"):
                account_event("mfa.reset_by_administrator", device.user, actor=request.user)
            StaticDevice.objects.filter(user__in=queryset.values("user")).delete()
            queryset.delete()
