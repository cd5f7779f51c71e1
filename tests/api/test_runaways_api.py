"""Runaway reports and a sting's ad responses through the API, under the same policy."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import AdResponse, RunawayReport
from cases.services.people import PersonData, person_create
from taskforce import access, records

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(wash_prosecutor):
    youth = person_create(
        actor=wash_prosecutor,
        data=PersonData(
            first_name="Kayla", last_name="Lindgren", identifiers=(("handle", "@kay_la"),)
        ),
    )
    return records.record_create(
        actor=wash_prosecutor, model=RunawayReport, youth=youth, reported_by="Mother",
        reported_at=timezone.now() - dt.timedelta(days=300),
    )  # fmt: skip


def test_ad_responses_are_added_and_read_and_another_agency_gets_404(
    api, sheriff_liaison, operation, wash_prosecutor
):
    path = f"/api/operations/{operation.public_id}/ad-responses/"
    today = timezone.localdate().isoformat()
    bad = api(sheriff_liaison).post(
        path, {"values": ["651 555 0100", "nice guy"], "seen_on": today}
    )
    assert bad.status_code == 400 and "values" in bad.json()["fields"]
    assert not AdResponse.objects.exists()
    added = api(sheriff_liaison).post(
        path, {"values": ["651 555 0100", "@Blue_Car"], "seen_on": today}
    )
    assert added.status_code == 201
    assert [r["kind"] for r in added.json()] == ["phone", "handle"]
    assert [r["value"] for r in api(sheriff_liaison).get(path).json()] == [
        "651 555 0100",
        "@Blue_Car",
    ]
    outsider = api(wash_prosecutor)
    assert outsider.get(path).status_code == 404
    assert outsider.post(path, {"values": ["@x"], "seen_on": today}).status_code == 404
    assert AdResponse.objects.count() == 2


def test_a_runaway_report_is_read_queued_and_reviewed_with_its_version(
    api, report, wash_prosecutor, wash_cao, sheriff_liaison, operation
):
    client = api(wash_prosecutor)
    path = f"/api/runaways/{report.public_id}/"
    assert client.get(path).json()["reported_by"] == "Mother"
    assert client.get("/api/runaways/queue/").json()["results"] == []
    AdResponse.objects.create(
        operation=operation, kind="handle", value="@KAY_LA", seen_on=timezone.localdate(),
        recorded_by=sheriff_liaison,
    )  # fmt: skip
    access.share(actor=sheriff_liaison, obj=operation, to_agency=wash_cao, reason="Task force")
    queued = client.get("/api/runaways/queue/").json()["results"]
    assert [row["public_id"] for row in queued] == [str(report.public_id)]

    stale = client.post(f"{path}review/", {"version": 0, "outcome": "follow_up", "note": "Call"})
    assert stale.status_code == 409
    missing = client.post(f"{path}review/", {"version": 1, "outcome": "linked", "note": "Same"})
    assert missing.status_code == 400 and "case_number" in missing.json()["fields"]
    done = client.post(f"{path}review/", {"version": 1, "outcome": "follow_up", "note": "Call"})
    assert done.status_code == 200 and done.json()["review_outcome"] == "follow_up"
    report.refresh_from_db()
    assert (report.review_outcome, report.version) == ("follow_up", 2)


def test_another_agency_gets_404_on_every_runaway_endpoint_and_an_empty_list(
    api, report, ramsey_prosecutor, sheriff_liaison
):
    path = f"/api/runaways/{report.public_id}/"
    for outsider in (api(ramsey_prosecutor), api(sheriff_liaison)):
        assert outsider.get(path).status_code == 404
        assert outsider.post(f"{path}review/", {"version": 1, "outcome": "no_link",
                                                "note": "x"}).status_code == 404  # fmt: skip
        assert outsider.get("/api/runaways/").json()["results"] == []
    assert api(sheriff_liaison).get("/api/runaways/queue/").status_code == 404  # not a reviewer
    report.refresh_from_db()
    assert report.review_outcome == "pending"


def test_a_report_is_shared_with_police_listed_and_revoked(
    api, report, wash_prosecutor, sheriff_liaison, sheriff
):
    path = f"/api/runaways/{report.public_id}/"
    police = api(sheriff_liaison)
    assert police.get(path).status_code == 404
    shared = api(wash_prosecutor).post(
        f"{path}share/", {"to_agency": str(sheriff.public_id), "reason": "Follow-up"}
    )
    assert shared.status_code == 201
    assert police.get(path).status_code == 200  # police read it; they do not review it
    [listed] = api(wash_prosecutor).get(f"{path}shares/").json()
    revoked = api(wash_prosecutor).post(f"{path}shares/{listed['public_id']}/revoke/", {})
    assert revoked.status_code == 200
    assert police.get(path).status_code == 404
