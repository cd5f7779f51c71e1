"""Settings of the test directory: a small OpenID Connect provider (django-oidc-provider) that the
suite runs in its own process on loopback, standing in for Entra ID, Okta or Keycloak."""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECRET_KEY = "test-directory-only-not-a-secret-0123456789abcdef"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SITE_URL = os.environ["IDP_URL"]
CONTROL_TOKEN = os.environ["IDP_CONTROL_TOKEN"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tests.oidc_provider.idp.DirectoryPolicyMiddleware",
]
ROOT_URLCONF = "tests.oidc_provider.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["IDP_DB"]}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
USE_TZ = True
LOGIN_URL = "/accounts/login/"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SESSION_COOKIE_NAME = "idp_session"
CSRF_COOKIE_NAME = "idp_csrftoken"
OIDC_USERINFO = "tests.oidc_provider.idp.userinfo"
OIDC_EXTRA_SCOPE_CLAIMS = "tests.oidc_provider.idp.GroupsClaims"
OIDC_IDTOKEN_PROCESSING_HOOK = "tests.oidc_provider.idp.id_token_hook"
OIDC_IDTOKEN_EXPIRE = 600
