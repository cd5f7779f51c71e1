"""Settings for Task Force Caseload, all read from the environment (README: Configuration)."""

import re
from datetime import timedelta
from pathlib import Path

from taskforce.config import (
    ConfigError,
    env_bool,
    env_choice,
    env_database,
    env_date,
    env_email,
    env_int,
    env_list,
    env_private_files,
    env_redis_url,
    env_str,
    env_timezone,
)

BASE_DIR = Path(__file__).resolve().parent.parent
# Runtime files of the embedded default (SQLite file, file broker, collected static).
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ConfigError("SECRET_KEY is required when DEBUG is off")
    SECRET_KEY = "django-insecure-embedded-default-only-for-local-demo-never-production"  # noqa: S105
# Earlier SECRET_KEYs, still accepted during a rotation (docs/operations.md: Rotating keys):
# sessions and tokens signed with one stay valid, and the encrypted fields open under every pair
# of a SECRET_KEY and a FIELD_ENCRYPTION_KEYS entry until `manage.py rotate_field_keys` has run.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])

# The secret of the reports' cell-key rounding (reports/disclosure.py). Kept apart from SECRET_KEY
# so rotating that does not re-round every published figure (two roundings of one count, seen
# side by side, tell more than one).
REPORTS_DISCLOSURE_KEY = env_str("REPORTS_DISCLOSURE_KEY") or SECRET_KEY

# Victims' identifying fields are encrypted at rest (taskforce/encryption.py). The first key
# encrypts, every key decrypts: prepend a new one, run `manage.py rotate_field_keys`, then drop
# the old one. (django-fernet-encrypted-fields derives each Fernet key from SECRET_KEY and these.)
SALT_KEY = env_list("FIELD_ENCRYPTION_KEYS", [])
if not SALT_KEY:
    if not DEBUG:
        raise ConfigError("FIELD_ENCRYPTION_KEYS is required when DEBUG is off")
    SALT_KEY = ["embedded-demo-field-key-never-production"]

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "taskforce.apps.TaskforceAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "guardian",
    "health_check",
    # Sign-in security (issue #9): TOTP and recovery codes, lockout, Content-Security-Policy.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    # The layers, core first (docs/architecture.md): core, engines, domain, features.
    "taskforce",
    "accounts",
    "deadlines",
    "cases",
    "victims",
    "referrals",
    "home",
    "reports",
    # REST API (api/): DRF, filters, OpenAPI schema, docs assets served locally
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    # Change history by PostgreSQL triggers (taskforce/history.py)
    "pgtrigger",
    "pghistory",
]

MIDDLEWARE = [
    # First, so the lockout and the audit trail see the client's address behind nginx.
    "taskforce.web.proxy.RealClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.SessionTouchMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the person's membership read by kept SQL (accounts/signed_in.py).
    "accounts.signed_in.SignedInMiddleware",
    "accounts.signed_in.SecondStepMiddleware",  # django-otp's, its device read as above
    "taskforce.audit.RequestOriginMiddleware",
    "taskforce.history.HistoryContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Sign-in security (issue #9): CSP header, the 12-hour sign-in limit, MFA before any page,
    # and axes last (it turns a lockout into its page).
    "csp.middleware.CSPMiddleware",
    "accounts.sign_out.DirectorySignOutPolicyMiddleware",
    "accounts.middleware.SignInLifetimeMiddleware",
    "accounts.oidc.DirectoryRecheckMiddleware",
    "accounts.middleware.MFARequiredMiddleware",
    "axes.middleware.AxesMiddleware",
    # Search words typed into list pages never reach an address (issue #9: nothing sensitive
    # in URLs or logs).
    "taskforce.web.private_search.PrivateSearchMiddleware",
    # The policy answers each question once per GET (issue #22: a page asked it up to 7 times).
    "taskforce.access.memo.RequestMemoMiddleware",
]

ROOT_URLCONF = "taskforce.urls"
WSGI_APPLICATION = "taskforce.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "home.context_processors.membership",
                "accounts.context_processors.sign_in_security",
            ],
            # `date` shows the zone of a time in the hour that happens twice (fall back).
            "builtins": ["taskforce.templatetags.local_times"],
        },
    },
]

# Selects are built in Python, not a template per option (taskforce/web/form_renderer.py).
FORM_RENDERER = "taskforce.web.form_renderer.FormRenderer"

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'taskforce.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default runs a worker beside the web process: WAL and IMMEDIATE
    # transactions keep the two from failing on "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiles a query whose estimated cost passes jit_above_cost before it runs
    # it: 190-540 ms for the shared cases' export whose work took 23 ms (issue #22). The reports
    # already turned it off for their own queries (reports.views.aggregating: with it, 3.8 s of
    # the 9.5 s of SQL behind ten report pages was compiling); now no page pays for it.
    if not env_bool("DATABASE_JIT", False):
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Long SELECTs planned once per connection (taskforce/prepared.py, issue #22); off behind a
    # pooler that does not keep a session's prepared statements.
    if env_bool("DATABASE_PREPARE", True):
        from taskforce.prepared import PreparingCursor

        DATABASES["default"].setdefault("OPTIONS", {})["cursor_factory"] = PreparingCursor
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users, sign-in -------------------------------------------------------------------------
AUTH_USER_MODEL = "taskforce.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked account before any password is checked (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on through the directory (issue #23); answers nothing while OIDC is not set up.
    "accounts.oidc.DirectoryBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# No guardian "anonymous user": nobody signed out sees any record.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Single sign-on with the county's directory: OpenID Connect (issue #23) ----------------------
# mozilla-django-oidc, authorization-code flow with PKCE. Give the issuer (its discovery document
# names the endpoints) or each endpoint. Off unless a client id and an issuer or endpoints are set.
OIDC_ISSUER = env_str("OIDC_ISSUER")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_USERINFO_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_JWKS_ENDPOINT")
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
OIDC_ENABLED = bool(
    OIDC_RP_CLIENT_ID
    and (OIDC_ISSUER or (OIDC_OP_AUTHORIZATION_ENDPOINT and OIDC_OP_TOKEN_ENDPOINT))
)
# offline_access: most directories (Entra ID, Okta) issue a refresh token only for it, and the
# refresh is when a disabled account or a removed group is noticed.
OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "openid email profile offline_access")
OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGORITHM", "RS256")
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10, minimum=1)
# The name on the sign-in button, e.g. "Hennepin County account".
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "your organisation's account")
# The claim listing the person's directory groups, and the groups of which one is needed to use
# the app (empty: any account of the directory may ask for approval).
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
OIDC_REQUIRED_GROUPS = env_list("OIDC_REQUIRED_GROUPS", [])
# The directory's MFA is accepted (CJIS 5.6.2.2) when the ID token's `amr` (RFC 8176) names one of
# these methods, or its `acr` is one of these values; otherwise the app's own second step applies.
OIDC_MFA_AMR_VALUES = env_list("OIDC_MFA_AMR_VALUES", ["mfa", "mca", "otp", "hwk", "sc"])
OIDC_MFA_ACR_VALUES = env_list("OIDC_MFA_ACR_VALUES", [])
# How often a signed-in person's standing at the directory is checked again (a token refresh):
# a disabled account or a removed group ends the session at the first request after it.
OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = env_int("OIDC_RECHECK_SECONDS", 5 * 60, minimum=30)
OIDC_CREATE_USER = True
OIDC_STORE_ID_TOKEN = True
# RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): signing out of the app after a
# directory sign-in ends the directory's session too, so the next person at a shared workstation
# is asked for their own directory password. The endpoint is the discovery document's
# `end_session_endpoint` unless given here; "off" ends the app's session alone (at Entra ID, for
# one, the directory's session is the person's sign-in to every Microsoft application).
OIDC_OP_END_SESSION_ENDPOINT = env_str("OIDC_END_SESSION_ENDPOINT")
OIDC_OP_LOGOUT_URL_METHOD = "accounts.sign_out.directory_sign_out_url"
OIDC_CALLBACK_CLASS = "accounts.oidc.CallbackView"
OIDC_AUTHENTICATE_CLASS = "accounts.oidc.AuthenticateView"
LOGIN_REDIRECT_URL_FAILURE = "login"
# Passwords are stored with Argon2id at a cost measured here (accounts/hashers.py, README:
# Security). Hashes of an older kind or cost still verify, and are rehashed with the first one at
# the person's next sign-in: PBKDF2 was Django's default until issue #22. Django's own Argon2
# hasher is not listed: ours reads every "argon2$" hash whatever its cost, and a second hasher of
# that name would be the one `get_hasher("argon2")` returns (100 MiB, 8 lanes).
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
# NIST SP 800-63B 3.1.1.2 (CJIS 5.9.5): at least 8 characters, checked against a blocklist of
# common passwords and the person's own details; no composition rules and no expiry (a password
# is changed when it may be compromised).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# CJIS 5.9.5: lock the session after 30 minutes idle (sliding window).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
# An active session is saved at most this often (accounts.middleware.SessionTouchMiddleware), not
# on every request: the idle limit slides to within this of the last request (issue #22).
SESSION_TOUCH_SECONDS = env_int("SESSION_TOUCH_SECONDS", 60, minimum=0)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Sign-in security (issue #9; README: Security) ------------------------------------------
# CJIS 5.9.5: sign in again at least every 12 hours, however active the session.
SESSION_MAX_AGE_SECONDS = env_int("SESSION_MAX_AGE_SECONDS", 12 * 60 * 60, minimum=60)
# Every account signs in with a second factor (TOTP or a recovery code). Only the embedded demo
# turns this off, and every page then says so.
MFA_REQUIRED = env_bool("MFA_REQUIRED", True)
OTP_TOTP_ISSUER = env_str("MFA_ISSUER", "Task Force Caseload")
# The authenticator's secret is not shown in the admin once saved.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
MFA_RECOVERY_CODES = 10
# CJIS 5.9.5: 5 failed sign-ins within 15 minutes lock the account (by username, from any
# address) for LOCKOUT_MINUTES after the last failure (CJIS allows an automatic 10-minute lock;
# 0 keeps it until released), so that knowing a username is not enough to keep its owner out for
# long. A supervisor of the person's agency or an administrator may release it earlier; the person
# and their supervisors are told (accounts/lockout.py).
AXES_FAILURE_LIMIT = 5
AXES_FAILURE_WINDOW_SECONDS = 15 * 60
LOCKOUT_MINUTES = env_int("LOCKOUT_MINUTES", 10, minimum=0)
AXES_COOLOFF_TIME = timedelta(minutes=LOCKOUT_MINUTES) if LOCKOUT_MINUTES else None
AXES_LOCKOUT_PARAMETERS = ["username"]
# One address failing this often within the window (guessing, or locking many people out) is
# refused for every username until its failures age out of the window; attempts it makes then do
# not count against the accounts it names. Higher than the account limit: a whole agency may sign
# in from behind one office NAT. axes.W006 (lock addresses too) is answered by this.
LOCKOUT_ADDRESS_LIMIT = env_int("LOCKOUT_ADDRESS_LIMIT", 20, minimum=AXES_FAILURE_LIMIT)
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_HANDLER = "accounts.lockout.WindowedLockoutHandler"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Releases go through the lockouts page, which audits them; not through the admin.
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# CJIS 5.9.5: accounts unused this long are disabled by a nightly task.
ACCOUNT_INACTIVE_DAYS = env_int("ACCOUNT_INACTIVE_DAYS", 90, minimum=1)
# "A matching record exists elsewhere": access requests one person may send in 24 hours.
ACCESS_REQUESTS_PER_DAY = env_int("ACCESS_REQUESTS_PER_DAY", 5, minimum=1)

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_timezone("TIME_ZONE", "America/Chicago")
USE_I18N = True
USE_TZ = True

# --- Static files (served by the app itself: no CDN on closed networks) ----------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
# Uploaded documents live outside the web root and have no URL: only a view that asks the access
# policy streams them (cases.views.court.document_download). On one machine, a folder; behind a
# load balancer, PRIVATE_FILES_URL=s3://bucket/prefix?… puts them in a bucket every node shares
# (taskforce.config.env_private_files: server-side encrypted, no ACL, no presigned URL).
PRIVATE_FILES_ROOT = Path(env_str("PRIVATE_FILES_ROOT", str(VAR_DIR / "private")))
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 10 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o600
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": env_private_files("PRIVATE_FILES_URL", str(PRIVATE_FILES_ROOT)),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# A file missing from the manifest (collectstatic not rerun) falls back to its plain name.
WHITENOISE_MANIFEST_STRICT = False

# --- Redis, cache, Celery ------------------------------------------------------------------
REDIS_URL = env_redis_url("REDIS_URL")
if REDIS_URL:
    # Read from Redis, written through to the database (accounts.session_engine).
    SESSION_ENGINE = "accounts.session_engine"
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "taskforce",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
CELERY_RESULT_BACKEND = env_str(
    "CELERY_RESULT_BACKEND", REDIS_URL or f"file://{VAR_DIR / 'celery' / 'results'}"
)
if CELERY_BROKER_URL == "filesystem://":
    # Embedded default: a broker in plain files, so tasks and beat run with no Redis server.
    _broker_dir = VAR_DIR / "celery" / "broker"
    _control_dir = VAR_DIR / "celery" / "control"
    for _folder in (_broker_dir, _control_dir, VAR_DIR / "celery" / "results"):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(_control_dir),
    }
else:
    # A task a worker took and never acknowledged (the worker died: tasks are acknowledged late)
    # goes back to the queue TASK_REDELIVERY_SECONDS after it was taken, and another worker runs
    # it. Longer than any task may run (CELERY_TASK_TIME_LIMIT), or a slow task is handed to a
    # second worker while the first still runs it. Every worker looks for such tasks every few
    # seconds (kombu's default, every 100 s, would add most of two minutes to a short timeout).
    TASK_REDELIVERY_SECONDS = env_int("TASK_REDELIVERY_SECONDS", 3600, minimum=1)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": TASK_REDELIVERY_SECONDS,
        "unacked_restore_interval": min(10, max(1, TASK_REDELIVERY_SECONDS // 3)),
        "unacked_restore_throttle": 1,
    }
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "taskforce")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
if REDIS_URL:
    # A beat on every node (celery-redbeat): the one holding a lock in Redis sends the schedule,
    # the others wait for the lock, and a beat that dies without letting go loses it after
    # BEAT_LOCK_SECONDS. When each entry last ran is kept in Redis too, so the beat that takes
    # over sends nothing twice. The key prefix follows the queue: one Redis, several deployments.
    # (REDBEAT_*, not CELERY_REDBEAT_*: redbeat checks for its settings by their bare names, and
    # without them warns and falls back to the broker's URL and options.)
    CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
    REDBEAT_REDIS_URL = REDIS_URL
    REDBEAT_REDIS_OPTIONS = {"health_check_interval": 30}
    REDBEAT_KEY_PREFIX = f"redbeat:{CELERY_TASK_DEFAULT_QUEUE}:"
    # The holder renews the lock every tick, and a tick lasts at most BEAT_LOOP_SECONDS.
    CELERY_BEAT_MAX_LOOP_INTERVAL = env_int("BEAT_LOOP_SECONDS", 5, minimum=1)
    REDBEAT_LOCK_TIMEOUT = env_int(
        "BEAT_LOCK_SECONDS", 30, minimum=3 * CELERY_BEAT_MAX_LOOP_INTERVAL
    )
# Without Redis (the embedded default) one beat keeps its schedule in a file: run only one.
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "taskforce.tasks.record_heartbeat", "schedule": 60.0},
    "expire-lapsed-grants": {"task": "taskforce.tasks.expire_lapsed_grants", "schedule": 300.0},
    "dispatch-reminders": {
        "task": "deadlines.tasks.dispatch_reminders",
        "schedule": float(env_int("REMINDER_SWEEP_SECONDS", 60, minimum=1)),
    },
    "escalate-missed-deadlines": {
        "task": "deadlines.tasks.escalate_missed_deadlines",
        "schedule": 300.0,
    },
    "daily-digests": {"task": "deadlines.tasks.send_daily_digests", "schedule": 600.0},
    "prune-audit-trail": {"task": "taskforce.tasks.prune_audit_trail", "schedule": 86400.0},
    # The audit trail's monthly partitions, made three months ahead (issue #22).
    "prepare-audit-partitions": {
        "task": "taskforce.tasks.prepare_audit_partitions",
        "schedule": 86400.0,
    },
    # Sign-in security (issue #9): hourly is enough for a 90-day rule.
    "disable-inactive-accounts": {
        "task": "accounts.tasks.disable_inactive_accounts",
        "schedule": 3600.0,
    },
    # Uploaded CSV files never confirmed are deleted after 24 hours (issue #18).
    "purge-staged-imports": {"task": "cases.tasks.purge_staged_imports", "schedule": 3600.0},
    # The reports' monthly rollups: stale months rebuilt; until then read from the rows.
    "rebuild-report-rollups": {"task": "cases.tasks.rebuild_report_rollups", "schedule": 300.0},
}

# --- Email ---------------------------------------------------------------------------------
# EMAIL_URL sets EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER/PASSWORD, EMAIL_USE_TLS.
# Unset, each message is written to a file under var/mail/: the worker's log stays one line per
# batch of reminders instead of every message printed into it.
if env_str("EMAIL_URL", ""):
    globals().update({key: value for key, value in env_email("EMAIL_URL", "").items() if value})
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Task Force Caseload <noreply@localhost>")
# How long past due an open deadline waits before its agency's supervisors are told.
DEADLINE_GRACE_MINUTES = env_int("DEADLINE_GRACE_MINUTES", 60, minimum=0)
# How long audit rows are kept (CJIS 5.4.7: at least a year); nothing younger is ever pruned.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 400, minimum=365)
# The address people reach the app at, for links in emails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ------------------------------------------------------------------------------
# Production (DEBUG off) is HTTPS-only by default; each switch can be set explicitly.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind nginx every request comes from 127.0.0.1: with this on, nginx's X-Real-IP is the client's
# address (taskforce/web/proxy.py). Only when the app is reachable through nginx alone.
TRUST_X_REAL_IP = env_bool("TRUST_X_REAL_IP", False)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# The health endpoint answers load balancers over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
CSRF_COOKIE_HTTPONLY = True
# A strict Content-Security-Policy (django-csp): scripts, styles and images from this site only,
# no inline script or style, no plugins, never framed, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
# RFC 9116 /.well-known/security.txt: where to report a vulnerability, and until when it holds.
SECURITY_CONTACT = env_str("SECURITY_CONTACT", "mailto:security@localhost")
SECURITY_POLICY_URL = env_str("SECURITY_POLICY_URL", f"{SITE_URL}/.well-known/security-policy.txt")
# An explicit date (e.g. 2027-06-30), or else always 180 days ahead (RFC 9116 §2.5.5: < 1 year).
SECURITY_TXT_EXPIRES = env_date("SECURITY_TXT_EXPIRES")

# --- REST API (api; README: API) ------------------------------------------------
# Requests per token (per user for a browser session), e.g. "600/minute" or "20000/hour".
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "600/minute")
if not re.fullmatch(r"[1-9][0-9]*/(second|minute|hour|day)", API_RATE_LIMIT):
    raise ConfigError(
        f"API_RATE_LIMIT={API_RATE_LIMIT!r} is not a rate like 600/minute "
        "(a number, then /second, /minute, /hour or /day)"
    )
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenRateThrottle"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Task Force Caseload API",
    "DESCRIPTION": "Records under the same access policy as the pages: a record you may not "
    "see answers 404, like a missing one. See the README's API section.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": r"/api/",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
    # One name per choice set shared by several fields.
    "ENUM_NAME_OVERRIDES": {
        "AgencyKindEnum": "taskforce.models.AgencyKind",
        "OperationKindEnum": "cases.models.OperationKind",
        "CaseKindEnum": "cases.models.CaseKind",
        "CaseStatusEnum": "cases.models.CaseStatus",
        "ChargeStatusEnum": "cases.models.ChargeStatus",
        "CourtEventKindEnum": "cases.models.CourtEventKind",
        "CourtEventStatusEnum": "cases.models.CourtEventStatus",
        "DeadlineStatusEnum": "taskforce.models.DeadlineStatus",
        "ReferralStatusEnum": "referrals.models.ReferralStatus",
        "OffenceLevelEnum": "cases.models.statutes.OffenceLevel",
        "DemandLevelEnum": "cases.models.DemandLevel",
        "ShareLevelEnum": "taskforce.models.ShareLevel",
    },
}

# --- Logging -------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR"]),
    },
    "loggers": {
        # Replaces Django's own console handler, which would print every line twice.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # Sign-in security: axes says "successful login" at INFO on every sign-in; the audit
        # trail has those. Its warnings (failures, lockouts) stay, with usernames masked.
        "axes": {"level": "WARNING"},
    },
}
