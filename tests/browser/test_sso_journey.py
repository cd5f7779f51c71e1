"""Single sign-on in Chromium (issue #23): a person of the county's directory signs in for the
first time, waits for approval, is placed in an agency, signs in to their home page, and signs
out of the app and the directory at once; the directory is the real OpenID Connect provider of
tests/oidc_provider/."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from accounts import sso
from taskforce.models import Role, User
from taskforce.services import membership_start

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in_through_the_directory(browser, live_server, username):
    browser.delete_all_cookies()
    browser.get(f"{live_server.url}/accounts/login/")
    browser.find_element(By.ID, "sso-sign-in").click()
    wait = WebDriverWait(browser, 15)
    if "County directory" in browser.title:
        browser.find_element(By.NAME, "username").send_keys(username)
        browser.find_element(By.NAME, "password").send_keys("directory-password")
        browser.find_element(By.ID, "idp-sign-in").click()
    wait.until(expected_conditions.url_contains(live_server.url))
    wait.until(lambda b: b.find_element(By.TAG_NAME, "h1"))
    return browser.find_element(By.TAG_NAME, "h1").text


def test_first_sign_in_waits_for_approval_then_signs_in_to_home(
    browser, live_server, directory, sso_settings, woodbury_pd
):
    directory.register_client(
        "http://testserver/oidc/callback/", f"{live_server.url}/oidc/callback/"
    )
    sub = directory.person("dana.lee", groups=["taskforce-users", "idp:mfa"])

    assert sign_in_through_the_directory(browser, live_server, "dana.lee") == "Waiting for approval"

    account = User.objects.get(oidc_subject=sub)
    membership_start(user=account, agency=woodbury_pd, role=Role.POLICE_LIAISON)
    sso.account_approve(actor=None, account=account)

    heading = sign_in_through_the_directory(browser, live_server, "dana.lee")
    assert heading not in ("Sign in", "Waiting for approval", "Set up two-step sign-in")
    assert browser.current_url.rstrip("/") == live_server.url

    # Signing out ends the directory's session too: the next sign-in asks for its password.
    browser.find_element(By.XPATH, "//button[normalize-space()='Sign out']").click()
    WebDriverWait(browser, 15).until(
        expected_conditions.url_to_be(f"{live_server.url}/accounts/login/")
    )
    browser.find_element(By.ID, "sso-sign-in").click()
    WebDriverWait(browser, 15).until(expected_conditions.title_contains("County directory"))
