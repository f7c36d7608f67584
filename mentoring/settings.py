"""Settings of Nastavnik, read from the environment only (see docs/configuration.md).

Without DATABASE_URL the project runs on SQLite; without CELERY_BROKER_URL Celery runs tasks
eagerly in the calling process. Production sets both (PostgreSQL and Redis).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A development key is acceptable only while DEBUG is on; production must set its own.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="" if not DEBUG else "dev-insecure-key-for-local-use-only")
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0.")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    from django.core.exceptions import ImproperlyConfigured

    # Without it every request would get «400 Bad Request»: fail at start, where it is noticed.
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG=0.")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "schools.apps.NastavnikAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "axes",
    "guardian",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "auditlog",
    "schools.apps.SchoolsConfig",
    "programs",
    "monitoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After CSP, so that its 400 page carries the policy too.
    "mentoring.middleware.RejectNulInQueryMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # The one place where a request gets its tenant scope; must come after authentication.
    "schools.tenancy.TenantScopeMiddleware",
    # The audit trail: actor and address for django-auditlog, downloads and refused pages (schools/audit.py).
    "schools.audit.AuditMiddleware",
    # Last, so that it sees the final outcome of authentication attempts.
    "axes.middleware.AxesMiddleware",
]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

ROOT_URLCONF = "mentoring.urls"
WSGI_APPLICATION = "mentoring.wsgi.application"
ASGI_APPLICATION = "mentoring.asgi.application"

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
                "schools.context_processors.tenant",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Reconnect transparently after a database restart instead of failing the next request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "schools.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "schools.auth.LoginOrEmailBackend",
    "guardian.backends.ObjectPermissionBackend",
    "rules.permissions.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; anonymous users get nothing.

# Login throttling: a login and an address are locked together after repeated failures.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Every spelling of one account (username, e-mail in any letter case) shares one failure count.
AXES_USERNAME_CALLABLE = "schools.auth.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind N reverse proxies the client address is the N-th from the right in X-Forwarded-For.
PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "schools.auth.client_ip"

SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_AGE_SECONDS", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Sessions live in the database and are read through the cache (Redis in production).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="Europe/Moscow")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["mentoring.formats"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
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
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# E-mail: console by default; SMTP settings come from the environment (EMAIL_URL or the parts).
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
    EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Наставник <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis in production; eager (in-process) when no broker is configured.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Jobs that survive crashes (docs/jobs.md). A job is acknowledged only after it finished, so a
# killed pool process's job goes back to the queue at once (reject_on_worker_lost); every task is
# recorded in schools.Job and claimed there once, so a second delivery never runs it twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis hands a message that was delivered but never acknowledged (its whole worker was killed) to
# another worker after this many seconds. It must exceed the longest job and the longest retry
# delay, or a running job is delivered twice (harmless, but wasted); the sweep below finds such
# jobs much sooner.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_EXPIRES = timedelta(days=1)
# Periodic jobs (one `celery beat` process sends them; times are in TIME_ZONE).
NASTAVNIK_REMINDERS_HOUR = env.int("NASTAVNIK_REMINDERS_HOUR", default=7)
if not 0 <= NASTAVNIK_REMINDERS_HOUR <= 23:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("NASTAVNIK_REMINDERS_HOUR must be an hour from 0 to 23.")
# The sweep resends jobs queued or retrying for longer than this (and jobs whose worker died),
# and deletes finished jobs older than the given number of days.
NASTAVNIK_JOBS_STALE_AFTER_SECONDS = env.int("NASTAVNIK_JOBS_STALE_AFTER_SECONDS", default=15 * 60)
NASTAVNIK_JOBS_KEEP_DAYS = env.int("NASTAVNIK_JOBS_KEEP_DAYS", default=30)
CELERY_BEAT_SCHEDULE = {
    "sweep-jobs": {"task": "schools.sweep_jobs", "schedule": timedelta(minutes=5)},
    "daily-reminders": {
        "task": "programs.send_daily_reminders",
        "schedule": crontab(hour=NASTAVNIK_REMINDERS_HOUR, minute=0),
        # The job crosses all schools and opens each batch's scope itself (SchoolScopedTask).
        "kwargs": {"scope_school_ids": None},
    },
}

CACHES = {
    "default": (
        env.cache("CACHE_URL")
        if env.str("CACHE_URL", default="")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Content Security Policy: only our own files, inline scripts only with the per-request nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Security headers; in production the site is served over HTTPS behind a proxy.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading commits the whole domain to HTTPS for good: an operator's choice, not a default.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env.bool("DJANGO_BEHIND_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Demo accounts (password «demo») are refused on a production configuration unless forced.
DEMO_ALLOWED = DEBUG or env.bool("NASTAVNIK_ALLOW_DEMO", default=False)

# The audit trail («Журнал действий»): django-auditlog with the project's entry model (schools/audit.py).
AUDITLOG_LOGENTRY_MODEL = "schools.AuditEntry"
# The old row of a change is read by primary key, in any scope (a job, a command, a login).
AUDITLOG_USE_BASE_MANAGER = True
AUDITLOG_DISABLE_ON_RAW_SAVE = True  # loaddata fixtures are not people's actions
# auditlog would copy a correlation id from a request header the client writes; the project has none.
AUDITLOG_CID_HEADER = None

# Application logs: secrets and e-mail addresses are masked on the way out (mentoring/log_filters.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub": {"()": "mentoring.log_filters.ScrubSecretsFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["scrub"]}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
