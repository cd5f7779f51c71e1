"""The bell's page marks notifications read through the same services as the API."""

import pytest

from taskforce.models import Notification
from tests.factories import verified_login

pytestmark = pytest.mark.django_db


def test_opening_one_marks_it_read_and_follows_it_read_all_marks_the_rest(
    client, wash_prosecutor, ramsey_prosecutor
):
    verified_login(client, wash_prosecutor)
    due = Notification.objects.create(user=wash_prosecutor, title="Due", url="/deadlines/")
    later = Notification.objects.create(user=wash_prosecutor, title="Later")
    theirs = Notification.objects.create(user=ramsey_prosecutor, title="Theirs")
    page = client.get("/notifications/").content.decode()
    assert f"/notifications/{due.public_id}/open/" in page
    opened = client.post(f"/notifications/{due.public_id}/open/")
    assert opened.status_code == 302 and opened["Location"] == "/deadlines/"
    due.refresh_from_db()
    assert due.read_at is not None
    assert client.post(f"/notifications/{theirs.public_id}/open/").status_code == 404
    assert client.post("/notifications/read/").status_code == 302
    later.refresh_from_db()
    theirs.refresh_from_db()
    assert later.read_at is not None and theirs.read_at is None
