"""Settings for 督办台账, read from the environment.

Development defaults need no services at all: SQLite and the Celery filesystem
broker under var/, emails written as files under var/mail/. Production
(DJANGO_ENV=production) refuses to start without SECRET_KEY and ALLOWED_HOSTS.
Every variable is listed in the README.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.contrib.messages import constants as message_constants
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
VAR_DIR = Path(env.str("REFORM_VAR_DIR", default=str(BASE_DIR / "var")))

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in ("development", "production"):
    raise ImproperlyConfigured(f"DJANGO_ENV must be 'development' or 'production', not {DJANGO_ENV!r}")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
DEVELOPMENT_KEY = "development-only-key-never-used-in-production"

if PRODUCTION:
    # No fallback: a guessable key or an open host list must never reach a server.
    try:
        SECRET_KEY = env.str("SECRET_KEY")
        ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured(f"Production needs SECRET_KEY and ALLOWED_HOSTS: {exc}") from exc
    if len(SECRET_KEY) < 32 or not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production needs a SECRET_KEY of 32+ characters and a non-empty ALLOWED_HOSTS.")
    # The development key is published in this file; wildcard hosts and DEBUG leak data.
    if SECRET_KEY == DEVELOPMENT_KEY:
        raise ImproperlyConfigured("Production refuses the published development SECRET_KEY.")
    if any(host.strip() in ("*", ".") for host in ALLOWED_HOSTS):
        raise ImproperlyConfigured("Production refuses ALLOWED_HOSTS='*': list the server's host names.")
    if DEBUG:
        raise ImproperlyConfigured("Production refuses DEBUG=true: it shows settings and code to visitors.")
else:
    SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_KEY)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "auditlog",
    "axes",
    "django_htmx",
    # The project's apps, bottom layer first (make lint enforces the order).
    "core",
    "units",
    "accounts",
    "measures",
    "ledger",
    "deadlines",
    "notices",
    "supervision",
    "exports",
    "dashboards",
    "disclosure",
    "demo",
    "reform",
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",  # first: every response and log line of a request has its id
    "core.client.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that reads the database: a dropped connection is a retried read or a 503.
    "core.connection.DatabaseConnectionLostMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.csp.ContentSecurityPolicyMiddleware",
    "core.params.BadParameterMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Last, as django-axes asks: it inspects the response of a failed login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "reform.urls"
WSGI_APPLICATION = "reform.wsgi.application"

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
                "ledger.context_processors.roles",
                "notices.context_processors.unread",
                "core.csp.nonce",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
# An empty DATABASE_URL counts as unset, so `make test` can pass it through unconditionally.
DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'reform.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("TEST", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The boards' figures are cached in each process's memory, keyed by the data's revision tokens
# so they are never stale (dashboards.cache); BOARD_CACHE=false turns it off. "default" is
# Django's own per-process cache, named here only because a second one is.
BOARD_CACHE = env.bool("BOARD_CACHE", default=True)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "boards": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "boards",
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_ENGINE = "core.sessions"  # database sessions, refusing a malformed key before the database
# Django's "error" level is Bootstrap's "danger": every message shows as a styled alert.
MESSAGE_TAGS = {message_constants.ERROR: "danger"}
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "plan"
LOGOUT_REDIRECT_URL = "login"

# Proxies whose X-Forwarded-For we believe (addresses or networks); the nginx of deploy/ runs
# on the same machine. Everything else is a client, whatever headers it sends.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"])

# Brute-force protection: 10 failures of one username from one client address lock that pair
# for an hour. Never the username alone (anyone could lock anyone out) nor the address alone
# (behind a proxy or a government NAT, many users share one). Failures while locked out do not
# extend the lock, so it always ends.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"  # cut to what axes can store

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request otherwise
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "core.staticfiles.ProductionStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded evidence lives outside the web root and is served only through views that check access.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))

# Email: an SMTP relay via EMAIL_URL (smtp://user:pass@host:587/?tls=True), else files under var/mail/.
EMAIL_URL = env.str("EMAIL_URL", default="") or f"filemail://{VAR_DIR / 'mail'}"
EMAIL_CONFIG = env.email_url_config(EMAIL_URL)
if EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend":
    # django-environ drops the leading "/" of filemail:///abs/path: the folder is the URL's path,
    # resolved against the checkout when relative, never the working directory.
    _mail_url = urlsplit(EMAIL_URL)
    EMAIL_CONFIG["EMAIL_FILE_PATH"] = str((BASE_DIR / (_mail_url.netloc + _mail_url.path)).resolve())
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="督办台账 <noreply@localhost>")
# Links in emails: the address `make run` serves on (HOST, PORT) unless SITE_URL says otherwise.
SITE_URL = (
    env.str("SITE_URL", default="") or f"http://{env.str('HOST', default='127.0.0.1')}:{env.int('PORT', default=8000)}"
)
SITE_URL = SITE_URL.rstrip("/")

# Celery: Redis when REDIS_URL is set, else the filesystem transport (no services needed).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
# A task is acknowledged when it ends, one at a time, and requeued if its worker dies; on Redis a
# message unacknowledged for BROKER_VISIBILITY_TIMEOUT seconds goes to another worker. It must
# outlast the longest task (the daily scan of the city's plan takes seconds); a retry due later
# than half of it is left to the deliver_pending sweep (deadlines.tasks).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
_visibility = env.str("CELERY_VISIBILITY_TIMEOUT", default="") or "300"
if not _visibility.isdigit() or int(_visibility) < 1:
    raise ImproperlyConfigured(f"CELERY_VISIBILITY_TIMEOUT must be a number of seconds > 0, not {_visibility!r}")
BROKER_VISIBILITY_TIMEOUT = int(_visibility)
CELERY_BEAT_SCHEDULER = "reform.beat.SingleBeatScheduler"  # one beat schedules, however many run
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {
        "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
        "unacked_restore_throttle": 1,  # look for abandoned messages every 10 s, not every 100 s
    }
else:
    BROKER_DIR = VAR_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
    }
    for folder in ("queue", "control", "processed"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)

# Production topology (deploy/, README "Production deployment"). Any number of beats may run,
# one per machine: the one holding a Redis lock schedules, the others wait and take over within
# TTL + retry seconds if it dies (reform/beat.py). A sent job is written back at once, so the
# beat that takes over does not send it again.
CELERY_BEAT_SYNC_EVERY = 1
BEAT_LOCK_TTL_SECONDS = env.float("BEAT_LOCK_TTL_SECONDS", default=30.0)
BEAT_LOCK_RETRY_SECONDS = env.float("BEAT_LOCK_RETRY_SECONDS", default=10.0)
# Processes per worker unit (reform-worker@N); unset: one per core.
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=None)
# /health/ answers 503 once an email planned this many minutes ago is still unsent.
HEALTH_DISPATCH_MAX_AGE_MINUTES = env.int("HEALTH_DISPATCH_MAX_AGE_MINUTES", default=30)

# The ledger. Periods are monthly by default; each is due on REPORT_DUE_DAY of the following
# month (or quarter). With REQUIRE_LEADER_SIGNOFF a unit leader must sign a report off before
# it reaches the office.
REPORTING_CYCLE = env.str("REPORTING_CYCLE", default="monthly")
if REPORTING_CYCLE not in ("monthly", "quarterly"):
    raise ImproperlyConfigured(f"REPORTING_CYCLE must be 'monthly' or 'quarterly', not {REPORTING_CYCLE!r}")
REPORT_DUE_DAY = env.int("REPORT_DUE_DAY", default=5)
if not 1 <= REPORT_DUE_DAY <= 28:
    raise ImproperlyConfigured(f"REPORT_DUE_DAY must be between 1 and 28, not {REPORT_DUE_DAY}")
REQUIRE_LEADER_SIGNOFF = env.bool("REQUIRE_LEADER_SIGNOFF", default=False)
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_MB", default=20) * 1024 * 1024
# The public feedback form (社会监督): messages one client address may send an hour.
PUBLIC_FEEDBACK_PER_HOUR = env.int("PUBLIC_FEEDBACK_PER_HOUR", default=5)
# Uploads beyond this are streamed to a temporary file, not held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Deadlines and alerts. Warning windows and reminders count working days (Chinese calendar).
DEADLINE_WARNING_WORKDAYS = env.int("DEADLINE_WARNING_WORKDAYS", default=7)
REMINDER_WORKDAYS = env.list("REMINDER_WORKDAYS", cast=int, default=[7, 1])
ESCALATION_AFTER_DAYS = env.int("ESCALATION_AFTER_DAYS", default=30)
ESCALATION_EMAILS = env.list("ESCALATION_EMAILS", default=[])
SUPERVISION_EMAILS = env.list("SUPERVISION_EMAILS", default=[])
DIGEST_WHEN_EMPTY = env.bool("DIGEST_WHEN_EMPTY", default=False)
DIGEST_WEEKDAY = env.int("DIGEST_WEEKDAY", default=0)  # weekly digests go out on Mondays
DISPATCH_LEASE_SECONDS = env.int("DISPATCH_LEASE_SECONDS", default=300)
DISPATCH_MAX_ATTEMPTS = env.int("DISPATCH_MAX_ATTEMPTS", default=8)
DISPATCH_RETRY_BASE_SECONDS = env.int("DISPATCH_RETRY_BASE_SECONDS", default=60)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "core.tokens.TokenAuthentication",  # DRF's, refusing a malformed key before the database
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "ALLOWED_VERSIONS": ["v1"],
    "DEFAULT_PARSER_CLASSES": [
        "core.api.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "督办台账 API",
    "DESCRIPTION": "大连市优化营商环境实施意见的举措、单位、节点与量化指标(只读)。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Security headers. Cookies are secure in production only: development runs on plain http.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # monitoring may ask over plain HTTP

# Logs: one JSON object a line in production (LOG_FORMAT=json), readable text in development;
# every record made while serving a request carries its request id (core.middleware,
# core.logs). Celery's worker and beat use this configuration too (reform/celery.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "text")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'json' or 'text', not {LOG_FORMAT!r}")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
LOGGING = logging_config(
    LOG_FORMAT,
    LOG_LEVEL,
    {
        # Django's own handlers (console in DEBUG, mail to ADMINS) replaced: its records reach the root once.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
)
