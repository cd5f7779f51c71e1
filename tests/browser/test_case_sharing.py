"""A prosecutor opens a case, shares it with another county's office, then revokes the share.

The journey, in Chromium, as each person sees it:
1. Washington's prosecutor opens case 26-CR-0142 from Cases → New case; it is not shared.
2. They share it with Ramsey's office: an empty reason is refused next to the field and shares
   nothing; with a reason, the case detail lists Ramsey and the reason.
3. Ramsey's prosecutor finds the case in Cases and under Shared, and may only read it.
4. Saint Paul police, not shared with, neither list it nor open it: the plain 404 page.
5. Washington revokes the share, and the case leaves Ramsey's list.
"""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

from cases.models import Case
from home.demo import DEMO_PASSWORD, seed_demo
from taskforce.models import Share
from tests.browser.pages import (
    click,
    follow_nav,
    h1,
    sign_in,
    submit_and_wait,
    texts,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NUMBER = "26-CR-0142"
TITLE = "Hotel buyer sting"  # a case's short description names no one
RAMSEY = "Ramsey County Attorney's Office"
REASON = "Co-defendant charged in Ramsey County; coordinating plea offers."


def who_can_see(browser):
    return browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=who-can-see]").text


def listed_case_numbers(browser):
    return texts(browser, "main table.table tbody td:first-child a")


def test_a_prosecutor_shares_a_case_with_another_office_and_revokes_it(
    browser, live_server, screenshot
):
    seed_demo()

    # 1. Washington's prosecutor opens a new case: only their own office can see it.
    sign_in(browser, live_server, "wash_prosecutor", DEMO_PASSWORD)
    follow_nav(browser, "Cases")
    assert h1(browser) == "Cases"
    click(browser, "New case")
    assert h1(browser) == "New case"
    browser.find_element(By.ID, "id_number").send_keys(NUMBER)
    browser.find_element(By.ID, "id_title").send_keys(TITLE)
    Select(browser.find_element(By.ID, "id_kind")).select_by_visible_text("Buyer / patron")
    click(browser, "Save")

    assert NUMBER in h1(browser)
    assert texts(browser, ".messages .message") == [f"Case {NUMBER} created."]
    assert "Not shared with any other agency." in who_can_see(browser)
    case_url = browser.current_url

    # 2. They share it with Ramsey's office, forgetting the reason at first.
    click(browser, "Share")
    assert h1(browser) == f"Share case {NUMBER}"
    Select(browser.find_element(By.ID, "id_to_agency")).select_by_visible_text(RAMSEY)
    Select(browser.find_element(By.ID, "id_level")).select_by_visible_text("View")
    click(browser, "Share")

    assert h1(browser) == f"Share case {NUMBER}"  # still on the form
    reason = browser.find_element(By.ID, "id_reason")
    error = browser.find_element(By.ID, "id_reason_error")
    assert error.text == "Say why this record is shared; the other agency sees it."
    field = reason.find_element(By.XPATH, "./ancestor::div[contains(@class, 'field')][1]")
    assert "field--invalid" in field.get_attribute("class")
    assert error.find_element(By.XPATH, "./ancestor::div[contains(@class, 'field')][1]") == field
    assert "id_reason_error" in reason.get_attribute("aria-describedby").split()
    assert texts(browser, ".messages .message") == []
    new_case = Case.objects.get(number=NUMBER)
    assert not Share.objects.filter(object_public_id=new_case.public_id).exists()
    # What they picked is kept; only the reason is missing.
    chosen = Select(browser.find_element(By.ID, "id_to_agency")).first_selected_option
    assert chosen.text == RAMSEY

    browser.find_element(By.ID, "id_reason").send_keys(REASON)
    click(browser, "Share")

    assert browser.current_url == case_url
    assert texts(browser, ".messages .message") == [
        f"Shared with {RAMSEY}. You can revoke it here."
    ]
    panel = who_can_see(browser)
    assert "Not shared" not in panel
    assert texts(browser, ".share-list li strong") == [RAMSEY]
    assert f"{RAMSEY} — view." in panel
    assert f"“{REASON}”" in panel
    assert screenshot("case-shared").stat().st_size > 0

    # 3. Ramsey's prosecutor sees the shared case, and can read but not change it.
    sign_in(browser, live_server, "ramsey_prosecutor", DEMO_PASSWORD)
    follow_nav(browser, "Cases")
    assert NUMBER in listed_case_numbers(browser)  # beside its own intake cases
    Select(browser.find_element(By.ID, "id_scope")).select_by_visible_text("Shared with my agency")
    click(browser, "Apply")
    assert listed_case_numbers(browser) == [NUMBER]

    follow_nav(browser, "Shared")
    with_us = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=with-us]").text
    assert f"Case {NUMBER}" in with_us  # the shares page names the case by its number
    assert "Washington County Attorney's Office" in with_us
    assert REASON in with_us

    follow_nav(browser, "Cases")
    click(browser, NUMBER)
    assert browser.current_url == case_url
    assert NUMBER in h1(browser)
    assert texts(browser, "main a.button, main button") == []  # no Share, Edit, Delete, Revoke
    assert texts(browser, "section[aria-labelledby=who-can-see]") == []

    # 4. Saint Paul police were not shared with: no case in the list, and its address is a 404.
    sign_in(browser, live_server, "stpaul_liaison", DEMO_PASSWORD)
    browser.get(f"{live_server.url}/cases/")  # police have no Cases menu; the address still works
    assert listed_case_numbers(browser) == []
    assert NUMBER not in browser.find_element(By.TAG_NAME, "main").text
    browser.get(case_url)
    assert browser.title == "Not found · Task Force Caseload"
    assert h1(browser) == "Not found"
    assert TITLE not in browser.find_element(By.TAG_NAME, "body").text

    # 5. Washington revokes the share; Ramsey loses the case at once.
    sign_in(browser, live_server, "wash_prosecutor", DEMO_PASSWORD)
    browser.get(case_url)
    revoke = browser.find_element(
        By.CSS_SELECTOR, "section[aria-labelledby=who-can-see] a[href*='/revoke/']"
    )
    # Screen readers hear which agency's access the link revokes.
    assert revoke.get_attribute("textContent") == f"Revoke access for {RAMSEY}"
    submit_and_wait(browser, revoke)
    browser.find_element(By.ID, "id_reason").send_keys("Review finished")
    click(browser, "Revoke access")
    assert browser.current_url == case_url
    assert texts(browser, ".messages .message") == [f"{RAMSEY} no longer has access."]
    assert "Not shared with any other agency." in who_can_see(browser)

    sign_in(browser, live_server, "ramsey_prosecutor", DEMO_PASSWORD)
    follow_nav(browser, "Cases")
    assert NUMBER not in listed_case_numbers(browser)
    assert NUMBER not in browser.find_element(By.TAG_NAME, "main").text
    browser.get(case_url)
    assert h1(browser) == "Not found"
