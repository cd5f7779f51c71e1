"""The runaway review: a prosecutor imports old runaway reports, and the queue shows the youth who
turn up again (arrested, in a case or a referral, or their phone, handle or address seen in a
sting), only through records the prosecutor may open."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.models import Person, ReviewOutcome, RunawayImport, RunawayReport
from cases.models.people import identifier_key, name_key
from cases.services.arrests import arrests_create
from cases.services.cases import case_create
from cases.services.people import PersonData, person_create
from cases.services.runaways import runaway_review
from taskforce import access, records
from taskforce.models import AuditEvent, StaleVersion
from tests.factories import verified_login
from tests.stings_fixtures import arrest_row

pytestmark = pytest.mark.django_db

HEADER = (
    "last_name,first_name,date_of_birth,reported_at,reported_by,returned_at,returned_from,"
    "notes,phone,handle,address\n"
)


def upload(client, content: str, name="runaways.csv"):
    return client.post(
        reverse("cases:runaway_import"),
        {"file": SimpleUploadedFile(name, content.encode(), content_type="text/csv")},
    )


def runaway(actor, youth, **fields):
    """A report as the import saves one."""
    values = {
        "reported_at": timezone.now() - dt.timedelta(days=400),
        "reported_by": "Group home",
    } | fields
    return records.record_create(actor=actor, model=RunawayReport, youth=youth, **values)


def youth_named(actor, first="Kayla", last="Lindgren", identifiers=()):
    data = PersonData(
        first_name=first,
        last_name=last,
        date_of_birth=dt.date(2010, 2, 3),
        identifiers=identifiers,
    )
    return person_create(actor=actor, data=data)


def queue(client, **params):
    response = client.get(reverse("cases:runaway_queue"), params)
    assert response.status_code == 200
    return response.content.decode()


def detail_link(report) -> str:
    return f'href="{reverse("cases:runaway_detail", args=[report.public_id])}"'


# --- Import ------------------------------------------------------------------------------------


def test_a_prosecutor_imports_a_file_and_each_youth_keeps_the_phone_and_handle(
    client, wash_prosecutor
):
    verified_login(client, wash_prosecutor)
    content = HEADER + (
        "Lindgren,Kayla,2010-02-03,2024-05-01 22:10,Mother,2024-05-04,A motel in Oakdale,"
        "Third time this year,(651) 555-0142,@kay_la,12 Elm St.\n"
        "Moua,Ashley,2009-11-20,2024-06-12,Group home,,,,,,\n"
    )
    staged = upload(client, content)
    assert staged.status_code == 302
    preview = client.get(staged["Location"]).content.decode()
    assert "Save all 2 reports" in preview
    assert RunawayReport.objects.count() == 0  # nothing saved before confirming

    saved = client.post(staged["Location"], {"confirm": "1"})

    assert saved.status_code == 302
    kayla = RunawayReport.objects.get(youth__last_name_key=name_key("Lindgren"))
    assert kayla.owner_agency == wash_prosecutor.membership.agency
    assert kayla.reported_by == "Mother"
    assert kayla.returned_from == "A motel in Oakdale"
    assert kayla.notes == "Third time this year"
    assert kayla.returned_at.date() == dt.date(2024, 5, 4)
    identifiers = {(i.kind, i.value, i.normalised) for i in kayla.youth.identifiers.all()}
    assert identifiers == {
        ("phone", "(651) 555-0142", identifier_key("phone", "6515550142")),
        ("handle", "@kay_la", identifier_key("handle", "kay_la")),
    }
    assert RunawayReport.objects.get(youth__last_name_key=name_key("Moua")).returned_at is None
    assert not RunawayImport.objects.exists()  # the file is deleted once used
    assert AuditEvent.objects.filter(action="runawayreport.imported").count() == 1


def test_a_file_with_bad_rows_saves_nothing_and_says_which_line_and_column(client, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    content = HEADER + (
        "Lindgren,Kayla,2010-02-03,2024-05-01 22:10,Mother,,,,,,\n"
        "Moua,Ashley,2009-11-20,last spring,Group home,,,,,,\n"
        "Vang,,2009-11-20,2024-06-12,,2024-06-01,,,12,,\n"
    )
    staged = upload(client, content)
    preview = client.get(staged["Location"]).content.decode()

    assert "2 rows cannot be saved" in preview
    assert "reported_at &#x27;last spring&#x27; is not a date and time" in preview
    assert "first_name is empty" in preview
    assert "reported_by is empty" in preview
    assert "phone &#x27;12&#x27; has fewer than 7 digits" in preview
    refused = client.post(staged["Location"], {"confirm": "1"})
    assert refused.status_code == 200
    assert "Line 3:" in refused.content.decode()
    assert "Line 4:" in refused.content.decode()
    assert RunawayReport.objects.count() == 0
    assert not Person.objects.exists()


def test_a_return_before_the_report_is_refused(client, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    staged = upload(client, HEADER + "Lindgren,Kayla,,2024-05-04,Mother,2024-05-01,,,,,\n")
    preview = client.get(staged["Location"]).content.decode()
    assert "returned_at is before reported_at" in preview


def test_a_file_with_a_wrong_header_is_refused_before_any_row(client, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    response = upload(client, "surname,first_name\nLindgren,Kayla\n")
    assert response.status_code == 200
    assert "missing columns: last_name, reported_at, reported_by" in response.content.decode()
    assert not RunawayImport.objects.exists()


def test_a_youth_already_on_record_is_matched_when_the_uploader_says_so(client, wash_prosecutor):
    known = youth_named(wash_prosecutor)
    verified_login(client, wash_prosecutor)
    staged = upload(client, HEADER + "Lindgren,Kayla,2010-02-03,2024-05-01,Mother,,,,,,\n")
    refused = client.post(staged["Location"], {"confirm": "1"})
    assert "choose the existing person or a new one" in refused.content.decode()
    client.post(staged["Location"], {"confirm": "1", "person-2": str(known.public_id)})
    assert RunawayReport.objects.get().youth == known
    assert Person.objects.count() == 1


# --- The queue ---------------------------------------------------------------------------------


def test_a_youth_whose_phone_turns_up_in_a_sting_is_in_the_queue_with_the_reason(
    client, wash_cao, wash_prosecutor, sheriff_liaison, operation, washington, patron_13_15
):
    youth = youth_named(wash_prosecutor, identifiers=(("phone", "651.555.0142"),))
    report = runaway(wash_prosecutor, youth)
    quiet = runaway(wash_prosecutor, youth_named(wash_prosecutor, "Ashley", "Moua"))
    # Later, a sting arrests a man whose phone is the one in the youth's report.
    row = arrest_row(washington, patron_13_15, 1, phone="+1 (651) 555-0142")
    arrests_create(
        actor=sheriff_liaison, operation=operation, arresting_agency=operation.owner_agency,
        rows=[row],
    )  # fmt: skip
    access.share(actor=sheriff_liaison, obj=operation, to_agency=wash_cao, reason="Task force")
    verified_login(client, wash_prosecutor)

    page = queue(client)

    assert detail_link(report) in page
    assert detail_link(quiet) not in page
    assert "Phone number 651.555.0142" in page
    assert "also recorded for someone arrested in Operation Guardian Angel" in page


def test_a_youth_later_arrested_is_in_the_queue(
    client, wash_cao, wash_prosecutor, sheriff_liaison, washington, patron_13_15
):
    youth = youth_named(wash_prosecutor)
    report = runaway(wash_prosecutor, youth)
    access.share(actor=wash_prosecutor, obj=youth, to_agency=sheriff_liaison.membership.agency,
                 reason="Missing youth")  # fmt: skip
    arrest = arrests_create(
        actor=sheriff_liaison, operation=None, arresting_agency=sheriff_liaison.membership.agency,
        rows=[arrest_row(washington, patron_13_15, 2, person=youth)],
    )[0]  # fmt: skip
    access.share(actor=sheriff_liaison, obj=arrest, to_agency=wash_cao, reason="Juvenile")
    verified_login(client, wash_prosecutor)

    page = queue(client)

    assert detail_link(report) in page
    assert "Same person" in page
    assert reverse("cases:arrest_detail", args=[arrest.public_id]) in page


def test_a_youth_who_is_a_victim_in_a_case_and_an_address_seen_in_a_sting_match(
    client, wash_prosecutor, sheriff_liaison, operation, washington, patron_13_15, wash_cao
):
    in_case = runaway(wash_prosecutor, youth_named(wash_prosecutor))
    case = case_create(actor=wash_prosecutor, number="24-CR-0901", title="State v. Pruitt")
    from cases.models import CaseVictim

    CaseVictim.objects.create(case=case, person=in_case.youth)
    at_motel = runaway(
        wash_prosecutor, youth_named(wash_prosecutor, "Ashley", "Moua"),
        address="2200 Hudson Rd., #114",
    )  # fmt: skip
    row = arrest_row(washington, patron_13_15, 3, meeting_place="2200 hudson rd #114")
    arrests_create(actor=sheriff_liaison, operation=operation,
                   arresting_agency=operation.owner_agency, rows=[row])  # fmt: skip
    access.share(actor=sheriff_liaison, obj=operation, to_agency=wash_cao, reason="Task force")
    verified_login(client, wash_prosecutor)

    page = queue(client)

    assert detail_link(in_case) in page
    assert "victim in case 24-CR-0901" in page
    assert detail_link(at_motel) in page
    assert "the meeting place of an arrest in Operation Guardian Angel" in page


def test_a_match_through_a_record_the_reviewer_cannot_see_is_not_shown(
    client, wash_prosecutor, sheriff_liaison, operation, washington, patron_13_15
):
    youth = youth_named(wash_prosecutor, identifiers=(("handle", "@kay_la"),))
    report = runaway(wash_prosecutor, youth)
    access.share(actor=wash_prosecutor, obj=youth, to_agency=sheriff_liaison.membership.agency,
                 reason="Missing youth")  # fmt: skip
    # The sheriff arrests the youth, and someone using her handle, and shares neither.
    arrests_create(
        actor=sheriff_liaison, operation=operation, arresting_agency=operation.owner_agency,
        rows=[arrest_row(washington, patron_13_15, 4, person=youth),
              arrest_row(washington, patron_13_15, 5, handle="KAY_LA")],
    )  # fmt: skip
    verified_login(client, wash_prosecutor)

    assert detail_link(report) not in queue(client)
    detail = client.get(reverse("cases:runaway_detail", args=[report.public_id])).content.decode()
    assert "Nowhere else you can open." in detail
    assert "Operation Guardian Angel" not in detail


def test_a_report_of_another_agency_is_404_and_absent_from_the_queue(
    client, wash_prosecutor, ramsey_prosecutor, ramsey_cao, sheriff_liaison, operation,
    washington, patron_13_15,
):  # fmt: skip
    youth = youth_named(wash_prosecutor, identifiers=(("phone", "6515550142"),))
    report = runaway(wash_prosecutor, youth)
    arrests_create(actor=sheriff_liaison, operation=operation,
                   arresting_agency=operation.owner_agency,
                   rows=[arrest_row(washington, patron_13_15, 6, phone="6515550142")])  # fmt: skip
    # Ramsey sees the sting, not the report.
    access.share(actor=sheriff_liaison, obj=operation, to_agency=ramsey_cao, reason="Task force")
    verified_login(client, ramsey_prosecutor)

    for name in ("cases:runaway_detail", "cases:runaway_review"):
        assert client.get(reverse(name, args=[report.public_id])).status_code == 404
    assert detail_link(report) not in queue(client, outcome="")
    assert "No runaway report waits for review" in queue(client)


def test_the_queue_filters_by_outcome_and_pages(client, wash_prosecutor):
    youth = youth_named(wash_prosecutor)
    case = case_create(actor=wash_prosecutor, number="24-CR-0902", title="State v. Brandt")
    from cases.models import CaseVictim

    CaseVictim.objects.create(case=case, person=youth)
    reports = [
        runaway(wash_prosecutor, youth, reported_at=timezone.now() - dt.timedelta(days=n))
        for n in range(1, 28)
    ]
    reviewed = runaway_review(actor=wash_prosecutor, report=reports[0], expected_version=1,
                              outcome=ReviewOutcome.NO_LINK, note="Checked")  # fmt: skip
    verified_login(client, wash_prosecutor)

    first = queue(client)
    assert detail_link(reviewed) not in first  # pending by default
    assert "26 reports to look at" in first
    assert detail_link(reports[1]) in first and detail_link(reports[26]) not in first
    second = queue(client, outcome="pending", after=str(reports[25].public_id))
    assert detail_link(reports[26]) in second
    assert detail_link(reviewed) in queue(client, outcome="no_link")


def test_the_queue_is_for_prosecutors_and_supervisors(client, sheriff_liaison, wash_supervisor):
    verified_login(client, sheriff_liaison)
    assert client.get(reverse("cases:runaway_queue")).status_code == 403
    assert "Runaway review" not in client.get(reverse("home")).content.decode()
    client.logout()
    verified_login(client, wash_supervisor)
    assert "Runaway review" in client.get(reverse("home")).content.decode()


# --- Review ------------------------------------------------------------------------------------


def test_marking_a_report_reviewed_is_saved_and_audited(client, wash_prosecutor):
    report = runaway(wash_prosecutor, youth_named(wash_prosecutor))
    case = case_create(actor=wash_prosecutor, number="24-CR-0903", title="State v. Okonkwo")
    verified_login(client, wash_prosecutor)
    url = reverse("cases:runaway_review", args=[report.public_id])

    review = {"version": "1", "outcome": "linked", "case_number": "24-cr-0903",
              "note": "Same motel, same week."}  # fmt: skip
    response = client.post(url, review)

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.review_outcome == ReviewOutcome.LINKED
    assert report.linked_case == case
    assert report.reviewed_by == wash_prosecutor
    assert report.version == 2
    event = AuditEvent.objects.get(action="runawayreport.changed", target_id=report.pk)
    assert event.actor == wash_prosecutor
    assert event.changes["review_outcome"] == ["pending", "linked"]
    assert event.changes["review_note"] == "(changed; content not recorded)"


def test_reading_a_report_is_audited(client, wash_prosecutor):
    report = runaway(wash_prosecutor, youth_named(wash_prosecutor), notes="Seen with an adult")
    verified_login(client, wash_prosecutor)
    page = client.get(reverse("cases:runaway_detail", args=[report.public_id]))
    assert "Seen with an adult" in page.content.decode()
    assert AuditEvent.objects.filter(action="runawayreport.viewed", target_id=report.pk).exists()


def test_a_review_needs_a_note_and_a_case_only_when_linked(client, wash_prosecutor):
    report = runaway(wash_prosecutor, youth_named(wash_prosecutor))
    verified_login(client, wash_prosecutor)
    url = reverse("cases:runaway_review", args=[report.public_id])
    response = client.post(url, {"version": "1", "outcome": "linked", "note": "x"})
    assert "Give the number of the case" in response.content.decode()
    response = client.post(url, {"version": "1", "outcome": "linked", "case_number": "99-X",
                                 "note": "x"})  # fmt: skip
    assert "No case you can open has the number 99-X" in response.content.decode()
    report.refresh_from_db()
    assert report.review_outcome == ReviewOutcome.PENDING


def test_a_stale_review_is_refused_with_a_clear_message_and_overwrites_nothing(
    client, wash_prosecutor, wash_supervisor
):
    report = runaway(wash_prosecutor, youth_named(wash_prosecutor))
    runaway_review(actor=wash_supervisor, report=report, expected_version=1,
                   outcome=ReviewOutcome.FOLLOW_UP, note="Ask Oakdale PD")  # fmt: skip
    verified_login(client, wash_prosecutor)

    response = client.post(
        reverse("cases:runaway_review", args=[report.public_id]),
        {"version": "1", "outcome": "no_link", "note": "Nothing here"},
    )

    assert response.status_code == 200
    assert "changed this report" in response.content.decode()
    assert "Nothing of yours was saved" in response.content.decode()
    report.refresh_from_db()
    assert report.review_outcome == ReviewOutcome.FOLLOW_UP
    assert report.review_note == "Ask Oakdale PD"
    with pytest.raises(StaleVersion):
        runaway_review(actor=wash_prosecutor, report=report, expected_version=1,
                       outcome=ReviewOutcome.NO_LINK, note="Nothing")  # fmt: skip


def test_notes_are_encrypted_at_rest(wash_prosecutor):
    from django.db import connection

    report = runaway(wash_prosecutor, youth_named(wash_prosecutor), notes="Seen with an adult")
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM cases_runawayreport WHERE id = %s", [report.pk])
        stored = cursor.fetchone()[0]
    assert "adult" not in stored


def test_a_police_agency_shown_a_report_sees_it_but_cannot_review_it(
    client, wash_prosecutor, sheriff_liaison
):
    report = runaway(wash_prosecutor, youth_named(wash_prosecutor))
    access.share(actor=wash_prosecutor, obj=report, to_agency=sheriff_liaison.membership.agency,
                 reason="Follow-up")  # fmt: skip
    verified_login(client, sheriff_liaison)
    assert client.get(reverse("cases:runaway_detail", args=[report.public_id])).status_code == 200
    assert client.get(reverse("cases:runaway_review", args=[report.public_id])).status_code == 403


def test_the_demo_queue_shows_the_runaway_who_turns_up_in_the_sting(client):
    from home.demo import DEMO_OPERATION, seed_demo
    from taskforce.models import User

    seed_demo()
    verified_login(client, User.objects.get(username="wash_prosecutor"))

    page = queue(client)

    assert "Lindgren, Kayla" in page
    assert f"also recorded for someone arrested in {DEMO_OPERATION}" in page
    assert "Aune, Brianna" not in page


def test_expunging_a_report_removes_its_address_notes_and_history(wash_prosecutor):
    from cases.models import RunawayReportHistory
    from taskforce.sealing import record_expunge
    from tests.factories import UserFactory

    report = runaway(wash_prosecutor, youth_named(wash_prosecutor), notes="Seen with an adult",
                     address="12 Elm St", returned_from="A motel")  # fmt: skip
    administrator = UserFactory(is_staff=True, is_superuser=True)
    record_expunge(actor=administrator, obj=report, reason="Court order 24-JV-77")
    report.refresh_from_db()
    assert (report.notes, report.address, report.returned_from) == ("", "", "")
    assert report.sealed_at is not None
    assert not RunawayReportHistory.objects.filter(pgh_obj_id=report.pk).exists()


# --- Ad responses recorded in stings ----------------------------------------------------------


def test_a_youth_whose_handle_answers_a_decoy_ad_is_in_the_queue_once_the_sting_is_shared(
    client, wash_cao, wash_prosecutor, sheriff_liaison, operation
):
    from cases.services.operations import ad_responses_add

    youth = youth_named(wash_prosecutor, identifiers=(("handle", "@kay_la"),))
    report = runaway(wash_prosecutor, youth)
    added = ad_responses_add(
        actor=sheriff_liaison, operation=operation, text="651-555-0199\n@KAY_LA\n@kay_la",
        seen_on=timezone.localdate(),
    )  # fmt: skip
    assert [r.normalised for r in added] == [  # the repeat is skipped
        identifier_key("phone", "6515550199"),
        identifier_key("handle", "kay_la"),
    ]
    verified_login(client, wash_prosecutor)
    assert detail_link(report) not in queue(client)  # the sting is not theirs to see

    access.share(actor=sheriff_liaison, obj=operation, to_agency=wash_cao, reason="Task force")
    page = queue(client)
    assert detail_link(report) in page
    assert f"seen in Operation Guardian Angel on {timezone.localdate():%Y-%m-%d}" in page


def test_ad_responses_are_entered_on_the_operation_page_all_or_nothing(
    client, sheriff_liaison, operation, wash_prosecutor
):
    verified_login(client, sheriff_liaison)
    url = reverse("cases:ad_responses_add", args=[operation.public_id])
    bad = client.post(
        url, {"text": "651 555 0100\nsomeone nice\n@ok", "seen_on": timezone.localdate()}
    )
    assert bad.status_code == 400
    assert (
        "Line 2: “someone nice” is neither a phone number nor an @handle." in bad.content.decode()
    )
    assert not operation.ad_responses.exists()
    good = client.post(url, {"text": "651 555 0100\n@ok", "seen_on": timezone.localdate()})
    assert good.status_code == 302
    page = client.get(reverse("cases:operation_detail", args=[operation.public_id]))
    assert (
        "@ok" in page.content.decode() and "Numbers and handles seen (2)" in page.content.decode()
    )

    client.logout()
    verified_login(client, wash_prosecutor)  # another agency, nothing shared: the sting is missing
    assert client.post(url, {"text": "@x", "seen_on": "2026-01-05"}).status_code == 404
    assert operation.ad_responses.count() == 2
