"""Top-level URLs."""

from django.contrib import admin
from django.urls import include, path
from health_check.views import HealthCheckView

from taskforce import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path(
        "health/",
        HealthCheckView.as_view(
            checks=["health_check.checks.Database", "taskforce.health.Broker"],
        ),
        name="health",
    ),
]
