"""Reports' addresses: /reports/<page>/ and the grant export."""

from django.urls import path

from reports import views

urlpatterns = [
    path("", views.reports_home, name="reports"),
    path("grant.csv", views.grant_export, name="report_grant"),
    path("clients/", views.client_export, name="report_clients"),
    path("definitions/", views.definitions, name="report_definitions"),
    path("<slug:section>/", views.report, name="report"),
]
