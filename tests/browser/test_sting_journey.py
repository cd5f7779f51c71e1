"""A sheriff's liaison records a buyer sting's 21 arrests and hands them to two county attorneys.

The journey, in Chromium, as each person sees it:
1. Washington County Sheriff's liaison opens Operations → New operation and creates
   "Operation Northern Lights", a buyer sting in Washington and Ramsey counties.
2. From the operation they type 11 arrests into the bulk table in one sitting, adding rows in
   place (no page load). A booking number typed twice is refused next to the field and nothing is
   saved; once fixed, all 11 are saved.
3. They import the other 10 arrests from a CSV file. A file with a wrong header row is refused
   next to the file field and stages nothing; the right file previews 10 rows "Ready" and saves.
4. On the operation they tick the 13 Washington County arrests and hand them to Washington's
   county attorney, then tick the 8 not handed off yet and hand them to Ramsey's.
5. Each county attorney's Intake lists exactly its arrests, 13 and 8: together all 21 arrestees.
"""

import csv

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from cases.models import Arrest, ArrestImport, HandOff
from home.demo import DEMO_PASSWORD, seed_demo
from tests.browser.pages import (
    click,
    field_error,
    follow_nav,
    h1,
    messages,
    sign_in,
    table,
    texts,
    value,
)

# Counties and statutes are seeded by data migrations, and an earlier transactional test flushes
# them: serialized_rollback starts this test from the migrated database instead.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OPERATION = "Operation Northern Lights"
SHERIFF = "Washington County Sheriff's Office"
WASHINGTON_CAO = "Washington County Attorney's Office"
RAMSEY_CAO = "Ramsey County Attorney's Office"
STATUTE = "609.324 subd. 1(b)"
CUSTODY = "Booked into jail"

# (last name, first name, born, arrested at, city, county, booking number)
ENTERED = [
    ("Ahlberg", "Daniel", "1979-02-11", "2026-03-14 18:05", "Woodbury", "Washington", "WC26-0301"),
    ("Bakke", "Kevin", "1985-07-30", "2026-03-14 18:40", "Woodbury", "Washington", "WC26-0302"),
    ("Carlson", "Mark", "1968-11-02", "2026-03-14 19:15", "Oakdale", "Washington", "WC26-0303"),
    ("Dahl", "Steven", "1990-04-19", "2026-03-14 19:50", "Stillwater", "Washington", "WC26-0304"),
    ("Engstrom", "Paul", "1974-09-08", "2026-03-14 20:25", "Woodbury", "Washington", "WC26-0305"),
    ("Fiske", "Gregory", "1982-01-23", "2026-03-14 21:00", "Cottage Grove", "Washington",
     "WC26-0306"),
    ("Gunderson", "Eric", "1995-06-14", "2026-03-14 21:35", "Oakdale", "Washington", "WC26-0307"),
    ("Hegland", "Jeffrey", "1971-03-05", "2026-03-15 13:10", "Saint Paul", "Ramsey", "WC26-0308"),
    ("Iverson", "Scott", "1988-12-27", "2026-03-15 14:20", "Maplewood", "Ramsey", "WC26-0309"),
    ("Jorgensen", "Brian", "1963-08-16", "2026-03-15 15:45", "Roseville", "Ramsey", "WC26-0310"),
    ("Kowalski", "Timothy", "1993-10-09", "2026-03-15 16:30", "Saint Paul", "Ramsey", "WC26-0311"),
]  # fmt: skip
IMPORTED = [
    ("Lindgren", "Aaron", "1981-05-21", "2026-03-16 17:05", "Woodbury", "Washington", "WC26-0312"),
    ("Magnuson", "Craig", "1977-12-01", "2026-03-16 17:40", "Stillwater", "Washington",
     "WC26-0313"),
    ("Nordquist", "Dale", "1969-06-30", "2026-03-16 18:15", "Oakdale", "Washington", "WC26-0314"),
    ("Olson", "Travis", "1991-02-17", "2026-03-16 18:50", "Woodbury", "Washington", "WC26-0315"),
    ("Pederson", "Ryan", "1986-09-25", "2026-03-16 19:25", "Cottage Grove", "Washington",
     "WC26-0316"),
    ("Quist", "Gary", "1972-04-04", "2026-03-16 20:00", "Stillwater", "Washington", "WC26-0317"),
    ("Rasmussen", "Jason", "1984-08-12", "2026-03-17 12:30", "Saint Paul", "Ramsey", "WC26-0318"),
    ("Sorensen", "Curtis", "1966-01-29", "2026-03-17 13:15", "Maplewood", "Ramsey", "WC26-0319"),
    ("Thorson", "Adam", "1998-03-08", "2026-03-17 14:00", "Roseville", "Ramsey", "WC26-0320"),
    ("Ulrich", "Dennis", "1975-07-13", "2026-03-17 14:45", "Saint Paul", "Ramsey", "WC26-0321"),
]  # fmt: skip


def arrestee(arrest):
    """An arrestee as the pages list them."""
    return f"{arrest[0]}, {arrest[1]}"


EVERYONE = {arrestee(arrest) for arrest in ENTERED + IMPORTED}
IN_WASHINGTON = {arrestee(arrest) for arrest in ENTERED + IMPORTED if arrest[5] == "Washington"}
CSV_HEADER = [
    "last_name",
    "first_name",
    "arrested_at",
    "county",
    "custody_status",
    "charges",
    "date_of_birth",
    "city",
    "booking_number",
    "decoy_stated_age",
]


# --- Reading pages ------------------------------------------------------------------------------


def selected(browser, select_id):
    return Select(browser.find_element(By.ID, select_id)).first_selected_option.text


def operation_arrests(browser):
    """The operation page's arrests: {arrestee: its Hand-off column}."""
    return {row[1]: row[7] for row in table(browser, "section[aria-labelledby=arrests]")}


def intake_names(browser):
    """Arrestees of this operation in the intake queue (a demo sting's may be there too)."""
    return [row[2] for row in table(browser, "main") if row[4] == OPERATION]


def saved_arrests():
    """This operation's arrests in the database, which the live server shares with the test."""
    return Arrest.objects.filter(operation__name=OPERATION).count()


# --- Acting on pages ----------------------------------------------------------------------------


def pick(select, text):
    Select(select).select_by_visible_text(text)


def type_date(field, iso):
    """Chromium's en-US date input takes the digits of month, day and year."""
    year, month, day = iso.split("-")
    field.send_keys(month + day + year)
    assert field.get_attribute("value") == iso


def type_time(field, hh_mm):
    """Chromium's en-US time input takes a 12-hour time, then A or P."""
    hour, minute = (int(part) for part in hh_mm.split(":"))
    field.send_keys(f"{(hour - 1) % 12 + 1:02d}{minute:02d}{'P' if hour >= 12 else 'A'}")
    assert field.get_attribute("value") == hh_mm


def entry_rows(browser):
    return len(browser.find_elements(By.CSS_SELECTOR, "#entry-rows tr.entry-row"))


def fill_row(browser, index, arrest, booking_number=None):
    """Type one arrest into row `index` of the bulk table, as a person tabbing along it would."""
    last, first, born, arrested_at, city, county, booking = arrest
    day, time = arrested_at.split()

    def cell(name):
        return browser.find_element(By.ID, f"id_form-{index}-{name}")

    cell("last_name").send_keys(last)
    cell("first_name").send_keys(first)
    type_date(cell("date_of_birth"), born)
    type_date(cell("arrested_on"), day)
    type_time(cell("arrested_time"), time)
    cell("city").send_keys(city)
    pick(cell("county"), county)
    cell("booking_number").send_keys(booking_number or booking)
    pick(cell("custody_status"), CUSTODY)
    charge = cell("statute").find_element(By.XPATH, f"./option[starts-with(., '{STATUTE} ')]")
    pick(cell("statute"), charge.text)
    cell("decoy_stated_age").send_keys("14")
    pick(cell("solicitation_venue"), "By text or online only")


def write_csv(path, header, arrests):
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        for last, first, born, arrested_at, city, county, booking in arrests:
            writer.writerow(
                [last, first, arrested_at, county, "booked", STATUTE, born, city, booking, "14"]
            )
    return str(path)


def hand_off(browser, names, agency):
    """Tick these arrestees on the operation page and hand them to `agency`."""
    for name in names:
        box = browser.find_element(
            By.XPATH,
            "//section[@aria-labelledby='arrests']"
            f"//tr[td[2][normalize-space()='{name}']]//input[@type='checkbox']",
        )
        box.click()
        assert box.is_selected()
    click(browser, "Hand off selected to prosecution…")
    assert h1(browser) == "Hand off to prosecution"
    assert len(texts(browser, "main .card > ul > li")) == len(names)
    pick(browser.find_element(By.ID, "id_to_agency"), agency)
    click(browser, "Hand off")


# --- The journey --------------------------------------------------------------------------------


def test_a_sting_is_entered_imported_and_handed_to_two_county_attorneys(
    browser, live_server, screenshot, tmp_path
):
    seed_demo()

    # 1. The sheriff's liaison creates the operation in two counties.
    sign_in(browser, live_server, "wcso_liaison", DEMO_PASSWORD)
    follow_nav(browser, "Operations")
    assert h1(browser) == "Operations"
    click(browser, "New operation")
    assert h1(browser) == "New operation"
    browser.find_element(By.ID, "id_name").send_keys(OPERATION)
    pick(browser.find_element(By.ID, "id_kind"), "Buyer sting")
    type_date(browser.find_element(By.ID, "id_starts_on"), "2026-03-14")
    counties = Select(browser.find_element(By.ID, "id_counties"))
    counties.select_by_visible_text("Washington")
    counties.select_by_visible_text("Ramsey")
    assert sorted(o.text for o in counties.all_selected_options) == ["Ramsey", "Washington"]
    click(browser, "Save")

    assert h1(browser) == OPERATION
    assert messages(browser) == [f"{OPERATION} created. Enter its arrests next."]
    details = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=facts]").text
    assert "Mar 14, 2026" in details
    assert "ongoing" in details
    assert "Ramsey, Washington" in details
    operation_url = browser.current_url

    # 2. They type 10 arrests into the table, then add rows in place for the eleventh.
    click(browser, "Enter arrests")
    assert h1(browser) == "Enter arrests"
    assert selected(browser, "id_operation") == OPERATION
    assert selected(browser, "id_arresting_agency") == SHERIFF
    browser.find_element(By.ID, "id_arresting_officer").send_keys("Inv. Lindqvist")
    assert entry_rows(browser) == 10
    for index, arrest in enumerate(ENTERED[:10]):
        fill_row(browser, index, arrest)

    browser.execute_script("window.__samePage = true")
    browser.find_element(By.XPATH, "//main//button[normalize-space()='Add 10 rows']").click()
    WebDriverWait(browser, 5).until(lambda b: entry_rows(b) == 20)
    assert browser.execute_script("return window.__samePage") is True  # no page load
    assert value(browser, "id_form-TOTAL_FORMS") == "20"
    assert browser.switch_to.active_element.get_attribute("id") == "id_form-10-last_name"
    assert value(browser, "id_form-9-last_name") == "Jorgensen"  # what was typed stays

    # By mistake the eleventh arrest gets the first one's booking number.
    fill_row(browser, 10, ENTERED[10], booking_number=ENTERED[0][6])
    click(browser, "Save all arrests")

    assert h1(browser) == "Enter arrests"
    # Only that row is refused; the nine rows left blank are skipped.
    assert texts(browser, "tr.entry-row--invalid th") == ["11"]
    assert texts(browser, "main .form-errors[role=alert]") == [
        "1 row needs attention; nothing was saved yet."
    ]
    assert field_error(browser, "id_form-10-booking_number") == (
        f"Booking number {ENTERED[0][6]} appears twice in this batch."
    )
    assert saved_arrests() == 0
    assert value(browser, "id_form-0-arrested_on") == "2026-03-14"  # everything typed is kept
    assert value(browser, "id_form-10-last_name") == "Kowalski"

    booking = browser.find_element(By.ID, "id_form-10-booking_number")
    booking.clear()
    booking.send_keys(ENTERED[10][6])
    click(browser, "Save all arrests")

    assert browser.current_url == operation_url
    assert messages(browser) == ["11 arrests saved."]
    assert set(operation_arrests(browser)) == {arrestee(arrest) for arrest in ENTERED}
    assert saved_arrests() == 11

    # 3. They import the other 10 from a CSV file, trying one with a wrong header row first.
    click(browser, "Import CSV")
    assert h1(browser) == "Import arrests from a CSV file"
    assert selected(browser, "id_operation") == OPERATION
    wrong_header = ["arrest_date" if name == "arrested_at" else name for name in CSV_HEADER]
    browser.find_element(By.ID, "id_file").send_keys(
        write_csv(tmp_path / "wrong-header.csv", wrong_header, IMPORTED)
    )
    click(browser, "Check the file")

    assert h1(browser) == "Import arrests from a CSV file"
    error = field_error(browser, "id_file")
    assert error.startswith("The header row is not right (missing columns: arrested_at; ")
    assert "unknown columns: arrest_date" in error
    assert not ArrestImport.objects.filter(operation__name=OPERATION).exists()
    assert saved_arrests() == 11

    assert selected(browser, "id_operation") == OPERATION  # kept: only the file to choose again
    browser.find_element(By.ID, "id_file").send_keys(
        write_csv(tmp_path / "northern-lights-day3.csv", CSV_HEADER, IMPORTED)
    )
    click(browser, "Check the file")

    assert h1(browser) == "Check northern-lights-day3.csv"
    preview = table(browser, "main")
    assert [row[1] for row in preview] == [arrestee(arrest) for arrest in IMPORTED]
    assert [row[-1] for row in preview] == ["Ready"] * 10
    assert saved_arrests() == 11
    # Second thoughts: "Discard this file" throws it away and saves nothing...
    click(browser, "Discard this file")
    assert messages(browser) == ["The file was discarded; nothing was saved."]
    assert saved_arrests() == 11
    # ...so they choose it again and save it this time.
    browser.find_element(By.ID, "id_file").send_keys(
        write_csv(tmp_path / "northern-lights-day3.csv", CSV_HEADER, IMPORTED)
    )
    click(browser, "Check the file")
    click(browser, "Save all 10 arrests")

    assert browser.current_url == operation_url
    assert messages(browser) == ["10 arrests imported from northern-lights-day3.csv."]
    arrests = operation_arrests(browser)
    assert set(arrests) == EVERYONE
    assert set(arrests.values()) == {"Not yet"}
    assert table(browser, "section[aria-labelledby=by-county]") == [
        ["Washington", "13"],
        ["Ramsey", "8"],
    ]
    assert saved_arrests() == 21

    # 4. Washington's county attorney gets the 13 Washington County arrests...
    hand_off(browser, sorted(IN_WASHINGTON), WASHINGTON_CAO)

    assert browser.current_url == operation_url
    assert messages(browser) == [
        f"13 arrests handed to {WASHINGTON_CAO}; they are in its intake queue."
    ]
    waiting = [name for name, handed in operation_arrests(browser).items() if handed == "Not yet"]
    assert len(waiting) == 8

    # ...and Ramsey's the 8 not handed off yet, ticked with one button (a script, no page load).
    browser.find_element(
        By.XPATH, "//button[normalize-space()='Select all not yet handed off']"
    ).click()
    ticked = browser.find_elements(
        By.CSS_SELECTOR, "section[aria-labelledby=arrests] input[name=arrest]:checked"
    )
    assert len(ticked) == 8
    click(browser, "Hand off selected to prosecution…")
    pick(browser.find_element(By.ID, "id_to_agency"), RAMSEY_CAO)
    click(browser, "Hand off")

    assert browser.current_url == operation_url
    assert messages(browser) == [f"8 arrests handed to {RAMSEY_CAO}; they are in its intake queue."]
    handed = operation_arrests(browser)
    assert {name for name, to in handed.items() if to == "WCAO: Intake"} == IN_WASHINGTON
    assert {name for name, to in handed.items() if to == "RCAO: Intake"} == set(waiting)
    details = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=facts]").text
    assert "21 (21 handed off)" in details
    assert HandOff.objects.filter(arrest__operation__name=OPERATION).count() == 21
    assert screenshot("operation-handed-off").stat().st_size > 0

    # 5. Each county attorney's intake holds exactly the arrests handed to it.
    sign_in(browser, live_server, "wash_prosecutor", DEMO_PASSWORD)
    follow_nav(browser, "Intake")
    assert h1(browser) == "Intake"
    washington = intake_names(browser)
    assert len(washington) == 13
    assert set(washington) == IN_WASHINGTON
    assert screenshot("intake-washington").stat().st_size > 0

    sign_in(browser, live_server, "ramsey_prosecutor", DEMO_PASSWORD)
    follow_nav(browser, "Intake")
    assert h1(browser) == "Intake"
    ramsey = intake_names(browser)
    assert len(ramsey) == 8
    assert set(ramsey).isdisjoint(washington)
    assert set(ramsey) | set(washington) == EVERYONE
