"""Shares over the API, on every shareable record: the owning agency lists a record's shares and
revokes one; the receiving agency loses sight at once; anyone else gets 404."""

import pytest

from cases.services.cases import case_create
from taskforce.models import AuditEvent, Share
from tests.api.test_stings import import_row

pytestmark = pytest.mark.django_db
MISSING = "00000000-0000-4000-8000-000000000000"
NOT_FOUND = {"code": "not_found", "message": "Not found.", "fields": {}}


def police_record(kind):
    def make(api, get):
        police = api(get("sheriff_liaison"))
        if kind == "operations":
            made = police.post(
                "/api/operations/",
                {"name": "Lakeside", "kind": "buyer_sting", "starts_on": "2026-03-01"},
            ).json()
            public_id = made["public_id"]
        else:
            arrest = police.post("/api/arrests/import/", {"rows": [import_row(1)]}).json()[0]
            public_id = (
                arrest["public_id"] if kind == "arrests" else arrest["arrestee"]["public_id"]
            )
        return (
            get("sheriff_liaison"),
            get("woodbury_liaison"),
            get("ramsey_prosecutor"),
            (f"/api/{kind}/{public_id}/"),
        )

    return make


def case_record(api, get):
    case = case_create(actor=get("wash_prosecutor"), number="26-CR-7", title="State v. Roe")
    return (
        get("wash_prosecutor"),
        get("ramsey_prosecutor"),
        get("woodbury_liaison"),
        f"/api/cases/{case.public_id}/",
    )


RECORDS = {
    "operations": police_record("operations"),
    "arrests": police_record("arrests"),
    "people": police_record("people"),
    "cases": case_record,
}


@pytest.mark.parametrize("kind", list(RECORDS))
def test_owner_lists_and_revokes_shares_and_access_ends(api, request, kind):
    owner, receiver, outsider, path = RECORDS[kind](api, request.getfixturevalue)
    agency = receiver.membership.agency
    shared = api(owner).post(
        path + "share/", {"to_agency": str(agency.public_id), "reason": "Joint work"}
    )
    assert shared.status_code == 201, shared.json()
    share_id = shared.json()["public_id"]
    listed = api(owner).get(path + "shares/")
    assert listed.status_code == 200
    assert [(s["public_id"], s["to_agency"]["name"], s["created_by"]) for s in listed.json()] == [
        (share_id, agency.name, owner.username)
    ]
    assert api(receiver).get(path).status_code == 200
    # The receiving agency sees the record, not its shares, and may not revoke.
    assert api(receiver).get(path + "shares/").json() == []
    assert api(receiver).post(path + f"shares/{share_id}/revoke/", {}).status_code == 403
    # Anyone else: the same 404 as a missing record, on both verbs.
    missing = path.rsplit("/", 2)[0] + f"/{MISSING}/"
    for suffix, send in (("shares/", "get"), (f"shares/{share_id}/revoke/", "post")):
        hidden = getattr(api(outsider), send)(path + suffix)
        absent = getattr(api(outsider), send)(missing + suffix)
        assert hidden.status_code == absent.status_code == 404
        assert hidden.json() == absent.json() == NOT_FOUND
    too_long = api(owner).post(path + f"shares/{share_id}/revoke/", {"reason": "x" * 1001})
    assert too_long.status_code == 400 and "reason" in too_long.json()["fields"]

    revoked = api(owner).post(path + f"shares/{share_id}/revoke/", {"reason": "Work done"})
    assert revoked.status_code == 200 and revoked.json()["revoke_reason"] == "Work done"
    row = Share.objects.get(public_id=share_id)
    assert row.revoked_at is not None and row.revoked_by == owner
    assert api(receiver).get(path).status_code == 404
    assert api(owner).get(path + "shares/").json() == []
    assert AuditEvent.objects.filter(action="share.revoked", reason="Work done").exists()
    # Revoked already, unknown, or not an id: 404.
    for gone in (share_id, MISSING, "not-an-id"):
        assert api(owner).post(path + f"shares/{gone}/revoke/", {}).status_code == 404


def test_a_share_of_another_record_is_not_found_under_this_one(api, wash_prosecutor, ramsey_cao):
    first = case_create(actor=wash_prosecutor, number="26-CR-1", title="State v. One")
    second = case_create(actor=wash_prosecutor, number="26-CR-2", title="State v. Two")
    client = api(wash_prosecutor)
    share_id = client.post(
        f"/api/cases/{first.public_id}/share/",
        {"to_agency": str(ramsey_cao.public_id), "reason": "Review"},
    ).json()["public_id"]
    wrong = client.post(f"/api/cases/{second.public_id}/shares/{share_id}/revoke/", {})
    assert wrong.status_code == 404
    assert Share.objects.get(public_id=share_id).revoked_at is None
