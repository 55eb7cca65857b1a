"""PeerLoop settings: one file, driven by the environment (see README, "Settings").

With no environment at all the embedded defaults serve a laptop: SQLite under var/,
Celery on a filesystem broker under var/celery/, e-mails on the console.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import email_settings, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PEERLOOP_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG", True)
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG=0")
    SECRET_KEY = "dev-only-insecure-key-peerloop-never-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_DEBUG=0")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# How many reverse proxies we sit behind. The client's address, for every rate limit (allauth's and
# the API's), is the one the outermost of them saw: X-Forwarded-For entries a client adds are ignored.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

INSTALLED_APPS = [
    "daphne",  # runserver serves ASGI: pages and the interview room's WebSockets from one process
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "channels",
    "accounts",
    "interviews",
    "rubrics",
    "config",  # on top of the house: the demo data and content-loading commands
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.ProfileMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL names another one (PostgreSQL in production).
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'peerloop.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
# Under ASGI (the web processes) Django's persistent connections belong to the thread that served
# a request and are never handed back (hence "too many clients" under load): there a pool of at most
# DB_POOL_SIZE connections per process serves the requests instead (platform/gunicorn.conf.py).
# A page's queries are small: starting parallel query workers for one cost more (2-8 ms) than
# it saves, and takes cores the other requests need, so the web processes plan without them.
DB_POOL_SIZE = env_int("DB_POOL_SIZE", 0)
if DB_POOL_SIZE and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        pool={"min_size": 1, "max_size": DB_POOL_SIZE, "timeout": 10},  # seconds to wait for one
        options="-c max_parallel_workers_per_gather=0",
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: Celery broker and the shared cache (allauth and API rate limits count across processes).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "peerloop",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The interview room's channel layer: Redis, so every web process shares every room; without
# REDIS_URL the in-memory layer, where one process (make run) serves all rooms. Pub/sub: a
# room's message is one PUBLISH that each process holding the room hears, with no per-process
# queue to fill up (the room's state is in the database: nothing depends on a message's
# delivery beyond the moment).
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "peerloop:room"},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# allauth: e-mail is the login, verified before first use; rate limits on (allauth defaults).
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "PeerLoop: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS else "http"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Failed sign-ins are limited per address and per account (allauth's defaults: 10 a minute per
# address, 5 in 5 minutes per account). A locked account's owner still gets in with a code by e-mail.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "PeerLoop"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# E-mail: EMAIL_URL=smtp://user:password@host:port?tls=1 (or ?ssl=1); unset prints to the console.
globals().update(email_settings(env_str("EMAIL_URL")))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "PeerLoop <noreply@peerloop.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. With DJANGO_DEBUG=0, `manage.py check --deploy --fail-level WARNING` passes.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_HTTPONLY = True

# Content Security Policy on every response: scripts only from us or with the request's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.ZonedTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"token": env_str("TOKEN_RATE_LIMIT", "5/min")},
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    # JSON only (a form loses types, and the API takes no files: 415), held to Django's body size
    # limit (413), with bad nesting and encoding refused (400).
    "DEFAULT_PARSER_CLASSES": ["config.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_PAGINATION_CLASS": "config.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PeerLoop API",
    "DESCRIPTION": "Peer mock interviews for ML system design: profiles, bookings, rubrics, placement.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "LevelEnum": "accounts.models.Level",
        "CompanyTypeEnum": "accounts.models.CompanyType",
        "CompanyExperienceEnum": "accounts.models.CompanyExperience",
        "PlacementStatusEnum": "rubrics.api.PLACEMENT_STATUSES",
        "StandingStatusEnum": "rubrics.api.STANDING_STATUSES",
        "EvaluationStatusEnum": "rubrics.models.EvaluationStatus",
    },
}

# Celery: Redis when REDIS_URL is set, else kombu's filesystem transport under var/celery/.
CELERY_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    for sub in ("queue", "processed", "control"):
        (CELERY_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DIR / "queue"),
        "data_folder_out": str(CELERY_DIR / "queue"),
        "processed_folder": str(CELERY_DIR / "processed"),
        "control_folder": str(CELERY_DIR / "control"),
        "store_processed": False,
    }
# Video calls: a Jitsi room per session, its name unguessable.
VIDEO_BASE_URL = env_str("VIDEO_BASE_URL", "https://meet.jit.si/")
# Where members reach the site: links in e-mails and calendar entries.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# The one beat's schedule. Due work lives in tables; these tasks claim it.
CELERY_BEAT_SCHEDULE = {
    "generate-slots": {
        "task": "interviews.scheduling.tasks.generate_slots",
        "schedule": crontab(hour=0, minute=15),
    },
    "complete-ended-sessions": {"task": "interviews.sessions.tasks.complete_ended_sessions", "schedule": 300},
    "matching-round": {"task": "interviews.matching.tasks.run_matching_round", "schedule": 300},
    "placement-nightly": {
        "task": "rubrics.tasks.refit_placement",
        "schedule": crontab(hour=3, minute=30),
        "kwargs": {"force": True},
    },
    "dispatch-outbox": {
        "task": "interviews.notifications.tasks.dispatch_outbox",
        "schedule": env_int("OUTBOX_DISPATCH_SECONDS", 60),
    },
    "owe-due-reminders": {
        "task": "interviews.sessions.tasks.owe_due_reminders",
        "schedule": env_int("OUTBOX_DISPATCH_SECONDS", 60),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
