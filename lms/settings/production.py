"""Production: every secret and address comes from the environment.

``manage.py check --deploy`` passes with these settings (tested). Secrets have
no default here: without them the process refuses to start, naming what is
missing (``lms.settings.environment``). ADR 0013 explains each choice.
"""

import os

from lms.database import behind_transaction_pooler

from .base import *
from .environment import flag, required
from .media import object_storage_enabled

DEBUG = False
SECRET_KEY = required(
    "DJANGO_SECRET_KEY",
    'defina una clave larga y aleatoria (p. ej. python -c "import secrets; '
    'print(secrets.token_urlsafe(64))").',
)
# Certificates are signed with this key; a development key is never generated.
CERTIFICATE_SIGNING_KEY = required(
    "CERTIFICATE_SIGNING_KEY",
    "defina la clave Ed25519 de los certificados ('id-de-clave:semilla "
    "base64url', ver certificates/README.md).",
)
CERTIFICATE_ALLOW_DEV_KEY = False

# --- Database behind PgBouncer (transaction mode) ------------------------------------
# Each statement sets its own locality schema, so no pooler can hand it another
# locality's search_path (ADR 0018). Also right on a direct connection; set
# DATABASE_TRANSACTION_POOLER=false only for statements that cannot share a
# query string with a SET (e.g. CREATE INDEX CONCURRENTLY in a migration).
if flag("DATABASE_TRANSACTION_POOLER", default=True):
    DATABASES["default"] = behind_transaction_pooler(DATABASES["default"])

# --- Uploaded files in object storage ------------------------------------------
# Several web and worker machines must see the same files: production keeps
# media in S3-compatible object storage (lms/settings/media.py). Local disk only
# when said explicitly, for a deployment that is and stays one machine.
if not object_storage_enabled(os.environ) and not flag(
    "MEDIA_ON_LOCAL_DISK", default=False
):
    required(
        "MEDIA_S3_BUCKET",
        "nombre del bucket S3 de los archivos subidos (y MEDIA_S3_ENDPOINT_URL, "
        "MEDIA_S3_ACCESS_KEY_ID, MEDIA_S3_SECRET_ACCESS_KEY; ver docs/deploy.md), "
        "o MEDIA_ON_LOCAL_DISK=true si todo corre en una sola máquina.",
    )

# --- Celery over Redis: crash recovery in minutes -------------------------------
# A task a worker took but never acknowledged (the worker was killed, the machine
# lost) goes back to the queue after the visibility timeout; kombu's default is
# an hour. It must stay above the longest countdown/ETA any task is scheduled
# with, since a message waiting for its ETA is unacknowledged too and would be
# handed out twice: the longest is the webhook retry ceiling, 10 minutes
# (participation/tasks.py; a test compares them). ADR 0018.
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "900"))
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT
    }

# Sessions: read from the cache (Redis), written through to the locality's
# database, so a Redis restart signs nobody out.
if os.environ.get("REDIS_CACHE_URL"):
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

if not ALLOWED_HOSTS:
    # ".suffix" matches the bare suffix (the directory) and every locality.
    ALLOWED_HOSTS = [f".{LOCALITY_DOMAIN_SUFFIX}"]

# --- HTTPS -------------------------------------------------------------------------
# The proxy in front terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Plain HTTP is redirected; a proxy that already redirects may turn this off.
SECURE_SSL_REDIRECT = flag("SECURE_SSL_REDIRECT", default=True)
# One year, and every locality's subdomain: they all live under one suffix and
# are all served over HTTPS. The preload flag only consents to the browsers'
# list; joining it is a separate, manual submission of the base domain.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = flag("SECURE_HSTS_PRELOAD", default=True)

# --- Cookies -------------------------------------------------------------------------
# Only over HTTPS; the session never readable by script; Lax keeps cross-site
# POSTs from carrying the session while links from email and chat still sign in.
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "true") == "true"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-responder@localhost")

# --- Logs and error reports ---------------------------------------------------------
# One JSON object per line on standard output, with the request id (the task id
# in a worker) and the locality's schema on every line; the platform's log
# collector reads it. LOG_LEVEL sets our apps' level (INFO by default).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "lms.portal.request_log.ContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s "
            "%(request_id)s %(schema)s %(process)d",
            "rename_fields": {"asctime": "time", "levelname": "level"},
        }
    },
    "handlers": {
        "json": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["json"], "level": "WARNING"},
    "loggers": {
        name: {"level": os.environ.get("LOG_LEVEL", "INFO")}
        for name in (
            "lms",
            "tenants",
            "courses",
            "certificates",
            "h5p",
            "reporting",
            "participation",
            "monitoring",
            "open_data_labs",
            "celery",
        )
    },
}
# Celery keeps its own log format unless told to leave the root logger alone.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Errors to Sentry (or a compatible service) only when SENTRY_DSN is set; no
# personal data is sent (no cookies, no user emails, no request bodies).
if os.environ.get("SENTRY_DSN"):
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=os.environ["SENTRY_DSN"],
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
