"""Deadline pages and a person's reminder settings."""

from django.urls import path

from deadlines import views

urlpatterns = [
    path("deadlines/", views.deadlines, name="deadlines"),
    path("holidays/", views.holidays, name="holidays"),
    path("deadlines/<uuid:public_id>/waive/", views.deadline_waive_view, name="deadline_waive"),
    path("notifications/settings/", views.reminder_settings, name="reminder_settings"),
    path("calendar/rotate/", views.calendar_feed_rotate, name="calendar_feed_rotate"),
    path("calendar/off/", views.calendar_feed_disable, name="calendar_feed_disable"),
]
