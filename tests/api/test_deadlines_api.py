"""Deadlines and the bell over the API: a deadline read and waived with a reason, a hearing's
deadline waived through its case, notifications marked read one by one or all at once."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import CourtEvent
from cases.services.court import court_event_schedule
from cases.services.handoffs import handoff_create
from taskforce.models import AuditEvent, Deadline, Notification
from tests.api.test_stings import import_row

pytestmark = pytest.mark.django_db
MISSING = "00000000-0000-4000-8000-000000000000"
NOT_FOUND = {"code": "not_found", "message": "Not found.", "fields": {}}


def test_deadline_is_read_and_waived_with_a_reason(api, sheriff_liaison, woodbury_liaison):
    api(sheriff_liaison).post("/api/arrests/import/", {"rows": [import_row(1)]})
    deadline = Deadline.objects.get(rule="probable_cause")
    path = f"/api/deadlines/{deadline.public_id}/"
    client = api(sheriff_liaison)
    read = client.get(path)
    assert read.status_code == 200
    assert (read.json()["rule"], read.json()["status"]) == ("probable_cause", "open")
    assert read.json()["record_url"].startswith("/arrests/")
    other = api(woodbury_liaison)
    for suffix, send, body in (("", "get", None), ("waive/", "post", {"reason": "x"})):
        hidden = getattr(other, send)(path + suffix, body)
        absent = getattr(other, send)(f"/api/deadlines/{MISSING}/{suffix}", body)
        assert hidden.status_code == absent.status_code == 404
        assert hidden.json() == absent.json() == NOT_FOUND
    no_reason = client.post(path + "waive/", {"reason": " "})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["fields"]
    deadline.refresh_from_db()
    assert deadline.status == "open"
    waived = client.post(path + "waive/", {"reason": "Judge found probable cause on the papers"})
    assert waived.status_code == 200 and waived.json()["status"] == "waived"
    deadline.refresh_from_db()
    assert (deadline.status, deadline.closed_by, deadline.waiver_reason) == (
        "waived",
        sheriff_liaison,
        "Judge found probable cause on the papers",
    )
    again = client.post(path + "waive/", {"reason": "Again"})
    assert again.status_code == 400
    assert again.json()["fields"]["non_field_errors"] == ["This deadline is already waived."]
    assert AuditEvent.objects.filter(action="deadline.waived").count() == 1


def test_a_hearings_deadline_is_waived_by_whoever_may_change_its_case(
    api, sheriff_liaison, operation, make_arrests, wash_cao, wash_prosecutor
):
    [arrest] = make_arrests(sheriff_liaison, operation, 1)
    case = handoff_create(actor=sheriff_liaison, arrests=[arrest], to_agency=wash_cao)[0].case
    hearing = court_event_schedule(
        actor=wash_prosecutor,
        case=case,
        kind="omnibus",
        starts_at=timezone.now() + dt.timedelta(days=7),
    )
    deadline = Deadline.objects.get(rule="court_event", object_id=hearing.pk)
    path = f"/api/deadlines/{deadline.public_id}/waive/"
    # Police see the arrest, not the prosecutor's case: its hearing's deadline is not theirs.
    assert api(sheriff_liaison).post(path, {"reason": "x"}).status_code == 404
    waived = api(wash_prosecutor).post(path, {"reason": "Hearing vacated by the court"})
    assert waived.status_code == 200, waived.json()
    deadline.refresh_from_db()
    assert deadline.status == "waived" and CourtEvent.objects.get().status == "scheduled"


def test_notifications_are_marked_read_one_by_one_or_all(api, wash_prosecutor, ramsey_prosecutor):
    mine = [Notification.objects.create(user=wash_prosecutor, title=f"Due {n}") for n in range(3)]
    theirs = Notification.objects.create(user=ramsey_prosecutor, title="Theirs")
    client = api(wash_prosecutor)
    listed = client.get("/api/notifications/").json()["results"]
    assert {n["public_id"] for n in listed} == {str(n.public_id) for n in mine}
    one = client.post(f"/api/notifications/{mine[0].public_id}/read/")
    assert one.status_code == 200 and one.json()["read_at"]
    mine[0].refresh_from_db()
    first_read = mine[0].read_at
    assert first_read is not None
    hidden = client.post(f"/api/notifications/{theirs.public_id}/read/")
    absent = client.post(f"/api/notifications/{MISSING}/read/")
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json() == absent.json() == NOT_FOUND
    assert client.post("/api/notifications/not-an-id/read/").status_code == 404
    everything = client.post("/api/notifications/read-all/")
    assert everything.status_code == 200 and everything.json() == {"marked": 2}
    assert not Notification.objects.filter(user=wash_prosecutor, read_at__isnull=True).exists()
    mine[0].refresh_from_db()
    assert mine[0].read_at == first_read  # the first reading time is kept
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.post("/api/notifications/read-all/").json() == {"marked": 0}
