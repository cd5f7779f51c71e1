"""Entering a sting's arrests through the bulk table and through a CSV file, as a liaison does."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Arrest, ArrestImport, Person
from cases.models.arrests import booking_key
from cases.services.people import PersonData, person_create
from taskforce.models import AuditEvent
from tests.factories import verified_login

pytestmark = pytest.mark.django_db

HEADER = "last_name,first_name,date_of_birth,arrested_at,county,city,booking_number,custody_status,charges,phone\n"  # noqa: E501
CHARGE = "609.324 subd. 1(b)"


def bulk_post(operation, sheriff, washington, patron, rows, total=10, **extra):
    data = {
        "operation": operation.pk,
        "arresting_agency": sheriff.pk,
        "arresting_officer": "Sgt. Lind",
        "form-TOTAL_FORMS": str(total),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "200",
        "save": "1",
    }
    for i in range(len(rows), total):
        # A blank row as a browser sends it: every select submits its shown option.
        blank = {"custody_status": "booked", "solicitation_venue": "", "county": "", "statute": ""}
        data |= {f"form-{i}-{key}": value for key, value in blank.items()}
    for i, row in enumerate(rows):
        values = {
            "last_name": f"Buyer{i}",
            "first_name": "Pat",
            "date_of_birth": "1980-01-01",
            "arrested_on": "2026-03-05",
            "arrested_time": "21:30",
            "city": "Woodbury",
            "county": washington.pk,
            "booking_number": f"B-{i}",
            "custody_status": "booked",
            "statute": patron.pk,
            "decoy_stated_age": "14",
            "solicitation_venue": "text_online",
        } | row
        data |= {f"form-{i}-{key}": value for key, value in values.items()}
    return data | extra


def test_a_liaison_saves_a_table_of_arrests_and_blank_rows_are_skipped(
    client, sheriff_liaison, operation, sheriff, washington, patron_13_15
):
    verified_login(client, sheriff_liaison)
    response = client.post(
        reverse("cases:arrest_bulk"),
        bulk_post(operation, sheriff, washington, patron_13_15, [{}, {}, {}], total=10),
    )
    assert response.status_code == 302
    assert Arrest.objects.filter(operation=operation).count() == 3
    arrest = Arrest.objects.get(booking_key=booking_key("B-1"))
    assert arrest.arresting_officer == "Sgt. Lind"
    assert arrest.decoy_stated_age == 14
    assert timezone.localtime(arrest.arrested_at).hour == 21  # local time as typed
    assert [c.statute.citation for c in arrest.charges.all()] == [CHARGE]


def test_one_bad_row_keeps_every_row_typed_and_saves_nothing(
    client, sheriff_liaison, operation, sheriff, washington, patron_13_15
):
    verified_login(client, sheriff_liaison)
    rows = [{}, {"arrested_on": "2099-01-01"}, {"booking_number": "B-0"}]
    response = client.post(
        reverse("cases:arrest_bulk"), bulk_post(operation, sheriff, washington, patron_13_15, rows)
    )
    assert response.status_code == 200
    forms = response.context["formset"].forms
    assert "future" in str(forms[1].errors["arrested_time"])
    assert "appears twice" in str(forms[2].errors["booking_number"])
    assert response.context["rows_with_errors"] == 2
    page = response.content.decode()
    assert 'value="Buyer2"' in page  # what was typed stays typed
    assert not Arrest.objects.exists()


def test_every_problem_shows_in_one_round(
    client, sheriff_liaison, operation, sheriff, washington, patron_13_15
):
    verified_login(client, sheriff_liaison)
    rows = [{}, {"last_name": ""}, {"booking_number": "B-0"}]
    response = client.post(
        reverse("cases:arrest_bulk"), bulk_post(operation, sheriff, washington, patron_13_15, rows)
    )
    forms = response.context["formset"].forms
    assert "required" in str(forms[1].errors["last_name"])
    assert "appears twice" in str(forms[2].errors["booking_number"])


def test_a_likely_duplicate_asks_and_the_answer_is_used(
    client, sheriff_liaison, operation, sheriff, washington, patron_13_15
):
    known = person_create(
        actor=sheriff_liaison,
        data=PersonData(first_name="Pat", last_name="Buyer0", date_of_birth=dt.date(1980, 1, 1)),
    )
    verified_login(client, sheriff_liaison)
    data = bulk_post(operation, sheriff, washington, patron_13_15, [{}])
    asked = client.post(reverse("cases:arrest_bulk"), data)
    assert asked.status_code == 200
    assert "is it the same person?" in str(asked.context["formset"].forms[0].errors["person"])
    assert not Arrest.objects.exists()

    client.post(reverse("cases:arrest_bulk"), data | {"form-0-person": str(known.public_id)})
    assert Arrest.objects.get().arrestee == known
    assert Person.objects.count() == 1


def test_add_rows_keeps_what_was_typed(
    client, sheriff_liaison, operation, sheriff, washington, patron_13_15
):
    verified_login(client, sheriff_liaison)
    data = bulk_post(operation, sheriff, washington, patron_13_15, [{}], total=10)
    data.pop("save")
    response = client.post(reverse("cases:arrest_bulk"), data | {"add_rows": "1"})
    assert len(response.context["formset"].forms) == 20
    assert 'value="Buyer0"' in response.content.decode()
    assert not Arrest.objects.exists()


# --- CSV import ----------------------------------------------------------------------------


def upload(client, operation, sheriff, content: bytes, name="sting.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("cases:arrest_import"),
        {
            "operation": operation.pk,
            "arresting_agency": sheriff.pk,
            "file": SimpleUploadedFile(name, content, content_type="text/csv"),
        },
    )


def csv_rows(count, county="Washington", start=0):
    return "".join(
        f"Buyer{n},Pat,1980-01-{n % 28 + 1:02d},2026-03-05 21:{n % 60:02d},{county},Woodbury,"
        f"C-{n},booked,{CHARGE},651-555-{n:04d}\n"
        for n in range(start, start + count)
    )


def test_a_csv_is_previewed_then_saved_all_at_once(client, sheriff_liaison, operation, sheriff):
    verified_login(client, sheriff_liaison)
    staged = upload(
        client, operation, sheriff, (HEADER + csv_rows(8) + csv_rows(2, "Ramsey", 8)).encode()
    )
    assert staged.status_code == 302
    preview = client.get(staged["Location"])
    assert [row.is_ok for row in preview.context["rows"]] == [True] * 10
    assert not Arrest.objects.exists()  # nothing saved by looking

    saved = client.post(staged["Location"], {"confirm": "1"})
    assert saved.status_code == 302
    assert Arrest.objects.filter(operation=operation).count() == 10
    assert Arrest.objects.filter(county__name="Ramsey").count() == 2
    assert not ArrestImport.objects.exists()  # the file is deleted once used
    assert AuditEvent.objects.get(action="arrest.imported").changes == {"rows": 10}


def test_a_csv_with_a_bad_row_shows_why_and_cannot_be_saved(
    client, sheriff_liaison, operation, sheriff
):
    bad = "Nobody,,1980-01-01,next tuesday,Atlantis,,,jailed,999.999,\n"
    verified_login(client, sheriff_liaison)
    staged = upload(client, operation, sheriff, (HEADER + csv_rows(3) + bad).encode())
    preview = client.get(staged["Location"])
    errors = preview.context["rows"][3].errors
    assert preview.context["rows"][3].line == 5
    assert any("arrested_at 'next tuesday'" in e for e in errors)
    assert any("county 'Atlantis'" in e for e in errors)
    assert any("charge '999.999'" in e for e in errors)
    assert any("custody_status 'jailed'" in e for e in errors)
    assert any("first_name is empty" in e for e in errors)
    assert "Save all" not in preview.content.decode()

    refused = client.post(staged["Location"], {"confirm": "1"})
    assert "Line 5" in refused.content.decode()
    assert not Arrest.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,when\nA,B\n", "missing columns: last_name"),
        ((HEADER.strip() + ",favourite_colour\n").encode(), "unknown columns: favourite_colour"),
        ("last_name,first_name\nMüller,Jürgen\n".encode("latin-1"), "not UTF-8"),
        (b"", "file is empty"),
        (HEADER.encode(), "no arrests"),
    ],
)
def test_a_wrong_file_is_refused_beside_the_file_field(
    client, sheriff_liaison, operation, sheriff, content, message
):
    verified_login(client, sheriff_liaison)
    response = upload(client, operation, sheriff, content)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["file"])
    assert not ArrestImport.objects.exists()


def test_a_staged_file_is_its_uploaders_alone(
    client, sheriff_liaison, operation, sheriff, wash_supervisor
):
    verified_login(client, sheriff_liaison)
    location = upload(client, operation, sheriff, (HEADER + csv_rows(1)).encode())["Location"]
    verified_login(client, wash_supervisor)
    assert client.get(location).status_code == 404


def test_csv_duplicates_must_be_answered_before_saving(client, sheriff_liaison, operation, sheriff):
    known = person_create(
        actor=sheriff_liaison,
        data=PersonData(first_name="Pat", last_name="Buyer0", date_of_birth=dt.date(1980, 1, 1)),
    )
    verified_login(client, sheriff_liaison)
    location = upload(client, operation, sheriff, (HEADER + csv_rows(2)).encode())["Location"]
    assert client.get(location).context["matched_rows"] == 1
    refused = client.post(location, {"confirm": "1"})
    assert "Line 2: choose the existing person" in refused.content.decode()
    assert not Arrest.objects.exists()

    client.post(location, {"confirm": "1", "person-2": str(known.public_id)})
    assert Arrest.objects.get(booking_key=booking_key("C-0")).arrestee == known


def test_discarding_a_file_saves_nothing(client, sheriff_liaison, operation, sheriff):
    verified_login(client, sheriff_liaison)
    location = upload(client, operation, sheriff, (HEADER + csv_rows(3)).encode())["Location"]
    response = client.post(location, {"discard": "1"})
    # Back to the upload page, still for the same operation.
    assert (
        response["Location"] == reverse("cases:arrest_import") + f"?operation={operation.public_id}"
    )
    assert not Arrest.objects.exists()
    assert not ArrestImport.objects.exists()  # the file is deleted, not kept
    assert client.get(location).status_code == 404  # a discarded file cannot be saved later
