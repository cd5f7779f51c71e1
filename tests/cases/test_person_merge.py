"""Merging a duplicate person (issue #19 §3): a supervisor of the agency owning both moves every
reference to the person kept in one transaction; the duplicate becomes a hidden tombstone that
redirects to the kept person; the merge is audited and can be undone, exactly, for 30 days."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    Arrest,
    CaseDefendant,
    Charge,
    IdentifierKind,
    Person,
    PersonIdentifier,
    PersonMerge,
)
from cases.models.people import person_references
from cases.selectors.people import likely_duplicates, people_matching
from cases.services.cases import case_create
from cases.services.people import (
    PersonData,
    person_create,
    person_identifier_add,
    person_merge,
    person_merge_undo,
)
from referrals.models import Referral
from referrals.services import referral_send
from taskforce import access
from taskforce.models import AuditEvent, Role, ShareLevel, StaleVersion
from taskforce.sealing import record_seal
from tests.factories import member, verified_login
from victims.models import Victim
from victims.services import victim_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheriff_supervisor(sheriff):
    return member(sheriff, Role.SUPERVISOR, username="wcso_supervisor")


@pytest.fixture
def pair(sheriff_liaison, operation, make_arrests):
    """Two arrestees of the sheriff's sting: Buyer01 (kept) and Buyer02 (the duplicate)."""
    first, second = make_arrests(sheriff_liaison, operation, 2)
    return first.arrestee, second.arrestee


@pytest.fixture
def duplicate_records(pair, sheriff_liaison, wash_prosecutor, advocate, advocacy_center,
                      patron_13_15):  # fmt: skip
    """Everything that can point at the duplicate: a case and a charge, a referral and the
    advocacy center's victim record, identifiers (one of them the kept person's too)."""
    keep, merge = pair
    person_identifier_add(person=keep, kind=IdentifierKind.PHONE, value="651-555-0101")
    person_identifier_add(person=merge, kind=IdentifierKind.PHONE, value="(651) 555-0101")
    person_identifier_add(person=merge, kind=IdentifierKind.HANDLE, value="@lakeview_pat")
    case = case_create(actor=wash_prosecutor, number="26-CR-77", title="State v. Buyer")
    CaseDefendant.objects.create(case=case, person=merge)
    charge = Charge.objects.create(
        case=case, defendant=merge, statute=patron_13_15, count_number=1,
        level=patron_13_15.level, filed_on=timezone.localdate(), created_by=wash_prosecutor,
    )  # fmt: skip
    referral = referral_send(
        actor=sheriff_liaison, person=merge, to_agency=advocacy_center, source="police",
        reason="Met at the sting",
    )  # fmt: skip
    victim = victim_create(actor=advocate, person=merge, identified_how="sting")
    return {"case": case, "charge": charge, "referral": referral, "victim": victim}


def merge_now(actor, keep, merge):
    keep.refresh_from_db()
    merge.refresh_from_db()
    return person_merge(
        actor=actor, keep=keep, merge=merge, keep_version=keep.version,
        merge_version=merge.version,
    )  # fmt: skip


def where_everything_points(merge):
    return {
        label: sorted(model.objects.filter(**{field: merge}).values_list("pk", flat=True))
        for model, field in person_references()
        for label in [f"{model._meta.label}.{field}"]
    }


def test_every_reference_to_a_person_is_known():
    found = {(model._meta.label, field) for model, field in person_references()}
    assert found == {
        ("cases.Arrest", "arrestee"), ("cases.CaseDefendant", "person"),
        ("cases.Charge", "defendant"), ("cases.CaseVictim", "person"),
        ("cases.RunawayReport", "youth"), ("victims.Victim", "person"),
        ("referrals.Referral", "person"),
        # A request for access follows the person: made from the kept record, or asking for it.
        ("cases.AccessRequest", "subject"), ("cases.AccessRequestMatch", "person"),
    }  # fmt: skip


def test_merge_moves_every_reference_and_leaves_a_tombstone(
    pair, duplicate_records, sheriff_supervisor
):
    keep, merge = pair
    merge_arrest = Arrest.objects.get(arrestee=merge)
    record = merge_now(sheriff_supervisor, keep, merge)

    assert Arrest.objects.get(pk=merge_arrest.pk).arrestee == keep
    assert CaseDefendant.objects.get(case=duplicate_records["case"]).person == keep
    assert Charge.objects.get(pk=duplicate_records["charge"].pk).defendant == keep
    assert Referral.objects.get(pk=duplicate_records["referral"].pk).person == keep
    assert Victim.objects.get(pk=duplicate_records["victim"].pk).person == keep
    assert all(not pks for pks in where_everything_points(merge).values())
    # The phone both had is listed once; the duplicate's copy stays with the tombstone.
    kinds = sorted(keep.identifiers.values_list("kind", flat=True))
    assert kinds.count(IdentifierKind.PHONE) == 1 and IdentifierKind.HANDLE in kinds
    assert list(merge.identifiers.values_list("kind", flat=True)) == [IdentifierKind.PHONE]
    assert record.identifiers_kept_apart == list(merge.identifiers.values_list("pk", flat=True))

    merge.refresh_from_db()
    assert merge.merged_into == keep and merge.merged_at is not None and merge.is_hidden


def test_a_tombstone_is_gone_from_lists_searches_and_duplicate_checks(
    pair, sheriff_supervisor, sheriff_liaison
):
    keep, merge = pair
    merge_now(sheriff_supervisor, keep, merge)
    assert list(access.visible(sheriff_liaison, Person)) == [keep]
    assert merge not in people_matching(actor=sheriff_liaison, text="Buyer02 Pat")
    assert not likely_duplicates(
        actor=sheriff_liaison, first_name="Pat", last_name="Buyer02",
        date_of_birth=dt.date(1980, 1, 3),
    )  # fmt: skip
    with pytest.raises(access.NotFound):
        access.get_for(sheriff_liaison, Person, merge.public_id)


def test_the_tombstone_page_redirects_to_the_kept_person_for_who_may_see_it(
    client, pair, sheriff_supervisor, sheriff_liaison, ramsey_prosecutor
):
    keep, merge = pair
    merge_now(sheriff_supervisor, keep, merge)
    verified_login(client, sheriff_liaison)
    response = client.get(reverse("cases:person_detail", args=[merge.public_id]), follow=True)
    assert response.redirect_chain == [(reverse("cases:person_detail", args=[keep.public_id]), 302)]
    assert "merged into" in response.content.decode()
    client.logout()
    verified_login(client, ramsey_prosecutor)
    assert client.get(reverse("cases:person_detail", args=[merge.public_id])).status_code == 404


def test_undo_puts_back_exactly_what_moved(
    pair, duplicate_records, sheriff_supervisor, sheriff_liaison, woodbury_pd
):
    keep, merge = pair
    before = where_everything_points(merge)
    kept_before = where_everything_points(keep)
    identifiers_before = {
        person.pk: sorted(person.identifiers.values_list("pk", flat=True)) for person in pair
    }
    access.share(actor=sheriff_liaison, obj=merge, to_agency=woodbury_pd, level=ShareLevel.VIEW,
                 reason="Their case too")  # fmt: skip
    record = merge_now(sheriff_supervisor, keep, merge)
    assert record.shares_moved and record.group_grants_moved

    back = person_merge_undo(actor=sheriff_supervisor, merge_record=record)

    assert back.merged_into is None and not back.is_hidden
    assert where_everything_points(merge) == before
    assert where_everything_points(keep) == kept_before
    assert {
        person.pk: sorted(person.identifiers.values_list("pk", flat=True)) for person in pair
    } == identifiers_before
    woodbury = member(woodbury_pd, Role.POLICE_LIAISON, username="woodbury_reader")
    assert access.can(woodbury, access.Action.VIEW, back)
    assert not access.can(woodbury, access.Action.VIEW, keep)
    record.refresh_from_db()
    assert record.undone_at is not None and record.undone_by == sheriff_supervisor
    with pytest.raises(ValidationError, match="already been undone"):
        person_merge_undo(actor=sheriff_supervisor, merge_record=record)


def test_undo_is_refused_after_thirty_days(pair, sheriff_supervisor):
    keep, merge = pair
    made = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)
    with time_machine.travel(made, tick=False):
        record = merge_now(sheriff_supervisor, keep, merge)
    with time_machine.travel(made + dt.timedelta(days=29, hours=23), tick=False):
        assert record.may_be_undone()
    late = time_machine.travel(made + dt.timedelta(days=30, minutes=1), tick=False)
    with late, pytest.raises(ValidationError, match="can no longer be undone"):
        person_merge_undo(actor=sheriff_supervisor, merge_record=record)
    merge.refresh_from_db()
    assert merge.merged_into == keep


def test_only_a_supervisor_of_the_owning_agency_may_merge(pair, sheriff_liaison, wash_supervisor):
    keep, merge = pair
    for actor in (sheriff_liaison, wash_supervisor):
        with pytest.raises(access.NotFound):
            merge_now(actor, keep, merge)
    merge.refresh_from_db()
    assert merge.merged_into is None


def test_people_of_two_agencies_are_not_merged(pair, sheriff_supervisor, wash_prosecutor):
    keep, _ = pair
    elsewhere = person_create(
        actor=wash_prosecutor, data=PersonData(first_name="Pat", last_name="Buyer01")
    )
    with pytest.raises(access.NotFound):
        merge_now(sheriff_supervisor, keep, elsewhere)
    with pytest.raises(access.NotFound):
        merge_now(sheriff_supervisor, elsewhere, keep)


def test_a_stale_version_is_refused(pair, sheriff_supervisor):
    keep, merge = pair
    with pytest.raises(StaleVersion):
        person_merge(actor=sheriff_supervisor, keep=keep, merge=merge,
                     keep_version=keep.version - 1 or 99, merge_version=merge.version)  # fmt: skip
    assert not PersonMerge.objects.exists()


def test_a_sealed_person_is_not_merged(pair, sheriff_supervisor, django_user_model):
    keep, merge = pair
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "x")
    record_seal(actor=admin, obj=merge, reason="Court order")
    with pytest.raises(access.NotFound):
        merge_now(sheriff_supervisor, keep, merge)


def test_two_defendants_of_one_case_are_refused_rather_than_dropped(
    pair, duplicate_records, sheriff_supervisor
):
    keep, merge = pair
    CaseDefendant.objects.create(case=duplicate_records["case"], person=keep)
    with pytest.raises(ValidationError, match="Take the duplicate off it first"):
        merge_now(sheriff_supervisor, keep, merge)
    assert CaseDefendant.objects.filter(person=merge).exists()


def test_merge_and_undo_are_audited_without_names(pair, duplicate_records, sheriff_supervisor):
    keep, merge = pair
    record = merge_now(sheriff_supervisor, keep, merge)
    person_merge_undo(actor=sheriff_supervisor, merge_record=record)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"person.merged", "person.merged_into", "person.merge_undone", "person.unmerged",
            "referral.person_merged", "victim.person_merged"} <= actions  # fmt: skip
    for event in AuditEvent.objects.filter(action__contains="merge"):
        text = f"{event.target_label} {event.changes}"
        assert "Buyer0" not in text and "Pat" not in text
    assert PersonIdentifier.objects.filter(person=merge).count() == 3  # phone, handle, booking


# --- Pages ----------------------------------------------------------------------------------


def merge_url(person):
    return reverse("cases:person_merge", args=[person.public_id])


def confirm(keep, merge):
    keep.refresh_from_db()
    merge.refresh_from_db()
    return {"other": merge.public_id, "keep_version": keep.version,
            "merge_version": merge.version}  # fmt: skip


def test_a_supervisor_finds_compares_merges_and_undoes_on_the_pages(
    client, pair, duplicate_records, sheriff_supervisor
):
    keep, merge = pair
    verified_login(client, sheriff_supervisor)
    page = client.get(reverse("cases:person_detail", args=[keep.public_id])).content.decode()
    assert "Merge a duplicate into this person" in page and merge_url(keep) in page

    found = client.post(merge_url(keep), {"_filters": "1", "q": "Buyer02"}, follow=True)
    assert "Buyer02" not in found.redirect_chain[0][0]  # the words stay out of the address
    assert found.context["candidates"] == [merge]
    assert (
        keep not in client.get(merge_url(keep), {"q": "Buyer01"}, follow=True).context["candidates"]
    )
    compared = client.get(merge_url(keep), {"other": merge.public_id})
    counts = compared.context["other_counts"]
    # What the sheriff may see: its arrest, the referral it sent. The advocacy center's victim
    # record (privileged) and the county attorney's case are neither named nor counted.
    assert counts == {"arrests": 1, "referrals": 1, "identifiers": 3}

    done = client.post(merge_url(keep), confirm(keep, merge), follow=True)
    assert done.redirect_chain[-1][0] == reverse("cases:person_detail", args=[keep.public_id])
    page = done.content.decode()
    assert "was merged into this person" in page
    assert "Merged from Buyer02, Pat" in page and "undo until" in page
    record = PersonMerge.objects.get()
    undo = reverse("cases:person_merge_undo", args=[record.public_id])
    assert undo in page

    undone = client.post(undo, follow=True)
    assert undone.redirect_chain[-1][0] == reverse("cases:person_detail", args=[merge.public_id])
    assert "The merge was undone" in undone.content.decode()
    merge.refresh_from_db()
    assert merge.merged_into is None and Arrest.objects.filter(arrestee=merge).exists()


def test_a_stale_confirmation_merges_nothing_and_says_so(client, pair, sheriff_supervisor):
    keep, merge = pair
    verified_login(client, sheriff_supervisor)
    posted = confirm(keep, merge) | {"merge_version": merge.version + 5}
    response = client.post(merge_url(keep), posted, follow=True)
    assert "nothing was merged" in response.content.decode()
    assert not PersonMerge.objects.exists()


def test_who_is_not_a_supervisor_of_the_owning_agency_gets_404(
    client, pair, sheriff_supervisor, sheriff_liaison, wash_supervisor
):
    keep, merge = pair
    record = merge_now(sheriff_supervisor, keep, merge)
    other_keep = Person.objects.get(pk=keep.pk)
    undo = reverse("cases:person_merge_undo", args=[record.public_id])
    for actor in (sheriff_liaison, wash_supervisor):
        client.logout()
        verified_login(client, actor)
        assert client.get(merge_url(other_keep)).status_code == 404
        assert client.post(merge_url(other_keep), confirm(other_keep, merge)).status_code == 404
        assert client.post(undo).status_code == 404
    client.logout()
    verified_login(client, sheriff_liaison)
    page = client.get(reverse("cases:person_detail", args=[keep.public_id])).content.decode()
    assert "Merge a duplicate" not in page and undo not in page
    merge.refresh_from_db()
    assert merge.merged_into == keep


def test_a_person_of_another_agency_cannot_be_picked(
    client, pair, sheriff_supervisor, sheriff_liaison, wash_prosecutor, woodbury_pd
):
    keep, _ = pair
    elsewhere = person_create(
        actor=wash_prosecutor, data=PersonData(first_name="Pat", last_name="Buyer02")
    )
    access.share(actor=wash_prosecutor, obj=elsewhere, to_agency=keep.owner_agency,
                 level=ShareLevel.CHANGE, reason="Same buyer?")  # fmt: skip
    verified_login(client, sheriff_supervisor)
    # Shared with the sheriff, so seen, but another agency's: neither listed nor merged.
    assert (
        elsewhere
        not in client.get(merge_url(keep), {"q": "Buyer02"}, follow=True).context["candidates"]
    )
    assert client.get(merge_url(keep), {"other": elsewhere.public_id}).status_code == 404
    posted = {"other": elsewhere.public_id, "keep_version": keep.version,
              "merge_version": elsewhere.version}  # fmt: skip
    assert client.post(merge_url(keep), posted).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.merged_into is None
