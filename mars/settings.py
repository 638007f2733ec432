"""Settings for MARS, read from the environment only (see .env.example)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import environ
import xstatic.pkg.leaflet
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from mars import file_store
from mars.map_tiles import tile_origin

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("MARS_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_htmx",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "mars",
    "accounts",
    "audit",
    "staffing",
    "strategy",
    "clients",
    "outreach",
    "accommodation",
    "risk",
    "funds",
    "reporting",
    "team",
    "rights",
    "privacy",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A null character in a query or form field is a 400 here, not a database error later.
    "mars.input_guards.RefuseNulCharacters",
    # request.user.is_verified(): signed in with a second factor in this session.
    "django_otp.middleware.OTPMiddleware",
    # A signed-in session ended elsewhere or older than SESSION_MAX_HOURS goes no further.
    "accounts.middleware_sessions.SessionLimitMiddleware",
    # Two-factor sign-in: a password-only session reaches only the sign-in pages.
    "accounts.middleware.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "mars.middleware.PrivateResponses",
    "axes.middleware.AxesMiddleware",
    # Access log: one row for each request that read people's information (after the user is known).
    "audit.middleware.AccessLogMiddleware",
    # A POST sent again with its idempotency key (Save pressed twice, a retried API call) is done
    # once. Innermost: its transaction holds the view's work and nothing else.
    "mars.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "mars.urls"
WSGI_APPLICATION = "mars.wsgi.application"

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
                "csp.context_processors.nonce",
                "mars.context_processors.navigation_links",
                "mars.context_processors.page_head",
            ],
        },
    }
]

FORM_RENDERER = "mars.forms.FormRenderer"

# Database: an external PostgreSQL from DATABASE_URL, else (debug, or the test settings) the
# embedded one under var/. Production without DATABASE_URL stops here: an embedded server started
# silently would take case records into a throwaway folder inside the container.
DATABASE_EMBEDDED = not env.str("DATABASE_URL", default="")
if not DATABASE_EMBEDDED:
    DATABASES = {"default": env.db_url("DATABASE_URL")}
elif not DEBUG and not env.bool("DJANGO_EMBEDDED_DB", default=False):
    raise ImproperlyConfigured(
        "DATABASE_URL must be set when DJANGO_DEBUG is off, e.g. "
        "postgres://mars:password@db:5432/mars (the embedded PostgreSQL is for development only)."
    )
else:
    from mars import embedded_db

    DATABASES = {"default": embedded_db.start(VAR_DIR)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches: Redis when configured (shared between web processes), else local memory.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that stops answering fails a cache call in a second instead of holding the
            # request; what the cache counts (accounts.limits) decides what a failure means.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: Redis as broker when configured; otherwise tasks run eagerly in the calling process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A Redis that stops answering (not only one that refuses) fails a publish in seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TIMEZONE = "Europe/London"
# A task is acknowledged when it has finished, not when a worker takes it, and given back if its
# worker process dies: work is done at least once (every task is idempotent). One task at a time
# per worker process, so a long report does not hold others' tasks behind it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The outbox (mars.outbox): beat re-sends a job not sent this many seconds after its last try.
OUTBOX_RESEND_AFTER_SECONDS = env.int("OUTBOX_RESEND_AFTER_SECONDS", default=60)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Jobs whose relay found the broker down, or died, are sent once it is back.
    "relay-outbox": {"task": "mars.tasks.relay_outbox", "schedule": 60.0},
    # A report run whose worker died (no sign of life for REPORT_RUN_STALE_MINUTES) goes back in
    # the queue.
    "requeue-stalled-report-runs": {
        "task": "reporting.tasks.requeue_stalled_runs",
        "schedule": 60.0,
    },
    # Bundle imports whose worker died or whose task was lost are failed and their files (people's
    # details) deleted; ended imports past BUNDLE_IMPORT_KEEP_DAYS are deleted.
    "sweep-bundle-imports": {
        "task": "reporting.tasks.sweep_bundle_imports",
        "schedule": 300.0,
    },
    # Overnight, so the reminders are there when the early shift starts at six.
    "risk-reminders": {
        "task": "risk.tasks.send_risk_reminders",
        "schedule": crontab(hour=2, minute=30),
    },
    # The month before's contract report, once every 14-day window of that month has closed.
    "monthly-report": {
        "task": "reporting.tasks.start_monthly_report",
        "schedule": crontab(day_of_month=15, hour=6, minute=0),
    },
    # Retention: on the 1st, early, before anyone is at work (privacy.services.run_retention).
    "retention": {
        "task": "privacy.tasks.run_retention_schedule",
        "schedule": crontab(day_of_month=1, hour=3, minute=15),
    },
    # Idempotency keys past IDEMPOTENCY_KEY_HOURS (mars.idempotency).
    "forget-idempotency-keys": {
        "task": "mars.tasks.forget_idempotency_keys",
        "schedule": crontab(minute=40),
    },
    # Strategy Group papers and minutes not yet emailed to every member (strategy.tasks).
    "strategy-resend-unsent": {
        "task": "strategy.tasks.resend_unsent",
        "schedule": 600.0,
    },
    # What is past its time (mars.waiting): its owner told, then the coordinators; after the
    # risk reminders, so a review they told the key worker of is not told twice.
    "escalate-waiting": {
        "task": "mars.tasks.escalate_waiting",
        "schedule": crontab(hour=2, minute=50),
    },
    # Past months' contract figures the dashboard reads, worked out again after records
    # dated in them changed (reporting.kept), before anyone opens it.
    "keep-past-months": {
        "task": "reporting.tasks.keep_past_months",
        "schedule": crontab(hour=3, minute=45),
    },
    # team: a worker whose one-to-one supervision is overdue is told, before the day starts.
    "supervision-reminders": {
        "task": "team.tasks.remind_supervision_overdue",
        "schedule": crontab(hour=2, minute=40),
    },
}

# No duplicates on retry (mars.idempotency): how long a create's key replays its first answer
# (long enough for a phone's offline queue to come back into signal), and how long a copy sent
# while the first is still running waits for it before a 409.
IDEMPOTENCY_KEY_HOURS = env.int("IDEMPOTENCY_KEY_HOURS", default=72)
IDEMPOTENCY_WAIT_SECONDS = env.float("IDEMPOTENCY_WAIT_SECONDS", default=15)

# Retention (UK GDPR storage limitation): a person is anonymised this many years after their last
# contact, placement, plan, payment or note (privacy.tables.ACTIVITY), unless under a legal hold;
# the access log is kept this many years and then removed by the same monthly task.
RETENTION_YEARS = env.int("RETENTION_YEARS", default=6)
ACCESS_LOG_YEARS = env.int("ACCESS_LOG_YEARS", default=2)

# Authentication and accounts
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Information-sharing consent is reviewed this many calendar months after it was given (clients).
CONSENT_REVIEW_MONTHS = env.int("CONSENT_REVIEW_MONTHS", default=12)

# The people the service works with: records with a `client` key to this model are about a person
# and visible only to those who may see people (mars.access).
MARS_PERSON_MODEL = "clients.Client"

# Every member of staff signs in with a second factor; only a debug (demo) instance may turn it off.
MARS_REQUIRE_2FA = env.bool("MARS_REQUIRE_2FA", default=True)
if not MARS_REQUIRE_2FA and not DEBUG:
    raise ImproperlyConfigured("MARS_REQUIRE_2FA may be off only when DJANGO_DEBUG is on.")

# Two-factor sign-in: the name authenticator apps show; the throttling of wrong codes (seconds
# between tries double from 1 after each wrong one) is django-otp's.
OTP_TOTP_ISSUER = "MARS"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock an account (not an address) after ten failed sign-ins; an administrator can reset it sooner.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=60))
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Lockout is per account by design (a worker on a shared office connection must not lock out
# colleagues); axes would prefer the address too.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Per-address and per-account limits on sign-in and password-reset requests (accounts.limits),
# as "count/period" (3m: three minutes). Counted in the cache: Redis, shared, in production.
SIGN_IN_LIMIT_PER_ADDRESS = env.str("SIGN_IN_LIMIT_PER_ADDRESS", default="20/3m")
PASSWORD_RESET_LIMIT_PER_ADDRESS = env.str("PASSWORD_RESET_LIMIT_PER_ADDRESS", default="10/h")
PASSWORD_RESET_LIMIT_PER_ACCOUNT = env.str("PASSWORD_RESET_LIMIT_PER_ACCOUNT", default="3/h")
# Reverse proxies in front of the app that append the client's address to X-Forwarded-For.
MARS_TRUSTED_PROXIES = env.int("MARS_TRUSTED_PROXIES", default=0)

# Idle timeout: a session ends after 30 minutes without a request.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Accounts: API tokens and sessions (knox tokens expire after API_TOKEN_DAYS and are not renewed
# by use; a browser session ends SESSION_MAX_HOURS after sign-in however busy it has been).
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90)
SESSION_MAX_HOURS = env.int("SESSION_MAX_HOURS", default=10)
KNOX_TOKEN_MODEL = "knox.AuthToken"
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_DAYS),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}

# HTTPS hardening: on by default whenever DEBUG is off.
SECURE_HTTPS = env.bool("DJANGO_SECURE_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = SECURE_HTTPS
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

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

# Email: console in development unless EMAIL_URL says otherwise.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="MARS <mars@localhost>")
# The address links in emails start with.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Risk: months from an assessment to its review, by overall level; notice of a review coming due.
RISK_REVIEW_MONTHS = {
    "high": env.int("RISK_REVIEW_MONTHS_HIGH", default=1),
    "medium": env.int("RISK_REVIEW_MONTHS_MEDIUM", default=3),
    "low": env.int("RISK_REVIEW_MONTHS_LOW", default=6),
}
RISK_REVIEW_NOTICE_DAYS = env.int("RISK_REVIEW_NOTICE_DAYS", default=7)

# The coordinator's own work. Weeks from one supervision to the next: past it the worker and the
# coordinator are reminded.
SUPERVISION_WEEKS = env.int("SUPERVISION_WEEKS", default=6)
# Days a referral may wait for its answer, by kind, before it is past its time ("in=2,out=10"
# changes those two): a partner's referral in, answered by MARS; MARS's referral out, answered by
# the partner; an A2A referral, decided by the panel; a MARS House referral, decided by the
# coordinator. mars.checks refuses an unknown kind or a number below 1.
REFERRAL_RESPONSE_DAYS: dict[str, int] = {
    "in": 2,
    "out": 10,
    "a2a": 7,
    "mars_house": 7,
} | env.dict("REFERRAL_RESPONSE_DAYS", cast={"value": int}, default={})
# Days an item may be past its time (its owner told) before the coordinators are told too.
WAITING_ESCALATE_DAYS = env.int("WAITING_ESCALATE_DAYS", default=3)
# The largest paper for a Strategy Group meeting (PDF, DOCX, XLSX or ODT), in bytes.
STRATEGY_PAPER_MAX_BYTES = env.int("STRATEGY_PAPER_MAX_BYTES", default=20 * 1024 * 1024)
# The map tiles behind the hotspot map, as a URL template ("https://tile.example.org/{z}/{x}/{y}.png")
# and the credit the tiles' licence asks for. The page's CSP allows images from that server only.
# Empty: the hotspots are listed without a map.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="")
if MAP_TILE_ORIGIN := tile_origin(MAP_TILE_URL):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(MAP_TILE_ORIGIN)

# Special category data: how long an urgent "break glass" reading lasts, and the shortest reason.
BREAK_GLASS_MINUTES = env.int("BREAK_GLASS_MINUTES", default=30)
BREAK_GLASS_REASON_MIN_LENGTH = env.int("BREAK_GLASS_REASON_MIN_LENGTH", default=15)

# Internationalisation: UK dates, London time.
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d-%m-%Y"]

# Static files, served by the app itself (whitenoise), never from a CDN.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Leaflet's own files (XStatic-Leaflet) for the hotspot map, served as static/leaflet/.
    ("leaflet", xstatic.pkg.leaflet.BASE_DIR),
]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Files: receipts and invoices (funds.views), report runs' PDF, CSV and XLSX, bundles uploaded for a
# background import (read by whichever worker runs the job) and anything else stored. All private:
# never under a public URL, served only through the app to those who may have them. STORAGE_URL
# (s3://BUCKET/PREFIX?endpoint_url=...&region=...) puts them in an S3-compatible store shared by
# every web and worker machine; unset, on this machine's disk under MEDIA_ROOT (mars.file_store).
STORAGE_URL = env.str("STORAGE_URL", default="")
STORAGES = {
    **file_store.storages_for(STORAGE_URL, MEDIA_ROOT),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("DJANGO_STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Funds: the largest receipt or invoice a user may attach.
RECEIPT_MAX_BYTES = env.int("RECEIPT_MAX_BYTES", default=10 * 1024 * 1024)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Two-factor sign-in: a session counts only once it has its second factor.
        "accounts.authentication.VerifiedSessionAuthentication",
        "accounts.tokens.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON with a depth limit and no null characters (mars.input_guards); forms as DRF's own.
    "DEFAULT_PARSER_CLASSES": [
        "mars.input_guards.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MARS API",
    "DESCRIPTION": "Case management for the Multi-Agency Rough Sleeper team.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation's error answers, and local times as they are sent (mars.openapi).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "mars.openapi.document_errors",
        # Every POST takes an Idempotency-Key header.
        "mars.idempotency.document_in_schema",
    ],
    # One name per shared choice set, so clients see one enum wherever it is used.
    "ENUM_NAME_OVERRIDES": {
        "SupportNeedEnum": "clients.models.SupportNeed",
        "GenderEnum": "clients.models.Gender",
        "EndReasonEnum": "accommodation.models.EndReason",
        "PropertyTypeEnum": "accommodation.models.PropertyType",
        "PlanStatusEnum": "risk.models.PlanStatus",
        "ActionStatusEnum": "risk.models.ActionStatus",
        "RiskLevelEnum": "risk.models.Level",
        "FundKindEnum": "funds.models.FundKind",
        "RequestStatusEnum": "funds.models.RequestStatus",
        "DocumentKindEnum": "funds.models.DocumentKind",
        "PaymentMethodEnum": "funds.models.PaymentMethod",
        "TriedEnum": "funds.models.Tried",  # hardship: what else was tried
        "PaperKindEnum": "strategy.models.PaperKind",
        "RightsKindEnum": "rights.models.RightsKind",
        "AccessRequestStatusEnum": "rights.models.AccessStatus",
        "RightsDecisionEnum": "rights.models.Decision",
    },
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Reporting: the service's name on the report's cover; a run "running" with no sign of life (its
# heartbeat, touched at every step) for this many minutes is taken to have died with its worker:
# beat queues it again, up to REPORT_RUN_MAX_ATTEMPTS tries in all, and a person may retry it.
MARS_SERVICE_NAME = env.str("MARS_SERVICE_NAME", default="Multi-Agency Rough Sleeper team (MARS)")
REPORT_RUN_STALE_MINUTES = env.int("REPORT_RUN_STALE_MINUTES", default=30)
REPORT_RUN_MAX_ATTEMPTS = env.int("REPORT_RUN_MAX_ATTEMPTS", default=3)
# Bundles uploaded on the page or the API are imported by a worker. The largest accepted: a
# 100,000-person bundle with its history is about 300 MB, so 1 GB leaves room for a national one
# twice that (big uploads stream to a temporary file, never into memory: Django's
# DATA_UPLOAD_MAX_MEMORY_SIZE does not count files). An import showing no sign of life (progress,
# or its worker's heartbeat every 30 seconds) for this many minutes has lost its worker: it is
# shown as failed (its one transaction rolled back with it), and beat fails it and deletes its file.
BUNDLE_UPLOAD_MAX_BYTES = env.int("BUNDLE_UPLOAD_MAX_BYTES", default=1024 * 1024 * 1024)
BUNDLE_IMPORT_STALE_MINUTES = env.int("BUNDLE_IMPORT_STALE_MINUTES", default=10)
# A job still waiting for a worker after this many minutes has lost its task (the outbox sends
# every task, so the broker lost it, or no worker runs): beat fails it and deletes its file. An
# ended job (its counts, and a refusal's problems) is deleted after BUNDLE_IMPORT_KEEP_DAYS.
BUNDLE_IMPORT_WAIT_MINUTES = env.int("BUNDLE_IMPORT_WAIT_MINUTES", default=60)
BUNDLE_IMPORT_KEEP_DAYS = env.int("BUNDLE_IMPORT_KEEP_DAYS", default=30)
# England's rough sleeping return (RSDF): the area's resident population, for the figures per
# 100,000 residents when a month's return does not give one. Unset: no rate.
MARS_POPULATION: int | None = env.int("MARS_POPULATION", default=None)
if MARS_POPULATION is not None and MARS_POPULATION < 0:
    raise ImproperlyConfigured("MARS_POPULATION must be a whole number of residents, 0 or more.")

# Bundle import: a date before this in a person's records (contacts, placements, plans, health
# access, interventions, consents) is refused as implausible, unless a team migrating older
# history lowers it. Dates of birth are not bounded.
try:
    BUNDLE_EARLIEST_DATE = date.fromisoformat(env.str("BUNDLE_EARLIEST_DATE", default="1990-01-01"))
except ValueError as error:
    raise ImproperlyConfigured("BUNDLE_EARLIEST_DATE must be a date, YYYY-MM-DD.") from error

# Backups (manage.py backup): the pg_dump to run, pg_restore beside it. Unset: the first new
# enough for the server, from PATH or the pgserver wheel (the embedded server's own first).
PG_DUMP = env.str("PG_DUMP", default="")

# Outreach: a report from the public not attempted within this many hours is overdue.
OUTREACH_REPORT_ATTEMPT_HOURS = env.int("OUTREACH_REPORT_ATTEMPT_HOURS", default=72)

# Access log (issue 17, item 6): a row for each request that read people's information. Not read
# from the environment: only the benchmark turns it off, to measure what it costs.
ACCESS_LOG_ENABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "mars.logs.RedactSecrets"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own loggers through the same handler, so its request lines and warnings are
        # redacted too (its default handlers would write them unfiltered).
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "pgserver": {"level": "WARNING"},
        # WeasyPrint reports every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
