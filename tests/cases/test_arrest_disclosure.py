"""Whom an arrest may be recorded for, and what its errors and hand-offs tell a viewer who may not
see every arrest (issue #18, class 5): a liaison records arrests for their own agency, or for a
partner only in an operation both take part in; a booking number held by an arrest the liaison
cannot see is refused without saying so; hand-offs to a case the viewer cannot open are not
named with the arrest."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Arrest, ArrestImport
from cases.services.arrests import BOOKING_NUMBER_UNUSABLE, NOT_YOUR_AGENCY, arrests_create
from cases.services.handoffs import handoff_create
from cases.services.operations import operation_create, operation_participants_set
from tests.cases.test_bulk_and_import import HEADER, bulk_post
from tests.factories import verified_login
from tests.stings_fixtures import arrest_row

pytestmark = pytest.mark.django_db

HIDDEN = BOOKING_NUMBER_UNUSABLE.format(number="B-0001")


@pytest.fixture
def hidden_arrest(sheriff_liaison, operation, make_arrests):
    """The sheriff's B-0001, in a sting Woodbury has no part in."""
    [arrest] = make_arrests(sheriff_liaison, operation, 1, start=1)
    return arrest


def upload(client, operation, agency, content: bytes):
    return client.post(
        reverse("cases:arrest_import"),
        {
            "operation": operation.pk if operation else "",
            "arresting_agency": agency.pk,
            "file": SimpleUploadedFile("sting.csv", content, content_type="text/csv"),
        },
    )


ROW_B0001 = "Buyer9,Pat,1980-01-09,2026-04-02 21:30,Washington,Woodbury,B-0001,booked,"
CSV_B0001 = HEADER + ROW_B0001 + "609.324 subd. 1(b),\n"


# --- Booking numbers held by an arrest the actor cannot see ---------------------------------


def test_a_booking_number_clash_with_a_hidden_arrest_is_refused_without_naming_it(
    woodbury_liaison, shared_sting, sheriff, hidden_arrest, washington, patron_13_15
):
    row = arrest_row(washington, patron_13_15, 1)  # booking number B-0001
    with pytest.raises(ValidationError):
        arrests_create(
            actor=woodbury_liaison, operation=shared_sting, arresting_agency=sheriff, rows=[row]
        )
    assert row.errors["booking_number"] == [HIDDEN]
    assert Arrest.objects.count() == 1


def test_the_bulk_form_does_not_confirm_a_hidden_arrest(
    client, woodbury_liaison, shared_sting, sheriff, hidden_arrest, washington, patron_13_15
):
    verified_login(client, woodbury_liaison)
    data = bulk_post(
        shared_sting, sheriff, washington, patron_13_15, [{"booking_number": "B-0001"}]
    )
    response = client.post(reverse("cases:arrest_bulk"), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["booking_number"] == [HIDDEN]
    assert "already has" not in response.content.decode()
    assert Arrest.objects.count() == 1


def test_the_import_preview_does_not_confirm_a_hidden_arrest(
    client, woodbury_liaison, shared_sting, sheriff, hidden_arrest
):
    verified_login(client, woodbury_liaison)
    staged = upload(client, shared_sting, sheriff, CSV_B0001.encode())
    assert staged.status_code == 302
    preview = client.get(staged["Location"])
    assert preview.context["rows"][0].errors == [HIDDEN]
    assert "already has" not in preview.content.decode()
    assert client.post(staged["Location"], {"confirm": "1"}).status_code == 200
    assert Arrest.objects.count() == 1


def test_the_owner_is_still_told_which_arrest_holds_the_number(
    client, sheriff_liaison, shared_sting, sheriff, hidden_arrest
):
    verified_login(client, sheriff_liaison)
    preview = client.get(upload(client, shared_sting, sheriff, CSV_B0001.encode())["Location"])
    assert preview.context["rows"][0].errors == [
        f"{sheriff.label} already has an arrest with booking number B-0001."
    ]


def test_a_correction_to_a_hidden_arrests_booking_number_names_no_arrest(
    client, woodbury_liaison, shared_sting, sheriff, hidden_arrest, washington, patron_13_15
):
    [mine] = arrests_create(
        actor=woodbury_liaison,
        operation=shared_sting,
        arresting_agency=sheriff,
        rows=[arrest_row(washington, patron_13_15, 2)],
    )
    verified_login(client, woodbury_liaison)
    page = reverse("cases:arrest_edit", kwargs={"public_id": mine.public_id})
    form = client.get(page).context["form"]
    data = {
        name: field.widget.format_value(form.initial.get(name)) or ""
        for name, field in form.fields.items()
    }
    data |= {"county": washington.pk, "booking_number": "B-0001", "version": mine.version}
    response = client.post(page, data)
    assert response.status_code == 200
    assert response.context["form"].errors["booking_number"] == [HIDDEN]
    mine.refresh_from_db()
    assert mine.booking_number == "B-0002"


# --- Whom a liaison may record arrests for ---------------------------------------------------


def test_the_form_offers_only_the_liaisons_agency_and_partners_in_a_shared_operation(
    client, woodbury_liaison, woodbury_pd, sheriff, oakdale_liaison_user, washington
):
    verified_login(client, woodbury_liaison)
    for name in ("cases:arrest_bulk", "cases:arrest_import"):
        page = client.get(reverse(name))
        form = page.context["header" if name == "cases:arrest_bulk" else "form"]
        assert list(form.fields["arresting_agency"].queryset) == [woodbury_pd]

    operation_create(
        actor=oakdale_liaison_user,
        name="Operation North",
        kind="buyer_sting",
        starts_on=dt.date(2026, 4, 1),
        counties=[washington],
        participants=[woodbury_pd],
    )
    page = client.get(reverse("cases:arrest_bulk"))
    offered = set(page.context["header"].fields["arresting_agency"].queryset)
    assert offered == {woodbury_pd, oakdale_liaison_user.membership.agency}
    assert sheriff not in offered


def test_a_liaison_cannot_post_arrests_for_another_agency_outside_a_shared_operation(
    client, woodbury_liaison, sheriff, washington, patron_13_15
):
    verified_login(client, woodbury_liaison)
    no_operation = type("NoOperation", (), {"pk": ""})()
    data = bulk_post(no_operation, sheriff, washington, patron_13_15, [{}])
    response = client.post(reverse("cases:arrest_bulk"), data)
    assert response.status_code == 200
    assert "arresting_agency" in response.context["header"].errors
    assert not Arrest.objects.exists()


def test_a_partner_named_for_a_sting_it_has_no_part_in_is_refused(
    client, woodbury_liaison, woodbury_pd, sheriff, shared_sting, washington, patron_13_15
):
    """Sheriff leads a sting with Woodbury, so Woodbury may name it there; not in Woodbury's own."""
    own = operation_create(
        actor=woodbury_liaison, name="Operation Own", kind="buyer_sting",
        starts_on=dt.date(2026, 4, 1), counties=[washington],
    )  # fmt: skip
    verified_login(client, woodbury_liaison)
    refused = client.post(
        reverse("cases:arrest_bulk"), bulk_post(own, sheriff, washington, patron_13_15, [{}])
    )
    assert refused.context["header"].errors["arresting_agency"] == [NOT_YOUR_AGENCY]
    assert not Arrest.objects.exists()

    saved = client.post(
        reverse("cases:arrest_bulk"),
        bulk_post(shared_sting, sheriff, washington, patron_13_15, [{}]),
    )
    assert saved.status_code == 302
    arrest = Arrest.objects.get()
    assert (arrest.arresting_agency, arrest.owner_agency) == (sheriff, woodbury_pd)


def test_a_liaison_cannot_import_or_create_arrests_for_another_agency(
    client, woodbury_liaison, sheriff, washington, patron_13_15
):
    verified_login(client, woodbury_liaison)
    response = upload(client, None, sheriff, CSV_B0001.encode())
    assert response.status_code == 200
    assert "arresting_agency" in response.context["form"].errors
    assert not ArrestImport.objects.exists()

    with pytest.raises(ValidationError) as raised:
        arrests_create(
            actor=woodbury_liaison, operation=None, arresting_agency=sheriff,
            rows=[arrest_row(washington, patron_13_15, 1)],
        )  # fmt: skip
    assert raised.value.message_dict == {"arresting_agency": [NOT_YOUR_AGENCY]}
    assert not Arrest.objects.exists()


def test_a_staged_import_is_checked_again_when_the_partner_leaves_the_sting(
    client, sheriff_liaison, woodbury_liaison, shared_sting, sheriff, hidden_arrest
):
    """Staged while Woodbury took part; the sheriff then drops it: the preview looks up no
    booking number and the file cannot be saved."""
    verified_login(client, woodbury_liaison)
    location = upload(client, shared_sting, sheriff, CSV_B0001.encode())["Location"]
    operation_participants_set(actor=sheriff_liaison, operation=shared_sting, agencies=[])
    assert client.get(location).context["rows"][0].errors == [NOT_YOUR_AGENCY]
    refused = client.post(location, {"confirm": "1"})
    assert refused.status_code == 200 and NOT_YOUR_AGENCY in refused.context["problems"][0]
    assert Arrest.objects.count() == 1


# --- Hand-offs to a case the viewer cannot see ------------------------------------------------


@pytest.fixture
def handed_off(sheriff_liaison, shared_sting, make_arrests, wash_cao):
    """The sheriff's arrest in the shared sting, handed to the county attorney: Woodbury sees
    the arrest through the sting, not the case."""
    [arrest] = make_arrests(sheriff_liaison, shared_sting, 1, start=7)
    handoff_create(actor=sheriff_liaison, arrests=[arrest], to_agency=wash_cao)
    return arrest


def _pages(client, arrest, operation) -> dict[str, str]:
    def body(response):
        if response.streaming:
            return b"".join(response.streaming_content).decode()
        return response.content.decode()

    return {
        "page": body(client.get(reverse("cases:arrest_detail", args=[arrest.public_id]))),
        "list": body(client.get(reverse("cases:arrest_list"))),
        "csv": body(client.get(reverse("cases:arrest_export"))),
        "operation": body(
            client.get(reverse("cases:operation_detail", args=[operation.public_id]))
        ),
    }


def test_a_handoff_to_a_hidden_case_is_absent_for_a_participant_and_shown_to_the_owner(
    client, sheriff_liaison, woodbury_liaison, handed_off, shared_sting, wash_cao
):
    verified_login(client, woodbury_liaison)
    for where, body in _pages(client, handed_off, shared_sting).items():
        assert "B-0007" in body, where  # the arrest itself is seen, through the sting
        assert "Washington County Attorney" not in body and wash_cao.label not in body, where
    handed = client.get(reverse("cases:arrest_list"), {"handed_off": "yes"})
    assert list(handed.context["page"].rows) == []
    sting = client.get(reverse("cases:operation_detail", args=[shared_sting.public_id]))
    assert sting.context["summary"].handed_off == 0
    # The home's recent arrests (read by SQL kept for the person): the arrest, no hand-off.
    home = client.get(reverse("home"))
    assert [a.pk for a in home.context["arrests"]] == [handed_off.pk]
    assert home.context["arrests"][0].handoffs_seen == []
    assert wash_cao.label not in home.content.decode()

    verified_login(client, sheriff_liaison)
    for where, body in _pages(client, handed_off, shared_sting).items():
        assert "Washington County Attorney" in body or wash_cao.label in body, where
    home = client.get(reverse("home"))
    assert [h.to_agency_id for h in home.context["arrests"][0].handoffs_seen] == [wash_cao.pk]
    assert f"to {wash_cao.label}" in home.content.decode()
    handed = client.get(reverse("cases:arrest_list"), {"handed_off": "yes"})
    assert list(handed.context["page"].rows) == [handed_off]
