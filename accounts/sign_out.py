"""Signing out after a directory sign-in ends the directory's session too (OpenID Connect
RP-Initiated Logout 1.0, through mozilla-django-oidc's OIDC_OP_LOGOUT_URL_METHOD), so the next
person at a shared workstation is asked for their own directory password."""

from __future__ import annotations

import logging
from urllib.parse import urlencode, urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from mozilla_django_oidc.views import OIDCLogoutView

from accounts.oidc import discovery, is_sso_session, oidc_setting

logger = logging.getLogger(__name__)


def _end_session_off() -> bool:
    return (settings.OIDC_OP_END_SESSION_ENDPOINT or "").strip().lower() == "off"


def end_session_endpoint(*, cached_only: bool = False) -> str | None:
    """The directory's end-session endpoint: configured, discovered, or none ("off")."""
    if _end_session_off():
        return None
    if settings.OIDC_OP_END_SESSION_ENDPOINT:
        return settings.OIDC_OP_END_SESSION_ENDPOINT
    if settings.OIDC_ISSUER:
        return (discovery(cached_only=cached_only) or {}).get("end_session_endpoint")
    return None


def directory_sign_out_url(request: HttpRequest) -> str:
    """Where signing out leads (OIDC_OP_LOGOUT_URL_METHOD, asked before the session ends): after
    a directory sign-in, the directory's end-session endpoint, which ends its session and sends
    the person back to the app's sign-in page; otherwise straight to that page. The ID token is
    the hint of whose session it is; a directory that cannot be reached does not stop the app's
    own sign-out."""
    sign_in_page = resolve_url(settings.LOGOUT_REDIRECT_URL)
    if not (settings.OIDC_ENABLED and is_sso_session(request)):
        return sign_in_page
    try:
        endpoint = end_session_endpoint()
    except (requests.RequestException, ValueError, ImproperlyConfigured) as error:
        logger.warning("signing out of the app only: no end-session endpoint (%s)", error)
        return sign_in_page
    if not endpoint:
        return sign_in_page
    query = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(sign_in_page),
    }
    if request.session.get("oidc_id_token"):
        query["id_token_hint"] = request.session["oidc_id_token"]
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"


class SignOutView(OIDCLogoutView):
    """Sign out (POST): the app's session ends, and the directory's too after a directory
    sign-in (directory_sign_out_url)."""

    get_settings = staticmethod(oidc_setting)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def sign_out_origins() -> list[str]:
    """Where a sign-out may lead besides this site, known without asking the directory (a page
    must not wait on it): the end-session endpoint configured or in the cached discovery
    document, and the issuer's origin, where a discovered endpoint almost always is."""
    if _end_session_off():
        return []
    urls = [end_session_endpoint(cached_only=True)]
    if not settings.OIDC_OP_END_SESSION_ENDPOINT:
        urls.append(settings.OIDC_ISSUER)
    return sorted({_origin(url) for url in urls if url})


class DirectorySignOutPolicyMiddleware:
    """The pages of a directory sign-in let their sign-out form lead to the directory: a browser
    applies the page's Content-Security-Policy `form-action` to every redirect that follows a form
    sent from it, and the sign-out's redirect goes to the directory's end-session endpoint."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.OIDC_ENABLED
            and response.get("Content-Type", "").startswith("text/html")
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
            and is_sso_session(request)
        ):
            origins = sign_out_origins()
            if origins:
                response._csp_update = {"form-action": origins}
        return response
