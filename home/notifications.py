"""The bell: a person's in-app notifications, newest first, marked read when opened."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from taskforce import folded
from taskforce.models import Notification
from taskforce.services import (
    notification_get,
    notification_mark_read,
    notifications_mark_all_read,
)


def unread_count(user) -> int:
    """The bell's count, on every page: its SQL kept compiled (issue #22)."""
    if connection.vendor != "postgresql":
        return _unread(user.pk).count()
    sql, params = folded.kept_sql(
        lambda user_id: _unread(user_id).values("pk"), key=("unread",), user_id=user.pk
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS unread", params)  # noqa: S608 - Django's SQL
        return cursor.fetchone()[0]


def _unread(user_id):
    return Notification.objects.filter(user_id=user_id, read_at__isnull=True).order_by()


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(user=request.user)[:200]
    return render(
        request,
        "taskforce/notifications.html",
        {"page_title": "Notifications", "notifications": notifications},
    )


@login_required
@require_POST
def notification_open(request: HttpRequest, public_id) -> HttpResponse:
    """Mark one read and go to what it is about (the record's page checks access again)."""
    notification = notification_get(actor=request.user, public_id=public_id)
    notification_mark_read(actor=request.user, notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect("notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    notifications_mark_all_read(actor=request.user)
    return redirect("notifications")
