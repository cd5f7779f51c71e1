"""A county attorney works the arrests a sting handed over, from intake to sentence.

The journey, in Chromium, as each person sees it (demo data: the sheriff's "Operation Northern
Lights (demo)" handed 3 arrests to Washington's county attorney and 1 to Ramsey's):
1. Washington's prosecutor opens Intake and finds the 3 arrests waiting. On the first case they
   make the charging decision "Charge": the case is charged, with count 1 filed today.
2. On the second they decline to charge, forgetting the reason at first: the error sits beside
   the reason field and nothing is decided; with a reason, the case is declined.
3. Back on the charged case they schedule an omnibus hearing for next week and record a
   15-year-old victim recovered in the operation: the case is marked juvenile and the charging
   notice is due. They record that notice, given through the victim's advocate, and it is no
   longer due.
4. The defendant pleads guilty as charged. The sentence's penalty assessment cannot be waived
   ($0 is refused beside the field, nothing saved); $750 is split 40/20/40 between the arresting
   agency, the prosecuting agency and victim services.
5. They move the case Charged → Pre-trial → Sentenced; the timeline lists it all in order.
6. The caseload shows the case with its defendant, next hearing and status; searching the
   defendant's last name finds it.
7. Ramsey's prosecutor, not shared with, neither lists the cases nor opens them: "Not found".
"""

import datetime as dt

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

from cases.models import Case, ChargingDecision, Sentence
from home.demo import DEMO_OPERATION, DEMO_PASSWORD, seed_demo
from tests.browser.pages import (
    click,
    field_error,
    follow_nav,
    h1,
    messages,
    pick,
    sign_in,
    table,
    texts,
    type_date,
    type_datetime,
    type_into,
    value,
)

# Counties and statutes are seeded by data migrations, and an earlier transactional test flushes
# them: serialized_rollback starts this test from the migrated database instead.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHERIFF = "Washington County Sheriff's Office"
STATUTE = "609.324 subd. 1(b)"
CHARGING_NOTICE = "Charging decision (611A.02 subd. 2)"
HEARING_NOTICE = "Hearing dates"
DECLINE_REASON = "The decoy's stated age was not recorded before the offer; insufficient evidence."
VICTIM = ("Ava", "Lindahl")


# --- Reading pages ------------------------------------------------------------------------------


def intake_rows(browser):
    """The demo sting's arrests waiting in intake: (arrestee, case number, case status)."""
    rows = []
    for row in table(browser, "main"):
        if row[4] == DEMO_OPERATION:
            number, status = row[6].split(" · ")
            rows.append((row[2], number, status))
    return rows


def case_status(browser):
    return browser.find_element(
        By.XPATH, "//section[@aria-labelledby='facts']//dt[.='Status']/following-sibling::dd[1]"
    ).text


def charges(browser):
    """The Charges table: defendant, count, statute, level, filed, status (actions left off)."""
    return [row[:6] for row in table(browser, "section[aria-labelledby=charges]")]


def notices_due(browser):
    return texts(browser, "section[aria-labelledby=victims] .notice-due li")


def timeline(browser):
    """What each timeline entry says happened, oldest first."""
    return texts(browser, "section[aria-labelledby=timeline] ol.timeline li strong")


def listed_cases(browser):
    """Where the rows of a list of cases link to (paths)."""
    return browser.execute_script(
        "return [...document.querySelectorAll('main table tbody td:first-child a')]"
        ".map(a => new URL(a.href).pathname)"
    )


def washington_case(number):
    """A case of Washington's county attorney in the database, which the live server shares
    with the test (case numbers are unique per agency only)."""
    return Case.objects.get(number=number, owner_agency__short_name="WCAO")


# --- Acting on pages ----------------------------------------------------------------------------


def pick_starting(browser, select_id, start):
    """Choose the one option whose text starts with `start` (a statute's citation, a name)."""
    select = browser.find_element(By.ID, select_id)
    [option] = select.find_elements(By.XPATH, f"./option[starts-with(., '{start}')]")
    Select(select).select_by_visible_text(option.text)


def choose(browser, name, label):
    """Tick the radio button of `name` labelled `label`."""
    radio = browser.find_element(
        By.XPATH, f"//label[normalize-space()='{label}']//input[@type='radio'][@name='{name}']"
    )
    radio.click()
    assert radio.is_selected()


def move_case(browser, to_status):
    pick(browser, "id_to_status", to_status)
    click(browser, "Move the case")


# --- The journey --------------------------------------------------------------------------------


def test_a_prosecutor_charges_declines_and_takes_a_case_to_sentence(
    browser, live_server, screenshot
):
    seed_demo()
    today = timezone.localdate()
    hearing_at = dt.datetime.combine(today + dt.timedelta(days=7), dt.time(9, 0))
    victim_born = today.replace(year=today.year - 15, day=1)

    # 1. Washington's prosecutor finds the three handed-off arrests in Intake and charges one.
    sign_in(browser, live_server, "wash_prosecutor", DEMO_PASSWORD)
    follow_nav(browser, "Intake")
    assert h1(browser) == "Intake"
    waiting = intake_rows(browser)
    assert len(waiting) == 3
    assert {status for _, _, status in waiting} == {"Intake"}
    defendant, number, _ = waiting[0]  # "Last, First", newest first
    last_name = defendant.split(",")[0]

    click(browser, number)
    assert h1(browser).startswith(number)
    assert case_status(browser) == "Intake"
    assert charges(browser) == []
    case_url = browser.current_url
    case_path = case_url.removeprefix(live_server.url)

    click(browser, "Charging decision")
    assert h1(browser) == f"Charging decision: {number}"
    choose(browser, "decision", "Charge")
    pick_starting(browser, "id_defendant", defendant)
    pick_starting(browser, "id_statute", f"{STATUTE} ")
    assert value(browser, "id_filed_on") == today.isoformat()  # today unless changed
    click(browser, "Record the decision")

    assert browser.current_url == case_url
    assert messages(browser) == ["Decision recorded: Charge."]
    assert case_status(browser) == "Charged"
    [count] = charges(browser)
    assert count[:2] == [defendant, "1"]
    assert count[2].startswith(f"{STATUTE} ")
    assert count[4:] == [f"{today:%b %-d, %Y}", "Active"]
    assert "Charging decision" not in texts(browser, "main .page-header a.button")  # decided

    # 2. The second case is declined, the reason forgotten at first.
    follow_nav(browser, "Intake")
    waiting = intake_rows(browser)
    assert len(waiting) == 2  # the charged case has left the queue
    declined_name, declined_number, _ = waiting[0]
    click(browser, declined_number)
    declined_url = browser.current_url
    click(browser, "Charging decision")
    choose(browser, "decision", "Decline to charge")
    click(browser, "Record the decision")

    assert h1(browser) == f"Charging decision: {declined_number}"  # still on the form
    assert field_error(browser, "id_reason") == "Record the reason; it is reported and kept."
    assert browser.find_element(By.CSS_SELECTOR, "input[value=decline]").is_selected()
    assert messages(browser) == []
    declined = washington_case(declined_number)
    assert declined.status == "intake"
    assert not ChargingDecision.objects.filter(case=declined).exists()

    browser.find_element(By.ID, "id_reason").send_keys(DECLINE_REASON)
    click(browser, "Record the decision")
    assert browser.current_url == declined_url
    assert messages(browser) == ["Decision recorded: Decline to charge."]
    assert case_status(browser) == "Declined"
    assert charges(browser) == []
    assert timeline(browser)[-2:] == ["Decision: Decline to charge", "Intake → Declined"]
    history = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=timeline]").text
    assert DECLINE_REASON in history

    follow_nav(browser, "Intake")
    assert [row[0] for row in intake_rows(browser)] == [
        name for name, *_ in waiting if name != declined_name
    ]

    # 3. On the charged case: an omnibus hearing next week, a juvenile victim and her notice.
    browser.get(case_url)
    click(browser, "Schedule a hearing")
    assert h1(browser) == "Schedule a hearing"
    pick(browser, "id_kind", "Omnibus hearing")
    type_datetime(browser, "id_starts_at", hearing_at)
    browser.find_element(By.ID, "id_courtroom").send_keys("Courtroom 3A")
    click(browser, "Save")

    assert browser.current_url == case_url
    assert messages(browser) == ["Omnibus hearing scheduled."]
    hearings = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=hearings]").text
    assert f"Omnibus hearing {hearing_at:%a %b %-d, %Y %H:%M}, Courtroom 3A · Scheduled" in (
        hearings
    )

    click(browser, "Record a victim")
    assert h1(browser) == "Record a victim"
    browser.find_element(By.ID, "id_first_name").send_keys(VICTIM[0])
    browser.find_element(By.ID, "id_last_name").send_keys(VICTIM[1])
    type_date(browser, "id_date_of_birth", victim_born)
    pick(browser, "id_role", "Victim recovered in the operation")
    browser.find_element(By.ID, "id_contact_notes").send_keys("Only through her advocate.")
    click(browser, "Save")

    assert browser.current_url == case_url
    assert messages(browser) == ["Victim recorded."]
    assert texts(browser, ".page-header .badge--warn") == ["Juvenile victim"]
    victims = texts(browser, "section[aria-labelledby=victims] .plain-list li")
    assert victims == [
        f"{VICTIM[1]}, {VICTIM[0]} (b. {victim_born:%Y-%m-%d}) · Victim recovered in the operation"
    ]
    victim_name = f"{VICTIM[1]}, {VICTIM[0]}"
    assert f"{CHARGING_NOTICE}: The case was charged. Not yet told: {victim_name}." in notices_due(
        browser
    )

    click(browser, "Record a notice")
    assert h1(browser) == "Record a victim notice"
    pick_starting(browser, "id_victim", f"{VICTIM[1]}, {VICTIM[0]}")
    pick(browser, "id_kind", CHARGING_NOTICE)
    assert value(browser, "id_given_on") == today.isoformat()
    pick(browser, "id_method", "Through their advocate")
    click(browser, "Save")

    assert browser.current_url == case_url
    assert messages(browser) == ["Notice recorded."]
    due = notices_due(browser)
    assert not [line for line in due if line.startswith(CHARGING_NOTICE)]
    # The hearing's is still due.
    assert due == [f"{HEARING_NOTICE}: A hearing is scheduled. Not yet told: {victim_name}."]
    given = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=victims]").text
    assert f"{CHARGING_NOTICE} to {victim_name}, {today:%b %-d, %Y}" in given

    # 4. The defendant pleads guilty as charged and is sentenced; the assessment is not waivable.
    click(browser, "Disposition of count 1")
    assert h1(browser).startswith(f"Disposition of count 1: {STATUTE} ")
    pick(browser, "id_disposition", "Pleaded guilty as charged")
    type_date(browser, "id_disposed_on", today)
    click(browser, "Save")

    assert browser.current_url == case_url
    assert messages(browser) == ["Disposition of count 1 recorded."]
    [count] = charges(browser)
    assert count[5] == f"Pleaded guilty as charged, {today:%b %-d, %Y}"

    click(browser, "Record the sentence on count 1")
    assert h1(browser).startswith(f"Sentence on count 1: {STATUTE} ")
    assert value(browser, "id_sentenced_on") == today.isoformat()
    type_into(browser, "id_custody_days", "30")
    browser.find_element(By.ID, "id_custody_stayed").click()
    type_into(browser, "id_probation_months", "12")
    browser.find_element(By.ID, "id_assessment").send_keys("0")
    click(browser, "Save")

    assert h1(browser).startswith("Sentence on count 1")  # still on the form
    assert field_error(browser, "id_assessment") == (
        "For a felony conviction of 609.324 subd. 1(b) the assessment is $750 to $1,000 "
        "(Minn. Stat. 609.3241(a)) and cannot be waived; "
        "tick the indigence reduction to order less."
    )
    assert messages(browser) == []
    assert not Sentence.objects.filter(charge__case=washington_case(number)).exists()
    assert value(browser, "id_custody_days") == "30"  # what was typed is kept

    type_into(browser, "id_assessment", "750")
    click(browser, "Save")

    assert browser.current_url == case_url
    assert messages(browser) == ["Sentence on count 1 recorded."]
    sentence = browser.find_element(
        By.CSS_SELECTOR, "section[aria-labelledby=charges] tbody details"
    )
    sentence.find_element(By.TAG_NAME, "summary").click()  # opens in place
    assert sentence.get_attribute("open") == "true"
    assert sentence.find_element(By.TAG_NAME, "p").text == (
        "30 days (stayed), 12 months' probation, fine $0.00. Assessment $750.00, $0.00 paid: "
        "Arresting agency $300.00, Prosecuting agency $150.00, "
        "Safe Harbor for Youth account (victim-service organizations) $300.00."
    )

    # 5. The case moves on to pre-trial, then to sentenced; the timeline has it all, in order.
    move_case(browser, "Pre-trial")
    assert messages(browser) == ["Case moved to pre-trial."]
    assert case_status(browser) == "Pre-trial"
    move_case(browser, "Sentenced")
    assert messages(browser) == ["Case moved to sentenced."]
    assert case_status(browser) == "Sentenced"

    assert timeline(browser) == [
        "Opened in intake",
        f"Handed off by {SHERIFF}",
        "Decision: Charge",
        f"Count 1 filed: {STATUTE}",
        "Intake → Charged",
        f"Omnibus hearing scheduled for {hearing_at:%b %-d, %Y %H:%M}",
        "Victim recorded (Victim recovered in the operation)",
        f"Victim notice: {CHARGING_NOTICE}",
        "Count 1: Pleaded guilty as charged",
        "Count 1 sentenced",
        "Charged → Pre-trial",
        "Pre-trial → Sentenced",
    ]
    browser.execute_script("document.getElementById('timeline').scrollIntoView()")
    assert screenshot("case-timeline").stat().st_size > 0

    # The 611A.039 notice counts from the final disposition's date, which the prosecutor records.
    from deadlines.calendar import Calendar
    from deadlines.rules import RULES
    from taskforce.dates import start_of_day

    notice_due = RULES["disposition_notice"].compute(Calendar.current(), start_of_day(today))
    click(browser, "Record the date of the final disposition")
    type_date(browser, "id_final_disposition_on", today)
    click(browser, "Save")
    assert messages(browser) == [
        f"Final disposition of {today:%b %-d, %Y} recorded; notify the victims by "
        f"{timezone.localtime(notice_due):%b %-d, %Y %H:%M}."
    ]

    # 6. The caseload shows the case: defendant, next hearing and status; search finds it.
    follow_nav(browser, "Cases")
    assert h1(browser) == "Cases"
    [row] = [row for row in table(browser, "main") if row[0] == number]
    assert row[1] == f"State v. {defendant}"
    assert row[2:5] == ["Sentenced", defendant, f"{hearing_at:%b %-d, %Y %H:%M}"]
    # Its charging deadline was met; next is telling the victim of the disposition (611A.039).
    assert row[5] == f"{timezone.localtime(notice_due):%b %-d, %Y %H:%M}"
    assert row[7] == "1"  # victims
    type_into(browser, "id_q", last_name)
    click(browser, "Apply")
    assert [row[0] for row in table(browser, "main")] == [number]
    assert last_name.lower() not in browser.current_url.lower()  # search words stay out of URLs
    assert listed_cases(browser) == [case_path]
    assert screenshot("caseload").stat().st_size > 0

    # 7. Ramsey's prosecutor was not shared with: neither case is listed, and both are a 404.
    sign_in(browser, live_server, "ramsey_prosecutor", DEMO_PASSWORD)
    follow_nav(browser, "Cases")
    listed = listed_cases(browser)
    assert listed  # Ramsey's own intake case
    declined_path = declined_url.removeprefix(live_server.url)
    assert case_path not in listed
    assert declined_path not in listed
    main = browser.find_element(By.TAG_NAME, "main").text
    assert last_name not in main
    assert declined_name.split(",")[0] not in main
    for url in (case_url, declined_url):
        browser.get(url)
        assert h1(browser) == "Not found"
        assert last_name not in browser.find_element(By.TAG_NAME, "body").text
