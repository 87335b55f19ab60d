"""Settings for kmodquiz, read from the environment with safe local defaults.

DJANGO_ENV     "production" switches on the production profile: DEBUG off, HTTPS only (SSL
               redirect, HSTS, secure cookies); `manage.py check --deploy` passes with no warning
DATABASE_URL   database (default: SQLite file db.sqlite3 beside manage.py)
SECRET_KEY     required when DEBUG is off
DEBUG          "1"/"true" to enable (default on for local development, off in production)
ALLOWED_HOSTS  comma-separated (default: localhost, 127.0.0.1)
CACHE_URL      "locmem://" (default), "db://" (shared database cache) or "redis://..."
TASKS_BACKEND  "db" (default: django-tasks-db, run `manage.py db_worker`), "immediate" (run in the
               request; tests), "rq" (Redis, run `manage.py rqworker`) or a dotted backend path
KMODQUIZ_LTI_ENABLED  "0" leaves the LTI 1.3 tool (quizzes.lti) out: no app, URLs or middleware
KMODQUIZ_ELAPSED_DAYS  "learner-days" (default, as Anki) or "24h" (as fsrs): how the scheduler
               counts the time since a card's last review
KMODQUIZ_OPTIMISER_MIN_REVIEWS  reviews a learner needs before fitted parameters can be kept (400)
TASKS_REDIS_URL, SESSION_ENGINE, STATIC_ROOT ...: see the scale-out block below and
               docs/deployment.md, which lists every variable
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


PRODUCTION = os.environ.get("DJANGO_ENV", "").strip().lower() == "production"
DEBUG = _env_bool("DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production.")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - never used in production

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served by the app, not from a CDN
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "quizzes",
]
# The LTI 1.3 tool is an optional app: nothing else imports it (docs/lti.md).
LTI_ENABLED = _env_bool("KMODQUIZ_LTI_ENABLED", True)
if LTI_ENABLED:
    INSTALLED_APPS.append("quizzes.lti")

MIDDLEWARE = [
    # Outermost: any non-JSON error under /api/ (Django's own 400, 404 and 500 pages) as JSON.
    "quizzes.api.middleware.ApiJsonErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "quizzes.middleware.ApiRequestBodyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "quizzes.security.csp.SiteCSPMiddleware",
    # Turns a sign-in refused for a lockout into the lockout page (429).
    "axes.middleware.AxesMiddleware",
]
if LTI_ENABLED:
    # Outside the session, CSRF and X-Frame-Options middleware, so that on LTI pages it sees
    # their cookies and headers: SameSite=None cookies and frame-ancestors for the platform.
    MIDDLEWARE.insert(1, "quizzes.lti.framing.LtiFramingMiddleware")

ROOT_URLCONF = "kmodquiz.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "quizzes.views.common.nav",
            ],
        },
    },
]

WSGI_APPLICATION = "kmodquiz.wsgi.application"
ASGI_APPLICATION = "kmodquiz.asgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=600, conn_health_checks=True
    )
}
# Server-side binding lets psycopg prepare the statements a worker repeats (the study loop's
# are the same few), so PostgreSQL stops re-planning them on every request. Turn it off behind
# a transaction-pooling proxy (PgBouncer < 1.21) that cannot keep prepared statements.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and _env_bool(
    "DATABASE_SERVER_SIDE_BINDING", True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=2
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so concurrent writers wait (busy timeout) instead
    # of failing with "database is locked" when a read transaction tries to upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or None}


def _cache_from_url(url: str) -> dict:
    if url.startswith("db://"):
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "kmodquiz_cache",
        }
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url.startswith("dummy://"):
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kmodquiz"}


CACHES = {"default": _cache_from_url(os.environ.get("CACHE_URL", "locmem://"))}


def _tasks_from_env(name: str) -> dict:
    """Django's tasks framework (the django-tasks backport on 5.2; django.tasks on Django 6)."""
    backend = {
        "db": "django_tasks_db.DatabaseBackend",
        "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        "dummy": "django_tasks.backends.dummy.DummyBackend",
        "rq": "django_tasks_rq.RQBackend",
    }.get(name, name)
    return {"default": {"BACKEND": backend, "QUEUES": ["default"]}}


TASKS = _tasks_from_env(os.environ.get("TASKS_BACKEND", "db"))

# Sign-in lockouts (django-axes, quizzes/security/lockout.py): the sign-in page and the token
# endpoint count failed passwords per client address and per account, in the database.
AUTHENTICATION_BACKENDS = [
    "quizzes.security.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("KMODQUIZ_LOCKOUT_FAILURES", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("KMODQUIZ_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "quizzes.security.lockout.axes_client_address"
AXES_LOCKOUT_TEMPLATE = "quizzes/accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are not logged (personal data)
AXES_VERBOSE = False
# --- Scale-out (issue 13, part B): Redis for the task queue and, optionally, sessions ---------
# The RQ backend keeps its queue in Redis (TASKS_REDIS_URL); `manage.py rqworker --job-class
# django_tasks_rq.Job --with-scheduler default` runs the tasks (its scheduler moves deferred
# ones onto the queue when they are due).
if TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {
        "default": {
            "URL": os.environ.get("TASKS_REDIS_URL", "redis://127.0.0.1:6379/1"),
            # A task (a large import, fitting parameters) may take minutes; never hours.
            "DEFAULT_TIMEOUT": int(os.environ.get("TASKS_TIMEOUT", "1800")),
        }
    }
# Sessions live in the database (every node sees them). "cached_db" reads them from the shared
# cache first and still writes them through to the database, so flushing Redis signs nobody out.
SESSION_ENGINE = {
    "db": "django.contrib.sessions.backends.db",
    "cached_db": "django.contrib.sessions.backends.cached_db",
    "cache": "django.contrib.sessions.backends.cache",
}.get(os.environ.get("SESSION_ENGINE", "db"), os.environ.get("SESSION_ENGINE", "db"))
# --- end of the scale-out block ---------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Without collectstatic (development, tests) whitenoise serves from the apps' static folders.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "login"
# Password-reset links in the (console) e-mail stay valid for a day.
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

if not DEBUG:
    SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = _env_bool("SECURE_COOKIES", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- security headers (every profile) and the production profile --------------------------------
# docs/deployment.md ("Security settings") explains each one.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # the LTI app lets registered platforms frame its pages, and only those


def _proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """ "X-Forwarded-Proto: https" -> ("HTTP_X_FORWARDED_PROTO", "https"); "" -> None."""
    name, _, expected = value.partition(":")
    if not name.strip():
        return None
    meta = "HTTP_" + name.strip().upper().replace("-", "_")
    return (meta, expected.strip() or "https")


if PRODUCTION:
    # The header the TLS-terminating proxy sets (and strips from clients): requests that came
    # in over HTTPS. Empty when the app itself terminates TLS.
    SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(
        os.environ.get("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto: https")
    )
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [
        r for r in os.environ.get("SECURE_REDIRECT_EXEMPT", "").split(",") if r.strip()
    ]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp, merged with a view's own frame-ancestors by
# quizzes.security.csp): this site's scripts, styles, images and fonts only; nothing inline.
# No form-action: the LTI deep-linking page posts its answer to the LMS.
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
        "frame-ancestors": ["'none'"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "quizzes.api.authentication.ScopedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "quizzes.api.throttles.ThrottleFirst",
        "rest_framework.permissions.IsAuthenticated",
        "quizzes.api.permissions.TokenScopeAllows",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["quizzes.api.parsers.SafeJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "quizzes.api.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "quizzes.api.throttles.UserThrottle",
        "quizzes.api.throttles.AnonThrottle",
    ],
    # Counted in the default cache: set CACHE_URL to db:// or redis:// so workers agree.
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("KMODQUIZ_API_USER_RATE", "1200/min"),
        "anon": os.environ.get("KMODQUIZ_API_ANON_RATE", "30/min"),
        "tokens": os.environ.get("KMODQUIZ_API_TOKENS_RATE", "10/min"),
    },
    "EXCEPTION_HANDLER": "quizzes.api.exceptions.exception_handler",
    "URL_FORMAT_OVERRIDE": "format",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "quizzes.api.negotiation.StrictContentNegotiation",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "kmodquiz API",
    "DESCRIPTION": (
        "Spaced-repetition quizzes on Linux kernel modules. Every 4xx answer has the body "
        '`{"error": {"code": ..., "message": ..., "fields": {...}}}`. See docs/api.md.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SORT_OPERATIONS": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "quizzes.api.schema_hooks.forbid_nul_in_request_text",
    ],
    "ENUM_NAME_OVERRIDES": {
        "QuestionKindEnum": "quizzes.models.QuestionKind",
        "CardStatusEnum": "quizzes.models.CardStatus",
        "RatingEnum": "quizzes.models.Rating",
        "ReportStatusEnum": "quizzes.models.QuestionReport.Status",
        "VisibilityEnum": "quizzes.models.Bank.Visibility",
        "ImportStatusEnum": "quizzes.models.ImportRun.Status",
        "ImportStageEnum": "quizzes.models.ImportRun.Stage",
        # A card's state by name (CardState.status in the API, the card browser's `state`).
        "CardStateNameEnum": ["new", "learning", "review", "relearning"],
    },
}

# API tokens (django-rest-knox): stored as SHA-512 digests; expiry is chosen per token.
KNOX_TOKEN_MODEL = "knox.AuthToken"
REST_KNOX = {
    "TOKEN_TTL": None,
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

# kmodquiz's own settings; read at call time through quizzes.conf.
KMODQUIZ = {
    "LEECH_THRESHOLD": int(os.environ.get("KMODQUIZ_LEECH_THRESHOLD", "8")),
    "ENABLE_FUZZING": _env_bool("KMODQUIZ_ENABLE_FUZZING", True),
    "MAXIMUM_INTERVAL_DAYS": 36500,
    "LEARN_AHEAD_MINUTES": 20,
    "ANSWER_TIME_CAP_SECONDS": 60,
    "SIGNUP_ENABLED": _env_bool("KMODQUIZ_SIGNUP_ENABLED", True),
    # Proxies of our own in front of the app: 0 ignores X-Forwarded-For (docs/deployment.md).
    "TRUSTED_PROXIES": int(os.environ.get("KMODQUIZ_TRUSTED_PROXIES", "0")),
    # LTI: a learner's score goes to the gradebook at most this often per link.
    "LTI_SCORE_INTERVAL_MINUTES": int(os.environ.get("KMODQUIZ_LTI_SCORE_INTERVAL_MINUTES", "5")),
    # A rotated-out tool key stays in the JWKS this long (platforms cache keys).
    "LTI_KEY_GRACE_DAYS": int(os.environ.get("KMODQUIZ_LTI_KEY_GRACE_DAYS", "7")),
    # Time since a card's last review: "learner-days" (as Anki) or "24h" (as fsrs); see README.
    "ELAPSED_DAYS": os.environ.get("KMODQUIZ_ELAPSED_DAYS", "learner-days"),
    # Personal parameters are kept only with this many reviews (docs/scheduler.md).
    "OPTIMISER_MIN_REVIEWS": int(os.environ.get("KMODQUIZ_OPTIMISER_MIN_REVIEWS", "400")),
    "OPTIMISER_MIN_TEST_ITEMS": 50,
    # Imports: the largest file accepted, and the size from which an import runs as a
    # background task (an Anki package always does).
    "IMPORT_MAX_BYTES": int(os.environ.get("KMODQUIZ_IMPORT_MAX_BYTES", str(10 * 1024 * 1024))),
    "IMPORT_TASK_THRESHOLD": int(os.environ.get("KMODQUIZ_IMPORT_TASK_THRESHOLD", "500")),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The level is the handler's too: records that Django's own loggers (django.request…)
    # propagate to the root's handler skip the root logger's level.
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "level": os.environ.get("LOG_LEVEL", "WARNING"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
