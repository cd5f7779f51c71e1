"""The pages around the records: home by role, shares, notifications, the access log, sealing,
and the calendar feed."""

from django.urls import path

from home import access_requests, audit_log, calendar, notifications, reassign, sealing, views

urlpatterns = [
    path("", views.home, name="home"),
    path("shares/", views.shares, name="shares"),
    path("shares/<uuid:public_id>/revoke/", views.share_revoke, name="share_revoke"),
    path("audit/", audit_log.audit_log, name="audit_log"),
    path("reassign/", reassign.reassign_page, name="reassign"),
    path("access-requests/", access_requests.access_requests, name="access_requests"),
    path(
        "access-requests/<uuid:public_id>/",
        access_requests.access_request_decide,
        name="access_request_decide",
    ),
    path("sealing/", sealing.sealing, name="sealing"),
    path("sealing/<uuid:public_id>/<str:act>/", sealing.sealing_act, name="sealing_act"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path(
        "notifications/<uuid:public_id>/open/",
        notifications.notification_open,
        name="notification_open",
    ),
    path("notifications/read/", notifications.notifications_read_all, name="notifications_read"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
]
