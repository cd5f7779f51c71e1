"""Single sign-on through the directory (OpenID Connect, mozilla-django-oidc): the backend that
checks the ID token and finds the account, the callback that lets the person in or says why not,
and the recheck of the person's standing at the directory at each token refresh (signing out:
accounts/sign_out.py)."""

from __future__ import annotations

import time

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import BACKEND_SESSION_KEY
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.middleware import SessionRefresh
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts import sso
from accounts.middleware import url_name
from taskforce.models import User

BACKEND_PATH = "accounts.oidc.DirectoryBackend"
# Where the directory's endpoints come from when only the issuer is configured.
_DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
EXPIRATION = "oidc_id_token_expiration"


def discovery(*, cached_only: bool = False) -> dict | None:
    """The issuer's discovery document (cached an hour): read on first use, never at start-up,
    so that the app starts while the directory is down. `cached_only`: None rather than ask."""
    issuer = settings.OIDC_ISSUER.rstrip("/")
    key = f"oidc-discovery:{issuer}"
    document = cache.get(key)
    if document is None and not cached_only:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration",
            timeout=settings.OIDC_TIMEOUT,
            verify=import_from_settings("OIDC_VERIFY_SSL", True),
        )
        response.raise_for_status()
        document = response.json()
        if document.get("issuer", "").rstrip("/") != issuer:
            raise ImproperlyConfigured(f"OIDC_ISSUER {issuer!r} does not match its discovery")
        cache.set(key, document, 3600)
    return document


def oidc_setting(attr: str, *args):
    """mozilla-django-oidc's settings, with endpoints the configuration left out discovered."""
    if attr in _DISCOVERED and not getattr(settings, attr, None) and settings.OIDC_ISSUER:
        return discovery()[_DISCOVERED[attr]]
    return import_from_settings(attr, *args)


def _issuer() -> str | None:
    return discovery()["issuer"] if settings.OIDC_ISSUER else None


def is_sso_session(request: HttpRequest) -> bool:
    return request.session.get(BACKEND_SESSION_KEY) == BACKEND_PATH


class DirectoryBackend(OIDCAuthenticationBackend):
    """Accounts are found by the directory's subject (`sub`), never by e-mail address; a new
    subject makes a pending account. The ID token must be signed by the directory, for this
    client (`aud`), from this issuer, and not expired."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        # The endpoints are read (discovered) when a directory sign-in or recheck needs them, not
        # here: Django builds every backend for each password sign-in and to load each request's
        # user, and neither may depend on the directory answering.
        self.enabled = settings.OIDC_ENABLED
        self.UserModel = User
        self._configured = False

    def _configure(self) -> None:
        if not self._configured:
            super().__init__()
            self.UserModel = User
            self._configured = True

    def authenticate(self, request, **kwargs):
        # Only the callback's call (state, nonce, PKCE verifier) is a directory sign-in.
        if not self.enabled or request is None or "nonce" not in kwargs:
            return None
        self._configure()
        self.id_claims: dict = {}
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload, key):
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("The ID token's algorithm is not the configured one.")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=_issuer(),
                options={"require": ["exp", "iat", "sub"]},
                leeway=30,
            )
        except jwt.InvalidTokenError as error:
            # A forged signature, an expired token, another client's or issuer's token.
            raise SuspiciousOperation(f"ID token refused: {type(error).__name__}") from error

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:
            self.id_claims = payload
        return payload

    def verify_claims(self, claims) -> bool:
        # The userinfo must be about the person of the ID token (OIDC Core 5.3.2).
        return bool(claims.get("sub")) and claims.get("sub") == self.id_claims.get("sub")

    def filter_users_by_claims(self, claims):
        return User.objects.filter(oidc_subject=claims["sub"])

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(userinfo):
            raise SuspiciousOperation("The userinfo is not about the ID token's person.")
        claims = {**self.id_claims, **userinfo}
        user = self.filter_users_by_claims(claims).first()
        if not sso.in_required_group(claims):
            # Refused before any account is made for someone outside the groups.
            self.request.sso_refusal = ("group", user)
            return None
        user = self.create_user(claims) if user is None else self.update_user(user, claims)
        self.request.session[sso.SSO_MFA] = sso.directory_did_mfa(self.id_claims)
        return user

    def create_user(self, claims):
        return sso.pending_account_create(claims=claims)

    def update_user(self, user, claims):
        return sso.account_update_from_claims(user=user, claims=claims)

    def store_tokens(self, access_token, id_token):
        super().store_tokens(access_token, id_token)
        self.request.session[sso.REFRESH_TOKEN] = getattr(self, "refresh_token", None)

    def get_token(self, payload):
        token_info = super().get_token(payload)
        self.refresh_token = token_info.get("refresh_token")
        return token_info

    def get_user(self, user_id):
        if not self.enabled:
            return None
        return super().get_user(user_id)

    def recheck(self, request: HttpRequest) -> str | None:
        """Refresh the tokens at the directory and check the person's standing again.

        Returns None when all is well, else the reason to end the session. A directory refuses
        to refresh for a disabled account (invalid_grant); a removed group shows in the claims.
        """
        self.request = request
        refresh_token = request.session.get(sso.REFRESH_TOKEN)
        try:
            self._configure()
            token_info = self.get_token(
                {
                    "client_id": self.OIDC_RP_CLIENT_ID,
                    "client_secret": self.OIDC_RP_CLIENT_SECRET,
                    "grant_type": "refresh_token",
                    "refresh_token": refresh_token,
                }
            )
        except requests.HTTPError:
            return "directory_refused"
        except requests.RequestException:
            return "directory_unreachable"
        try:
            if token_info.get("id_token"):
                self.id_claims = self.get_payload_data(
                    token_info["id_token"], self._key_for(token_info["id_token"])
                )
            else:
                self.id_claims = {"sub": request.user.oidc_subject}
            userinfo = self.get_userinfo(token_info.get("access_token"), None, None)
        except SuspiciousOperation:
            return "untrusted_token"
        except requests.HTTPError:
            return "directory_refused"
        except requests.RequestException:
            return "directory_unreachable"
        claims = {**self.id_claims, **userinfo}
        if claims.get("sub") != request.user.oidc_subject or not self.verify_claims(userinfo):
            return "other_person"
        if not sso.in_required_group(claims):
            return "group"
        request.session[sso.REFRESH_TOKEN] = self.refresh_token or refresh_token
        return None

    def _key_for(self, token: str):
        if self.OIDC_RP_SIGN_ALGO.startswith(("RS", "ES")):
            return self.OIDC_RP_IDP_SIGN_KEY or self.retrieve_matching_jwk(token)
        return self.OIDC_RP_CLIENT_SECRET


class AuthenticateView(OIDCAuthenticationRequestView):
    """The "Sign in with …" button: off to the directory with state, nonce and PKCE."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        # The endpoints are discovered in get(), where an unreachable directory is a message on
        # the sign-in page: read here, as mozilla-django-oidc does, it was a server error.
        View.__init__(self, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            messages.error(request, "Single sign-on is not set up on this server.")
            return redirect("login")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
            self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        except requests.RequestException:
            messages.error(request, sso.REFUSALS["directory_unreachable"])
            return redirect("login")
        return super().get(request)


def end_sso_session(request: HttpRequest, reason: str) -> None:
    """Sign the person out because the directory no longer vouches for them (audited)."""
    request.sign_out_action = "auth.sso_access_ended"
    request.sign_out_details = {"reason": reason}
    auth.logout(request)
    messages.error(request, sso.REFUSALS.get(reason, sso.REFUSALS["directory_refused"]))


class CallbackView(OIDCAuthenticationCallbackView):
    """The directory's answer: in, pending approval, or refused with the reason on the page."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            return redirect("login")
        self.user = None
        was_signed_in = request.user.is_authenticated
        if request.GET.get("error") and was_signed_in:
            # A silent refresh (prompt=none) the directory refused: disabled, or signed out there.
            end_sso_session(request, "directory_refused")
            return redirect("login")
        try:
            return super().get(request)
        except requests.RequestException:
            # The directory's token, keys or userinfo endpoint did not answer (or answered an
            # error): nobody is signed in or out by it.
            if was_signed_in:
                end_sso_session(request, "directory_unreachable")
            else:
                messages.error(request, sso.REFUSALS["directory_unreachable"])
            return redirect("login")
        except SuspiciousOperation:
            sso.sign_in_refused(
                account=request.user if was_signed_in else None,
                reason="untrusted_token",
                during="refresh" if was_signed_in else "sign_in",
            )
            if was_signed_in:
                end_sso_session(request, "untrusted_token")
            else:
                messages.error(request, sso.REFUSALS["untrusted_token"])
            return redirect("login")

    def login_failure(self) -> HttpResponse:
        request = self.request
        refusal = getattr(request, "sso_refusal", None)
        user = self.user or (refusal[1] if refusal else None)
        if request.user.is_authenticated:
            end_sso_session(request, refusal[0] if refusal else "directory_refused")
            return redirect("login")
        if refusal:
            sso.sign_in_refused(account=refusal[1], reason=refusal[0], during="sign_in")
            messages.error(request, sso.REFUSALS[refusal[0]])
        elif user is not None and user.is_awaiting_approval:
            return redirect("sso_pending")
        elif user is not None and not user.is_active:
            sso.sign_in_refused(account=user, reason="disabled", during="sign_in")
            messages.error(request, sso.REFUSALS["disabled"])
        elif request.GET.get("error"):
            messages.error(request, "Signing in through the directory did not finish.")
        return redirect("login")

    def login_success(self) -> HttpResponse:
        if not sso.may_use_sso(self.user):
            self.request.sso_refusal = ("agency_password_only", self.user)
            return self.login_failure()
        return super().login_success()


class DirectoryRecheckMiddleware:
    """When the ID token's time is up (OIDC_RECHECK_SECONDS), ask the directory again before
    the request goes on: a refresh-token grant on the back channel (any method), or, with no
    refresh token, mozilla-django-oidc's silent re-authentication (GET only). A disabled account,
    a removed group or an untrusted answer ends the session (audited); the app's own view of the
    account (disabled, moved to a password-only agency) ends it too."""

    EXEMPT = {"login", "logout", "sso_pending", "health", "oidc_authentication_callback"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.OIDC_ENABLED
            and request.user.is_authenticated
            and is_sso_session(request)
            and request.session.get(EXPIRATION, 0) <= time.time()
            and url_name(request) not in self.EXEMPT
        ):
            response = self._recheck(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _recheck(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not user.is_active or not sso.may_use_sso(user):
            reason = "disabled" if not user.is_active else "agency_password_only"
            end_sso_session(request, reason)
            return redirect("login")
        if not request.session.get(sso.REFRESH_TOKEN):
            return _SilentRefresh(lambda r: None).process_request(request)
        reason = DirectoryBackend().recheck(request)
        if reason is not None:
            end_sso_session(request, reason)
            if request.path_info.startswith("/api/"):
                return HttpResponse(status=401)
            return HttpResponseRedirect(reverse("login"))
        request.session[EXPIRATION] = time.time() + settings.OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS
        return None


class _SilentRefresh(SessionRefresh):
    get_settings = staticmethod(oidc_setting)
