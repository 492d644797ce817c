"""Settings shared by every mode, read from the environment.

Every variable read here is listed in ``.env.example``; a test checks that the
compose file, ``.env.example`` and this module agree. The defaults give the
embedded mode (SQLite, in-process Celery, local-memory cache); setting
``DATABASE_URL`` and ``CELERY_BROKER_URL``/``REDIS_URL`` switches to the
production-like mode with no code change.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A .env file beside manage.py is read if present (never committed).
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "simple_history",
    "csp",
    # Cross-cutting apps live inside the project package.
    "cdt.core",
    "cdt.directory",
    "cdt.accounts",
    "cdt.security",
    # Domain apps.
    "cases",
    "drafting",
    "measures",
    "attribution",
    "awareness",
    "council",
    "notifications",
    # Above the domain apps: what gathers them (dashboards, search, figures, demo data).
    "overview",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything parses the body (CSRF reads form posts): 413 for an oversized body.
    "cdt.core.middleware.RequestBodyLimitMiddleware",
    # A view that gave up waiting for a database lock: 503 "try again", not 500.
    "cdt.core.middleware.DatabaseBusyMiddleware",
    # Before the session and the user are read: the data generation their
    # kept answers are filed under (cdt/security/kept.py, decision 0034).
    "cdt.security.kept.GenerationMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cdt.security.middleware.SessionLifetimeMiddleware",
    "cdt.security.middleware.NoStoreMiddleware",
    "cdt.core.middleware.LoginRequiredMiddleware",
    "cdt.accounts.second_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cdt.urls"
WSGI_APPLICATION = "cdt.wsgi.application"

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
                "cdt.core.context_processors.shell",
            ],
            # {% colon %}: French puts a space before ":" (cdt.core.templatetags.typography).
            "builtins": ["cdt.core.templatetags.typography"],
        },
    },
]

# --- Database ---------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded mode serves threads (runserver, the test live server), and
    # simultaneous writers must queue, not fail (decision 0021; issue 26:
    # without the first two lines below, ten simultaneous transitions give
    # one 200 and nine 500s, "database is locked"):
    # - IMMEDIATE: every transaction takes SQLite's one write lock when it
    #   begins. In SQLite's default (DEFERRED) two transactions that read and
    #   then write deadlock, and SQLite fails the second at once without
    #   waiting. Taken up front, the lock is simply waited for; and the state
    #   a service re-reads after BEGIN (``select_for_update`` is a no-op
    #   here) is the one it writes over, so the losers of a race see the
    #   winner's step and get 409. Reads take no transaction (ATOMIC_REQUESTS
    #   is off; the admin's change form, the one read in ``atomic``, holds
    #   the lock only while it builds the form), so only writers queue, and
    #   a transaction holds no lock but that one, so none waits on another.
    # - timeout: how long a writer waits for the lock (Python's busy
    #   timeout) before "database is locked"; one that still escapes is a
    #   503 "try again", not a 500 (cdt.core.middleware.DatabaseBusyMiddleware).
    # - WAL: readers no longer block the writer, nor the writer them (a long
    #   read such as the audit chain's verification or a list being read
    #   would otherwise hold every commit back until it ends). In WAL,
    #   synchronous=NORMAL stays consistent on a crash and may lose only the
    #   last commits on a power cut: enough for a one-machine embedded mode.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL")
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # PostgreSQL's JIT compiles any query the planner thinks costly: on the
    # access-filtered counts of a 10,000-case register it spent 0.77 s of a
    # 0.83 s query compiling (``make bench``). Short OLTP queries never win
    # that back, so it is off for CDT's connections.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)

if REDIS_URL:
    # django-redis, because it can degrade instead of fail: with Redis down a
    # cache read is a miss and a write is skipped (rate limits then count
    # nothing for a while), after at most a one-second connection attempt.
    # Every page and API call keeps answering.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1, "IGNORE_EXCEPTIONS": True},
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cdt"}}

# Embedded mode: no broker means tasks run in-process when they are queued.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Brussels"
# A task is acknowledged only once it has run, so a worker that dies mid-task
# does not lose it (the broker redelivers it).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A web request that queues a task must never hang on a dead broker: one
# short connection attempt, no publish retries (the outbox sweeper queues
# the work again), and short socket timeouts. The visibility timeout (how
# long an unacknowledged task waits before Redis hands it to another
# worker) is longer than any task runs; reminders are rows scanned by beat,
# never tasks delayed that long.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 1,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_TASK_PUBLISH_RETRY = False
CDT_AUDIT_CHAIN_SECONDS = env.float("CDT_AUDIT_CHAIN_SECONDS", default=5.0)
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "cdt.core.tasks.record_worker_heartbeat", "schedule": 60.0},
    "close-due-written-procedures": {"task": "council.tasks.close_due_written_procedures", "schedule": 60.0},
    "sweep-notification-outbox": {"task": "notifications.sweep_outbox", "schedule": 30.0},
    "fire-reminders": {"task": "notifications.fire_reminders", "schedule": 60.0},
    "requeue-pending-feed-ingestions": {"task": "awareness.requeue_pending_ingestions", "schedule": 60.0},
    # Reads of classified objects are queued without a lock and linked into the audit chain here (decision 0032);
    # a run not started before the next one is due is dropped, not piled up behind a busy worker.
    "chain-audit-reads": {
        "task": "cdt.security.tasks.chain_audit_reads",
        "schedule": CDT_AUDIT_CHAIN_SECONDS,
        "options": {"expires": CDT_AUDIT_CHAIN_SECONDS},
    },
    "send-daily-digests": {"task": "notifications.send_digests", "schedule": crontab(hour=env.int("CDT_DIGEST_HOUR", default=7), minute=0)},
}

# --- Authentication ---------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Guardian's anonymous user is disabled: nothing in CDT is visible anonymously.
ANONYMOUS_USER_NAME = None
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Inactivity timeout: the session expires SESSION_COOKIE_AGE after the last
# request; CDT_SESSION_MAX_SECONDS after login it ends however active it was.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
# Renewed at most once a minute, by cdt.security.middleware.SessionLifetimeMiddleware.
SESSION_SAVE_EVERY_REQUEST = False
CDT_SESSION_MAX_SECONDS = env.int("CDT_SESSION_MAX_SECONDS", default=10 * 3600)
# Counts kept per reader until the next committed write (cdt/core/generation.py):
# only with a cache every process shares (Redis), where every process sees each bump.
CDT_KEEP_FIGURES = env.bool("CDT_KEEP_FIGURES", default=True) and bool(REDIS_URL)
LOGIN_URL_PATH = "/accounts/login/"
# Lockout (django-axes): after CDT_LOGIN_FAILURE_LIMIT failed passwords for
# one username, that account cannot sign in for CDT_LOGIN_COOLOFF_MINUTES
# (or until the secretariat clears it in the admin). Locking by username,
# not by address, because delegations sit behind shared national gateways.
AXES_FAILURE_LIMIT = env.int("CDT_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("CDT_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for the address too; deliberately not (see above): one
# attacker behind a national gateway would lock out a whole delegation.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Second factor (django-otp, TOTP): the issuer shown in authenticator apps.
OTP_TOTP_ISSUER = "CDT"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date formats per language (cdt/formats: British order in English, French
# month names in French); pages use the format names, never fixed patterns.
FORMAT_MODULE_PATH = ["cdt.formats"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------
# Front-end packages come from the npm registry into node_modules (never
# committed) and are exposed under /static/vendor/.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/ecl", NODE_MODULES / "@ecl" / "preset-eu" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- API --------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cdt.accounts.authentication.ApiTokenAuthentication",
        # Sessions count only once the second factor is verified, if required.
        "cdt.accounts.authentication.VerifiedSessionAuthentication",
    ],
    # Views must declare their own permissions (a test enforces it); this
    # default only makes a forgotten declaration fail closed.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAdminUser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["cdt.core.api.filters.StrictFilterBackend"],
    # JSON only: no browser form posts to the API, no file uploads (issue 12).
    "DEFAULT_PARSER_CLASSES": ["cdt.core.api.parsers.BoundedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "cdt.core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Free-text search is ?q= on every list, page or API.
    "SEARCH_PARAM": "q",
    # Per-client rate limits, counted in the cache (Redis in production, so
    # shared by every worker): one bucket per API token, one per signed-in
    # browser user.
    "DEFAULT_THROTTLE_CLASSES": [
        "cdt.accounts.throttling.ApiTokenRateThrottle",
        "cdt.accounts.throttling.SessionUserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "api_token": env.str("CDT_API_TOKEN_RATE", default="600/min"),
        "session_user": env.str("CDT_API_SESSION_RATE", default="1200/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Domain errors (409 for the wrong state, 400 for guards and input, 403
    # for the role) answer alike from every view: cdt.workflow.http.
    "EXCEPTION_HANDLER": "cdt.workflow.http.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CDT API",
    "DESCRIPTION": "Case management for the EU Cyber Diplomacy Toolbox.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files (no CDN: strict CSP, closed networks).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CaseStateEnum": "cases.models.CaseState",
        "CaseKindEnum": "cases.models.CaseKind",
        "ClassificationEnum": "cdt.security.markings.classification_names",
        "TlpEnum": "cdt.security.markings.tlp_names",
        "AttributionOptionEnum": "attribution.choices.AttributionOption",
        "DistributionEnum": "cdt.security.markings.Distribution",
        "CaseDistributionEnum": ["hwpci", "restricted"],
    },
}

# --- Security headers common to every mode ----------------------------------
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts only from our own origin, no
# inline scripts, no eval; nothing may frame CDT.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="cdt@localhost")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
# An e-mail is sent holding its notification row's lock: a relay that hangs
# must not hold it for long.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# --- CDT --------------------------------------------------------------------
# Links in e-mails and the calendar feed point here.
CDT_SITE_URL = env.str("CDT_SITE_URL", default="http://127.0.0.1:8000")
CDT_MAIL_DOMAIN = env.str("CDT_MAIL_DOMAIN", default="cdt.localhost")
# Events not dispatched and e-mails not sent this long after they were
# written are queued again by the outbox sweeper (beat, every 30 s).
CDT_OUTBOX_GRACE_SECONDS = env.int("CDT_OUTBOX_GRACE_SECONDS", default=30)
# A read of a classified object waits in a queue until beat's chainer links it
# into the audit chain (every CDT_AUDIT_CHAIN_SECONDS); verify_audit reports one
# that waited longer than this (a stalled chainer) (decision 0032).
CDT_AUDIT_PENDING_MAX_SECONDS = env.int("CDT_AUDIT_PENDING_MAX_SECONDS", default=300)
CDT_DEMO_PASSWORD = env.str("CDT_DEMO_PASSWORD", default="demo-cdt-2026")
# The highest EU classification the system is accredited for; anything above
# is refused on every input path. TRÈS SECRET UE is always refused.
CDT_MAX_CLASSIFICATION = env.str("CDT_MAX_CLASSIFICATION", default="RESTREINT_UE")
# STIX bundles with more objects than this are accepted with 202 and ingested
# by a Celery task; smaller ones are ingested before the answer.
CDT_FEED_SYNC_MAX_OBJECTS = env.int("CDT_FEED_SYNC_MAX_OBJECTS", default=2000)
# From this many objects, stix2 validation runs in worker processes alongside the writes.
CDT_FEED_PARALLEL_MIN_OBJECTS = env.int("CDT_FEED_PARALLEL_MIN_OBJECTS", default=5000)
# Impact evaluations (step 8): due this many months after a measure is implemented,
# and this many days before a listing's renewal or review date.
CDT_EVALUATION_MONTHS = env.list("CDT_EVALUATION_MONTHS", cast=int, default=[3, 6, 12])
CDT_EVALUATION_DAYS_BEFORE_RENEWAL = env.int("CDT_EVALUATION_DAYS_BEFORE_RENEWAL", default=30)
# TAXII 2.1: objects per page (a client's ``limit`` may ask for fewer) and the
# largest request body the API root accepts.
CDT_TAXII_PAGE_SIZE = env.int("CDT_TAXII_PAGE_SIZE", default=500)
CDT_TAXII_MAX_CONTENT_LENGTH = env.int("CDT_TAXII_MAX_CONTENT_LENGTH", default=100 * 1024 * 1024)
# Every other request body (forms, API writes): 2.5 MB, Django's own default,
# now applied to API bodies too (cdt.core.middleware.RequestBodyLimitMiddleware).
CDT_MAX_REQUEST_BODY = env.int("CDT_MAX_REQUEST_BODY", default=2_621_440)
DATA_UPLOAD_MAX_MEMORY_SIZE = CDT_MAX_REQUEST_BODY

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # django-axes logs every successful login at INFO; the audit trail has them.
    "loggers": {"axes": {"level": "WARNING"}},
}
