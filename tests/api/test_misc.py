"""Agencies, deadlines, notifications, people, case lists and the error shape for each status."""

import pytest

from taskforce.models import AgencyKind, AuditEvent, Notification
from tests.api.conftest import ApiClient
from tests.api.test_stings import import_row
from tests.factories import verified_login

pytestmark = pytest.mark.django_db


def test_agencies_list_names_active_agencies_by_kind(api, wash_prosecutor, woodbury_pd):
    client = api(wash_prosecutor)
    names = [a["name"] for a in client.get("/api/agencies/").json()["results"]]
    assert names == sorted([woodbury_pd.name, wash_prosecutor.membership.agency.name])
    police = client.get("/api/agencies/", {"kind": AgencyKind.LAW_ENFORCEMENT}).json()
    assert [a["name"] for a in police["results"]] == [woodbury_pd.name]


def test_deadlines_follow_their_records(api, sheriff_liaison, woodbury_liaison):
    api(sheriff_liaison).post("/api/arrests/import/", {"rows": [import_row(1)]})
    own = api(sheriff_liaison).get("/api/deadlines/", {"status": "open"}).json()["results"]
    assert {d["rule"] for d in own} == {"first_appearance", "probable_cause"}
    assert own[0]["record_url"].startswith("/arrests/")
    assert api(woodbury_liaison).get("/api/deadlines/").json()["results"] == []


def test_notifications_are_the_callers_own(api, wash_prosecutor, ramsey_prosecutor):
    Notification.objects.create(user=wash_prosecutor, title="Charging decision due")
    assert [n["title"] for n in api(wash_prosecutor).get("/api/notifications/").json()["results"]]
    assert api(ramsey_prosecutor).get("/api/notifications/").json()["results"] == []


def test_case_list_filters_and_pages(api, sheriff_liaison, wash_cao, wash_prosecutor):
    police = api(sheriff_liaison)
    ids = [a["public_id"] for a in police.post("/api/arrests/import/",
           {"rows": [import_row(n) for n in range(1, 4)]}).json()]  # fmt: skip
    police.post("/api/handoffs/", {"arrests": ids, "to_agency": str(wash_cao.public_id)})
    client = api(wash_prosecutor)
    first = client.get("/api/cases/", {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    rest = client.client.get(first["next"]).json()
    assert len(rest["results"]) == 1
    assert client.get("/api/cases/", {"status": "charged"}).json()["results"] == []
    assert len(client.get("/api/cases/", {"status": "intake"}).json()["results"]) == 3
    bad = client.get("/api/cases/", {"status": "nonsense"})
    assert bad.status_code == 400 and "status" in bad.json()["fields"]
    handoffs = police.get("/api/handoffs/").json()["results"]
    assert len(handoffs) == 3
    one = police.get(f"/api/handoffs/{handoffs[0]['public_id']}/")
    assert one.status_code == 200 and one.json()["case_number"].startswith("INT-")
    # As the pages: the hand-off page is not audited as a read, a case's is.
    assert not AuditEvent.objects.filter(action="handoff.viewed").exists()
    client.get(f"/api/cases/{one.json()['case']}/")
    assert AuditEvent.objects.filter(action="case.viewed", actor=wash_prosecutor).count() == 1


def test_people_list_and_share(api, sheriff_liaison, woodbury_liaison):
    police = api(sheriff_liaison)
    person = police.post("/api/arrests/import/", {"rows": [import_row(1)]}).json()[0]["arrestee"]
    assert (
        police.get("/api/people/", {"last_name": "buyer01"}).json()["results"][0]["public_id"]
        == person["public_id"]
    )
    to = woodbury_liaison.membership.agency.public_id
    shared = police.post(f"/api/people/{person['public_id']}/share/",
                         {"to_agency": str(to), "reason": "Same buyer in Woodbury"})  # fmt: skip
    assert shared.status_code == 201
    assert api(woodbury_liaison).get(f"/api/people/{person['public_id']}/").status_code == 200


def test_arrest_list_filters_and_share(api, sheriff_liaison, advocacy_center, advocate):
    police = api(sheriff_liaison)
    police.post("/api/arrests/import/", {"rows": [import_row(1), import_row(2,
                custody_status="cited")]})  # fmt: skip
    cited = police.get("/api/arrests/", {"custody_status": "cited"}).json()["results"]
    assert [a["custody_status"] for a in cited] == ["cited"]
    assert len(police.get("/api/arrests/", {"handed_off": "false"}).json()["results"]) == 2
    shared = police.post(f"/api/arrests/{cited[0]['public_id']}/share/",
                         {"to_agency": str(advocacy_center.public_id),
                          "reason": "Victim recovered"})  # fmt: skip
    assert shared.status_code == 201
    assert [a["public_id"] for a in api(advocate).get("/api/arrests/").json()["results"]] == [
        cited[0]["public_id"]
    ]


def test_every_error_has_one_shape(api, sheriff_liaison, wash_prosecutor):
    shape = {"code", "message", "fields"}
    anonymous = ApiClient(None).get("/api/operations/")
    assert anonymous.status_code == 401 and set(anonymous.json()) == shape
    client = api(sheriff_liaison)
    put = client.put("/api/operations/00000000-0000-4000-8000-000000000000/", {})
    assert put.status_code == 405 and put.json()["code"] == "method_not_allowed"
    broken = client.client.post("/api/operations/", data="{not json",
                                content_type="application/json")  # fmt: skip
    assert broken.status_code == 400 and set(broken.json()) == shape
    form = client.client.post("/api/operations/", data={"name": "x"})
    assert form.status_code == 415 and set(form.json()) == shape
    not_a_list = client.post("/api/arrests/import/", {"rows": "all of them"})
    assert not_a_list.status_code == 400 and "rows" in not_a_list.json()["fields"]
    forbidden = api(wash_prosecutor).post("/api/arrests/import/", {"rows": [import_row(1)]})
    assert forbidden.status_code in (400, 403) and set(forbidden.json()) == shape


def test_session_sign_in_works_for_the_browser(client, sheriff_liaison):
    verified_login(client, sheriff_liaison)
    assert client.get("/api/operations/").status_code == 200
    # Session writes need the CSRF token, as any browser form does.
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies  # the same signed-in, verified session
    response = strict.post("/api/operations/", data="{}", content_type="application/json")
    assert response.status_code == 403 and set(response.json()) == {"code", "message", "fields"}


def test_out_of_range_times_are_refused_not_a_500(api, sheriff_liaison):
    # Found by the fuzzer: an ISO 8601 offset PostgreSQL refuses reached the query.
    client = api(sheriff_liaison)
    for value in ("0825-05-29T01:37:40+17:57", "9999-12-31T23:59:59-23:00"):
        response = client.get("/api/arrests/", {"arrested_from": value})
        assert response.status_code == 400 and "arrested_from" in response.json()["fields"]


def test_a_session_not_past_the_second_step_gets_a_json_401_from_the_api(client, sheriff_liaison):
    client.force_login(sheriff_liaison)  # a password only: the second step is not done
    answer = client.get("/api/operations/")
    assert answer.status_code == 401
    assert answer.json()["code"] == "mfa_required"


def test_the_api_root_is_a_json_index_of_its_endpoints(api, wash_prosecutor):
    index = api(wash_prosecutor).get("/api/")
    assert index.status_code == 200 and index["Content-Type"] == "application/json"
    endpoints = index.json()
    assert {"cases", "arrests", "people", "victims", "referrals", "deadlines"} <= set(endpoints)
    assert endpoints["cases"].endswith("/api/cases/")
    # Without a token: the API's own JSON 401, not an HTML page.
    anonymous = api(None).get("/api/")
    assert anonymous.status_code == 401 and set(anonymous.json()) == {"code", "message", "fields"}
