"""Nazorat settings: one env-driven module.

SQLite (WAL, IMMEDIATE transactions) by default; PostgreSQL when DATABASE_URL is set.
Every knob a deployment turns is an environment variable documented in docs/deployment.md.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("NAZORAT_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
def _secret_key() -> str:
    """DJANGO_SECRET_KEY in production (the same on every web host). Without it — the demo — a random key is
    generated once into var/secret_key, so no published key ever signs sessions."""
    if os.environ.get("DJANGO_SECRET_KEY"):
        return os.environ["DJANGO_SECRET_KEY"]
    import secrets

    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
NAZORAT_TRUST_X_FORWARDED_FOR = env_bool("NAZORAT_TRUST_X_FORWARDED_FOR", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "modeltranslation",  # must precede django.contrib.admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "huey.contrib.djhuey",
    "nazorat.core",
    "nazorat.territories",
    "nazorat.orgs",
    "nazorat.accounts",
    "nazorat.workcalendar",
    "nazorat.cases",
    "nazorat.appeals",
    "nazorat.notifications",
    "nazorat.web",
    "nazorat.api",
    "nazorat.receptions",
    "nazorat.execution",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "nazorat.core.middleware.RequestContextMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "nazorat.core.locale.NazoratLocaleMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "nazorat.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "nazorat.urls"
WSGI_APPLICATION = "nazorat.wsgi.application"
ASGI_APPLICATION = "nazorat.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "nazorat" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "nazorat.web.context_processors.shell",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "nazorat.sqlite3"),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions (stateless web processes) -------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "nazorat_cache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "nazorat.accounts.backends.IdentifierBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
OTP_TOTP_ISSUER = "Nazorat"

# OpenID Connect (OneID-compatible); off unless OIDC_ENABLED=1.
OIDC_ENABLED = env_bool("OIDC_ENABLED", False)
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "OneID")
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?oidc=failed"
# Failed logins per identifier and address before a pause (seconds).
NAZORAT_LOGIN_FAILURE_LIMIT = int(os.environ.get("NAZORAT_LOGIN_FAILURE_LIMIT", 10))
NAZORAT_LOGIN_FAILURE_WINDOW = int(os.environ.get("NAZORAT_LOGIN_FAILURE_WINDOW", 900))
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("nazorat.accounts.oidc.OneIDBackend")

# --- Internationalisation -------------------------------------------------------------------
LANG_INFO.setdefault(
    "uz-cyrl",
    {"bidi": False, "code": "uz-cyrl", "name": "Uzbek (Cyrillic)", "name_local": "Ўзбекча"},
)
LANGUAGE_CODE = "uz"
LANGUAGES = [
    ("uz", "Oʻzbekcha"),
    ("uz-cyrl", "Ўзбекча"),
    ("ru", "Русский"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Tashkent"
LANGUAGE_COOKIE_NAME = "nazorat_language"
MODELTRANSLATION_DEFAULT_LANGUAGE = "uz"
MODELTRANSLATION_LANGUAGES = ("uz", "uz-cyrl", "ru", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("uz",), "uz-cyrl": ("uz",), "uz": ("uz-cyrl", "ru")}

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "nazorat" / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "nazorat.web.finders.XStaticFinder",
]
MEDIA_ROOT = Path(os.environ.get("NAZORAT_MEDIA_ROOT", VAR_DIR / "media"))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
S3_BUCKET = os.environ.get("S3_BUCKET", "").strip()
if S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY", ""),
            "secret_key": os.environ.get("S3_SECRET_KEY", ""),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "addressing_style": "path",
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": MEDIA_ROOT}}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
NAZORAT_ATTACHMENT_MAX_BYTES = int(os.environ.get("NAZORAT_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))

# --- Background work ------------------------------------------------------------------------
_ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://"))
HUEY_STORAGE = os.environ.get("HUEY_STORAGE", "postgres" if _ON_POSTGRES else "sqlite")
if HUEY_STORAGE == "redis" and REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "nazorat", "url": REDIS_URL}
elif HUEY_STORAGE == "postgres" and _ON_POSTGRES:
    HUEY = {"huey_class": "huey.PostgresHuey", "name": "nazorat", "dsn": DATABASE_URL}
else:
    HUEY = {"huey_class": "huey.SqliteHuey", "name": "nazorat", "filename": str(VAR_DIR / "huey.sqlite3")}
HUEY.setdefault("immediate", False)
HUEY["consumer"] = {"workers": int(os.environ.get("HUEY_WORKERS", 2)), "worker_type": "thread"}
TASKS = {"default": {"BACKEND": "huey.contrib.djhuey.tasks_backend.HueyBackend"}}

# --- E-mail, SMS, messenger -----------------------------------------------------------------
# Django 6.1 mailers. The demo writes e-mails as files under var/mail; production sets EMAIL_HOST.
if os.environ.get("EMAIL_HOST"):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {
        "host": os.environ["EMAIL_HOST"],
        "port": int(os.environ.get("EMAIL_PORT", 587)),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", True),
        "timeout": 15,
    }}}
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                           "OPTIONS": {"file_path": str(VAR_DIR / "mail")}}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Nazorat <no-reply@nazorat.local>")
NAZORAT_SMS_BACKEND = os.environ.get("NAZORAT_SMS_BACKEND", "nazorat.notifications.channels.FileSmsBackend")
NAZORAT_SMS_GATEWAY_URL = os.environ.get("NAZORAT_SMS_GATEWAY_URL", "")
NAZORAT_SMS_GATEWAY_TOKEN = os.environ.get("NAZORAT_SMS_GATEWAY_TOKEN", "")
NAZORAT_SMS_FILE = str(VAR_DIR / "sms.log")
NAZORAT_TELEGRAM_BOT_TOKEN = os.environ.get("NAZORAT_TELEGRAM_BOT_TOKEN", "")
NAZORAT_SITE_URL = os.environ.get("NAZORAT_SITE_URL", "http://127.0.0.1:8000")

# --- Work calendar --------------------------------------------------------------------------
# Office hours used by working-hour deadlines ("register within 30 minutes").
NAZORAT_OFFICE_HOURS = {
    "start": os.environ.get("NAZORAT_OFFICE_START", "09:00"),
    "end": os.environ.get("NAZORAT_OFFICE_END", "18:00"),
    "lunch_start": os.environ.get("NAZORAT_LUNCH_START", "13:00"),
    "lunch_end": os.environ.get("NAZORAT_LUNCH_END", "14:00"),
    "pre_holiday_shortening_minutes": 60,  # Labour Code Art 187
}
# A term whose last day is not a working day ends on the next working day (legal-rules §1.6).
NAZORAT_ROLL_DEADLINES_TO_WORKING_DAY = env_bool("NAZORAT_ROLL_DEADLINES_TO_WORKING_DAY", True)

# --- Reminders and escalations --------------------------------------------------------------
NAZORAT_REMINDER_BEFORE_HOURS = int(os.environ.get("NAZORAT_REMINDER_BEFORE_HOURS", 24))
NAZORAT_SWEEP_MINUTES = int(os.environ.get("NAZORAT_SWEEP_MINUTES", 5))

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "nazorat.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "nazorat.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "nazorat.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle", "rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": "120/minute", "user": "600/minute", "token": "20/minute", "appeal_submit": "20/hour"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Nazorat API",
    "DESCRIPTION": "Public and staff API of the Nazorat e-government platform. "
    "State changes are POST /api/v1/<collection>/<id>/<action>/.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AppealKindEnum": "nazorat.appeals.models.AppealKind",
    },
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "nazorat.api.schema.add_error_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"nazorat": {"level": os.environ.get("NAZORAT_LOG_LEVEL", "INFO")}},
}

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False
