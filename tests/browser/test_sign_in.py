"""Each demo role signs in through Chromium and sees its own home page."""

import pytest
from selenium.webdriver.common.by import By

from home.demo import DEMO_PASSWORD, seed_demo
from tests.browser.pages import h1, messages, sign_in, sign_in_password_only, submit_and_wait

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize(
    ("username", "heading"),
    [
        ("wash_prosecutor", "My caseload"),
        ("woodbury_liaison", "Operations and arrests"),
        ("scv_advocate", "Referrals and follow-ups"),
        ("wash_supervisor", "Washington County Attorney's Office"),
        ("taskforce_coordinator", "Task force overview"),
        ("admin", "Administration"),
    ],
)
def test_demo_role_signs_in_and_sees_its_home(browser, live_server, screenshot, username, heading):
    seed_demo()
    sign_in(browser, live_server, username, DEMO_PASSWORD)
    assert browser.find_element(By.TAG_NAME, "h1").text == heading
    assert browser.title.endswith("Task Force Caseload")
    header = browser.find_element(By.CSS_SELECTOR, ".site-header")
    assert header.value_of_css_property("background-color") == "rgba(29, 63, 110, 1)"  # styled
    assert screenshot(f"home-{username}").stat().st_size > 0

    submit_and_wait(
        browser, browser.find_element(By.XPATH, "//button[normalize-space()='Sign out']")
    )
    assert browser.find_element(By.TAG_NAME, "h1").text == "Sign in"


def test_wrong_password_shows_the_message_beside_the_form(browser, live_server, screenshot):
    seed_demo()
    sign_in(browser, live_server, "wash_prosecutor", "not-the-password")
    alert = browser.find_element(By.CSS_SELECTOR, "[role=alert]")
    assert "Please enter a correct username and password" in alert.text
    screenshot("login-wrong-password")


def test_keyboard_user_reaches_the_main_content_with_the_skip_link(browser, live_server):
    seed_demo()
    sign_in(browser, live_server, "wash_prosecutor", DEMO_PASSWORD)
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys("\ue004")  # Tab: the first stop is the skip link
    focused = browser.switch_to.active_element
    assert focused.text == "Skip to main content"
    focused.send_keys("\ue007")  # Enter
    assert browser.switch_to.active_element.get_attribute("id") == "main"


def test_a_newcomer_sets_up_the_authenticator_and_keeps_the_recovery_codes(
    browser, live_server, screenshot
):
    from base64 import b32decode

    from django_otp.oath import totp

    seed_demo()
    sign_in_password_only(browser, live_server, "wash_prosecutor", DEMO_PASSWORD)
    assert h1(browser) == "Set up two-step sign-in"
    assert browser.find_element(By.CSS_SELECTOR, ".qr-code svg path")
    screenshot("mfa-enrol")
    secret = browser.find_element(By.CSS_SELECTOR, ".secret").text.replace(" ", "")
    code = f"{totp(b32decode(secret)):06d}"
    browser.find_element(By.ID, "id_token").send_keys(code)
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main button[type=submit]"))

    assert h1(browser) == "Your recovery codes"
    assert "Your authenticator app is set up." in messages(browser)
    assert len(browser.find_elements(By.CSS_SELECTOR, ".recovery-codes li")) == 10
    submit_and_wait(browser, browser.find_element(By.LINK_TEXT, "I have saved them"))
    assert h1(browser) == "My caseload"
