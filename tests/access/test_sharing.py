"""Sharing: given with a reason, seen by both sides, revocable, lapsing on time, all audited."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseGroupObjectPermission
from cases.services.cases import case_create
from taskforce import access
from taskforce.models import AuditEvent, Role, Share, ShareLevel
from tests.factories import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(wash_prosecutor):
    return case_create(actor=wash_prosecutor, number="26-CR-7", title="State v. Kline")


def test_sharing_lets_the_other_agency_see_it_and_records_who_and_why(
    client, case, wash_prosecutor, ramsey_prosecutor, ramsey_cao
):
    assert not access.can(ramsey_prosecutor, access.Action.VIEW, case)
    verified_login(client, wash_prosecutor)
    response = client.post(
        reverse("cases:share", args=[case.public_id]),
        {"to_agency": ramsey_cao.pk, "level": ShareLevel.VIEW, "reason": "Buyer lives in Ramsey"},
    )
    assert response.status_code == 302
    assert access.can(ramsey_prosecutor, access.Action.VIEW, case)
    assert not access.can(ramsey_prosecutor, access.Action.CHANGE, case)
    event = AuditEvent.objects.get(action="share.granted")
    assert (event.actor, event.reason, event.target_id) == (
        wash_prosecutor,
        "Buyer lives in Ramsey",
        case.pk,
    )
    assert event.ip_address == "127.0.0.1"

    detail = client.get(reverse("cases:detail", args=[case.public_id])).content.decode()
    assert "Ramsey County Attorney" in detail
    assert "Buyer lives in Ramsey" in detail


def test_both_agencies_see_the_share_in_their_shared_lists(
    client, case, wash_prosecutor, ramsey_prosecutor, ramsey_cao
):
    access.share(actor=wash_prosecutor, obj=case, to_agency=ramsey_cao, reason="Joint charging")
    verified_login(client, ramsey_prosecutor)
    assert [s.object_id for s in client.get(reverse("shares")).context["shared_with_us"]] == [
        case.pk
    ]
    verified_login(client, wash_prosecutor)
    assert [s.object_id for s in client.get(reverse("shares")).context["shared_by_us"]] == [case.pk]


def test_revoking_ends_access_at_once(client, case, wash_prosecutor, ramsey_prosecutor, ramsey_cao):
    share = access.share(actor=wash_prosecutor, obj=case, to_agency=ramsey_cao, reason="Review")
    verified_login(client, wash_prosecutor)
    client.post(reverse("share_revoke", args=[share.public_id]), {"reason": "Review done"})
    assert not access.can(ramsey_prosecutor, access.Action.VIEW, case)
    assert not CaseGroupObjectPermission.objects.exists()
    assert AuditEvent.objects.filter(action="share.revoked", reason="Review done").exists()
    verified_login(client, ramsey_prosecutor)
    assert client.get(reverse("cases:detail", args=[case.public_id])).status_code == 404


def test_the_receiving_agency_cannot_revoke_or_reshare(
    client, case, wash_prosecutor, ramsey_prosecutor, ramsey_cao, woodbury_pd
):
    share = access.share(actor=wash_prosecutor, obj=case, to_agency=ramsey_cao, reason="Review")
    verified_login(client, ramsey_prosecutor)
    assert client.post(reverse("share_revoke", args=[share.public_id])).status_code == 403
    with pytest.raises(access.Forbidden):
        access.share(actor=ramsey_prosecutor, obj=case, to_agency=woodbury_pd, reason="Pass it on")
    assert Share.objects.filter(revoked_at__isnull=True).count() == 1


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"reason": "  "}, "reason", "Say why this record is shared"),
        ({"expires_at": "2000-01-01T00:00"}, "expires_at", "must be in the future"),
    ],
)
def test_a_bad_share_is_refused_next_to_the_field_and_nothing_is_saved(
    client, case, wash_prosecutor, ramsey_cao, fields, field, message
):
    verified_login(client, wash_prosecutor)
    data = {"to_agency": ramsey_cao.pk, "level": ShareLevel.VIEW, "reason": "Joint"} | fields
    response = client.post(reverse("cases:share", args=[case.public_id]), data)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not Share.objects.exists()
    assert not CaseGroupObjectPermission.objects.exists()


def test_a_record_cannot_be_shared_with_its_own_agency(case, wash_prosecutor, wash_cao):
    with pytest.raises(ValidationError) as raised:
        access.share(actor=wash_prosecutor, obj=case, to_agency=wash_cao, reason="Us")
    assert "to_agency" in raised.value.message_dict


def test_sharing_again_replaces_the_terms(case, wash_prosecutor, ramsey_prosecutor, ramsey_cao):
    access.share(actor=wash_prosecutor, obj=case, to_agency=ramsey_cao, reason="Look")
    access.share(
        actor=wash_prosecutor,
        obj=case,
        to_agency=ramsey_cao,
        level=ShareLevel.CHANGE,
        reason="Co-counsel",
    )
    assert Share.objects.filter(revoked_at__isnull=True).get().reason == "Co-counsel"
    assert access.can(ramsey_prosecutor, access.Action.CHANGE, case)


def test_a_share_with_an_end_lapses_on_time_even_before_the_sweeper_runs(
    case, wash_prosecutor, ramsey_prosecutor, ramsey_cao
):
    start = timezone.now()
    ends = start + dt.timedelta(days=90)
    access.share(
        actor=wash_prosecutor,
        obj=case,
        to_agency=ramsey_cao,
        reason="Consent for 90 days",
        expires_at=ends,
    )
    with time_machine.travel(ends - dt.timedelta(minutes=1)):
        assert access.visible(ramsey_prosecutor, Case).filter(pk=case.pk).exists()
    with time_machine.travel(ends + dt.timedelta(seconds=1)):
        assert not access.visible(ramsey_prosecutor, Case).exists()
        assert not access.can(ramsey_prosecutor, access.Action.VIEW, case)
        assert CaseGroupObjectPermission.objects.exists()  # not swept yet, already refused

        assert access.expire_lapsed_grants() == 1
        assert not CaseGroupObjectPermission.objects.exists()
        assert AuditEvent.objects.filter(action="share.expired", target_id=case.pk).exists()


def test_a_person_assigned_from_another_agency_loses_access_when_they_move(
    case, wash_prosecutor, woodbury_liaison, ramsey_cao
):
    access.assign(actor=wash_prosecutor, obj=case, person=woodbury_liaison)
    assert access.can(woodbury_liaison, access.Action.VIEW, case)
    from taskforce.services import membership_start
    from tests.factories import AgencyFactory

    membership_start(
        user=woodbury_liaison,
        agency=AgencyFactory(kind="law_enforcement"),
        role=Role.POLICE_LIAISON,
    )
    assert not access.can(woodbury_liaison, access.Action.VIEW, case)


def test_the_shared_list_links_to_the_record_for_the_receiver(
    client, case, wash_prosecutor, ramsey_prosecutor, ramsey_cao
):
    access.share(actor=wash_prosecutor, obj=case, to_agency=ramsey_cao, reason="Joint")
    verified_login(client, ramsey_prosecutor)
    page = client.get(reverse("shares")).content.decode()
    assert f'href="{reverse("cases:detail", args=[case.public_id])}"' in page
    assert client.get(reverse("cases:detail", args=[case.public_id])).status_code == 200


def test_the_revoke_page_is_404_for_an_agency_with_no_part_in_the_share(
    client, case, wash_prosecutor, ramsey_cao, woodbury_liaison
):
    share = access.share(actor=wash_prosecutor, obj=case, to_agency=ramsey_cao, reason="Joint")
    verified_login(client, woodbury_liaison)
    assert client.get(reverse("share_revoke", args=[share.public_id])).status_code == 404
    verified_login(client, wash_prosecutor)
    page = client.get(reverse("share_revoke", args=[share.public_id])).content.decode()
    assert "<h1>Revoke Ramsey County Attorney&#x27;s Office's access?</h1>" in page


def test_the_batch_decision_agrees_with_the_one_record_decision(
    wash_prosecutor, wash_supervisor, ramsey_prosecutor, ramsey_cao, sheriff_liaison, advocate,
    coordinator, operation, make_arrests,
):  # fmt: skip
    """`viewable_pairs` (used by the reminder sweep) answers exactly as `can` for owned, shared,
    derived, foreign and lapsed access, and for a person who has left their agency."""
    from taskforce.services import membership_end

    own = case_create(actor=wash_prosecutor, number="26-CR-8", title="State v. Own")
    shared = case_create(actor=wash_prosecutor, number="26-CR-9", title="State v. Shared")
    lapsed = case_create(actor=wash_prosecutor, number="26-CR-10", title="State v. Lapsed")
    access.share(actor=wash_prosecutor, obj=shared, to_agency=ramsey_cao, reason="Venue")
    with time_machine.travel(timezone.now() - dt.timedelta(days=2)):
        access.share(actor=wash_prosecutor, obj=lapsed, to_agency=ramsey_cao, reason="Venue",
                     expires_at=timezone.now() + dt.timedelta(days=1))  # fmt: skip
    arrests = make_arrests(sheriff_liaison, operation, 2)
    people = [wash_prosecutor, wash_supervisor, ramsey_prosecutor, sheriff_liaison, advocate,
              coordinator]  # fmt: skip
    records = [own, shared, lapsed, *arrests]
    membership_end(membership=wash_prosecutor.membership)
    pairs = [(person, record) for person in people for record in records]
    expected = {
        (person.pk, type(record), record.pk) for person, record in pairs
        if access.can(type(person).objects.get(pk=person.pk), access.Action.VIEW, record)
    }  # fmt: skip
    assert access.viewable_pairs(pairs) == expected
    assert (ramsey_prosecutor.pk, Case, shared.pk) in expected
    assert (ramsey_prosecutor.pk, Case, lapsed.pk) not in expected
    assert (sheriff_liaison.pk, type(arrests[0]), arrests[0].pk) in expected
    assert not any(user == wash_prosecutor.pk for user, _, _ in expected)  # has left
