"""URLs of the test directory: its sign-in page, the OpenID Connect endpoints, and the control
endpoint through which the suite adds people, disables them and sets their groups."""

from django.contrib.auth.views import LoginView
from django.urls import include, path

from tests.oidc_provider import idp

urlpatterns = [
    path("accounts/login/", LoginView.as_view()),
    path("openid/", include("oidc_provider.urls", namespace="oidc_provider")),
    path("control/", idp.control),
]
