"""The access log: supervisors read their agency's trail; rows are append-only and kept a year."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.db.utils import DatabaseError
from django.urls import reverse
from django.utils import timezone

from cases.services.cases import case_create
from taskforce import access, audit, records
from taskforce.audit import audit_trail_prune
from taskforce.models import AuditEvent
from tests.factories import member, verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(wash_prosecutor, ramsey_prosecutor):
    case = case_create(actor=wash_prosecutor, number="26-CR-41", title="State v. Audit")
    records.record_viewed(actor=wash_prosecutor, obj=case)
    return case


@pytest.fixture
def ramsey_supervisor(ramsey_cao):
    return member(ramsey_cao, "supervisor", username="ramsey_supervisor")


def rows(client, **query):
    answer = client.get(reverse("audit_log"), query)
    assert answer.status_code == 200
    return answer.content.decode()


def test_a_supervisor_reads_who_opened_their_agencys_records(client, case, wash_supervisor):
    verified_login(client, wash_supervisor)
    page = rows(client)
    assert "case.viewed" in page and "wash_prosecutor" in page and "Case 26-CR-41" in page
    assert "Access log" in client.get(reverse("home")).content.decode()  # in the menu


def test_another_agencys_supervisor_sees_none_of_it_and_others_get_404(
    client, case, wash_prosecutor, ramsey_supervisor, coordinator
):
    verified_login(client, ramsey_supervisor)
    assert "Case 26-CR-41" not in rows(client)
    assert not access.audit_trail_visible(ramsey_supervisor).filter(target_id=case.pk).exists()
    for person in (wash_prosecutor, coordinator):
        client.logout()
        verified_login(client, person)
        assert client.get(reverse("audit_log")).status_code == 404
        assert client.get(reverse("audit_log"), {"export": "csv"}).status_code == 404


def test_filters_narrow_by_person_record_action_and_dates(
    client, case, wash_prosecutor, wash_supervisor
):
    other = case_create(actor=wash_prosecutor, number="26-CR-42", title="State v. Other")
    verified_login(client, wash_supervisor)
    by_record = rows(client, record=str(case.public_id))
    assert "Case 26-CR-41" in by_record and "Case 26-CR-42" not in by_record
    assert "Case 26-CR-42" in rows(client, action="created", user="WASH_Prosecutor")
    assert "Case 26-CR-42" not in rows(client, action="created", user="wash_pros")  # whole names
    assert "Case 26-CR-42" not in rows(client, action="viewed")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert "Case 26-CR-41" not in rows(client, date_from=tomorrow)
    assert "Case 26-CR-41" in rows(client, date_to=timezone.localdate())
    assert other.pk


def test_pages_follow_time_then_id_and_lose_no_row_that_shares_a_moment(
    client, case, wash_prosecutor, wash_supervisor, monkeypatch
):
    from home import audit_log

    monkeypatch.setattr(audit_log, "PAGE_SIZE", 2)
    with time_machine.travel(dt.datetime(2026, 11, 2, 15, tzinfo=dt.UTC), tick=False):
        for _ in range(3):  # three rows at one instant
            records.record_viewed(actor=wash_prosecutor, obj=case)
    verified_login(client, wash_supervisor)
    seen, query = [], {"action": "viewed"}
    while True:
        answer = client.get(reverse("audit_log"), query)
        seen += [event.pk for event in answer.context["events"]]
        if not answer.context["next_before"]:
            break
        query["before"] = answer.context["next_before"]
    expected = AuditEvent.objects.filter(action="case.viewed").order_by("-at", "-id")
    assert seen == [event.pk for event in expected] and len(seen) == 4


def test_the_action_filter_matches_the_names_the_trail_holds(case):
    assert "case.viewed" in audit.actions_containing("VIEWED")
    assert audit.actions_containing("%") == audit.actions_containing("_") == []


def test_bad_filters_are_explained_next_to_their_field(client, case, wash_supervisor):
    verified_login(client, wash_supervisor)
    page = rows(client, record="not-an-id", date_from="2026-05-02", date_to="2026-05-01")
    assert "That is not a record id" in page
    assert "The end date is before the start date." in page
    assert "Case 26-CR-41" not in page and "Correct the filters above." in page


def test_the_csv_export_has_the_rows_and_is_itself_logged(client, case, wash_supervisor):
    verified_login(client, wash_supervisor)
    answer = client.get(reverse("audit_log"), {"export": "csv", "action": "viewed"})
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode("utf-8-sig"))))
    assert table[0][:4] == ["When", "User", "Agency", "Action"]
    assert any(row[1] == "wash_prosecutor" and row[3] == "case.viewed" for row in table[1:])
    logged = AuditEvent.objects.get(action="audit.exported")
    assert logged.actor == wash_supervisor and logged.changes["filters"] == {"action": "viewed"}


def test_a_records_access_history_is_shown_to_its_agencys_supervisors_only(
    client, case, wash_prosecutor, wash_supervisor, ramsey_supervisor, ramsey_cao
):
    access.share(actor=wash_prosecutor, obj=case, to_agency=ramsey_cao, reason="Venue")
    url = reverse("cases:detail", args=[case.public_id])
    verified_login(client, wash_supervisor)
    page = client.get(url).content.decode()
    assert "Access history" in page and "wash_prosecutor" in page
    for person in (wash_prosecutor, ramsey_supervisor):
        client.logout()
        verified_login(client, person)
        answer = client.get(url)
        assert answer.status_code == 200 and "Access history" not in answer.content.decode()


def test_the_database_refuses_to_change_or_delete_audit_rows(case):
    event = AuditEvent.objects.filter(action="case.viewed").first()
    for statement in (
        "UPDATE taskforce_auditevent SET action = 'nothing' WHERE id = %s",
        "UPDATE taskforce_auditevent SET reason = 'edited' WHERE id = %s",
        "DELETE FROM taskforce_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
            from django.db import transaction

            with transaction.atomic():
                cursor.execute(statement, [event.pk])
    event.refresh_from_db()
    assert event.action == "case.viewed"


def test_deleting_a_user_keeps_their_rows_and_name(case, wash_cao):
    from tests.factories import member as make_member

    temp = make_member(wash_cao, "prosecutor", username="temp_prosecutor")
    audit.record(temp, "case.viewed", case)
    temp.memberships.all().delete()
    temp.delete()
    row = AuditEvent.objects.get(actor_username="temp_prosecutor")
    assert row.actor is None and row.action == "case.viewed"


def test_retention_prunes_only_whole_months_older_than_the_setting(case, settings):
    settings.AUDIT_RETENTION_DAYS = 400
    now = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)  # 400 days before: 2025-05-11
    for day, action in ((dt.date(2025, 4, 30), "old.event"), (dt.date(2025, 5, 2), "kept.event"),
                        (dt.date(2025, 5, 20), "young.event")):  # fmt: skip
        with time_machine.travel(dt.datetime.combine(day, dt.time(12), dt.UTC), tick=False):
            audit.record(None, action)
    assert audit_trail_prune(now=now) == 1
    assert not AuditEvent.objects.filter(action="old.event").exists()
    # Older than 400 days, but in a month not yet wholly past: kept until it is.
    assert AuditEvent.objects.filter(action__in=["kept.event", "young.event"]).count() == 2
    summary = AuditEvent.objects.get(action="audit.pruned")
    assert summary.changes["rows"] == 1 and summary.changes["retention_days"] == 400
    assert audit_trail_prune(now=now) == 0


def test_protected_values_never_reach_the_trail_or_the_logs(advocate, referral, caplog, client):
    """Names, birth dates, addresses and phone numbers are recorded as changed, without content."""
    import logging

    from referrals.services import referral_open_victim, referral_transition

    caplog.set_level(logging.DEBUG)
    for status in ("received", "accepted"):
        referral_transition(actor=advocate, referral=referral, to_status=status)
    victim = referral_open_victim(
        actor=advocate, referral=referral, identified_how="sting", guardian_note="Aunt Wilma",
        address="1427 Larkspur Lane", phone="651-555-0199",
    )  # fmt: skip
    moved = {"address": "88 Juniper Court", "phone": "651-555-0142"}
    records.record_update(actor=advocate, obj=victim, expected_version=victim.version, data=moved)
    verified_login(client, advocate)
    client.get(reverse("victims:detail", args=[victim.public_id]))
    secrets = ["Kaya", "Strand", "Larkspur", "Juniper", "555-0199", "555-0142", "Aunt Wilma",
               str(referral.person.date_of_birth)]  # fmt: skip
    for secret in secrets:
        found = [row for row in AuditEvent.objects.values() if secret in str(row)]
        assert not found, [(r["action"], r["target_label"], r["changes"]) for r in found]
        assert secret not in caplog.text, secret
    change = AuditEvent.objects.get(action="victim.changed")
    assert change.changes == {"address": audit.REDACTED, "phone": audit.REDACTED}
    assert change.target_label == f"victim {victim.public_id.hex[:8]}"
