"""Top-level URLs: each app's own URL list, named by module path so the core imports none of
them (the layers in docs/architecture.md)."""

from django.contrib import admin
from django.urls import include, path
from health_check.views import HealthCheckView

from taskforce import hardening
from taskforce.web import saved_filters

urlpatterns = [
    path("", include("home.urls")),
    path("", include("cases.urls")),
    path("referrals/", include("referrals.urls")),
    path("victims/open/", include("referrals.victim_urls")),
    path("victims/", include("victims.urls")),
    path("reports/", include("reports.urls")),
    path("", include("deadlines.urls")),
    path("filters/save/", saved_filters.saved_filter_save, name="saved_filter_save"),
    path("filters/<int:pk>/delete/", saved_filters.saved_filter_delete, name="saved_filter_delete"),
    # REST API and the person's API tokens page (api/)
    path("api/", include("api.urls")),
    path("accounts/tokens/", include("api.token_urls")),
    # Sign-in security (issue #9): the second step, settings, lockouts; then Django's sign-in.
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    # Single sign-on (issue #23): the authorization-code flow of mozilla-django-oidc.
    path("oidc/", include("mozilla_django_oidc.urls")),
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
