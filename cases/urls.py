"""Case URLs: records appear by public UUID, never by a countable id."""

from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("export.csv", views.case_export, name="export"),
    path("<uuid:public_id>/", views.case_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.case_edit, name="edit"),
    path("<uuid:public_id>/delete/", views.case_delete, name="delete"),
    path("<uuid:public_id>/share/", views.case_share, name="share"),
]
