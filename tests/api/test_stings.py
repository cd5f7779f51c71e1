"""Operations, arrests, the bulk import and hand-offs over the API, under the access policy."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Arrest, Case, Operation, Person
from taskforce.models import AuditEvent

pytestmark = pytest.mark.django_db


def local(days_ago: int) -> str:
    return (timezone.localtime() - dt.timedelta(days=days_ago)).strftime("%Y-%m-%d %H:%M")


def import_row(n: int, **overrides) -> dict:
    row = {
        "last_name": f"Buyer{n:02d}",
        "first_name": "Pat",
        "arrested_at": local(3),
        "county": "Washington",
        "custody_status": "booked",
        "charges": "609.324 subd. 1(b)",
        "date_of_birth": f"1981-02-{n:02d}",
        "booking_number": f"API-{n:03d}",
        "decoy_stated_age": "14",
        "solicitation_venue": "text_online",
    }
    return row | overrides


@pytest.fixture
def sting(api, sheriff_liaison):
    response = api(sheriff_liaison).post(
        "/api/operations/",
        {"name": "Operation Lakeside", "kind": "buyer_sting", "starts_on": "2026-03-01",
         "counties": ["Washington"]},
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    return response.json()


def test_liaison_creates_an_operation_and_lists_it(api, sheriff_liaison, sting):
    assert sting["owner_agency"]["name"] == "Washington County Sheriff's Office"
    assert sting["counties"] == ["Washington"] and sting["version"] == 1
    listed = api(sheriff_liaison).get("/api/operations/").json()
    assert [row["public_id"] for row in listed["results"]] == [sting["public_id"]]
    assert set(listed) == {"next", "previous", "results"}


def test_operation_of_another_agency_is_404_on_every_verb_and_absent_from_lists(
    api, sting, woodbury_liaison
):
    other = api(woodbury_liaison)
    path = f"/api/operations/{sting['public_id']}/"
    missing = "/api/operations/00000000-0000-4000-8000-000000000000/"
    assert other.get("/api/operations/").json()["results"] == []
    for method, extra in (("get", None), ("patch", {"version": 1, "name": "x"})):
        hidden = getattr(other, method)(path, extra) if extra else other.get(path)
        absent = getattr(other, method)(missing, extra) if extra else other.get(missing)
        assert hidden.status_code == absent.status_code == 404
        assert hidden.json() == absent.json() == {
            "code": "not_found", "message": "Not found.", "fields": {},
        }  # fmt: skip
    share = other.post(path + "share/", {"to_agency": sting["owner_agency"]["public_id"],
                                         "reason": "x"})  # fmt: skip
    assert share.status_code == 404
    assert other.get("/api/operations/not-a-uuid/").status_code == 404


def test_stale_version_is_409_and_nothing_is_saved(api, sheriff_liaison, sting):
    client = api(sheriff_liaison)
    path = f"/api/operations/{sting['public_id']}/"
    first = client.patch(path, {"version": 1, "ads_posted": 40})
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = client.patch(path, {"version": 1, "ads_posted": 99})
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "stale_version" and "version 2" in body["fields"]["version"][0]
    assert Operation.objects.get(public_id=sting["public_id"]).ads_posted == 40


def test_bad_operation_input_names_the_field(api, sheriff_liaison, sting):
    client = api(sheriff_liaison)
    response = client.post("/api/operations/", {"name": "X", "kind": "party", "starts_on": "soon"})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"kind", "starts_on"}
    ends = client.patch(f"/api/operations/{sting['public_id']}/",
                        {"version": 1, "ends_on": "2026-02-01"})  # fmt: skip
    assert ends.status_code == 400 and "ends_on" in ends.json()["fields"]
    assert client.patch(f"/api/operations/{sting['public_id']}/", {"name": "Y"}).status_code == 400


def test_prosecutor_may_not_create_operations(api, wash_prosecutor):
    response = api(wash_prosecutor).post(
        "/api/operations/", {"name": "X", "kind": "other", "starts_on": "2026-01-01"}
    )
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_bulk_import_saves_every_row(api, sheriff_liaison, sting):
    response = api(sheriff_liaison).post(
        "/api/arrests/import/",
        {"operation": sting["public_id"], "rows": [import_row(1), import_row(2)]},
    )
    assert response.status_code == 201, response.json()
    arrests = response.json()
    assert [a["arrestee"]["last_name"] for a in arrests] == ["Buyer01", "Buyer02"]
    assert arrests[0]["charges"] == [{"citation": "609.324 subd. 1(b)", "counts": 1}]
    assert arrests[0]["operation"]["public_id"] == sting["public_id"]
    assert AuditEvent.objects.filter(action="arrest.imported").exists()


def test_bulk_import_with_one_bad_row_saves_nothing_and_says_which(api, sheriff_liaison, sting):
    rows = [import_row(1), import_row(2, county="Atlantis", charges="609.999"), import_row(3)]
    response = api(sheriff_liaison).post(
        "/api/arrests/import/", {"operation": sting["public_id"], "rows": rows}
    )
    assert response.status_code == 400
    problems = response.json()["fields"]["rows"]
    assert len(problems) == 1 and problems[0].startswith("Row 2:")
    assert "Atlantis" in problems[0] and "609.999" in problems[0]
    assert Arrest.objects.count() == 0 and Person.objects.count() == 0


def test_bulk_import_refuses_booking_numbers_used_twice_and_unknown_columns(
    api, sheriff_liaison, sting
):
    client = api(sheriff_liaison)
    twice = client.post("/api/arrests/import/", {"rows": [import_row(1), import_row(2,
                        booking_number="API-001")]})  # fmt: skip
    assert twice.status_code == 400 and "appears twice" in twice.json()["fields"]["rows"][0]
    unknown = client.post("/api/arrests/import/", {"rows": [import_row(1, shoe_size="11")]})
    assert unknown.status_code == 400
    assert "shoe_size" in str(unknown.json()["fields"])
    assert client.post("/api/arrests/import/", {"rows": []}).status_code == 400
    assert Arrest.objects.count() == 0


def test_bulk_import_asks_same_person_and_takes_the_answer(api, sheriff_liaison, sting):
    client = api(sheriff_liaison)
    first = client.post("/api/arrests/import/", {"rows": [import_row(1)]}).json()[0]
    again = import_row(1, booking_number="API-900", arrested_at=local(1))
    unanswered = client.post("/api/arrests/import/", {"rows": [again]})
    assert unanswered.status_code == 400
    assert "choose the existing person" in unanswered.json()["fields"]["rows"][0]
    answered = client.post(
        "/api/arrests/import/", {"rows": [again | {"person": first["arrestee"]["public_id"]}]}
    )
    assert answered.status_code == 201
    assert answered.json()[0]["arrestee"]["public_id"] == first["arrestee"]["public_id"]
    assert Person.objects.count() == 1


def test_arrest_correction_is_versioned(api, sheriff_liaison, sting):
    client = api(sheriff_liaison)
    arrest = client.post("/api/arrests/import/", {"rows": [import_row(1)]}).json()[0]
    path = f"/api/arrests/{arrest['public_id']}/"
    fixed = client.patch(path, {"version": 1, "jail": "Washington County Jail"})
    assert fixed.status_code == 200 and fixed.json()["jail"] == "Washington County Jail"
    assert client.patch(path, {"version": 1, "jail": "Other"}).status_code == 409
    future = client.patch(path, {"version": 2, "arrested_at": "2099-01-01T00:00:00Z"})
    assert future.status_code == 400 and "arrested_at" in future.json()["fields"]


def test_hand_off_opens_cases_the_prosecutor_sees_and_others_do_not(
    api, sheriff_liaison, sting, wash_cao, wash_prosecutor, ramsey_prosecutor
):
    police = api(sheriff_liaison)
    arrests = police.post("/api/arrests/import/", {"operation": sting["public_id"],
                          "rows": [import_row(1), import_row(2)]}).json()  # fmt: skip
    ids = [a["public_id"] for a in arrests]
    handed = police.post("/api/handoffs/", {"arrests": ids, "to_agency": str(wash_cao.public_id)})
    assert handed.status_code == 201, handed.json()
    cases = [h["case"] for h in handed.json()]
    assert len(set(cases)) == 2
    prosecutor = api(wash_prosecutor)
    seen = prosecutor.get("/api/cases/").json()["results"]
    assert {c["public_id"] for c in seen} == set(cases)
    case = prosecutor.get(f"/api/cases/{cases[0]}/").json()
    assert case["status"] == "intake" and case["defendants"][0]["last_name"] == "Buyer01"
    for arrest_id in ids:
        assert prosecutor.get(f"/api/arrests/{arrest_id}/").status_code == 200
    outsider = api(ramsey_prosecutor)
    for path in [f"/api/cases/{c}/" for c in cases] + [f"/api/arrests/{i}/" for i in ids]:
        assert outsider.get(path).status_code == 404
    assert outsider.get("/api/cases/").json()["results"] == []
    assert outsider.get("/api/handoffs/").json()["results"] == []


def test_hand_off_of_an_arrest_one_cannot_see_is_404(api, sheriff_liaison, sting, wash_cao,
                                                     woodbury_liaison):  # fmt: skip
    arrest = api(sheriff_liaison).post("/api/arrests/import/", {"rows": [import_row(1)]}).json()
    response = api(woodbury_liaison).post(
        "/api/handoffs/",
        {"arrests": [arrest[0]["public_id"]], "to_agency": str(wash_cao.public_id)},
    )
    assert response.status_code == 404
    assert Case.objects.count() == 0


def test_case_moves_and_stale_edit_is_409(api, sheriff_liaison, sting, wash_cao, wash_prosecutor):
    police = api(sheriff_liaison)
    arrest = police.post("/api/arrests/import/", {"rows": [import_row(1)]}).json()[0]
    case_id = police.post("/api/handoffs/", {"arrests": [arrest["public_id"]],
                          "to_agency": str(wash_cao.public_id)}).json()[0]["case"]  # fmt: skip
    prosecutor = api(wash_prosecutor)
    path = f"/api/cases/{case_id}/"
    moved = prosecutor.post(path + "transition/", {"to_status": "under_review"})
    assert moved.status_code == 200 and moved.json()["status"] == "under_review"
    wrong = prosecutor.post(path + "transition/", {"to_status": "sentenced"})
    assert wrong.status_code == 400 and "to_status" in wrong.json()["fields"]
    version = prosecutor.get(path).json()["version"]
    renamed = prosecutor.patch(path, {"version": version, "number": "26-CR-0142"})
    assert renamed.status_code == 200 and renamed.json()["number"] == "26-CR-0142"
    assert prosecutor.patch(path, {"version": version, "title": "x"}).status_code == 409
    # Police see the arrest but not the prosecutor's case; deleting needs a supervisor.
    assert police.get(path).status_code == 404
    assert prosecutor.delete(path, "reason=typo").status_code == 403


def test_people_are_seen_through_arrests_only(api, sheriff_liaison, sting, woodbury_liaison):
    arrest = api(sheriff_liaison).post("/api/arrests/import/", {"rows": [import_row(1)]}).json()
    person = arrest[0]["arrestee"]["public_id"]
    assert api(sheriff_liaison).get(f"/api/people/{person}/").status_code == 200
    assert api(woodbury_liaison).get(f"/api/people/{person}/").status_code == 404
    assert api(woodbury_liaison).get("/api/people/").json()["results"] == []


def test_sharing_an_operation_lets_the_other_agency_see_it(api, sheriff_liaison, sting,
                                                           woodbury_liaison):  # fmt: skip
    agency = woodbury_liaison.membership.agency
    path = f"/api/operations/{sting['public_id']}/"
    shared = api(sheriff_liaison).post(path + "share/", {"to_agency": str(agency.public_id),
                                                         "reason": "Joint sting"})  # fmt: skip
    assert shared.status_code == 201 and shared.json()["to_agency"]["name"] == agency.name
    assert api(woodbury_liaison).get(path).status_code == 200
    no_reason = api(sheriff_liaison).post(path + "share/", {"to_agency": str(agency.public_id),
                                                            "reason": " "})  # fmt: skip
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["fields"]


def test_detail_reads_are_audited_like_the_pages(api, sheriff_liaison, sting):
    api(sheriff_liaison).get(f"/api/operations/{sting['public_id']}/")
    assert AuditEvent.objects.filter(action="operation.viewed", actor=sheriff_liaison).count() == 1
