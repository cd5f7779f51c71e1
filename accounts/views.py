"""Pages of sign-in security: the second step, setting it up, the person's settings, lockouts."""

from __future__ import annotations

from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts import lockout, mfa, sessions
from accounts.forms import EnrolForm, ReleaseForm, VerifyForm
from taskforce import access

# Recovery codes wait here, for one page view only, between issuing and showing them.
CODES_TO_SHOW = "mfa_recovery_codes_once"


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _verified(request: HttpRequest) -> bool:
    return mfa.second_step_done(request)


@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """The second step after the password: a code from the authenticator or a recovery code."""
    user = request.user
    if not mfa.has_authenticator(user):
        return redirect(f"{reverse('mfa_enrol')}?{request.GET.urlencode()}")
    if _verified(request):
        return redirect(_next(request))
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = mfa.second_step_verify(actor=user, token=form.cleaned_data["token"])
        except mfa.Throttled as throttled:
            until = throttled.until and timezone.localtime(throttled.until)
            wait = f" after {until:%H:%M:%S}" if until else " in a while"
            form.add_error("token", f"Too many wrong codes. Try again{wait}.")
        else:
            if result is None:
                form.add_error("token", "That code is not right. Check the app and try again.")
            else:
                django_otp.login(request, result.device)
                if result.by_recovery_code:
                    left = mfa.recovery_codes_left(user)
                    messages.warning(
                        request,
                        f"You used a recovery code; {left} left. If your phone is lost, set up "
                        "a new authenticator in your settings.",
                    )
                return redirect(_next(request))
    return render(
        request,
        "accounts/mfa_verify.html",
        {"page_title": "Enter your code", "form": form, "next": _next(request)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def mfa_enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: the first time, or to replace one once verified."""
    user = request.user
    replacing = mfa.has_authenticator(user)
    if replacing and not _verified(request):
        # A password alone must never replace the second factor.
        return redirect(f"{reverse('mfa_verify')}?{request.GET.urlencode()}")
    device = mfa.authenticator_pending(user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = mfa.authenticator_confirm(actor=user, token=form.cleaned_data["token"])
        if confirmed is None:
            form.add_error(
                "token",
                "That code does not match. Check the phone's clock and type the newest code.",
            )
        else:
            new_device, codes = confirmed
            django_otp.login(request, new_device)
            request.session[CODES_TO_SHOW] = codes
            messages.success(request, "Your authenticator app is set up.")
            query = urlencode({"next": _next(request)})
            return redirect(f"{reverse('mfa_recovery_codes')}?{query}")
    response = render(
        request,
        "accounts/mfa_enrol.html",
        {
            "page_title": "Set up two-step sign-in",
            "form": form,
            "replacing": replacing,
            "qr_svg": mfa.qr_svg(device),
            "secret": mfa.secret_for_typing(device),
            "issuer": settings.OTP_TOTP_ISSUER,
            "next": _next(request),
        },
    )
    # The page carries the authenticator's secret: never keep it in a cache.
    response["Cache-Control"] = "no-store"
    return response


@login_required
def mfa_recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown this once."""
    codes = request.session.pop(CODES_TO_SHOW, None)
    if not codes:
        messages.info(request, "Recovery codes are shown only once. You can make new ones here.")
        return redirect("account_settings")
    response = render(
        request,
        "accounts/recovery_codes.html",
        {"page_title": "Your recovery codes", "codes": codes, "next": _next(request)},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def mfa_recovery_codes_renew(request: HttpRequest) -> HttpResponse:
    request.session[CODES_TO_SHOW] = mfa.recovery_codes_renew(actor=request.user)
    return redirect("mfa_recovery_codes")


@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    """The person's own settings: sections for the second step, sessions and password."""
    user = request.user
    return render(
        request,
        "accounts/settings.html",
        {
            "page_title": "Your settings",
            "authenticator": mfa.authenticator_of(user),
            "recovery_codes_left": mfa.recovery_codes_left(user),
            "manages_accounts": access.manages_accounts(user),
            "mfa_required": settings.MFA_REQUIRED,
        },
    )


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    user = sessions.sign_out_everywhere(actor=request.user)
    update_session_auth_hash(request, user)
    messages.success(request, "You are signed out everywhere else. This browser stays signed in.")
    return redirect("account_settings")


@login_required
@require_http_methods(["GET", "POST"])
def lockouts(request: HttpRequest) -> HttpResponse:
    """Locked accounts a supervisor (their agency's) or an administrator (any) may release.

    The username travels in the form, never in the address.
    """
    if not access.manages_accounts(request.user):
        raise access.NotFound
    form = ReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        try:
            account = lockout.lockout_release(
                actor=request.user, username=username, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            for field, errors in (
                error.message_dict.items()
                if hasattr(error, "error_dict")
                else ((None, error.messages),)
            ):
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"{account.display_name()} can sign in again.")
            return redirect("lockouts")
    failed = form.data.get("username") if form.is_bound else None
    rows = [
        (row, form.errors.get("reason") if row.account.username == failed else None)
        for row in lockout.locked_accounts_for(request.user)
    ]
    return render(
        request,
        "accounts/lockouts.html",
        {"page_title": "Locked accounts", "rows": rows, "form": form},
    )


def sso_pending(request: HttpRequest) -> HttpResponse:
    """After a first sign-in through the directory: the account waits for an administrator."""
    return render(request, "accounts/sso_pending.html", {"page_title": "Waiting for approval"})
