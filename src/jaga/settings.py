"""Jaga's settings: one module, everything from the environment (see README, "Configuration")."""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import dj_database_url

from jaga.core.config import (
    SettingError,
    env_bool,
    env_choice,
    env_fraction_or_auto,
    env_int,
    env_list,
    env_optional,
    env_str,
)
from jaga.core.crypto import new_key, parse_keys
from jaga.core.logs import logging_config

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent

JAGA_ENV = env_choice("JAGA_ENV", "development", ("development", "production"))
PRODUCTION = JAGA_ENV == "production"
DATA_DIR = Path(env_str("JAGA_DATA_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("JAGA_DEBUG", default=False) if PRODUCTION else env_bool("JAGA_DEBUG", default=True)
if PRODUCTION and DEBUG:
    raise SettingError("JAGA_DEBUG", "must not be true when JAGA_ENV=production")


def _development_secret(filename: str, make: Callable[[], str]) -> str:
    """A random secret kept in the data directory, so a demo keeps working across restarts."""
    path = DATA_DIR / filename
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    value = make()
    path.write_text(value, encoding="utf-8")
    path.chmod(0o600)
    return value


def _secret(name: str, filename: str, make: Callable[[], str]) -> str:
    if PRODUCTION:
        return env_str(name, required=True)
    return env_optional(name) or _development_secret(filename, make)


SECRET_KEY = _secret("SECRET_KEY", "secret_key", lambda: secrets.token_urlsafe(50))
if len(SECRET_KEY) < 50:
    raise SettingError("SECRET_KEY", "must be at least 50 characters long")

# Identity fields are encrypted with these keys, which are never derived from SECRET_KEY
# (docs/adr/0007-field-encryption.md). `jaga keys generate` prints a new one.
JAGA_FIELD_KEYS = _secret("JAGA_FIELD_KEYS", "field_keys", lambda: f"1:{new_key()}")
parse_keys(JAGA_FIELD_KEYS)  # fails at start, naming the variable, when malformed
JAGA_BLIND_INDEX_KEY = _secret("JAGA_BLIND_INDEX_KEY", "blind_index_key", lambda: secrets.token_urlsafe(32))
if len(JAGA_BLIND_INDEX_KEY) < 32:
    raise SettingError("JAGA_BLIND_INDEX_KEY", "must be at least 32 characters long")
# While the blind-index key is being replaced: the keys indexes were made with before, accepted for
# lookups until `jaga keys reindex` has made every index with JAGA_BLIND_INDEX_KEY; then remove them.
JAGA_BLIND_INDEX_PREVIOUS_KEYS = env_list("JAGA_BLIND_INDEX_PREVIOUS_KEYS", [])
if any(len(key) < 32 for key in JAGA_BLIND_INDEX_PREVIOUS_KEYS):
    raise SettingError("JAGA_BLIND_INDEX_PREVIOUS_KEYS", "each key must be at least 32 characters long")
# Keys the linkage encodings (docs/adr/0011-linkage-encodings.md). Data holders outside Jaga who
# link with it need the same secret in a file for `jaga linkage encode`.
JAGA_LINKAGE_KEY = _secret("JAGA_LINKAGE_KEY", "linkage_key", lambda: secrets.token_urlsafe(32))
if len(JAGA_LINKAGE_KEY) < 32:
    raise SettingError("JAGA_LINKAGE_KEY", "must be at least 32 characters long")

# Signs the audit log's checkpoints, which Jaga writes outside the database (docs/adr/0003): with them
# an emptied, shortened or rewritten log is detected without an operator's own checkpoint. Keep the
# directory on another disk or synchronise it off the server.
JAGA_AUDIT_KEY = _secret("JAGA_AUDIT_KEY", "audit_key", lambda: secrets.token_urlsafe(32))
if len(JAGA_AUDIT_KEY) < 32:
    raise SettingError("JAGA_AUDIT_KEY", "must be at least 32 characters long")
JAGA_AUDIT_CHECKPOINT_DIR = Path(env_str("JAGA_AUDIT_CHECKPOINT_DIR", str(DATA_DIR / "audit-checkpoints")))

# Backups (docs/adr/0019-backup-and-restore.md): encrypted with this key (32 bytes, URL-safe base64;
# `jaga keys generate`), kept apart from the server; made every day after JAGA_BACKUP_HOUR (local time)
# into JAGA_BACKUP_DIR and rotated (the newest of each of the last days, weeks and months is kept).
JAGA_BACKUP_KEY = env_optional("JAGA_BACKUP_KEY") or ("" if PRODUCTION else _development_secret("backup_key", new_key))
JAGA_BACKUP_DIR = Path(env_str("JAGA_BACKUP_DIR", str(DATA_DIR / "backups")))
JAGA_BACKUP_SCHEDULED = env_bool("JAGA_BACKUP_SCHEDULED", True)
JAGA_BACKUP_HOUR = env_int("JAGA_BACKUP_HOUR", 2)
JAGA_BACKUP_KEEP_DAILY = env_int("JAGA_BACKUP_KEEP_DAILY", 7, minimum=1)
JAGA_BACKUP_KEEP_WEEKLY = env_int("JAGA_BACKUP_KEEP_WEEKLY", 4)
JAGA_BACKUP_KEEP_MONTHLY = env_int("JAGA_BACKUP_KEEP_MONTHLY", 12)
# The system admins are told, and /readyz says so, when the last good backup is older than this.
JAGA_BACKUP_STALE_HOURS = env_int("JAGA_BACKUP_STALE_HOURS", 25, minimum=1)
# Retention (docs/adr/0022): each kind of record, the module that finds and erases it, and its default
# period in months from the record's end; the system admin changes the periods on /operations/retention/.
JAGA_RETENTION = {
    "closed_cases": ("jaga.cases.retention", 120),
    "hotline_reports": ("jaga.hotline.retention", 24),
    "training_participants": ("jaga.programs.training.retention", 60),
    "research_responses": ("jaga.research.retention", 60),
    "audit_log": ("jaga.audit.retention", 120),
}
# A suspected breach is raised when one account makes this many exports of case data in an hour.
JAGA_BREACH_EXPORTS_PER_HOUR = env_int("JAGA_BREACH_EXPORTS_PER_HOUR", 20, minimum=2)
# /readyz answers 503 when the data folder's disk has less free space than this.
JAGA_DISK_MIN_FREE_MB = env_int("JAGA_DISK_MIN_FREE_MB", 500)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", []) if PRODUCTION else env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise SettingError("ALLOWED_HOSTS", "is required when JAGA_ENV=production, e.g. jaga.example.go.id")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "jaga.core",
    "jaga.regions",
    "jaga.accounts",
    "jaga.audit",
    "jaga.cases",
    "jaga.hotline",
    "jaga.stats",
    "jaga.linkage",
    "jaga.programs",
    "jaga.notifications",
    "jaga.operations",
    "jaga.research",
    "jaga.education",
    "jaga.reports",
    "jaga.synth",
]

MIDDLEWARE = [
    "jaga.core.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jaga.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jaga.core.middleware.OwnNotFoundPageMiddleware",
    "jaga.audit.refusals.RefusalAuditMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "jaga.accounts.middleware.SessionLimitsMiddleware",
    "jaga.accounts.middleware.MfaRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "jaga.core.middleware.NoStoreForAuthenticatedMiddleware",
    "jaga.core.middleware.PermissionsPolicyMiddleware",
    "jaga.core.middleware.BusyDatabaseMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jaga.urls"
WSGI_APPLICATION = "jaga.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jaga.accounts.context_processors.jaga",
            ],
            "loaders": [
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
_default_db_url = f"sqlite:///{DATA_DIR / 'jaga.sqlite3'}"
_db_url = env_str("DATABASE_URL", _default_db_url)
try:
    _db = dj_database_url.parse(_db_url, conn_max_age=env_int("JAGA_DB_CONN_MAX_AGE", 60))
except Exception as exc:  # dj-database-url raises several types for one cause: a bad URL
    raise SettingError("DATABASE_URL", f"is not a database URL ({exc})") from exc
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at the
        # start of a transaction, which serialises audit-chain appends without deadlocks.
        # synchronous=FULL: a commit is on disk before it is answered, even if the machine loses
        # power (NORMAL could lose the last commits then); one more fsync per commit.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; "
        "PRAGMA cache_size=-65536;",
        "transaction_mode": "IMMEDIATE",
    }
    _db["CONN_MAX_AGE"] = 0
    if _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
elif _db["ENGINE"] == "django.db.backends.postgresql":
    # A kept connection that the server dropped (a restart, a failover, pg_terminate_backend) is
    # replaced at the start of the next request instead of failing it.
    _db["CONN_HEALTH_CHECKS"] = True
else:
    raise SettingError("DATABASE_URL", "must start with sqlite:// or postgres://")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and authentication ---------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# MFA is required for every staff role in production; a demo may switch it off (the UI says so).
JAGA_MFA_REQUIRED = env_bool("JAGA_MFA_REQUIRED", default=PRODUCTION)
JAGA_REAUTH_MINUTES = env_int("JAGA_REAUTH_MINUTES", 5, minimum=1)
JAGA_SESSION_IDLE_MINUTES = env_int("JAGA_SESSION_IDLE_MINUTES", 30, minimum=1)
JAGA_SESSION_MAX_HOURS = env_int("JAGA_SESSION_MAX_HOURS", 12, minimum=1)
JAGA_INVITATION_DAYS = env_int("JAGA_INVITATION_DAYS", 7, minimum=1)
JAGA_API_TOKEN_DAYS = env_int("JAGA_API_TOKEN_DAYS", 30, minimum=1)
JAGA_DEMO_PASSWORD = env_optional("JAGA_DEMO_PASSWORD")
# Public hotline: submissions per address and in all per clock hour (429 beyond), and the hourly
# volume at which operators are alerted; status checks per address per hour.
JAGA_HOTLINE_LIMIT_PER_ADDRESS = env_int("JAGA_HOTLINE_LIMIT_PER_ADDRESS", 10, minimum=1)
JAGA_SURVEY_LIMIT_PER_ADDRESS = env_int("JAGA_SURVEY_LIMIT_PER_ADDRESS", 300, minimum=1)  # a class shares one address
JAGA_HOTLINE_LIMIT_TOTAL = env_int("JAGA_HOTLINE_LIMIT_TOTAL", 2000, minimum=1)
JAGA_HOTLINE_ALERT_PER_HOUR = env_int("JAGA_HOTLINE_ALERT_PER_HOUR", 200, minimum=1)
JAGA_HOTLINE_STATUS_LIMIT = env_int("JAGA_HOTLINE_STATUS_LIMIT", 30, minimum=1)
# Training: tries per address per clock hour on the participants' test link (codes, registrations)
# and on the public certificate check (a guessed code reveals nothing; guessing is slowed down).
JAGA_TRAINING_TEST_LIMIT = env_int("JAGA_TRAINING_TEST_LIMIT", 60, minimum=1)
JAGA_CERTIFICATE_CHECK_LIMIT = env_int("JAGA_CERTIFICATE_CHECK_LIMIT", 30, minimum=1)
# Statistics: cells below this count are hidden ("<5") wherever figures leave the owning organisation.
JAGA_STATS_THRESHOLD = env_int("JAGA_STATS_THRESHOLD", 5, minimum=2)
JAGA_RESEARCH_K = env_int("JAGA_RESEARCH_K", 5, minimum=2)  # k-anonymity of research extracts
# Linkage (docs/adr/0012-linkage-matching.md): pairs at or above the match threshold are the same
# child; those between the two thresholds go to a linkage officer. Unset or "auto": chosen from the
# model trained on each run's records (the run's page says which and why).
JAGA_LINKAGE_MATCH_THRESHOLD = env_fraction_or_auto("JAGA_LINKAGE_MATCH_THRESHOLD")
JAGA_LINKAGE_REVIEW_THRESHOLD = env_fraction_or_auto("JAGA_LINKAGE_REVIEW_THRESHOLD")
if (JAGA_LINKAGE_REVIEW_THRESHOLD or 0) > (JAGA_LINKAGE_MATCH_THRESHOLD or 1):
    raise SettingError("JAGA_LINKAGE_REVIEW_THRESHOLD", "must not be above JAGA_LINKAGE_MATCH_THRESHOLD")
# Refused requests (401, 403, 404, 429) in the audit log: at most this many rows a minute per account or
# address, and an alert to the system admins when one reaches the second number within ten minutes.
JAGA_AUDIT_REFUSALS_PER_MINUTE = env_int("JAGA_AUDIT_REFUSALS_PER_MINUTE", 30, minimum=1)
JAGA_REFUSAL_ALERT = env_int("JAGA_REFUSAL_ALERT", 20, minimum=2)
JAGA_ATTACHMENT_MAX_MB = env_int("JAGA_ATTACHMENT_MAX_MB", 10, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = (JAGA_ATTACHMENT_MAX_MB + 1) * 1024 * 1024
# Uploads (case imports up to 50 MB, documents, participant lists) stay in memory and are encrypted
# before they are stored: Django would otherwise write files over 2.5 MB to /tmp in clear, where a
# crash leaves them. A larger body is refused by the proxy (client_max_body_size 51m) and the forms.
FILE_UPLOAD_HANDLERS = ["jaga.core.uploads.MemoryOnlyUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = 51 * 1024 * 1024

SESSION_COOKIE_AGE = JAGA_SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True  # the idle timer restarts on every request
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

OTP_TOTP_ISSUER = "Jaga"
OTP_TOTP_THROTTLE_FACTOR = 1

# The client's address behind reverse proxies (jaga.core.client): how many proxies append to
# X-Forwarded-For in front of Jaga, and optionally their addresses or networks (the header is then read
# only from them). Neither set: the header is ignored, whoever sends it.
JAGA_TRUSTED_PROXIES = env_list("JAGA_TRUSTED_PROXIES", [])
JAGA_TRUSTED_PROXY_COUNT = env_int("JAGA_TRUSTED_PROXY_COUNT", 1 if JAGA_TRUSTED_PROXIES else 0)
for _entry in JAGA_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_entry, strict=False)
    except ValueError:
        problem = f"{_entry!r} is not an address or a network such as 10.0.0.0/8"
        raise SettingError("JAGA_TRUSTED_PROXIES", problem) from None

AXES_FAILURE_LIMIT = env_int("JAGA_LOCKOUT_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("JAGA_LOCKOUT_MINUTES", 30, minimum=1))
# Failures lock one account from one address (so that an outsider who knows an email cannot lock its
# owner out from everywhere); an address with many failures over any accounts is locked as a whole
# (jaga.accounts.lockout.LockoutHandler).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
JAGA_LOCKOUT_ADDRESS_FAILURES = env_int("JAGA_LOCKOUT_ADDRESS_FAILURES", 20, minimum=1)
AXES_HANDLER = "jaga.accounts.lockout.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "jaga.accounts.lockout.lockout_username"
AXES_LOCKOUT_CALLABLE = "jaga.accounts.views.lockout_response"
AXES_CLIENT_IP_CALLABLE = "jaga.core.client.client_address"
AXES_VERBOSE = False

# --- Background work: a database-backed queue, worked by `jaga db_worker` (`make run` starts one) ---
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A job that has not moved for this long was left by a worker that died: it is marked failed, to be
# retried or cancelled; the file of a failed job is erased after the second number.
JAGA_JOB_STALE_MINUTES = env_int("JAGA_JOB_STALE_MINUTES", 10, minimum=1)
JAGA_JOB_KEEP_HOURS = env_int("JAGA_JOB_KEEP_HOURS", 24, minimum=1)
# Run every minute by `jaga worker` (jobs a dead worker left behind become failed, to retry or cancel).
JAGA_WORKER_SWEEPS = [
    "jaga.cases.imports.import_jobs_expire_stale",
    "jaga.programs.training.import_jobs.participant_imports_expire_stale",
    "jaga.linkage.services.runs_expire_stale",
    "jaga.core.jobs.tasks_expire_orphaned",
    "jaga.notifications.services.deliveries_send_due",
    "jaga.cases.casetasks.overdue_digest",
    "jaga.operations.services.backups_due",
    "jaga.operations.breaches.breaches_sweep",
    "jaga.operations.retention.retention_due",
    "jaga.reports.services.renders_expire_stale",
]
# Standard deadlines of a case (days): the assessment after registration, the plan after the assessment's
# approval, a follow-up visit after the plan's approval. The overdue tasks' digest goes daily from this hour.
JAGA_ASSESSMENT_DAYS = env_int("JAGA_ASSESSMENT_DAYS", 7, minimum=1)
JAGA_PLAN_DAYS = env_int("JAGA_PLAN_DAYS", 14, minimum=1)
JAGA_FOLLOW_UP_DAYS = env_int("JAGA_FOLLOW_UP_DAYS", 30, minimum=1)
JAGA_DIGEST_HOUR = env_int("JAGA_DIGEST_HOUR", 7, minimum=0)
# What apps above cases add to a case's page: (user, case) -> template variables (core/tests/test_layers.py).
JAGA_CASE_PAGE_PARTS = ["jaga.linkage.services.case_page_part"]
# What waits for a user, on the home page: functions (user) -> [(label, count, link)].
JAGA_HOME_ITEMS = [
    "jaga.cases.assignment.home_items",
    "jaga.hotline.home.home_items",
    "jaga.programs.home.home_items",
    "jaga.linkage.home.home_items",
    "jaga.stats.home.home_items",
    "jaga.accounts.home.home_items",
    "jaga.operations.services.home_items",
    "jaga.research.home.home_items",
    "jaga.education.home.home_items",
    "jaga.reports.home.home_items",
]
# From apps above them (never imported): the statistics pages' parts beside the cases, (year, province) -> a
# part or None; a campaign page's counted online reach; results-framework measures, (year, province) -> value.
JAGA_STATS_PARTS = ["jaga.research.incident_stats.stats_part"]
JAGA_CAMPAIGN_PARTS = ["jaga.education.campaign_pages.campaign_part"]
JAGA_RESULT_MEASURES = {m: f"jaga.education.services.{m}" for m in ("lessons_read", "quizzes_completed")}
# /readyz reports these beside the database, the worker and the disk (functions answering a dict), and answers
# 503 when no worker has written its heartbeat for JAGA_WORKER_SILENT_SECONDS.
JAGA_READY_REPORTS = ["jaga.operations.services.backup_report"]
JAGA_WORKER_SILENT_SECONDS = env_int("JAGA_WORKER_SILENT_SECONDS", 120, minimum=31)

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("JAGA_TIME_ZONE", "Asia/Jakarta")
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(env_str("JAGA_STATIC_ROOT", str(DATA_DIR / "static")))
WHITENOISE_USE_FINDERS = not PRODUCTION  # development serves straight from the apps' static folders
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- API ----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "jaga.accounts.authentication.ApiTokenAuthentication",
        "jaga.accounts.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only: no endpoint takes files, and a form on another site cannot send JSON without asking.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Jaga API",
    "DESCRIPTION": "Case registry, linkage, statistics, hotline and programmes against ESKA in Indonesia.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set used under several field names (a child's sex in cases and in hotline reports).
    "ENUM_NAME_OVERRIDES": {
        "SexEnum": "jaga.cases.models.Sex",
        "FormEnum": "jaga.cases.models.Form",
        "PlaceTypeEnum": "jaga.cases.models.PlaceType",
        "NeedEnum": "jaga.cases.work_models.Need",
        "ClosureReasonEnum": "jaga.cases.models.ClosureReason",
        "RiskLevelEnum": "jaga.cases.models.RiskLevel",
        "CaseStatusEnum": "jaga.cases.models.Status",
        "StatusChangeEnum": [("services", "Services")],
    },
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "jaga.core.openapi.add_standard_responses",
    ],
}

# --- Security headers ---------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("JAGA_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("JAGA_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("JAGA_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    LANGUAGE_COOKIE_HTTPONLY = True
if env_bool("JAGA_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# --- Email (invitations) -------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "JAGA_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("JAGA_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("JAGA_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("JAGA_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("JAGA_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("JAGA_EMAIL_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("JAGA_EMAIL_FROM", "jaga@localhost")
# Notifications: links in emails start with this address; a webhook (an SMS or WhatsApp gateway)
# receives each notification as signed JSON when its URL is set (docs in the README).
JAGA_PUBLIC_URL = env_str("JAGA_PUBLIC_URL", "http://127.0.0.1:8000")
JAGA_NOTIFY_WEBHOOK_URL = env_str("JAGA_NOTIFY_WEBHOOK_URL", "")
JAGA_NOTIFY_WEBHOOK_SECRET = env_str("JAGA_NOTIFY_WEBHOOK_SECRET", "")
if JAGA_NOTIFY_WEBHOOK_URL and not JAGA_NOTIFY_WEBHOOK_URL.startswith(("https://", "http://")):
    raise SettingError("JAGA_NOTIFY_WEBHOOK_URL", "must be an http(s) URL")
if JAGA_NOTIFY_WEBHOOK_URL and len(JAGA_NOTIFY_WEBHOOK_SECRET) < 32:
    raise SettingError("JAGA_NOTIFY_WEBHOOK_SECRET", "is required (32+ characters) when JAGA_NOTIFY_WEBHOOK_URL is set")

# --- Logging: never a child's identity; requests are logged without bodies or query strings ------
# JSON lines for a log collector in production, readable lines in development.
JAGA_LOG_FORMAT = env_str("JAGA_LOG_FORMAT", "json" if PRODUCTION else "plain")
if JAGA_LOG_FORMAT not in ("json", "plain"):
    raise SettingError("JAGA_LOG_FORMAT", "must be json or plain")
# /metrics answers a scraper that sends "Authorization: Bearer" this token; without one it is off (404).
JAGA_METRICS_TOKEN = env_optional("JAGA_METRICS_TOKEN") or ""
if JAGA_METRICS_TOKEN and len(JAGA_METRICS_TOKEN) < 32:
    raise SettingError("JAGA_METRICS_TOKEN", "must be at least 32 characters long")

LOGGING = logging_config(JAGA_LOG_FORMAT, env_str("JAGA_LOG_LEVEL", "INFO"))
