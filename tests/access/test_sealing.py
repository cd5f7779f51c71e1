"""Sealed records: gone from every channel for everyone but administrators; expunged for good."""

import pytest
from django.apps import apps
from django.urls import reverse

from cases.models import Case
from cases.services.cases import case_create
from cases.services.people import PersonData, person_create
from taskforce import access
from taskforce.models import AuditEvent
from taskforce.sealing import record_expunge, record_seal, record_unseal
from tests.factories import UserFactory, search, verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(db):
    return UserFactory(username="administrator", is_staff=True, is_superuser=True)


@pytest.fixture
def case(wash_prosecutor):
    return case_create(actor=wash_prosecutor, number="26-CR-90", title="State v. Sealed")


def channels(client, case):
    """What the owner's prosecutor gets from each channel: page, list, search, export, API."""
    page = client.get(reverse("cases:detail", args=[case.public_id])).status_code
    listed = "State v. Sealed" in client.get(reverse("cases:list")).content.decode()
    found = "State v. Sealed" in search(client, reverse("cases:list"), "Sealed").content.decode()
    export = client.get(reverse("cases:export"))
    exported = "State v. Sealed" in b"".join(export.streaming_content).decode()
    api = client.get(f"/api/cases/{case.public_id}/").status_code
    return page, listed, found, exported, api


def test_a_sealed_case_is_gone_from_every_channel_until_unsealed(
    client, case, wash_prosecutor, administrator
):
    verified_login(client, wash_prosecutor)
    assert channels(client, case) == (200, True, True, True, 200)
    record_seal(actor=administrator, obj=case, reason="Court order 26-0412")
    assert channels(client, case) == (404, False, False, False, 404)
    assert not access.visible(wash_prosecutor, Case).filter(pk=case.pk).exists()
    sealed = AuditEvent.objects.get(action="record.sealed")
    assert (sealed.actor, sealed.reason) == (administrator, "Court order 26-0412")
    record_unseal(actor=administrator, obj=case, reason="Order vacated")
    assert channels(client, case) == (200, True, True, True, 200)


def test_only_administrators_reach_the_sealing_page(client, case, wash_supervisor, administrator):
    verified_login(client, wash_supervisor)
    assert client.get(reverse("sealing")).status_code == 404
    act = reverse("sealing_act", args=[case.public_id, "unseal"])
    assert client.post(act, {"reason": "x"}).status_code == 404
    client.logout()
    verified_login(client, administrator)
    refused = client.post(reverse("sealing"), {"record": str(case.public_id), "reason": " "})
    assert refused.status_code == 200 and "This field is required" in refused.content.decode()
    done = client.post(reverse("sealing"), {"record": str(case.public_id), "reason": "Order"},
                       follow=True)  # fmt: skip
    assert "sealed." in done.content.decode() and str(case.public_id) in done.content.decode()
    case.refresh_from_db()
    assert case.sealed_at is not None


def test_expunging_a_person_removes_the_name_for_good(wash_prosecutor, administrator):
    phone = (("phone", "6515550100"),)
    data = PersonData(first_name="Dana", last_name="Quill", identifiers=phone)
    person = person_create(actor=wash_prosecutor, data=data)
    history = apps.get_model("cases", "PersonHistory")
    assert history.objects.filter(pgh_obj_id=person.pk).exists()
    record_expunge(actor=administrator, obj=person, reason="Expungement order 26-77")
    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.date_of_birth) == (
        "(expunged)", "(expunged)", None,
    )  # fmt: skip
    assert not person.identifiers.exists() and person.sealed_at is not None
    assert not history.objects.filter(pgh_obj_id=person.pk).exists()
    assert not access.can(wash_prosecutor, access.Action.VIEW, person)
    trail = " ".join(str(row) for row in AuditEvent.objects.values())
    assert "Quill" not in trail and "6515550100" not in trail
