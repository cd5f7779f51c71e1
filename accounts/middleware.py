"""Middleware of sign-in security: the 12-hour limit on a sign-in, and MFA before any page."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from accounts.events import SIGNED_IN_AT
from accounts.mfa import has_authenticator, second_step_done
from accounts.session_engine import TOUCHED_AT

# Pages a signed-in person reaches before the second step: signing in and out, the second step
# itself, and public, non-personal pages.
BEFORE_SECOND_STEP = {
    "login",
    "logout",
    "mfa_verify",
    "mfa_enrol",
    "sso_pending",
    "health",
    "security_txt",
    "security_policy",
}


class SessionTouchMiddleware:
    """Slides the idle limit (CJIS 5.9.5) by saving an active session at most once a
    SESSION_TOUCH_SECONDS, not on every request (accounts.session_engine); placed right after
    SessionMiddleware, so it sees the session as every other middleware left it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = request.session
        if session.session_key and not session.modified and not session.is_empty():
            touched = session.get(TOUCHED_AT)
            if touched is None or time.time() - touched >= settings.SESSION_TOUCH_SECONDS:
                session.modified = True
        return response


class SignInLifetimeMiddleware:
    """CJIS 5.9.5: sign in again after SESSION_MAX_AGE_SECONDS (12 hours), however active.

    The 30-minute idle limit is the session cookie's own age (settings.SESSION_COOKIE_AGE).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(SIGNED_IN_AT)
            if started is None or time.time() - started > settings.SESSION_MAX_AGE_SECONDS:
                request.sign_out_action = "auth.session_expired"
                logout(request)
                messages.info(request, "You have been signed in for a long time: sign in again.")
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


def url_name(request: HttpRequest) -> str | None:
    try:
        return resolve(request.path_info).url_name
    except Resolver404:
        return None


class MFARequiredMiddleware:
    """Everyone signed in with a password goes through the second step before any other page,
    the admin included: set up an authenticator the first time, then a code at each sign-in.
    A single sign-on whose directory vouched for a second factor (amr/acr) has had it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.MFA_REQUIRED
            and user.is_authenticated
            and not second_step_done(request)
            and url_name(request) not in BEFORE_SECOND_STEP
        ):
            if request.path_info.startswith("/api/"):
                # An API client gets the API's error shape, not a page to type a code into.
                return JsonResponse(
                    {"code": "mfa_required", "fields": {}, "message": (
                        "Finish signing in with your second factor, or use an API token."
                    )},
                    status=401,
                )  # fmt: skip
            step = "mfa_verify" if has_authenticator(user) else "mfa_enrol"
            return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
