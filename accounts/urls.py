"""URLs of sign-in security, under /accounts/ beside Django's own sign-in pages."""

from django.contrib.auth.views import LoginView
from django.urls import path

from accounts import views
from accounts.forms import PasswordSignInForm
from accounts.sign_out import SignOutView

urlpatterns = [
    # Django's sign-in page with the agency's choice of sign-in method (issue #23).
    path("login/", LoginView.as_view(authentication_form=PasswordSignInForm), name="login"),
    # Sign out, at the directory too after a directory sign-in (issue #23).
    path("logout/", SignOutView.as_view(), name="logout"),
    path("sso/pending/", views.sso_pending, name="sso_pending"),
    path("settings/", views.account_settings, name="account_settings"),
    path("mfa/verify/", views.mfa_verify, name="mfa_verify"),
    path("mfa/enrol/", views.mfa_enrol, name="mfa_enrol"),
    path("mfa/recovery-codes/", views.mfa_recovery_codes, name="mfa_recovery_codes"),
    path(
        "mfa/recovery-codes/new/",
        views.mfa_recovery_codes_renew,
        name="mfa_recovery_codes_renew",
    ),
    path("sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("lockouts/", views.lockouts, name="lockouts"),
]
