"""Single sign-on in Chromium (issue #23), against the real OpenID Connect provider of
tests/oidc_provider/ through the authorization-code flow with PKCE: a person of the county's
directory signs in for the first time, waits for approval, is placed in an agency, signs in to
their home page, and signs out of the app and the directory at once; the directory's MFA claim
skips the app's own second step, and without it that step appears (setting up an authenticator
app, or its code for one who has); a person disabled at the
directory is signed out at the first page after their ID token's time runs out; an ID token
signed with another key, or past its expiry, is refused at the callback.

tests/accounts/test_sso.py covers the same provider through the test client, with the refusals
these journeys do not repeat (groups, agency sign-in method, unreachable directory, lockout)."""

from importlib import import_module
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from accounts import sso
from accounts.oidc import EXPIRATION
from taskforce.models import AuditEvent, Role, User
from taskforce.services import membership_start

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in_through_the_directory(browser, live_server, username):
    # Every origin's cookies, the app's (localhost) and the directory's (127.0.0.1) alike:
    # delete_all_cookies() clears only the current page's, and an app session cookie left from
    # an earlier test names a session the test database no longer holds.
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
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


@pytest.fixture
def app_at_the_directory(live_server, directory, sso_settings):
    """The live server's callback registered at the directory (beside the test client's)."""
    directory.register_client(
        "http://testserver/oidc/callback/", f"{live_server.url}/oidc/callback/"
    )
    return live_server


def approved(browser, live_server, directory, agency, username, groups):
    """A person who signed in once in Chromium (pending) and whom an administrator placed in
    `agency`."""
    sub = directory.person(username, groups=groups)
    assert sign_in_through_the_directory(browser, live_server, username) == "Waiting for approval"
    account = User.objects.get(oidc_subject=sub)
    membership_start(user=account, agency=agency, role=Role.POLICE_LIAISON)
    sso.account_approve(actor=None, account=account)
    return account


def time_is_up(browser):
    """The ID token's time has run out for the browser's session (as tests/accounts/test_sso.py
    does to the test client's): its next page asks the directory again."""
    key = browser.get_cookie(settings.SESSION_COOKIE_NAME)["value"]
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    assert session.get(EXPIRATION, 0) > 0
    session[EXPIRATION] = 0
    session.save()


SECOND_STEP_HEADINGS = ("Set up two-step sign-in", "Enter your code")


def message(browser) -> str:
    return browser.find_element(By.CSS_SELECTOR, ".messages").text


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


@pytest.mark.parametrize(
    ("groups", "enrolled", "second_step"),
    [
        (["taskforce-users", "idp:mfa"], False, None),  # amr ["pwd", "mfa"]
        (["taskforce-users"], False, "mfa_enrol"),  # amr ["pwd"]
        (["taskforce-users"], True, "mfa_verify"),  # amr ["pwd"], an authenticator app set up
    ],
    ids=["mfa-claim", "no-mfa-claim", "no-mfa-claim-enrolled"],
)
def test_the_directorys_mfa_claim_stands_in_for_the_apps_second_step(
    browser, app_at_the_directory, directory, woodbury_pd, groups, enrolled, second_step
):
    live_server = app_at_the_directory
    account = approved(browser, live_server, directory, woodbury_pd, "dana.lee", groups)
    if enrolled:
        TOTPDevice.objects.create(user=account, name="Phone", confirmed=True)

    heading = sign_in_through_the_directory(browser, live_server, "dana.lee")

    if second_step is None:
        assert heading not in ("Sign in", "Waiting for approval", *SECOND_STEP_HEADINGS)
        assert browser.current_url.rstrip("/") == live_server.url
    else:
        assert heading == SECOND_STEP_HEADINGS[second_step == "mfa_verify"]
        assert urlsplit(browser.current_url).path == reverse(second_step)
        browser.get(f"{live_server.url}/")  # home is not reachable around it
        assert urlsplit(browser.current_url).path == reverse(second_step)


def test_disabled_at_the_directory_is_signed_out_when_the_id_tokens_time_runs_out(
    browser, app_at_the_directory, directory, woodbury_pd
):
    live_server = app_at_the_directory
    groups = ["taskforce-users", "idp:mfa"]
    account = approved(browser, live_server, directory, woodbury_pd, "dana.lee", groups)
    home = sign_in_through_the_directory(browser, live_server, "dana.lee")
    directory.person("dana.lee", groups=groups, is_active=False)
    browser.get(f"{live_server.url}/")
    assert browser.find_element(By.TAG_NAME, "h1").text == home  # until the token's time is up

    time_is_up(browser)
    browser.get(f"{live_server.url}/")

    assert browser.current_url == f"{live_server.url}/accounts/login/"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Sign in"
    assert sso.REFUSALS["directory_refused"] in message(browser)
    ended = AuditEvent.objects.get(action="auth.sso_access_ended", target_id=account.pk)
    assert ended.changes == {"reason": "directory_refused"}
    browser.get(f"{live_server.url}/")  # and stays signed out
    assert browser.current_url.startswith(f"{live_server.url}/accounts/login/")


@pytest.mark.parametrize("mark", ["idp:forged", "idp:expired"])
def test_a_forged_or_expired_id_token_is_refused_at_the_callback(
    browser, app_at_the_directory, directory, woodbury_pd, mark
):
    """The directory's token endpoint (back channel) answers with an ID token re-signed with a
    key not its own, or one whose `exp` passed an hour ago (tests/oidc_provider/idp.py)."""
    live_server = app_at_the_directory
    groups = ["taskforce-users", "idp:mfa"]
    approved(browser, live_server, directory, woodbury_pd, "dana.lee", groups)
    directory.person("dana.lee", groups=[*groups, mark])

    heading = sign_in_through_the_directory(browser, live_server, "dana.lee")

    assert heading == "Sign in"
    assert "could not be verified" in message(browser)
    browser.get(f"{live_server.url}/")
    assert browser.current_url.startswith(f"{live_server.url}/accounts/login/")
    refused = AuditEvent.objects.filter(action="auth.sso_refused").latest("pk")
    assert refused.changes == {"reason": "untrusted_token", "during": "sign_in"}
