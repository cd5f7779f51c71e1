"""A youth recovered in a sting is referred to Safe Harbor, served, and the referral closed.

The journey, in Chromium, as each person sees it (demo data: the sheriff's liaison ran
"Operation Northern Lights (demo)"; the St. Croix Valley advocacy center serves the county):
1. The sheriff's liaison opens an arrest of the sting and refers a 16-year-old found there to
   the advocacy center, urgently: the referral page says "Sent".
2. The advocate finds the youth under "Referred to …", marks the referral received, then
   accepted, and opens a victim record: for a minor the custody note is required (the error sits
   beside it), then the record opens. The youth and a guardian sign a release of referral status
   to Washington's county attorney for 90 days; the advocate records emergency shelter being
   delivered, a contact, and a private note, and moves the referral to "Engaged in services".
3. Washington's prosecutor opens the victim record and sees the referral's status only: not the
   youth's name, not the service's outcome, not the note.
4. The liaison who referred the youth sees "Received" (no consent to police), neither the
   advocate's next steps nor the history, and never the note.
5. Once the consent has expired, the prosecutor's link answers "Not found", before the sweeper
   has deleted the lapsed grant; the liaison still sees "Received" only.
6. The advocate closes the referral: without a closure reason it is refused and stays engaged;
   with "Goals met" it is closed.
"""

import datetime as dt

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

from cases.models.people import name_key
from home.demo import DEMO_OPERATION, DEMO_PASSWORD, seed_demo
from referrals.models import Referral
from taskforce.models import Share
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
from victims.models import Consent, VictimGroupObjectPermission

# Counties and statutes are seeded by data migrations, and an earlier transactional test flushes
# them: serialized_rollback starts this test from the migrated database instead.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ADVOCACY = "St. Croix Valley Sexual Assault & Domestic Violence Advocacy Center"
SHERIFF = "Washington County Sheriff's Office"
COUNTY_ATTORNEY = "Washington County Attorney's Office"
YOUTH = ("Kaia", "Thorsgaard")
REASON = "Found in the hotel room during the sting; wants to talk to someone. Text only."
CUSTODY = "Lives with her aunt (legal custodian); no-contact order against the mother's partner."
PURPOSE = "Keep the county attorney informed of the referral's progress."
GUARDIAN = ("Lena Thorsgaard", "Aunt")
SHELTER_OUTCOME = "Placed at the youth shelter in Stillwater; bed held for 30 days."
CONTACT_OUTCOME = "Checked in by text; she is settled and attending school."
NOTE = "Disclosed details about the trafficker"


# --- Reading pages ------------------------------------------------------------------------------


def h2s(browser):
    return texts(browser, "main h2")


def body(browser):
    return browser.find_element(By.TAG_NAME, "body").text


def fact(browser, section, term):
    """The value beside `term` in a section's list of facts."""
    return browser.find_element(
        By.XPATH,
        f"//section[@aria-labelledby='{section}']//dt[.='{term}']/following-sibling::dd[1]",
    ).text


def referral_status(browser):
    """The status as shown, without the note a sender gets when its view is capped."""
    return fact(browser, "facts", "Status").split(" (your agency sees")[0]


def status_capped(browser):
    return "sees no further than “received”" in fact(browser, "facts", "Status")


def history(browser):
    """The steps the referral's history lists, oldest first."""
    return texts(browser, "section[aria-labelledby=history] ol.timeline li strong")


def expire_consent(today):
    """Move the one consent, as if signed 100 days ago and expired yesterday, with what it
    recorded when it was saved: its share's and grant rows' end of access (`Consent.ends_at`).
    The sweeper that deletes lapsed grants does not run."""
    Consent.objects.update(
        signed_on=today - dt.timedelta(days=100), expires_on=today - dt.timedelta(days=1)
    )
    consent = Consent.objects.get()
    ended = consent.ends_at()
    assert ended <= timezone.now()
    Share.objects.filter(pk=consent.share_id).update(expires_at=ended)
    VictimGroupObjectPermission.objects.filter(share=consent.share_id).update(expires_at=ended)
    return consent


# --- Acting on pages ----------------------------------------------------------------------------


def next_step(browser, to_status, closure_reason=None):
    """Move the referral on with the advocate's "Next step" form."""
    pick(browser, "id_to_status", to_status)
    if closure_reason:
        pick(browser, "id_closure_reason", closure_reason)
    click(browser, "Save")


# --- The journey --------------------------------------------------------------------------------


def test_a_police_referral_is_served_under_consent_and_closed(browser, live_server, screenshot):
    seed_demo()
    today = timezone.localdate()
    born = today.replace(year=today.year - 16, day=1)  # 16 today
    expires = today + dt.timedelta(days=90)
    contacted_at = (timezone.localtime() - dt.timedelta(hours=1)).replace(tzinfo=None)
    youth = f"{YOUTH[1]}, {YOUTH[0]}"

    # 1. The sheriff's liaison refers a youth found in an arrest of the sting.
    sign_in(browser, live_server, "wcso_liaison", DEMO_PASSWORD)
    follow_nav(browser, "Arrests")
    assert h1(browser) == "Arrests"
    first = table(browser, "main")[0]
    assert first[7] == DEMO_OPERATION
    arrestee = first[1]
    click(browser, arrestee)
    click(browser, "Refer a victim to Safe Harbor")

    assert h1(browser) == "Refer to Safe Harbor"
    assert browser.find_element(By.CSS_SELECTOR, "main .lede").text.startswith(
        f"Someone identified in the arrest of {arrestee} (b. "
    )
    type_into(browser, "id_first_name", YOUTH[0])
    type_into(browser, "id_last_name", YOUTH[1])
    type_date(browser, "id_date_of_birth", born)
    pick(browser, "id_to_agency", ADVOCACY)
    pick(browser, "id_urgency", "Urgent (within a day)")
    assert Select(browser.find_element(By.ID, "id_source")).first_selected_option.text == "Police"
    type_into(browser, "id_reason", REASON)
    click(browser, "Send the referral")

    assert h1(browser) == youth
    assert messages(browser) == [f"Referral sent to {ADVOCACY}."]
    assert referral_status(browser) == "Sent"
    assert fact(browser, "facts", "From") == f"{SHERIFF} (police)"
    assert fact(browser, "facts", "To") == ADVOCACY
    referral_url = browser.current_url
    referral = Referral.objects.get(person__last_name_key=name_key(YOUTH[1]))
    assert referral.arrest is not None
    assert referral.arrest.operation.name == DEMO_OPERATION

    # 2. The advocate receives and accepts it, and opens the youth's victim record.
    sign_in(browser, live_server, "scv_advocate", DEMO_PASSWORD)
    follow_nav(browser, "Referrals")
    assert h1(browser) == "Referrals"
    assert f"Referred to {ADVOCACY}" in h2s(browser)
    [row] = [r for r in table(browser, "section[aria-labelledby=received]") if r[0] == youth]
    assert row[1:4] == ["Urgent (within a day)", "Sent", "WCSO"]
    click(browser, youth)
    assert browser.current_url == referral_url
    assert referral_status(browser) == "Sent"

    next_step(browser, "Received")
    assert messages(browser) == ["Referral updated."]
    assert referral_status(browser) == "Received"
    next_step(browser, "Accepted")
    assert referral_status(browser) == "Accepted"
    assert history(browser) == ["Sent", "Received", "Accepted"]

    click(browser, "Open a victim record")
    assert h1(browser) == "Open a victim record"
    pick(browser, "id_identified_how", "Sting or operation")
    click(browser, "Open the record")
    assert h1(browser) == "Open a victim record"  # still on the form: a minor needs the note
    assert field_error(browser, "id_guardian_note") == (
        "For a minor, note who has custody (and any no-contact orders)."
    )
    referral.refresh_from_db()
    assert referral.victim is None

    type_into(browser, "id_guardian_note", CUSTODY)
    click(browser, "Open the record")
    assert messages(browser) == ["Victim record opened."]
    assert h1(browser) == youth
    assert "Minor" in texts(browser, ".page-header .badge--warn")
    assert fact(browser, "record", "Custody") == CUSTODY
    victim_url = browser.current_url

    # The youth and her aunt sign a 90-day release of referral status to the county attorney.
    click(browser, "Record consent")
    assert h1(browser) == "Record a signed consent"
    pick(browser, "id_to_agency", COUNTY_ATTORNEY)
    pick(browser, "id_scope", "Referral status only")
    type_into(browser, "id_purpose", PURPOSE)
    assert value(browser, "id_signed_on") == today.isoformat()
    type_date(browser, "id_expires_on", expires)
    browser.find_element(By.ID, "id_signed_by_minor").click()
    type_into(browser, "id_guardian_name", GUARDIAN[0])
    type_into(browser, "id_guardian_relationship", GUARDIAN[1])
    click(browser, "Record consent")

    assert browser.current_url == victim_url
    assert messages(browser) == [
        f"Consent recorded: {COUNTY_ATTORNEY} may see referral status only "
        f"until {expires:%b %-d, %Y}."
    ]
    [consent_row] = table(browser, "section[aria-labelledby=consents]")
    assert consent_row[:5] == [
        COUNTY_ATTORNEY,
        "Referral status only",
        f"{today:%b %-d, %Y} (minor and aunt)",
        f"{expires:%b %-d, %Y}",
        "In force",
    ]
    assert " ".join(consent_row[5].split()) == f"Withdraw consent to {COUNTY_ATTORNEY}"

    click(browser, "Record a service")
    assert h1(browser) == "Record a service"
    pick(browser, "id_kind", "Emergency shelter")
    pick(browser, "id_status", "Being delivered")
    type_date(browser, "id_started_on", today)
    type_into(browser, "id_outcome", SHELTER_OUTCOME)
    click(browser, "Save")
    assert browser.current_url == victim_url
    assert messages(browser) == ["Saved."]
    [service] = table(browser, "section[aria-labelledby=services]")
    assert [service[0], service[2], service[5]] == [
        "Emergency shelter",
        "Being delivered",
        SHELTER_OUTCOME,
    ]

    click(browser, "Log a contact or attempt")
    assert h1(browser) == "Log a contact or attempt"
    type_datetime(browser, "id_at", contacted_at)
    pick(browser, "id_method", "Text message")
    browser.find_element(By.ID, "id_reached").click()
    type_into(browser, "id_outcome", CONTACT_OUTCOME)
    click(browser, "Save")
    assert browser.current_url == victim_url
    [contact] = texts(browser, "section[aria-labelledby=contacts] .plain-list li")
    assert contact.startswith(f"{contacted_at:%b %-d, %Y %H:%M} · Text message · reached")
    assert CONTACT_OUTCOME in contact

    click(browser, "Add a note")
    assert h1(browser) == "Add an advocate note"
    type_into(browser, "id_body", NOTE)
    click(browser, "Save")
    assert browser.current_url == victim_url
    [note] = texts(browser, "section[aria-labelledby=notes] .plain-list li")
    assert note.startswith(NOTE)

    # Back on the referral: services are under way.
    follow_nav(browser, "Referrals")
    click(browser, youth)
    assert browser.current_url == referral_url
    victim_link = browser.find_element(By.LINK_TEXT, "Open the victim record")
    assert victim_link.get_attribute("href") == victim_url
    next_step(browser, "Engaged in services")
    assert referral_status(browser) == "Engaged in services"

    # 3. Washington's prosecutor sees the referral's status, and nothing else of the record.
    sign_in(browser, live_server, "wash_prosecutor", DEMO_PASSWORD)
    browser.get(victim_url)
    assert h1(browser) == "Victim record"
    assert h2s(browser) == ["Referrals"]
    assert texts(browser, "section[aria-labelledby=referral-status] .plain-list li") == [
        f"From {SHERIFF} to {ADVOCACY}, {today:%b %-d, %Y}: Engaged in services"
    ]
    page = body(browser)
    born_shown = f"{born:%b %-d, %Y}"
    for private in (*YOUTH, born_shown, "Emergency shelter", SHELTER_OUTCOME, CONTACT_OUTCOME):
        assert private not in page
    for private in (NOTE, CUSTODY, PURPOSE, GUARDIAN[0]):
        assert private not in page
    assert screenshot("victim-status-consent").stat().st_size > 0

    # 4. The liaison who referred her sees it was received, nothing more, and never the note.
    sign_in(browser, live_server, "wcso_liaison", DEMO_PASSWORD)
    browser.get(referral_url)
    assert h1(browser) == youth
    assert referral_status(browser) == "Received"
    assert status_capped(browser)  # told why it sees no more, whatever the real status
    assert "Next step" not in h2s(browser)
    assert "History" not in h2s(browser)
    assert browser.find_elements(By.ID, "id_to_status") == []
    page = body(browser)
    for private in (NOTE, SHELTER_OUTCOME, CUSTODY, "Engaged"):
        assert private not in page
    follow_nav(browser, "Referrals")
    assert table(browser, "section[aria-labelledby=sent]") == [
        [youth, ADVOCACY, f"{today:%b %-d, %Y}", "Received"]
    ]
    browser.get(victim_url)
    assert h1(browser) == "Not found"

    # 5. Ninety days on, the consent has expired: the prosecutor's link finds nothing, even before
    # the sweeper deletes the lapsed grant.
    consent = expire_consent(today)
    assert VictimGroupObjectPermission.objects.filter(share=consent.share).exists()  # unswept
    sign_in(browser, live_server, "wash_prosecutor", DEMO_PASSWORD)
    browser.get(victim_url)
    assert h1(browser) == "Not found"
    assert "Engaged in services" not in body(browser)
    # The liaison still sees only that it was received.
    sign_in(browser, live_server, "wcso_liaison", DEMO_PASSWORD)
    browser.get(referral_url)
    assert referral_status(browser) == "Received"
    assert status_capped(browser)
    assert NOTE not in body(browser)

    # 6. The advocate closes the referral, forgetting the closure reason at first.
    sign_in(browser, live_server, "scv_advocate", DEMO_PASSWORD)
    browser.get(victim_url)
    [consent_row] = table(browser, "section[aria-labelledby=consents]")
    assert consent_row[4] == "Expired"
    browser.get(referral_url)
    next_step(browser, "Closed")
    assert field_error(browser, "id_closure_reason") == "Choose why the referral is closed."
    assert referral_status(browser) == "Engaged in services"
    referral.refresh_from_db()
    assert referral.status == "engaged"

    next_step(browser, "Closed", closure_reason="Goals met")
    assert messages(browser) == ["Referral updated."]
    assert referral_status(browser) == "Closed"
    assert texts(browser, "section[aria-labelledby=work] .empty-state") == [
        "This referral is finished (goals met)."
    ]
    assert history(browser) == ["Sent", "Received", "Accepted", "Engaged in services", "Closed"]
    referral.refresh_from_db()
    assert (referral.status, referral.closure_reason) == ("closed", "goals_met")
