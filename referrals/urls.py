"""Referral URLs, by public UUID."""

from django.urls import path

from referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/", views.referral_send, name="send"),
    *views.REFERRAL_IMPORT.urls("import/"),
    path("export.csv", views.referral_export, name="export"),
    path("<uuid:public_id>/", views.referral_detail, name="detail"),
    path("<uuid:public_id>/step/", views.referral_step, name="step"),
    path("<uuid:public_id>/assign/", views.referral_assign, name="assign"),
]
