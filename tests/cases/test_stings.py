"""Stings: operations with participants, arrests in bulk, duplicates, hand-off to prosecution."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import Arrest, Case, HandOff, Person
from cases.selectors.people import likely_duplicates
from cases.services.arrests import arrests_create
from cases.services.handoffs import handoff_create
from cases.services.operations import operation_create, operation_participants_set
from cases.services.people import PersonData, person_create
from taskforce import access
from taskforce.models import AgencyKind, AuditEvent, Role
from tests.factories import AgencyFactory, member, search, verified_login
from tests.stings_fixtures import arrest_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def woodbury(db):
    return AgencyFactory(name="Woodbury Police Department", kind=AgencyKind.LAW_ENFORCEMENT)


@pytest.fixture
def woodbury_liaison(woodbury):
    return member(woodbury, Role.POLICE_LIAISON, username="woodbury_liaison")


@pytest.fixture
def oakdale_liaison(db):
    oakdale = AgencyFactory(name="Oakdale Police Department", kind=AgencyKind.LAW_ENFORCEMENT)
    return member(oakdale, Role.POLICE_LIAISON, username="oakdale_liaison")


# --- Operations ------------------------------------------------------------------------------


def test_an_operation_cannot_end_before_it_starts(sheriff_liaison):
    with pytest.raises(ValidationError) as raised:
        operation_create(
            actor=sheriff_liaison,
            name="Backwards",
            kind="buyer_sting",
            starts_on=dt.date(2026, 3, 10),
            ends_on=dt.date(2026, 3, 1),
        )
    assert "ends_on" in raised.value.message_dict


def test_the_form_shows_the_date_error_beside_the_field(client, sheriff_liaison, washington):
    verified_login(client, sheriff_liaison)
    response = client.post(
        reverse("cases:operation_create"),
        {"name": "Backwards", "kind": "buyer_sting", "starts_on": "2026-03-10",
         "ends_on": "2026-03-01", "ads_posted": 0, "responses": 0, "contacts": 0},
    )  # fmt: skip
    assert "before the start date" in str(response.context["form"].errors["ends_on"])
    assert not access.visible(sheriff_liaison, type(response.context["form"].instance)).exists()


def test_participants_see_the_operation_and_its_arrests_and_others_do_not(
    sheriff_liaison, woodbury, woodbury_liaison, oakdale_liaison, operation, make_arrests
):
    arrests = make_arrests(sheriff_liaison, operation, 3)
    operation_participants_set(actor=sheriff_liaison, operation=operation, agencies=[woodbury])

    assert access.can(woodbury_liaison, access.Action.VIEW, operation)
    assert set(access.visible(woodbury_liaison, Arrest)) == set(arrests)
    assert access.can(woodbury_liaison, access.Action.VIEW, arrests[0].arrestee)
    assert not access.can(woodbury_liaison, access.Action.CHANGE, arrests[0])
    assert not access.visible(oakdale_liaison, Arrest).exists()
    assert not access.visible(oakdale_liaison, Person).exists()

    operation_participants_set(actor=sheriff_liaison, operation=operation, agencies=[])
    assert not access.visible(woodbury_liaison, Arrest).exists()


def test_a_participant_adds_its_own_arrests_and_the_lead_sees_them(
    sheriff_liaison, woodbury, woodbury_liaison, operation, washington, patron_13_15
):
    operation_participants_set(actor=sheriff_liaison, operation=operation, agencies=[woodbury])
    [arrest] = arrests_create(
        actor=woodbury_liaison,
        operation=operation,
        arresting_agency=woodbury,
        rows=[arrest_row(washington, patron_13_15, 1)],
    )
    assert arrest.owner_agency == woodbury
    assert access.can(sheriff_liaison, access.Action.VIEW, arrest)
    assert not access.can(sheriff_liaison, access.Action.CHANGE, arrest)


def test_an_outsider_cannot_add_arrests_to_an_operation(
    oakdale_liaison, operation, sheriff, washington, patron_13_15
):
    with pytest.raises(access.NotFound):
        arrests_create(
            actor=oakdale_liaison,
            operation=operation,
            arresting_agency=sheriff,
            rows=[arrest_row(washington, patron_13_15, 1)],
        )
    assert not Arrest.objects.exists()


# --- Arrests: validation, all or nothing ----------------------------------------------------


def test_a_batch_with_one_bad_row_saves_nothing(
    sheriff_liaison, operation, sheriff, washington, patron_13_15
):
    rows = [arrest_row(washington, patron_13_15, n) for n in range(1, 5)]
    rows[2].arrested_at = timezone.now() + dt.timedelta(hours=2)
    with pytest.raises(ValidationError):
        arrests_create(
            actor=sheriff_liaison, operation=operation, arresting_agency=sheriff, rows=rows
        )
    assert "arrested_at" in rows[2].errors
    assert not Arrest.objects.exists()
    assert not Person.objects.exists()


def test_booking_numbers_are_unique_per_agency_in_the_batch_and_on_record(
    sheriff_liaison, operation, sheriff, washington, patron_13_15, make_arrests
):
    make_arrests(sheriff_liaison, operation, 1, start=1)  # B-0001 on record
    rows = [arrest_row(washington, patron_13_15, n) for n in (1, 2, 2)]
    with pytest.raises(ValidationError):
        arrests_create(
            actor=sheriff_liaison, operation=operation, arresting_agency=sheriff, rows=rows
        )
    assert "already has an arrest with booking number B-0001" in rows[0].errors["booking_number"][0]
    assert not rows[1].errors
    assert "appears twice" in rows[2].errors["booking_number"][0]
    assert Arrest.objects.count() == 1


def test_the_decoy_age_and_birth_date_are_checked(
    sheriff_liaison, operation, sheriff, washington, patron_13_15
):
    row = arrest_row(
        washington, patron_13_15, 1, decoy_stated_age=140, date_of_birth=dt.date(2100, 1, 1)
    )
    with pytest.raises(ValidationError):
        arrests_create(
            actor=sheriff_liaison, operation=operation, arresting_agency=sheriff, rows=[row]
        )
    assert set(row.errors) == {"decoy_stated_age", "date_of_birth"}


def test_the_arresting_agency_must_be_police(
    sheriff_liaison, operation, washington, patron_13_15, wash_cao
):
    with pytest.raises(ValidationError) as raised:
        arrests_create(
            actor=sheriff_liaison,
            operation=operation,
            arresting_agency=wash_cao,
            rows=[arrest_row(washington, patron_13_15, 1)],
        )
    assert "arresting_agency" in raised.value.message_dict


# --- People: likely duplicates --------------------------------------------------------------


def test_likely_duplicates_match_name_and_birth_date_or_a_phone(sheriff_liaison):
    known = person_create(
        actor=sheriff_liaison,
        data=PersonData(
            first_name="José",
            last_name="O'Neil",
            date_of_birth=dt.date(1985, 6, 2),
            identifiers=(("phone", "(651) 555-0142"), ("handle", "@nightowl")),
        ),
    )
    find = lambda **kw: likely_duplicates(actor=sheriff_liaison, **kw)  # noqa: E731
    assert find(first_name="jose", last_name="ONeil", date_of_birth=dt.date(1985, 6, 2)) == [known]
    assert find(first_name="Jose", last_name="O'Neil") == [known]  # no birth date typed
    assert find(first_name="Jose", last_name="O'Neil", date_of_birth=dt.date(1990, 1, 1)) == []
    assert find(first_name="X", last_name="Y", identifiers=(("phone", "+1 651-555-0142"),)) == [
        known
    ]
    assert find(first_name="X", last_name="Y", identifiers=(("handle", "NightOwl"),)) == [known]


def test_duplicates_never_reveal_people_of_other_agencies(sheriff_liaison, oakdale_liaison):
    person_create(actor=sheriff_liaison, data=PersonData(first_name="Ann", last_name="Lee"))
    assert likely_duplicates(actor=oakdale_liaison, first_name="Ann", last_name="Lee") == []


# --- Hand-off ---------------------------------------------------------------------------------


def test_handing_off_opens_an_intake_case_per_arrest_in_the_prosecution_agency(
    client, sheriff_liaison, operation, make_arrests, wash_cao, wash_prosecutor, ramsey_prosecutor
):
    arrests = make_arrests(sheriff_liaison, operation, 3)
    handoffs = handoff_create(actor=sheriff_liaison, arrests=arrests[:2], to_agency=wash_cao)

    cases = Case.objects.filter(owner_agency=wash_cao).order_by("number")
    assert [c.number for c in cases] == [f"INT-{timezone.localdate():%Y}-00001",
                                         f"INT-{timezone.localdate():%Y}-00002"]  # fmt: skip
    assert {c.status for c in cases} == {"intake"}
    # The caption names the defendant from the person's record; the case stores no name.
    assert cases[0].title == "" and cases[0].caption.startswith("State v. Buyer0")
    assert {h.arrest for h in handoffs} == set(arrests[:2])
    # The prosecutors see the arrests and arrestees handed to them, and no more.
    assert set(access.visible(wash_prosecutor, Arrest)) == set(arrests[:2])
    assert access.can(wash_prosecutor, access.Action.VIEW, arrests[0].arrestee)
    assert not access.can(wash_prosecutor, access.Action.VIEW, arrests[2])
    assert not access.visible(ramsey_prosecutor, Arrest).exists()
    # The intake queue shows them; the referring agency keeps its hand-off records.
    verified_login(client, wash_prosecutor)
    page = client.get(reverse("cases:intake")).content.decode()
    assert arrests[0].arrestee.last_name in page and arrests[2].arrestee.last_name not in page
    assert set(access.visible(sheriff_liaison, HandOff)) == set(handoffs)
    assert AuditEvent.objects.filter(action="arrest.handed_off").count() == 2


def test_one_case_for_several_arrests_when_asked(
    sheriff_liaison, operation, make_arrests, wash_cao
):
    arrests = make_arrests(sheriff_liaison, operation, 3)
    handoffs = handoff_create(
        actor=sheriff_liaison, arrests=arrests, to_agency=wash_cao, one_case=True
    )
    assert len({h.case_id for h in handoffs}) == 1
    assert handoffs[0].case.caption.endswith("and 2 others")


def test_an_arrest_goes_to_the_same_office_once_and_only_to_prosecutors(
    sheriff_liaison, operation, make_arrests, wash_cao, woodbury
):
    [arrest] = make_arrests(sheriff_liaison, operation, 1)
    handoff_create(actor=sheriff_liaison, arrests=[arrest], to_agency=wash_cao)
    with pytest.raises(ValidationError, match="Already handed"):
        handoff_create(actor=sheriff_liaison, arrests=[arrest], to_agency=wash_cao)
    with pytest.raises(ValidationError, match="prosecution agency"):
        handoff_create(actor=sheriff_liaison, arrests=[arrest], to_agency=woodbury)
    assert Case.objects.count() == 1


def test_only_the_arrests_agency_can_hand_it_off(
    client, sheriff_liaison, operation, make_arrests, wash_cao, woodbury, woodbury_liaison
):
    [arrest] = make_arrests(sheriff_liaison, operation, 1)
    operation_participants_set(actor=sheriff_liaison, operation=operation, agencies=[woodbury])
    with pytest.raises(access.Forbidden):
        handoff_create(actor=woodbury_liaison, arrests=[arrest], to_agency=wash_cao)
    verified_login(client, woodbury_liaison)
    url = reverse("cases:handoff_new") + f"?arrest={arrest.public_id}"
    assert client.get(url).status_code == 403


def test_the_hand_off_page_hands_off_and_reports_where(
    client, sheriff_liaison, operation, make_arrests, wash_cao
):
    arrests = make_arrests(sheriff_liaison, operation, 2)
    verified_login(client, sheriff_liaison)
    response = client.post(
        reverse("cases:handoff_new"),
        {
            "arrest": [str(a.public_id) for a in arrests],
            "to_agency": wash_cao.pk,
            "note": "Both buyers",
        },
        follow=True,
    )
    assert "2 arrests handed to Washington County Attorney" in response.content.decode()
    assert HandOff.objects.filter(to_agency=wash_cao).count() == 2


# --- Lists and search -------------------------------------------------------------------------


def test_arrests_are_found_by_name_phone_handle_and_booking_number(
    client, sheriff_liaison, operation, sheriff, washington, patron_13_15
):
    rows = [
        arrest_row(washington, patron_13_15, 1, last_name="Lindqvist", phone="651-555-0199"),
        arrest_row(washington, patron_13_15, 2, last_name="Okafor", handle="@bluecar77"),
    ]
    arrests_create(actor=sheriff_liaison, operation=operation, arresting_agency=sheriff, rows=rows)
    verified_login(client, sheriff_liaison)

    def found(q):
        page = search(client, reverse("cases:arrest_list"), q).context["page"]
        return [a.arrestee.last_name for a in page.rows]

    assert found("LINDQVIST") == ["Lindqvist"]  # a whole name: names are encrypted
    assert found("(651) 555-0199") == ["Lindqvist"]
    assert found("bluecar77") == ["Okafor"]
    assert found("B-0002") == ["Okafor"]
    assert found("nobody") == []


def test_arrest_filters_by_county_date_and_hand_off(
    client, sheriff_liaison, operation, make_arrests, ramsey, wash_cao
):
    washington_arrests = make_arrests(sheriff_liaison, operation, 2, start=1)
    make_arrests(sheriff_liaison, operation, 3, start=10, county=ramsey)
    handoff_create(actor=sheriff_liaison, arrests=washington_arrests[:1], to_agency=wash_cao)
    verified_login(client, sheriff_liaison)

    def total(**params):
        return client.get(reverse("cases:arrest_list"), params).context["page"].total

    assert total() == 5
    assert total(county=ramsey.pk) == 3
    assert total(handed_off="yes") == 1
    assert total(handed_off="no") == 4
    today = timezone.localdate()
    assert total(arrested_from=today.isoformat()) == 0
    bad = client.get(
        reverse("cases:arrest_list"), {"arrested_from": "2026-05-02", "arrested_to": "2026-05-01"}
    )
    assert "before its start" in str(bad.context["form"].errors["arrested_to"])


def test_operation_detail_counts_arrests_by_charge_and_county(
    client, sheriff_liaison, operation, make_arrests, ramsey
):
    make_arrests(sheriff_liaison, operation, 2, start=1)
    make_arrests(sheriff_liaison, operation, 1, start=5, county=ramsey)
    verified_login(client, sheriff_liaison)
    summary = client.get(reverse("cases:operation_detail", args=[operation.public_id])).context[
        "summary"
    ]
    assert [(r["county__name"], r["arrests"]) for r in summary.by_county] == [
        ("Washington", 2),
        ("Ramsey", 1),
    ]
    assert [(r["statute__citation"], r["arrests"]) for r in summary.by_statute] == [
        ("609.324 subd. 1(b)", 3)
    ]


def test_correcting_an_arrest_time_is_versioned_and_audited(
    client, sheriff_liaison, operation, make_arrests
):
    [arrest] = make_arrests(sheriff_liaison, operation, 1)
    verified_login(client, sheriff_liaison)
    url = reverse("cases:arrest_edit", args=[arrest.public_id])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "id"}
    data |= {"arrested_at": "2026-03-05T23:30", "county": arrest.county_id, "version": 1}
    data["decoy_age_stated_at"] = ""
    assert client.post(url, data).status_code == 302
    arrest.refresh_from_db()
    assert timezone.localtime(arrest.arrested_at).strftime("%H:%M") == "23:30"
    assert AuditEvent.objects.filter(action="arrest.changed", target_id=arrest.pk).exists()

    stale = client.post(url, data | {"arrested_at": "2026-03-05T22:00"})
    assert "changed this arrest" in stale.content.decode()
    future = client.post(url, data | {"version": 2, "arrested_at": "2099-01-01T00:00"})
    assert "in the future" in str(future.context["form"].errors["arrested_at"])


def test_a_hand_off_opens_for_both_sides_and_is_404_for_anyone_else(
    client, sheriff_liaison, operation, make_arrests, wash_cao, wash_prosecutor, ramsey_prosecutor
):
    [arrest] = make_arrests(sheriff_liaison, operation, 1)
    [handoff] = handoff_create(actor=sheriff_liaison, arrests=[arrest], to_agency=wash_cao)
    url = reverse("cases:handoff_detail", args=[handoff.public_id])
    verified_login(client, sheriff_liaison)
    assert client.get(url)["Location"] == reverse("cases:arrest_detail", args=[arrest.public_id])
    verified_login(client, wash_prosecutor)
    assert client.get(url)["Location"] == reverse("cases:arrest_detail", args=[arrest.public_id])
    verified_login(client, ramsey_prosecutor)
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("cases:person_detail", args=[arrest.arrestee.public_id])).status_code
        == 404
    )
