"""Django settings. Everything secret or machine-specific comes from the environment."""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url

from resettle import config

config.load_env_file()

BASE_DIR = config.REPO_DIR
TESTING = os.environ.get("RESETTLE_TESTING", "0") == "1" or "pytest" in sys.modules
# Tests never touch the live data folder: they get a scratch one of their own.
DATA_DIR = (Path(tempfile.mkdtemp(prefix="resettle-test-")) if TESTING and "RESETTLE_DATA_DIR" not in os.environ
            else config.data_dir())
# Every file this process creates (SQLite database, its WAL and SHM, backups, audit checkpoints)
# is readable by its owner only; SQLite gives its WAL and SHM the database file's mode.
os.umask(0o077)
DATA_DIR.mkdir(parents=True, exist_ok=True)
DEBUG = os.environ.get("RESETTLE_DEBUG", "0") == "1"

SECRET_KEY = os.environ.get("RESETTLE_SECRET_KEY", "")
if not SECRET_KEY:
    # Commands that need no secrets (`resettle --help`, `resettle match`) still run; anything
    # that signs or decrypts fails loudly where the missing key is used.
    SECRET_KEY = "unset-" + "x" * 50
ALLOWED_HOSTS = [h for h in os.environ.get("RESETTLE_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "resettle.core",
    "resettle.accounts",
    "resettle.audit",
    "resettle.people",
    "resettle.records",
    "resettle.applications",
    "resettle.verification",
    "resettle.policies",
    "resettle.demo",
    "resettle.exports",
    "resettle.notifications",
    "resettle.casework",
    "resettle.letters",
    "resettle.portal",
    "resettle.relocation",
    "resettle.reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "resettle.core.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "resettle.accounts.middleware.RequireVerifiedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "resettle.urls"
WSGI_APPLICATION = "resettle.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "resettle" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "resettle.accounts.context.staff",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'resettle.sqlite3'}",
        conn_max_age=int(os.environ.get("RESETTLE_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and \
        os.environ.get("RESETTLE_DB_SERVER_SIDE_BINDING", "1") == "1":
    # Parameters bound by the server, so psycopg prepares a statement a connection has run twice
    # (the session, user, device and access reads of every page, a page kind's own queries):
    # PostgreSQL then skips parsing and planning them. Pays with persistent connections
    # (RESETTLE_DB_CONN_MAX_AGE); bench/load/pages.py: 6-7% less per request, every page kind.
    # Set RESETTLE_DB_SERVER_SIDE_BINDING=0 behind a pooler in transaction mode (PgBouncer),
    # which cannot keep a connection's prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 2})
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker read while the web server writes; a busy timeout instead of
    # "database is locked" errors under light concurrency.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # A file, not memory, so the security tests can read the bytes an attacker would see.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fa-af", "دری"), ("ps", "پښتو")]
# Django does not list Pashto among right-to-left languages; it is one.
LANGUAGES_BIDI = ["he", "ar", "ar-dz", "ckb", "fa", "ug", "ur", "ps"]
LOCALE_PATHS = [BASE_DIR / "resettle" / "locale"]
TIME_ZONE = "Pacific/Auckland"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "resettle" / "static"]
# WhiteNoise serves static files in-process under gunicorn, straight from the apps' folders.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(exist_ok=True)
# Signed checkpoints of the audit chain's head, appended outside the database (docs/security.md).
AUDIT_CHECKPOINT_FILE = os.environ.get("RESETTLE_AUDIT_CHECKPOINTS") or (
    None if TESTING else str(DATA_DIR / "audit-checkpoints.log"))

# Sessions: short and idle-limited; cookies never travel in clear text outside DEBUG.
SESSION_COOKIE_AGE = int(os.environ.get("RESETTLE_SESSION_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True  # the 30 minutes count from the last request: an idle timeout
# ...written only when changed or its expiry is over a minute behind (resettle/accounts/sessions.py)
SESSION_ENGINE = "resettle.accounts.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_COOKIES = os.environ.get("RESETTLE_SECURE_COOKIES", "0" if DEBUG else "1") == "1"
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
    }
}

# Lock-out after repeated failures, per user name and address together.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {"TITLE": "resettle API", "VERSION": "0.1.0", "SERVE_INCLUDE_SCHEMA": False,
                        # Swagger UI served from our own static files: the CSP allows no CDN.
                        "SWAGGER_UI_DIST": "SIDECAR", "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
                        "SERVE_PERMISSIONS": ["resettle.applications.api.IsVerified"]}

TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TESTING
        else "django_tasks_db.DatabaseBackend",
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("RESETTLE_LOG_LEVEL", "WARNING")},
}
