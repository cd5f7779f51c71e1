"""Single sign-on with the county's directory (issue #23), against a real OpenID Connect provider
in its own process (tests/oidc_provider/), through the authorization-code flow with PKCE."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts import sso
from accounts.oidc import EXPIRATION
from taskforce.models import AuditEvent, Role, SignInMethod, User
from taskforce.services import membership_start
from tests.factories import TEST_PASSWORD, UserFactory, member, verified_login
from tests.oidc_directory import Browser

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(client, sso_settings, directory):
    return Browser(client, directory)


def signed_in_as(client) -> User | None:
    pk = client.session.get(SESSION_KEY)
    return User.objects.get(pk=pk) if pk else None


def approved(directory, browser, username, agency, **person):
    """A person who signed in once (pending) and whom an administrator placed in `agency`."""
    sub = directory.person(username, **person)
    browser.sign_in(username)
    account = User.objects.get(oidc_subject=sub)
    membership_start(user=account, agency=agency, role=Role.POLICE_LIAISON)
    sso.account_approve(actor=None, account=account)
    return account


def time_is_up(client):
    """The ID token's time has run out: the next request asks the directory again."""
    session = client.session
    session[EXPIRATION] = 0
    session.save()


def test_first_sign_in_makes_an_inactive_account_in_no_agency_and_says_so(browser, directory):
    sub = directory.person("dana.lee", first_name="Dana", last_name="Lee")

    page = browser.sign_in("dana.lee")

    assert page.status_code == 200
    assert "An administrator of the task force must approve it" in page.content.decode()
    account = User.objects.get(oidc_subject=sub)
    assert (account.is_active, account.agency, account.get_full_name()) == (
        False, None, "Dana Lee",
    )  # fmt: skip
    assert not account.has_usable_password()
    assert signed_in_as(browser.client) is None
    assert AuditEvent.objects.filter(action="account.sso_requested", target_id=account.pk).exists()
    # PKCE: the app sent an S256 challenge, and the directory took the verifier for it.
    query = parse_qs(urlsplit(browser.authorize_urls[0]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43


def test_a_second_sign_in_before_approval_makes_no_second_account(browser, directory):
    sub = directory.person("dana.lee")
    browser.sign_in("dana.lee")
    browser.sign_in("dana.lee")
    assert User.objects.filter(oidc_subject=sub).count() == 1


def test_an_administrator_approves_by_placing_the_account_in_an_agency_then_it_signs_in(
    browser, directory, woodbury_pd
):
    sub = directory.person("dana.lee", groups=["taskforce-users", "idp:mfa"])
    browser.sign_in("dana.lee")
    account = User.objects.get(oidc_subject=sub)
    admin = verified_login(Client(), UserFactory(is_superuser=True, is_staff=True))

    response = admin.post(
        reverse("admin:taskforce_membership_add"),
        {"user": account.pk, "agency": woodbury_pd.pk, "role": Role.POLICE_LIAISON,
         "title": "", "started_at_0": "2026-12-01", "started_at_1": "09:00:00"},
    )  # fmt: skip

    assert response.status_code == 302, response.content.decode()[:2000]
    account.refresh_from_db()
    assert account.is_active and account.agency == woodbury_pd
    approval = AuditEvent.objects.get(action="account.sso_approved", target_id=account.pk)
    assert approval.actor.is_superuser
    home = browser.sign_in("dana.lee")
    assert home.status_code == 200
    assert signed_in_as(browser.client) == account


def test_directory_mfa_claim_skips_the_apps_own_second_step(browser, directory, woodbury_pd):
    account = approved(
        directory, browser, "dana.lee", woodbury_pd, groups=["taskforce-users", "idp:mfa"]
    )
    page = browser.sign_in("dana.lee", next_path="/")
    assert page.status_code == 200
    assert page.wsgi_request.path == "/"
    assert signed_in_as(browser.client) == account


def test_without_the_mfa_claim_the_apps_second_step_still_applies(browser, directory, woodbury_pd):
    approved(directory, browser, "dana.lee", woodbury_pd)
    page = browser.sign_in("dana.lee")
    assert page.wsgi_request.path == reverse("mfa_enrol")
    assert browser.client.get("/").url.startswith(reverse("mfa_enrol"))


def test_disabled_at_the_directory_is_signed_out_at_the_next_refresh(
    browser, directory, woodbury_pd
):
    account = approved(
        directory, browser, "dana.lee", woodbury_pd, groups=["taskforce-users", "idp:mfa"]
    )
    browser.sign_in("dana.lee")
    assert browser.client.get("/").status_code == 200
    directory.person("dana.lee", groups=["taskforce-users", "idp:mfa"], is_active=False)
    assert browser.client.get("/").status_code == 200  # until the token's time is up

    time_is_up(browser.client)
    response = browser.client.get("/")

    assert response.status_code == 302 and response.url == reverse("login")
    assert signed_in_as(browser.client) is None
    ended = AuditEvent.objects.get(action="auth.sso_access_ended", target_id=account.pk)
    assert ended.changes == {"reason": "directory_refused"}


def test_a_removed_group_ends_access_at_the_next_refresh(browser, directory, woodbury_pd):
    account = approved(
        directory, browser, "dana.lee", woodbury_pd, groups=["taskforce-users", "idp:mfa"]
    )
    browser.sign_in("dana.lee")
    directory.person("dana.lee", groups=["idp:mfa"])
    time_is_up(browser.client)

    response = browser.client.post("/notifications/read/", follow=True)

    assert signed_in_as(browser.client) is None
    assert "not in a group allowed" in response.content.decode()
    ended = AuditEvent.objects.get(action="auth.sso_access_ended", target_id=account.pk)
    assert ended.changes == {"reason": "group"}


def test_a_refresh_that_finds_all_well_keeps_the_session(browser, directory, woodbury_pd):
    account = approved(
        directory, browser, "dana.lee", woodbury_pd, groups=["taskforce-users", "idp:mfa"]
    )
    browser.sign_in("dana.lee")
    time_is_up(browser.client)
    assert browser.client.get("/").status_code == 200
    assert signed_in_as(browser.client) == account
    assert browser.client.session[EXPIRATION] > 0


def test_first_sign_in_outside_the_required_groups_is_refused_without_an_account(
    browser, directory
):
    directory.person("visitor", groups=["parks-department"])
    page = browser.sign_in("visitor")
    assert "not in a group allowed" in page.content.decode()
    assert not User.objects.filter(username="visitor").exists()


@pytest.mark.parametrize("mark", ["idp:forged", "idp:expired"])
def test_a_forged_or_expired_id_token_is_refused(browser, directory, woodbury_pd, mark):
    approved(directory, browser, "dana.lee", woodbury_pd, groups=["taskforce-users", "idp:mfa"])
    directory.person("dana.lee", groups=["taskforce-users", "idp:mfa", mark])

    page = browser.sign_in("dana.lee")

    assert signed_in_as(browser.client) is None
    assert "could not be verified" in page.content.decode()
    refused = AuditEvent.objects.filter(action="auth.sso_refused").latest("pk")
    assert refused.changes == {"reason": "untrusted_token", "during": "sign_in"}


def test_a_member_of_a_directory_only_agency_cannot_use_a_password(client, woodbury_pd):
    woodbury_pd.sign_in_method = SignInMethod.SSO
    woodbury_pd.save()
    officer = member(woodbury_pd, Role.POLICE_LIAISON)

    response = client.post(
        reverse("login"), {"username": officer.username, "password": TEST_PASSWORD}
    )

    assert response.status_code == 200
    assert "signs in through the directory only" in response.content.decode()
    assert signed_in_as(client) is None


def test_a_member_of_a_password_only_agency_cannot_use_the_directory(
    browser, directory, woodbury_pd
):
    account = approved(
        directory, browser, "dana.lee", woodbury_pd, groups=["taskforce-users", "idp:mfa"]
    )
    woodbury_pd.sign_in_method = SignInMethod.PASSWORD
    woodbury_pd.save()
    page = browser.sign_in("dana.lee")
    assert "signs in with a password" in page.content.decode()
    assert signed_in_as(browser.client) is None
    assert AuditEvent.objects.filter(action="auth.sso_refused", target_id=account.pk).exists()


def test_the_sign_in_page_offers_the_directory_only_when_configured(client, settings):
    settings.OIDC_ENABLED = False
    assert "sso-sign-in" not in client.get(reverse("login")).content.decode()
    settings.OIDC_ENABLED = True
    settings.OIDC_PROVIDER_NAME = "Washington County account"
    assert "Sign in with Washington County account" in client.get(reverse("login")).content.decode()


@pytest.mark.parametrize(
    ("claims", "vouched"),
    [
        ({"amr": ["pwd", "mfa"]}, True),
        ({"amr": ["hwk"]}, True),
        ({"amr": ["pwd"]}, False),
        ({}, False),
        ({"acr": "http://idmanagement.gov/ns/assurance/aal/2"}, True),
        ({"acr": "aal1"}, False),
    ],
)
def test_which_amr_and_acr_claims_count_as_the_directorys_mfa(settings, claims, vouched):
    settings.OIDC_MFA_ACR_VALUES = ["http://idmanagement.gov/ns/assurance/aal/2"]
    assert sso.directory_did_mfa(claims) is vouched


def directory_asks_who(browser) -> bool:
    """Whether a sign-in through the directory now asks for the directory's password (its own
    session ended), rather than coming straight back with a code."""
    start = browser.client.get("/oidc/authenticate/")
    answer = browser.at_directory.get(start["Location"], allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    return urlsplit(answer.headers["Location"]).path == "/accounts/login/"


def test_signing_out_ends_the_directorys_session_too(browser, directory, woodbury_pd):
    account = approved(
        directory, browser, "dana.lee", woodbury_pd, groups=["taskforce-users", "idp:mfa"]
    )
    browser.sign_in("dana.lee")
    assert not directory_asks_who(browser)  # the directory remembers her
    # The browser lets the sign-out form's redirect go to the directory (CSP form-action).
    policy = browser.client.get(reverse("home"))["Content-Security-Policy"]
    assert f"form-action 'self' {directory.url}" in policy

    response = browser.client.post(reverse("logout"))

    assert signed_in_as(browser.client) is None
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{directory.issuer}/end-session"
    query = parse_qs(target.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/accounts/login/"]
    assert query["id_token_hint"] and query["client_id"] == ["taskforce-caseload"]
    page = browser.follow(response)  # the directory ends its session and sends her back
    assert page.status_code == 200 and page.wsgi_request.path == reverse("login")
    assert directory_asks_who(browser)
    assert AuditEvent.objects.filter(action="auth.signed_out", actor=account).exists()


def test_with_the_end_session_endpoint_off_only_the_apps_session_ends(
    browser, directory, woodbury_pd, sso_settings
):
    approved(directory, browser, "dana.lee", woodbury_pd, groups=["taskforce-users", "idp:mfa"])
    browser.sign_in("dana.lee")
    sso_settings.OIDC_OP_END_SESSION_ENDPOINT = "off"

    response = browser.client.post(reverse("logout"))

    assert response["Location"] == reverse("login")
    assert signed_in_as(browser.client) is None
    assert not directory_asks_who(browser)


def test_an_unreachable_directory_does_not_stop_the_apps_sign_out(
    browser, directory, woodbury_pd, sso_settings
):
    from tests.workers import free_port

    approved(directory, browser, "dana.lee", woodbury_pd, groups=["taskforce-users", "idp:mfa"])
    browser.sign_in("dana.lee")
    dead = f"http://127.0.0.1:{free_port()}"
    sso_settings.OIDC_ISSUER = f"{dead}/openid"  # nobody answers there
    page = browser.client.get(reverse("home"))  # asks nothing of the directory
    assert page.status_code == 200
    assert f"form-action 'self' {dead}" in page["Content-Security-Policy"]

    response = browser.client.post(reverse("logout"))

    assert response["Location"] == reverse("login")
    assert signed_in_as(browser.client) is None


def test_a_password_sign_out_stays_in_the_app(client, sso_settings, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "form-action 'self'" in policy and "127.0.0.1" not in policy
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert signed_in_as(client) is None


def test_sign_out_is_refused_as_a_get(client, sso_settings, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    assert client.get(reverse("logout")).status_code == 405
    assert signed_in_as(client) == wash_prosecutor


def test_password_sign_in_and_pages_do_not_wait_on_an_unreachable_directory(
    client, sso_settings, wash_prosecutor
):
    from tests.workers import free_port

    sso_settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}/openid"  # nobody answers there
    response = client.post(
        reverse("login"), {"username": "wash_prosecutor", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302 and signed_in_as(client) == wash_prosecutor
    verified_login(client, wash_prosecutor)
    assert client.get(reverse("home")).status_code == 200


def test_the_sign_in_button_with_the_directory_down_says_so_on_the_sign_in_page(
    client, sso_settings
):
    import socket
    import uuid

    # A port held bound and never listening: connections to it are refused, and no other test
    # process can start a server on it meanwhile; an issuer no test used before, so no
    # discovery document is cached for it (the cache is shared: a free port that a parallel
    # worker's directory had used found that directory's document, a failure seen in CI).
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        port = held.getsockname()[1]
        sso_settings.OIDC_ISSUER = f"http://127.0.0.1:{port}/openid-{uuid.uuid4().hex}"
        response = client.get(reverse("oidc_authentication_init"))
        assert response.status_code == 302 and response["Location"] == reverse("login")
        page = client.get(response["Location"]).content.decode()
    assert sso.REFUSALS["directory_unreachable"].split(".")[0] in page
    assert signed_in_as(client) is None


# --- The lockout and the directory ---------------------------------------------------------------
# A directory sign-in carries no username and no password: it cannot lock anyone's password
# account, and failed ones do not count toward the lockout (the directory keeps its own count).


def test_refused_directory_sign_ins_do_not_count_toward_any_lockout(
    browser, directory, sso_settings, wash_prosecutor
):
    from axes.models import AccessAttempt, AccessFailureLog

    sso_settings.LOCKOUT_ADDRESS_LIMIT = 5
    directory.person("visitor", groups=["parks-department"])
    for _ in range(6):
        page = browser.sign_in("visitor")
        assert "not in a group allowed" in page.content.decode()

    assert not AccessFailureLog.objects.exists() and not AccessAttempt.objects.exists()
    assert AuditEvent.objects.filter(action="auth.sso_refused").count() == 6
    assert not AuditEvent.objects.filter(action="auth.sign_in_failed").exists()
    # The same address still signs in with a password.
    response = Client().post(
        reverse("login"), {"username": "wash_prosecutor", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302


def test_a_password_lockout_does_not_stop_a_directory_sign_in_which_ends_it_as_any_sign_in_does(
    browser, directory, woodbury_pd
):
    """The lock stops password guessing; the directory checked the person by its own means (and
    keeps its own lockout). Signing in ends the lock, as a password sign-in ends the count of
    failures before it (AXES_RESET_ON_SUCCESS)."""
    from accounts.lockout import is_locked

    account = approved(
        directory, browser, "dana.lee", woodbury_pd, groups=["taskforce-users", "idp:mfa"]
    )
    stranger = Client()
    for _ in range(5):
        stranger.post(reverse("login"), {"username": account.username, "password": "guess"})
    assert is_locked(account.username)

    page = browser.sign_in("dana.lee")

    assert page.status_code == 200 and signed_in_as(browser.client) == account
    assert not is_locked(account.username)
