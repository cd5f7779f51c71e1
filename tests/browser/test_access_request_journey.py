"""A police liaison is told "a matching record exists" at another agency, asks for access, and
the agency holding it approves (issue #19 §3).

The journey, in Chromium, as each person sees it (the sheriff has recorded Dale Harlan with a
phone, a handle and a booking number; Woodbury PD's liaison arrests a man of the same name and
birth date):
1. Woodbury's liaison enters two arrests in one sitting on the bulk entry page; she is told that
   1 person she entered matches a record at another agency. His page says so, and names no
   agency, record or identifier.
2. She asks for access: an empty reason is refused beside the field; with a reason the request
   is sent and his page says it is waiting.
3. The sheriff's supervisor finds "Access requests" on her home page, reads who asks and why,
   and approves with the default end of access.
4. Woodbury's liaison follows her notification to Access requests, sees "Approved" and the link
   to the shared record, and now reads the sheriff's record.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from selenium.webdriver.common.by import By

from cases.models import AccessRequest, AccessRequestMatch, IdentifierKind, Person
from cases.services.people import PersonData, person_create
from taskforce.models import Role, Share
from tests.browser.pages import (
    click,
    field_error,
    h1,
    messages,
    pick,
    sign_in,
    submit_and_wait,
    table,
    texts,
    type_date,
    type_into,
)
from tests.factories import TEST_PASSWORD, member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BORN = dt.date(1979, 5, 14)
CANARY_PHONE = "651-555-0142"
CANARY_HANDLE = "canary_handle_77"
CANARY_BOOKING = "WC-2026-0042"
REASON = "Arrested him in our sting last night; we need his history before charging."
STATUTE = "609.324 subd. 1(b)"
WOODBURY = "Woodbury Police Department"
# (last name, first name, born, booking number): Harlan matches the sheriff's man; Reyes no one.
ENTERED = [
    ("Harlan", "Dale", BORN, "WPD-26-0101"),
    ("Reyes", "Tomas", dt.date(1988, 2, 3), "WPD-26-0102"),
]


@pytest.fixture
def sheriff_supervisor(sheriff):
    return member(sheriff, Role.SUPERVISOR, username="wcso_supervisor",
                  first_name="Renee", last_name="Voss")  # fmt: skip


@pytest.fixture
def known(sheriff_liaison):
    """The sheriff's record of the man, with identifiers Woodbury must not read until approved."""
    return person_create(actor=sheriff_liaison, data=PersonData(
        first_name="Dale", last_name="Harlan", date_of_birth=BORN,
        identifiers=((IdentifierKind.PHONE, CANARY_PHONE), (IdentifierKind.HANDLE, CANARY_HANDLE),
                     (IdentifierKind.BOOKING, CANARY_BOOKING)),
    ))  # fmt: skip


def cell(browser, row, label):
    """A bulk-entry cell found by its label ("Row 1: Last name"), as a screen reader names it."""
    label = browser.find_element(By.XPATH, f"//label[normalize-space()='Row {row}: {label}']")
    return browser.find_element(By.ID, label.get_attribute("for"))


def fill_row(browser, row, arrest, arrested_on):
    last, first, born, booking = arrest
    cell(browser, row, "Last name").send_keys(last)
    cell(browser, row, "First name").send_keys(first)
    type_date(browser, cell(browser, row, "Born").get_attribute("id"), born)
    type_date(browser, cell(browser, row, "Date").get_attribute("id"), arrested_on)
    time = cell(browser, row, "Time")
    time.send_keys("0930P")
    assert time.get_attribute("value") == "21:30"
    cell(browser, row, "City").send_keys("Woodbury")
    pick(browser, cell(browser, row, "County").get_attribute("id"), "Washington")
    cell(browser, row, "Booking #").send_keys(booking)
    charge = cell(browser, row, "Charge")
    option = charge.find_element(By.XPATH, f"./option[starts-with(., '{STATUTE} ')]")
    pick(browser, charge.get_attribute("id"), option.text)


def test_a_liaison_requests_access_to_a_matching_record_and_the_owner_approves(
    browser, live_server, screenshot, known, woodbury_liaison, woodbury_pd, sheriff_supervisor
):
    # 1. Woodbury's liaison enters last night's two arrests on the bulk entry page.
    sign_in(browser, live_server, woodbury_liaison.username, TEST_PASSWORD)
    browser.get(live_server.url + reverse("cases:arrest_bulk"))
    assert h1(browser) == "Enter arrests"
    arrested_on = timezone.localdate() - dt.timedelta(days=1)
    for row, arrest in enumerate(ENTERED, start=1):
        fill_row(browser, row, arrest, arrested_on)
    click(browser, "Save all arrests")

    assert messages(browser) == [
        "2 arrests saved.",
        "1 person you entered matches a record at another agency. Open their person page to "
        "request access.",
    ]
    # Names are stored encrypted: found in Python, not by SQL.
    [mine] = [p for p in Person.objects.filter(owner_agency=woodbury_pd) if p.last_name == "Harlan"]
    assert mine.pk != known.pk  # a record of her own, not the sheriff's
    submit_and_wait(browser, browser.find_element(By.LINK_TEXT, "Harlan, Dale"))
    submit_and_wait(
        browser,
        browser.find_element(
            By.XPATH, "//dt[normalize-space()='Arrestee']/following-sibling::dd[1]//a"
        ),
    )
    person_url = live_server.url + reverse("cases:person_detail", args=[mine.public_id])
    assert browser.current_url == person_url
    assert h1(browser) == "Harlan, Dale"
    [notice] = texts(browser, "main .notice[role=status]")
    assert notice.startswith("A matching record exists at another agency.")
    shown = browser.page_source
    for secret in ("Sheriff", "WCSO", CANARY_PHONE, CANARY_HANDLE, CANARY_BOOKING,
                   str(known.public_id)):  # fmt: skip
        assert secret not in shown
    assert screenshot("access-request-match-elsewhere").stat().st_size > 0

    # 2. She asks for access; a request without a reason is refused beside the field.
    click(browser, "Request access")
    assert h1(browser) == "Request access to a matching record"
    assert "Sheriff" not in browser.page_source
    click(browser, "Save")
    assert h1(browser) == "Request access to a matching record"  # still on the form
    assert field_error(browser, "id_reason") == "This field is required."
    assert not AccessRequest.objects.exists()
    type_into(browser, "id_reason", REASON)
    click(browser, "Save")

    assert browser.current_url == person_url
    assert messages(browser) == [
        "Request sent. The agency holding the matching record will decide; the answer appears "
        "under Access requests."
    ]
    [notice] = texts(browser, "main .notice[role=status]")
    assert "the request is waiting for a decision" in notice
    assert texts(browser, "main .notice a.button") == []  # no second Request access
    assert "Sheriff" not in browser.page_source

    # 3. The sheriff's supervisor finds the request on her home page and approves it.
    sign_in(browser, live_server, sheriff_supervisor.username, TEST_PASSWORD)
    panel = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=panel-requests]")
    assert "1 request from other agencies to see a record of yours is waiting" in panel.text
    submit_and_wait(browser, panel.find_element(By.LINK_TEXT, "Decide"))
    assert h1(browser) == "Access requests"
    awaiting = table(browser, "section[aria-labelledby=awaiting]")
    assert len(awaiting) == 1
    assert awaiting[0][1] == f"{woodbury_liaison.display_name()}, {WOODBURY}"
    assert awaiting[0][2] == "Harlan, Dale"
    section = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=awaiting]")
    submit_and_wait(browser, section.find_element(By.CSS_SELECTOR, "a.button"))

    assert h1(browser) == f"{WOODBURY} asks to see a record of yours"
    decision_page = browser.find_element(By.TAG_NAME, "main").text
    assert REASON in decision_page
    assert f"{woodbury_liaison.display_name()}, {WOODBURY}" in decision_page
    default_end = timezone.localdate() + dt.timedelta(days=90)
    assert browser.find_element(By.ID, "id_expires_on").get_attribute("value") == (
        default_end.isoformat()
    )
    browser.find_element(
        By.XPATH, '//label[normalize-space()="Approve: share this person\'s record"]'
    ).click()
    assert screenshot("access-request-decide").stat().st_size > 0
    click(browser, "Record decision")

    assert h1(browser) == "Access requests"
    assert messages(browser) == [f"Shared with {WOODBURY} until {default_end:%b %-d, %Y}."]
    assert texts(browser, "section[aria-labelledby=awaiting]") == []
    match = AccessRequestMatch.objects.get()
    assert (match.person_id, match.status) == (known.pk, "approved")
    share = Share.objects.get(object_id=known.pk, to_agency=woodbury_pd, revoked_at__isnull=True)
    assert timezone.localtime(share.expires_at).date() == default_end

    # 4. Woodbury's liaison follows her notification, sees the answer and reads the record.
    sign_in(browser, live_server, woodbury_liaison.username, TEST_PASSWORD)
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "a.bell"))
    assert h1(browser) == "Notifications"
    click(browser, "Your access request was answered")
    assert browser.current_url == live_server.url + reverse("access_requests")
    sent = table(browser, "section[aria-labelledby=sent]")
    assert len(sent) == 1
    assert sent[0][2] == "Harlan, Dale"
    assert sent[0][3] == "Approved: the shared record"
    assert "Sheriff" not in browser.page_source  # the answer still names no agency
    sent_section = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=sent]")
    submit_and_wait(browser, sent_section.find_element(By.LINK_TEXT, "the shared record"))

    assert browser.current_url == live_server.url + reverse(
        "cases:person_detail", args=[known.public_id]
    )
    assert h1(browser) == "Harlan, Dale"
    record = browser.find_element(By.TAG_NAME, "main").text
    assert CANARY_PHONE in record
    assert "Washington County Sheriff's Office" in record  # "Entered by"
    assert screenshot("access-request-shared-record").stat().st_size > 0
