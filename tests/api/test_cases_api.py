"""Cases over the API: sharing with another office and a supervisor's delete."""

import pytest

from cases.models import Case
from cases.services.cases import case_create
from taskforce.models import AuditEvent

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
