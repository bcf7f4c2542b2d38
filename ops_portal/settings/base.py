"""Settings shared by every environment, driven by environment variables.

Unset DATABASE_URL / REDIS_URL mean the embedded defaults: a SQLite file and a
filesystem Celery broker under var/, so the app runs on a bare machine.
"""

from pathlib import Path

import environ
from celery.schedules import crontab  # noqa: F401  (kept for schedule definitions in apps)
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Ours first: their templates and translations take precedence over third-party ones
    # (e.g. "Name" means a person here, not django-celery-beat's task name).
    # `core` first among them: the others build on its audit log, errors and calendar.
    "apps.core",
    "apps.org",
    "apps.content",
    "apps.campaigns",
    "apps.complaints",
    "apps.kpis",
    "apps.training",
    "apps.work",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_htmx",
    "django_celery_beat",
    "captcha",  # django-simple-captcha: the public complaint form's challenge, self-hosted
    "csp",  # django-csp: the Content-Security-Policy header (CONTENT_SECURITY_POLICY below)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: pages get the policy, static files (answered above) need none.
    "csp.middleware.CSPMiddleware",
    "apps.core.middleware.RequestIdMiddleware",
    # Before the session lookup: a NUL byte or an oversized body never reaches a query.
    "apps.core.input_guard.InputGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "ops_portal.urls"
WSGI_APPLICATION = "ops_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.shell",
            ],
        },
    },
]

# --- Database: PostgreSQL when DATABASE_URL is set, else an embedded SQLite file.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'ops_portal.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: wait for locks and take them up front.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when REDIS_URL is set (shared by web processes), else files under var/.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="ops"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Auth
AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed log-ins before the app's and the admin's log-in refuse to try (apps.core.login_throttle):
# per user name from one address, per address over all names, per name from all addresses
# (not applied from an address where that person logged in within LOGIN_KNOWN_ADDRESS_DAYS).
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
LOGIN_USERNAME_FAILURE_LIMIT = env.int("LOGIN_USERNAME_FAILURE_LIMIT", default=20)
LOGIN_KNOWN_ADDRESS_DAYS = env.int("LOGIN_KNOWN_ADDRESS_DAYS", default=30)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=15 * 60)
# Proxies whose X-Forwarded-For is believed (IPs or CIDR networks); empty: trust nobody and
# key throttles on the connection's own address (apps.core.client_address).
TRUSTED_PROXIES = env.list("DJANGO_TRUSTED_PROXIES", default=[])
ANONYMOUS_USER_NAME = None  # guardian: no anonymous object grants

# --- I18n: Simplified Chinese first, English second; Asia/Shanghai by default.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files (served by the app itself: no CDN).
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Request bodies (apps.core.input_guard answers 413 above them): without files, e.g. JSON;
# multipart, files included.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=32 * 1024 * 1024)
# Every form and API field (apps.core.validation): dates within these years, lists sent to
# the API at most this long unless a field says otherwise.
INPUT_YEAR_MIN = 2000
INPUT_YEAR_MAX = 2100
INPUT_LIST_MAX_ITEMS = 200
# Uploaded and generated files are never served as a folder: apps.core.files checks the
# permission, then streams the file itself ("") or hands it to the proxy with
# "X-Accel-Redirect" (nginx, from FILE_SERVE_INTERNAL_URL, an `internal` location) or
# "X-Sendfile" (Apache mod_xsendfile).
FILE_SERVE_HEADER = env("FILE_SERVE_HEADER", default="")
FILE_SERVE_INTERNAL_URL = env("FILE_SERVE_INTERNAL_URL", default="/internal-media/")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- E-mail: printed to the console unless SMTP is configured.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Ops Portal <noreply@ops-portal.local>")

# --- Celery: Redis when REDIS_URL is set, else a filesystem broker needing no server.


def filesystem_broker_options(folder: Path) -> dict:
    """kombu's filesystem transport in `folder` (created): producers and workers that
    share the folder share the queue."""
    for sub in ("in", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folder / "in"),
        "data_folder_out": str(folder / "in"),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),  # else ./control in the CWD
        "store_processed": False,
    }


if REDIS_URL:
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(VAR_DIR / "celery-broker")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = False

# --- REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "apps.core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Ops Portal API",
    "DESCRIPTION": "Governance of the operations departments: org, content, campaigns, "
    "complaints, KPIs and training. Every endpoint applies the same permission policy "
    "as the pages.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # /api/schema/ and /api/docs/ are for people who are logged in, except in development.
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.AllowAny"
        if DEBUG
        else "rest_framework.permissions.IsAuthenticated"
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets whose field names repeat across apps (state, kind, channel) get a
    # readable name each, instead of a hash suffix in generated clients.
    "ENUM_NAME_OVERRIDES": {
        "CampaignStateEnum": "apps.campaigns.models.Campaign.State",
        "CampaignApprovalStepEnum": "apps.campaigns.models.Campaign.Step",
        "CampaignChannelEnum": "apps.campaigns.models.Channel",
        "CampaignLogKindEnum": "apps.campaigns.models.LogEntry.Kind",
        "CampaignResourceKindEnum": "apps.campaigns.models.ResourceRequest.Kind",
        "ComplaintStateEnum": "apps.complaints.models.Complaint.State",
        "ComplaintChannelEnum": "apps.complaints.models.Channel",
        "ComplaintSeverityEnum": "apps.complaints.models.Severity",
        "TrainingPlanStateEnum": "apps.training.models.TrainingPlan.State",
        "TrainingResultOutcomeEnum": "apps.training.models.AssessmentResult.Outcome",
        "CycleKindEnum": "apps.kpis.models.CycleKind",
        "SuggestionKindEnum": "apps.work.models.Suggestion.Kind",
        "CoordinationKindEnum": "apps.work.models.CoordinationRequest.Kind",
    },
}

# --- Working calendar: the office day used by SLA and deadline arithmetic.
WORKDAY_START_HOUR = env.int("WORKDAY_START_HOUR", default=9)
WORKDAY_END_HOUR = env.int("WORKDAY_END_HOUR", default=18)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "apps.core.request_context.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Public complaint intake (apps.complaints.intake): complaints accepted from one client
# address per window before each further one needs a captcha (django-simple-captcha, drawn
# by the app itself: no outside service, so it works on intranets and in mainland China).
COMPLAINTS_CAPTCHA_AFTER = env.int("COMPLAINTS_CAPTCHA_AFTER", default=2)
COMPLAINTS_CAPTCHA_WINDOW = env.int("COMPLAINTS_CAPTCHA_WINDOW", default=3600)
CAPTCHA_TIMEOUT = 5  # minutes a captcha may be answered in

# --- Content-Security-Policy (django-csp) on every page. Scripts only from our own static
# files: no page has an inline <script> or on…= handler (data goes through json_script,
# behaviour through static/js/). Bootstrap and Chart.js set styles through the CSSOM,
# which CSP does not govern, so <style> elements stay refused too. Inline style=""
# *attributes* are allowed (style-src-attr) because Bootstrap's progress bars take their
# width that way and templates set a few widths and indents per row; an attribute can
# fetch nothing from another origin (img-src, font-src) and cannot run script.
# /api/docs/ (Swagger UI) adds its own exception (apps.core.api_docs).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],  # Bootstrap's icons in its CSS are data: SVGs
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}

# Absolute address of the site, for links in e-mails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
