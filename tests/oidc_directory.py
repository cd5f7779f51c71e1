"""A real OpenID Connect directory for the suite: the small django-oidc-provider project in
tests/oidc_provider/, run with runserver in its own process on a free loopback port, and a person
signing in at it over real HTTP (requests), as a browser would, with the app's test client on
the app's side of the redirects."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from tests.workers import free_port, wait_for_http

ROOT = Path(__file__).resolve().parents[1]
CLIENT_ID = "taskforce-caseload"
CLIENT_SECRET = "test-client-secret-not-real"
SCOPES = "openid email profile groups"
DIRECTORY_PASSWORD = "directory-password"


@dataclass
class Directory:
    url: str
    control_token: str

    @property
    def issuer(self) -> str:
        return f"{self.url}/openid"

    def _order(self, **order) -> dict:
        response = requests.post(
            f"{self.url}/control/",
            json=order,
            headers={"X-Control-Token": self.control_token},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()

    def register_client(self, *redirect_uris: str) -> None:
        """The app's client, with its callbacks and, beside each, the app's sign-in page as the
        address to come back to after signing out."""
        self._order(
            action="client", client_id=CLIENT_ID, secret=CLIENT_SECRET,
            redirect_uris=list(redirect_uris),
            post_logout_redirect_uris=[
                uri.replace("/oidc/callback/", "/accounts/login/") for uri in redirect_uris
            ],
        )  # fmt: skip

    def person(self, username: str, *, groups=("taskforce-users",), is_active=True, **fields):
        """Add or change a person at the directory; returns their subject (`sub`)."""
        return self._order(
            action="user", username=username, groups=list(groups), is_active=is_active,
            password=DIRECTORY_PASSWORD, **fields,
        )["sub"]  # fmt: skip


def _run_directory(tmp: Path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    token = secrets.token_urlsafe(16)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "IDP_DB": str(tmp / "directory.sqlite3"),
        "IDP_URL": url,
        "IDP_CONTROL_TOKEN": token,
        "PYTHONPATH": str(ROOT),
    }
    manage = [sys.executable, "-m", "django"]
    for command in (["migrate", "-v0"], ["creatersakey"]):
        subprocess.run(manage + command, env=env, cwd=ROOT, check=True, capture_output=True)
    log = (tmp / "directory.log").open("w")
    process = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for_http(f"{url}/openid/.well-known/openid-configuration", process,
                      tmp / "directory.log", request_timeout=2)  # fmt: skip
    except RuntimeError:
        process.kill()
        raise
    return process, Directory(url=url, control_token=token)


@pytest.fixture(scope="session")
def directory(tmp_path_factory):
    """The directory, running for the whole session."""
    process, running = _run_directory(tmp_path_factory.mktemp("directory"))
    running.register_client("http://testserver/oidc/callback/")
    try:
        yield running
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def sso_settings(settings, directory):
    """The app configured for the directory by its issuer alone (endpoints from discovery)."""
    settings.OIDC_ENABLED = True
    settings.OIDC_ISSUER = directory.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SCOPES = SCOPES
    settings.OIDC_REQUIRED_GROUPS = ["taskforce-users"]
    return settings


class Browser:
    """One person's browser: the app's test client for the app, a requests session (its own
    cookies) for the directory, following each redirect to whichever side it points."""

    def __init__(self, client, directory: Directory):
        self.client = client
        self.directory = directory
        self.at_directory = requests.Session()
        self.authorize_urls: list[str] = []

    def follow(self, response, *, username: str | None = None, password=DIRECTORY_PASSWORD):
        """Follow redirects across both sides until a page of the app (or of the directory's
        sign-in, answered with `username`) ends the journey; returns the app's last response."""
        for _ in range(20):
            if response.status_code not in (301, 302, 303):
                return response
            if hasattr(response, "wsgi_request"):
                location = response["Location"]
            else:  # a directory's redirect may be relative to the directory
                location = urljoin(response.url, response.headers["Location"])
            target = urlsplit(location)
            if target.netloc in ("", "testserver"):
                path = target.path + (f"?{target.query}" if target.query else "")
                response = self.client.get(path)
                continue
            if "/openid/authorize" in target.path:
                self.authorize_urls.append(location)
            answer = self.at_directory.get(location, allow_redirects=False, timeout=10)
            if answer.status_code == 200 and "idp-sign-in" in answer.text:
                assert username, "the directory asks who is signing in"
                csrf = self.at_directory.cookies["idp_csrftoken"]
                answer = self.at_directory.post(
                    answer.url,
                    data={"username": username, "password": password,
                          "csrfmiddlewaretoken": csrf,
                          "next": _next_of(answer.url)},
                    allow_redirects=False, timeout=10,
                )  # fmt: skip
            response = _Redirect(answer)
        raise AssertionError("too many redirects")

    def sign_in(self, username: str, next_path: str = "/"):
        start = self.client.get(f"/oidc/authenticate/?next={next_path}")
        return self.follow(start, username=username)


def _next_of(url: str) -> str:
    return parse_qs(urlsplit(url).query).get("next", ["/"])[0]


class _Redirect:
    """A directory answer seen as a redirect (or the page it ended on)."""

    def __init__(self, answer: requests.Response):
        self.status_code = answer.status_code
        self.url = answer.url
        self.headers = answer.headers
        self.text = answer.text
