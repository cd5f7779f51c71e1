"""Cases over the API: sharing with another office and a supervisor's delete."""

import datetime as dt

import pytest

from cases.models import Case
from cases.services.cases import case_create
from cases.services.notices import case_victim_add
from cases.services.people import PersonData
from taskforce import access
from taskforce.models import AuditEvent, ShareLevel

pytestmark = pytest.mark.django_db


def test_case_share_and_delete(api, wash_prosecutor, wash_supervisor, ramsey_cao,
                               ramsey_prosecutor):  # fmt: skip
    case = case_create(actor=wash_prosecutor, number="26-CR-9", title="State v. Roe")
    path = f"/api/cases/{case.public_id}/"
    assert api(ramsey_prosecutor).get(path).status_code == 404
    assert api(ramsey_prosecutor).delete(path, "reason=x").status_code == 404
    shared = api(wash_prosecutor).post(path + "share/", {"to_agency": str(ramsey_cao.public_id),
                                                         "reason": "Conflict review"})  # fmt: skip
    assert shared.status_code == 201
    assert api(ramsey_prosecutor).get(path).status_code == 200
    # Sharing cannot be passed on, and another office may not delete.
    home = str(wash_prosecutor.membership.agency.public_id)
    passed_on = api(ramsey_prosecutor).post(path + "share/", {"to_agency": home, "reason": "x"})
    assert passed_on.status_code == 403
    assert api(ramsey_prosecutor).delete(path, "reason=x").status_code == 403
    no_reason = api(wash_supervisor).delete(path)
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["fields"]
    assert api(wash_supervisor).delete(path, "reason=Opened+in+error").status_code == 204
    assert not Case.objects.filter(pk=case.pk).exists()
    assert AuditEvent.objects.filter(action="case.deleted", reason="Opened in error").exists()


def test_a_case_shared_for_change_carries_nothing_of_the_owners_victims(
    api, wash_prosecutor, ramsey_cao, ramsey_prosecutor
):
    case = case_create(actor=wash_prosecutor, number="26-CR-40", title="State v. Quill")
    victim = case_victim_add(
        actor=wash_prosecutor, case=case, role="victim",
        data=PersonData(first_name="Zephyrine-Canary", last_name="Vantablack",
                        date_of_birth=dt.date(1987, 3, 14)),
    )  # fmt: skip
    access.share(actor=wash_prosecutor, obj=case, to_agency=ramsey_cao, level=ShareLevel.CHANGE,
                 reason="Co-counsel on the trial")  # fmt: skip
    client = api(ramsey_prosecutor)
    for path in [f"/api/cases/{case.public_id}/", "/api/cases/", "/api/people/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        assert "Zephyrine-Canary" not in body and "Vantablack" not in body, path
        assert "1987-03-14" not in body, path
    assert client.get(f"/api/people/{victim.person.public_id}/").status_code == 404
