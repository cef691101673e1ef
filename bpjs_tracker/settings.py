"""Settings for bpjs_tracker, read from the environment (one module, no split).

Production is the default (issue #11): with DJANGO_DEBUG unset the server runs
without debug and refuses to start without DJANGO_SECRET_KEY and
DJANGO_ALLOWED_HOSTS, so a forgotten variable cannot deploy a debug server with
an embedded key. Development asks for debug explicitly: the Makefile, the
pytest configuration (tests/debug_env.py), .ci/run and the benchmark scripts set
DJANGO_DEBUG=1; DATABASE_URL defaults to an SQLite file.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off.")
    SECRET_KEY = "django-insecure-embedded-demo-key-not-for-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG is off.")
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "bpjs_tracker.apps.BpjsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "import_export",
    "rest_framework",
    "rest_framework.authtoken",
    "axes",
    "bpjs_tracker.apps.BpjsTrackerConfig",
    "regencies",
    "enrollment",
    "mou",
    "claims",
    "jobs",
]

# The read-only JSON API (docs/api.md): session (the browser) or token (scripts), JSON only.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["bpjs_tracker.dashboard.permissions.HasScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": None,
}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bpjs_tracker.middleware.IndonesianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "bpjs_tracker.request_log.RequestIdMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

ROOT_URLCONF = "bpjs_tracker.urls"
# Django's form templates, the plainest widgets written in Python (same HTML, less CPU on
# every page with a form, the changelists' action bar included): bpjs_tracker/renderers.py.
FORM_RENDERER = "bpjs_tracker.renderers.PythonWidgetRenderer"

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
            ],
        },
    },
]

WSGI_APPLICATION = "bpjs_tracker.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
# A read replica for dashboards and reports (bpjs_tracker/db_router.py): only reads inside
# `reading_from_replica()` go there. In tests it mirrors "default" (the same test database).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["bpjs_tracker.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "bpjs_tracker.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out user or address first
    "bpjs_tracker.backends.RolePermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "bpjs_tracker.passwords.LocalWordsValidator"},
]

# Failed logins (django-axes): after AXES_FAILURE_LIMIT failures a user name, and separately
# an address, is locked for AXES_COOLOFF_TIME hours; the provincial administrator unlocks in
# the admin (Access attempts: delete the row) or with `manage.py axes_reset_username NAME`.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0"))  # behind a proxy: 1
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False  # bpjs_tracker.admin registers a scoped admin: the province unlocks

# Sessions end after SESSION_HOURS (default 8, a working day) and when the browser closes.
SESSION_COOKIE_AGE = int(float(os.environ.get("SESSION_HOURS", "8")) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LOGIN_URL = "admin:login"

# Text and time: Indonesian first, English available; WITA.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["bpjs_tracker.formats"]  # dates as typed: dd-mm-yyyy, in both languages
TIME_ZONE = "Asia/Makassar"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded files (rosters, agreements) are private: stored outside the web root
# and served only by views that check scope. There is deliberately no MEDIA_URL route.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "var" / "uploads"))
# Several web and worker machines share the uploads either as one folder mounted everywhere
# (DJANGO_MEDIA_ROOT) or, with DJANGO_STORAGE_BUCKET, as an S3-compatible bucket (AWS S3,
# MinIO, Ceph...; credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the
# machine's role). Private objects only: files are read back through the scoped views.


def bucket_storage(environ) -> dict | None:
    """The S3 storage the environment names (DJANGO_STORAGE_BUCKET), or None for the folder."""
    if not environ.get("DJANGO_STORAGE_BUCKET"):
        return None
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": environ["DJANGO_STORAGE_BUCKET"],
            "endpoint_url": environ.get("DJANGO_STORAGE_ENDPOINT_URL") or None,
            "region_name": environ.get("DJANGO_STORAGE_REGION") or None,
            "location": environ.get("DJANGO_STORAGE_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,  # two uploads of "roster.xlsx" never replace each other
        },
    }


STORAGES["default"] = bucket_storage(os.environ) or STORAGES["default"]


def shared_cache(environ) -> dict:
    """Django's cache: Redis when DJANGO_CACHE_URL names one, else each process's own memory.

    The cache holds only what can be computed again (the branch queue's double-enrolment
    short list, ≈ 0,8 s at 1.000.000 workers, under the latest ids): with several web
    processes and machines, a shared Redis computes it once per change instead of once per
    process. If Redis cannot be reached the list is computed as without a cache."""
    url = environ.get("DJANGO_CACHE_URL")
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "bpjs",
        }
    }


CACHES = shared_cache(os.environ)
# Scanned agreements and regulations: PDF only, at most this many bytes (default 10 MB).
MOU_DOCUMENT_MAX_BYTES = int(os.environ.get("MOU_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024))
# Largest claim document (PDF or JPEG scan) accepted.
CLAIM_DOCUMENT_MAX_BYTES = int(os.environ.get("CLAIM_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024))
# Roster files larger than this are refused with one message (100,000 rows are about 6 MB).
ROSTER_MAX_UPLOAD_BYTES = int(os.environ.get("ROSTER_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))

# Long work (jobs/): Celery over Redis when CELERY_BROKER_URL is set; without it the same
# code runs in-process, eagerly (the embedded default needs no broker). A job is acknowledged
# only once it has finished, and requeued if its worker dies, so every job kind is idempotent.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_IGNORE_RESULT = True  # a job's outcome is its Job row
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # workers log through LOGGING below (JSON)
# Redis redelivers a job whose worker vanished after this many seconds: longer than any job.
# Each worker looks for such jobs every `unacked_restore_interval` seconds (one cheap query).
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": max(1, min(10, CELERY_VISIBILITY_TIMEOUT // 2)),
    "unacked_restore_throttle": 1,
}
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
# Roster files at least this large are previewed and imported as jobs with a progress bar
# (10,000 rows are about 600 KB); smaller ones within the request, as before.
ROSTER_JOB_MIN_BYTES = int(os.environ.get("ROSTER_JOB_MIN_BYTES", 512 * 1024))
# Rosters of at least this many entries are verified as jobs.
ROSTER_JOB_MIN_ROWS = int(os.environ.get("ROSTER_JOB_MIN_ROWS", 8000))
# Payment and KPJ files at least this large are checked and imported as jobs.
IMPORT_JOB_MIN_BYTES = int(os.environ.get("IMPORT_JOB_MIN_BYTES", 256 * 1024))
# Forecast and dashboard .xlsx exports covering at least this many work units are written
# by a job to the shared storage; the job's result page offers the download.
EXPORT_JOB_MIN_UNITS = int(os.environ.get("EXPORT_JOB_MIN_UNITS", 1500))
# Files of imports never confirmed (a roster preview left, a payment or KPJ check never
# imported) and of refused imports are deleted this many days after their upload
# (`purge_abandoned_uploads`, run nightly by Celery beat); imported files are never deleted.
UPLOAD_RETENTION_DAYS = int(os.environ.get("UPLOAD_RETENTION_DAYS", 90))
# The schedule (Celery beat, a single process: `celery -A bpjs_tracker beat`).
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "abandon-uploads": {
        "task": "enrollment.abandon_uploads",
        "schedule": crontab(hour=2, minute=15),  # pending for over a day: abandoned
    },
    "purge-abandoned-uploads": {
        "task": "enrollment.purge_abandoned_uploads",
        "schedule": crontab(hour=2, minute=30),  # 02:30 WITA, when nobody uploads
    },
}

# Uploads past ROSTER_MAX_UPLOAD_BYTES stop being stored as they arrive (bpjs_tracker/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "bpjs_tracker.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# django-import-export: imports run in one transaction, all or nothing.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# Late fines on contributions (2% a month, DOMAIN.md §2) are written for employers other
# than state bodies; whether they bind a regency is unconfirmed, so they are a setting, on
# by default, always shown apart from the contribution.
BPJS_LATE_FINES = env_bool("BPJS_LATE_FINES", True)

# Security (production values when DEBUG is off; `check --deploy` is clean).
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's health check speaks plain HTTP

# Logs: one JSON object a line with the request id and user (bpjs_tracker/request_log.py),
# the default when DEBUG is off; DJANGO_LOG_FORMAT=text for plain lines.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "bpjs_tracker.request_log.RequestContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(user)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
