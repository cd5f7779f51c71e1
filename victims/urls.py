"""Victim URLs, by public UUID."""

from django.urls import path

from victims import views

app_name = "victims"
urlpatterns = [
    path("<uuid:public_id>/", views.victim_detail, name="detail"),
    path("<uuid:public_id>/consents/new/", views.consent_new, name="consent_new"),
    path("<uuid:public_id>/services/new/", views.service_new, name="service_new"),
    path("<uuid:public_id>/contacts/new/", views.contact_new, name="contact_new"),
    path("<uuid:public_id>/notes/new/", views.note_new, name="note_new"),
    path(
        "<uuid:public_id>/consents/<uuid:consent_id>/form/",
        views.consent_signed_form,
        name="consent_form",
    ),
    path(
        "<uuid:public_id>/consents/<uuid:consent_id>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
]
