"""Top-level URLs."""

from django.contrib import admin
from django.urls import include, path
from health_check.views import HealthCheckView

from taskforce import audit_log, hardening, notifications, saved_filters, sealing, views
from taskforce.api import token_views
from taskforce.deadlines import views as deadline_views

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("cases.urls")),
    path("referrals/", include("referrals.urls")),
    path("victims/", include("victims.urls")),
    path("shares/", views.shares, name="shares"),
    path("audit/", audit_log.audit_log, name="audit_log"),
    path("reports/", include("taskforce.reports.urls")),
    path("sealing/", sealing.sealing, name="sealing"),
    path("sealing/<uuid:public_id>/<str:act>/", sealing.sealing_act, name="sealing_act"),
    path("deadlines/", deadline_views.deadlines, name="deadlines"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path(
        "notifications/<uuid:public_id>/open/",
        notifications.notification_open,
        name="notification_open",
    ),
    path("notifications/read/", notifications.notifications_read_all, name="notifications_read"),
    path(
        "deadlines/<uuid:public_id>/waive/",
        deadline_views.deadline_waive_view,
        name="deadline_waive",
    ),
    path("notifications/settings/", deadline_views.reminder_settings, name="reminder_settings"),
    path("calendar/rotate/", deadline_views.calendar_feed_rotate, name="calendar_feed_rotate"),
    path("calendar/off/", deadline_views.calendar_feed_disable, name="calendar_feed_disable"),
    path("calendar/<str:token>.ics", deadline_views.calendar_feed, name="calendar_feed"),
    path("filters/save/", saved_filters.saved_filter_save, name="saved_filter_save"),
    path("filters/<int:pk>/delete/", saved_filters.saved_filter_delete, name="saved_filter_delete"),
    path("shares/<uuid:public_id>/revoke/", views.share_revoke, name="share_revoke"),
    # REST API and the person's API tokens page (taskforce/api)
    path("api/", include("taskforce.api.urls")),
    path("accounts/tokens/", token_views.token_list, name="api_tokens"),
    path(
        "accounts/tokens/<uuid:public_id>/revoke/",
        token_views.token_revoke,
        name="api_token_revoke",
    ),
    # Sign-in security (issue #9): the second step, settings, lockouts; then Django's sign-in.
    path("accounts/", include("taskforce.accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path(".well-known/security.txt", hardening.security_txt, name="security_txt"),
    path(".well-known/security-policy.txt", hardening.security_policy, name="security_policy"),
    path("admin/", admin.site.urls),
    path(
        "health/",
        HealthCheckView.as_view(
            checks=[
                "health_check.checks.Database",
                "taskforce.health.Broker",
                "taskforce.health.FieldKeys",
            ],
        ),
        name="health",
    ),
]
