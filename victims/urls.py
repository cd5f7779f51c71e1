"""Victim URLs, by public UUID."""

from django.urls import path

from victims import views

app_name = "victims"
urlpatterns = [
    *views.VICTIM_IMPORT.urls("import/"),
    path("<uuid:public_id>/", views.victim_detail, name="detail"),
    path(
        "<uuid:public_id>/contact/edit/",
        views.victim_edit,
        {"section": "contact"},
        name="edit_contact",
    ),
    path(
        "<uuid:public_id>/custody/edit/",
        views.victim_edit,
        {"section": "guardian"},
        name="edit_guardian",
    ),
    path(
        "<uuid:public_id>/identification/edit/",
        views.victim_edit,
        {"section": "identification"},
        name="edit_identification",
    ),
    path(
        "<uuid:public_id>/screening/edit/",
        views.victim_edit,
        {"section": "screening"},
        name="edit_screening",
    ),
    path("<uuid:public_id>/consents/new/", views.consent_new, name="consent_new"),
    path("<uuid:public_id>/services/new/", views.service_new, name="service_new"),
    path(
        "<uuid:public_id>/services/<uuid:service_id>/end/",
        views.service_close,
        name="service_end",
    ),
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
