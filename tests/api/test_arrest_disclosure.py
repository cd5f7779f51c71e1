"""The API's side of issue #18, class 5: arrests are imported only for the caller's agency or a
partner in a sting they share, a booking number held by an arrest the caller cannot see is refused
without naming it, and an arrest's hand-offs are those the caller may see."""

import datetime as dt

import pytest

from cases.models import Arrest
from cases.services.arrests import BOOKING_NUMBER_UNUSABLE, NOT_YOUR_AGENCY
from cases.services.handoffs import handoff_create
from cases.services.operations import operation_create
from tests.api.test_stings import import_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_arrest(api, sheriff_liaison):
    """The sheriff's API-001, in no operation: Woodbury cannot see it."""
    response = api(sheriff_liaison).post("/api/arrests/import/", {"rows": [import_row(1)]})
    assert response.status_code == 201, response.json()
    return response.json()[0]


def test_an_import_clashing_with_a_hidden_arrest_does_not_confirm_it(
    api, woodbury_liaison, shared_sting, sheriff, hidden_arrest
):
    response = api(woodbury_liaison).post(
        "/api/arrests/import/",
        {
            "operation": str(shared_sting.public_id),
            "arresting_agency": str(sheriff.public_id),
            "rows": [import_row(1, last_name="Other")],
        },
    )
    assert response.status_code == 400
    assert response.json()["fields"]["rows"] == [
        "Row 1: " + BOOKING_NUMBER_UNUSABLE.format(number="API-001")
    ]
    assert "already has" not in response.content.decode()
    assert Arrest.objects.count() == 1


def test_the_owner_is_told_of_its_own_clash(api, sheriff_liaison, hidden_arrest, sheriff):
    response = api(sheriff_liaison).post(
        "/api/arrests/import/", {"rows": [import_row(1, last_name="Other")]}
    )
    assert response.status_code == 400
    assert (
        f"{sheriff.label} already has an arrest with booking number API-001"
        in response.json()["fields"]["rows"][0]
    )


def test_a_correction_to_a_hidden_booking_number_does_not_confirm_it(
    api, woodbury_liaison, woodbury_pd, hidden_arrest, shared_sting, sheriff
):
    client = api(woodbury_liaison)
    mine = client.post(
        "/api/arrests/import/",
        {"operation": str(shared_sting.public_id), "arresting_agency": str(sheriff.public_id),
         "rows": [import_row(2)]},
    ).json()[0]  # fmt: skip
    assert mine["owner_agency"]["name"] == woodbury_pd.name
    response = client.patch(
        f"/api/arrests/{mine['public_id']}/", {"version": 1, "booking_number": "API-001"}
    )
    assert response.status_code == 400
    assert response.json()["fields"]["booking_number"] == [
        BOOKING_NUMBER_UNUSABLE.format(number="API-001")
    ]
    assert Arrest.objects.get(public_id=mine["public_id"]).booking_number == "API-002"


def test_a_liaison_cannot_import_arrests_for_another_agency_outside_a_shared_sting(
    api, woodbury_liaison, sheriff, shared_sting, washington
):
    own = operation_create(
        actor=woodbury_liaison, name="Operation Own", kind="buyer_sting",
        starts_on=dt.date(2026, 4, 1), counties=[washington],
    )  # fmt: skip
    client = api(woodbury_liaison)
    for operation in (None, own):
        body = {"arresting_agency": str(sheriff.public_id), "rows": [import_row(3)]}
        if operation is not None:
            body["operation"] = str(operation.public_id)
        response = client.post("/api/arrests/import/", body)
        assert response.status_code == 400, operation
        assert response.json()["fields"]["arresting_agency"] == [NOT_YOUR_AGENCY]
    assert not Arrest.objects.exists()

    joint = client.post(
        "/api/arrests/import/",
        {"operation": str(shared_sting.public_id), "arresting_agency": str(sheriff.public_id),
         "rows": [import_row(3)]},
    )  # fmt: skip
    assert joint.status_code == 201, joint.json()


def test_a_handoff_to_a_hidden_case_is_absent_from_the_api_for_a_participant(
    api, sheriff_liaison, woodbury_liaison, shared_sting, wash_cao
):
    police = api(sheriff_liaison)
    arrest = police.post(
        "/api/arrests/import/",
        {"operation": str(shared_sting.public_id), "rows": [import_row(4)]},
    ).json()[0]
    handoff_create(
        actor=sheriff_liaison,
        arrests=[Arrest.objects.get(public_id=arrest["public_id"])],
        to_agency=wash_cao,
    )
    path = f"/api/arrests/{arrest['public_id']}/"

    partner = api(woodbury_liaison)
    assert partner.get(path).json()["handoffs"] == []
    listed = partner.get("/api/arrests/").json()["results"]
    assert [a["public_id"] for a in listed] == [arrest["public_id"]]
    assert listed[0]["handoffs"] == []
    assert partner.get("/api/arrests/", {"handed_off": "true"}).json()["results"] == []
    assert wash_cao.name not in partner.get("/api/arrests/").content.decode()

    owner = police.get(path).json()["handoffs"]
    assert [h["to_agency"]["name"] for h in owner] == [wash_cao.name]
    handed = police.get("/api/arrests/", {"handed_off": "true"}).json()["results"]
    assert [a["public_id"] for a in handed] == [arrest["public_id"]]
