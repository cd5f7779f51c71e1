"""A case's victims are their own protected records (issue #18, class 4): sharing a case, even for
change, shows the other agency none of the owner's victims, on any page, form, export or API
answer, and lets it neither pick nor notify them (404, as for a missing one). A victim's record
reaches another agency only when it is shared itself."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseVictim, VictimNotice
from cases.selectors.victims import case_victims_visible
from cases.services.cases import case_create
from cases.services.notices import case_victim_add, victim_notice_record
from cases.services.people import PersonData
from taskforce import access, folded
from taskforce.models import AuditEvent, ShareLevel
from tests.factories import verified_login

pytestmark = pytest.mark.django_db

CANARY = "Zephyrine-Canary"
BORN = dt.date(1987, 3, 14)
BORN_SHOWN = ("1987-03-14", "Mar 14, 1987", "March 14, 1987", "03/14/1987")
MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def case(wash_prosecutor):
    return case_create(actor=wash_prosecutor, number="26-CR-40", title="State v. Quill")


@pytest.fixture
def owners_victim(case, wash_prosecutor) -> CaseVictim:
    return case_victim_add(
        actor=wash_prosecutor, case=case, role="victim",
        data=PersonData(first_name=CANARY, last_name="Vantablack", date_of_birth=BORN),
    )  # fmt: skip


@pytest.fixture
def shared_for_change(case, owners_victim, wash_prosecutor, ramsey_cao):
    return access.share(
        actor=wash_prosecutor, obj=case, to_agency=ramsey_cao, level=ShareLevel.CHANGE,
        reason="Co-counsel on the trial",
    )  # fmt: skip


def assert_no_trace(text: str) -> None:
    assert CANARY not in text
    assert "Vantablack" not in text
    for shown in BORN_SHOWN:
        assert shown not in text


def notice_post(victim_value) -> dict:
    return {
        "victim": victim_value, "kind": "charging", "given_on": timezone.localdate().isoformat(),
        "method": "phone", "notes": "",
    }  # fmt: skip


def test_the_sharee_sees_nothing_of_the_owners_victims_on_pages_forms_and_exports(
    client, case, shared_for_change, ramsey_prosecutor
):
    verified_login(client, ramsey_prosecutor)
    for name in ["cases:detail", "cases:edit", "cases:victim_new", "cases:notice_new"]:
        response = client.get(reverse(name, args=[case.public_id]))
        assert response.status_code == 200, name
        assert_no_trace(response.content.decode())
    page = client.get(reverse("cases:detail", args=[case.public_id])).content.decode()
    assert "Victim recorded" not in page and "Not yet told" not in page
    listed = client.get(reverse("cases:list"))
    assert_no_trace(listed.content.decode())
    [row] = listed.context["page"].rows
    assert row.victim_count == 0  # not even how many victims the owner recorded
    export = b"".join(client.get(reverse("cases:export")).streaming_content).decode()
    assert_no_trace(export)
    [header, line] = list(csv.reader(io.StringIO(export)))
    assert line[header.index("Victims")] == "0"


def test_the_sharee_cannot_notify_the_owners_victim_and_nothing_is_written(
    client, case, owners_victim, shared_for_change, ramsey_prosecutor
):
    verified_login(client, ramsey_prosecutor)
    url = reverse("cases:notice_new", args=[case.public_id])
    hidden = client.post(url, notice_post(str(owners_victim.person.public_id)))
    missing = client.post(url, notice_post(MISSING))
    assert (hidden.status_code, missing.status_code) == (404, 404)  # the same answer
    assert_no_trace(hidden.content.decode())
    # The row's own id (what the form used to post) is not an id the form takes at all.
    by_row = client.post(url, notice_post(str(owners_victim.pk)))
    assert by_row.status_code == 200
    assert_no_trace(by_row.content.decode())
    assert not VictimNotice.objects.exists()
    assert not AuditEvent.objects.filter(action="case.victim_notified").exists()
    # The service decides the same whoever calls it.
    with pytest.raises(access.NotFound):
        victim_notice_record(
            actor=ramsey_prosecutor, case=case, victim=owners_victim,
            kind="charging", given_on=timezone.localdate(), method="phone",
        )  # fmt: skip
    with pytest.raises(access.NotFound):
        victim_notice_record(
            actor=ramsey_prosecutor, case=case, victim_public_id=owners_victim.person.public_id,
            kind="charging", given_on=timezone.localdate(), method="phone",
        )  # fmt: skip
    assert not VictimNotice.objects.exists()


def test_the_owner_still_sees_notifies_and_adds_victims(
    client, case, owners_victim, shared_for_change, wash_prosecutor
):
    verified_login(client, wash_prosecutor)
    page = client.get(reverse("cases:detail", args=[case.public_id])).content.decode()
    assert f"Vantablack, {CANARY} (b. 1987-03-14)" in page
    url = reverse("cases:notice_new", args=[case.public_id])
    assert CANARY in client.get(url).content.decode()
    told = client.post(url, notice_post(str(owners_victim.person.public_id)))
    assert told.status_code == 302
    assert VictimNotice.objects.get().victim == owners_victim
    added = client.post(
        reverse("cases:victim_new", args=[case.public_id]),
        {"first_name": "Odile", "last_name": "Marsh", "sex": "female", "role": "victim"},
    )
    assert added.status_code == 302
    assert case.case_victims.count() == 2
    listed = client.get(reverse("cases:list"))
    assert [row.victim_count for row in listed.context["page"].rows] == [2]


def test_a_victim_reaches_another_agency_only_when_its_record_is_shared(
    client, case, owners_victim, shared_for_change, wash_prosecutor, ramsey_prosecutor, ramsey_cao
):
    # The sharee's own victim is theirs: they see it and may notify it; the owner does not.
    theirs = case_victim_add(
        actor=ramsey_prosecutor, case=case, role="victim",
        data=PersonData(first_name="Ines", last_name="Okafor"),
    )  # fmt: skip
    assert list(case_victims_visible(ramsey_prosecutor, case)) == [theirs]
    assert list(case_victims_visible(wash_prosecutor, case)) == [owners_victim]
    verified_login(client, ramsey_prosecutor)
    url = reverse("cases:notice_new", args=[case.public_id])
    assert "Okafor, Ines" in client.get(url).content.decode()
    assert client.post(url, notice_post(str(theirs.person.public_id))).status_code == 302
    # Sharing the victim's own record is what shows it to the other agency.
    access.share(actor=wash_prosecutor, obj=owners_victim.person, to_agency=ramsey_cao,
                 reason="Victim-witness coordination")  # fmt: skip
    page = client.get(reverse("cases:detail", args=[case.public_id])).content.decode()
    assert CANARY in page and "Okafor, Ines" in page
    assert client.post(url, notice_post(str(owners_victim.person.public_id))).status_code == 302
    assert VictimNotice.objects.count() == 2


@pytest.mark.parametrize("first", ["owner", "sharee"])
def test_the_caseloads_victim_counts_compiled_once_count_each_agencys_own(
    client, case, owners_victim, shared_for_change, wash_prosecutor, ramsey_prosecutor, first
):
    """The caseload's columns are compiled once for every agency, each viewer's agency and
    moment put in at use (`folded.kept_annotations`): whichever agency lists first, each counts
    the victims it may see, none of the other's."""
    case_victim_add(
        actor=ramsey_prosecutor, case=case, role="victim",
        data=PersonData(first_name="Ines", last_name="Okafor"),
    )  # fmt: skip
    case_victim_add(
        actor=wash_prosecutor, case=case, role="victim",
        data=PersonData(first_name="Odile", last_name="Marsh"),
    )  # fmt: skip
    folded._COMPILED.clear()
    viewers = [wash_prosecutor, ramsey_prosecutor]
    if first == "sharee":
        viewers.reverse()
    counted = {}
    for viewer in viewers:
        verified_login(client, viewer)
        [row] = client.get(reverse("cases:list")).context["page"].rows
        counted[viewer] = row.victim_count
    assert counted == {wash_prosecutor: 2, ramsey_prosecutor: 1}
    assert len([key for key in folded._COMPILED if "caseload_page" in key]) == 1
