"""Settings shared by every environment.

SHARED_APPS and TENANT_APPS are defined here and only here
(docs/decisions/0001-shared-and-tenant-apps.md).
"""

import os
from pathlib import Path

from lms.database import database_config
from lms.settings.media import media_storages

# Accounts, passwords and sign-in limits.
from lms.settings.people import *
from lms.settings.schedule import beat_schedule
from lms.settings.security import ADMIN_ADDITIONS, content_security_policy, origins
from lms.settings.security import metrics_access as _metrics_access
from lms.settings.static import root_file_headers

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
DATA_DIR = Path(os.environ.get("LMS_DATA_DIR", BASE_DIR / ".data"))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]

# --- Tenancy -----------------------------------------------------------------
# Public schema: the locality registry and the city-wide identity of each person.
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "lms.accounts",
    # City-wide figures for the dashboards, fed by locality events:
    # public schema only, reachable from every locality's search path.
    "reporting",
    # Present in both lists: every schema has its own groups, permissions,
    # content types, sessions and role memberships.
    "lms.locality_roles",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Failed sign-ins are counted city-wide (one account, one address, any host):
    # public schema only (docs/decisions/0006-accounts.md).
    "axes",
    # Who holds a valid certificate of which course, city-wide: eligibility for a
    # civic role reads it in one query instead of every locality (ADR 0017).
    "participation.citywide",
]

# One schema per locality (and the city campus): each has its own page tree,
# images, documents, search index, roles and, later, learning records.
TENANT_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "lms.locality_roles",
    # Learning records (xAPI statements, activity state) belong to the locality.
    "lms.learning",
    "lms.portal",
    "courses",
    # H5P libraries and content are unpacked into each locality's media.
    "h5p",
    "certificates",
    # Civic roles the certificates open: cycles, rules, applications, selection.
    "participation",
    "open_data_labs",
    # Citizen monitoring: each locality's investment projects and official figures.
    "monitoring",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    # wagtail.users with the platform's user screens and policy (ADR 0014).
    "lms.people_admin.apps.PeopleUsersConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
]

INSTALLED_APPS = (
    list(SHARED_APPS)
    + [app for app in TENANT_APPS if app not in SHARED_APPS]
    + ["django_filters", "django.contrib.humanize"]
    # The ``unaccent`` lookup: people's names are found without their accents.
    + ["django.contrib.postgres"]
    # django-ninja's API docs from our static files: its fallback loads Swagger UI
    # from a CDN, which the Content-Security-Policy blocks (ADR 0013).
    + ["ninja"]
)

TENANT_MODEL = "tenants.Locality"
TENANT_DOMAIN_MODEL = "tenants.Domain"
# New localities are cloned from this migrated template schema (about 0.5 s)
# instead of running every migration (about 5.5 s). See tenants/README.md.
TENANT_BASE_SCHEMA = "locality_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
# Set search_path only when the tenant changes, not before every query.
TENANT_LIMIT_SET_CALLS = True
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_NOT_FOUND_TENANT_VIEW = "lms.portal.views.unknown_host"

DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

MIDDLEWARE = [
    # Counts and times every request; answers /metrics to the scraper only.
    "lms.portal.metrics.MetricsMiddleware",
    # /healthz and /readyz answer on any host, before locality routing and the
    # HTTPS redirect: load balancers probe nodes by IP over plain HTTP.
    "lms.portal.health.HealthCheckMiddleware",
    # The proxy's X-Request-Id (or a new one) on every log line and response.
    "lms.portal.request_log.RequestIdMiddleware",
    # Next: everything below runs in the schema of the requested host.
    "tenants.middleware.LocalityMiddleware",
    # An anonymous read of a kept citizen-monitoring page or download goes
    # through the middleware that shapes its answer only (ADR 0049).
    "monitoring.fast_path.KeptPublicReads",
    # The page tree's cache generation read once per request and schema, not
    # once per cached value (courses/page_cache.py).
    "courses.page_cache.GenerationPerRequest",
    # Compresses what every middleware below has written (text only; BREACH:
    # ADR 0030).
    "lms.portal.compression.TextGZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy (ADR 0013).
    "lms.portal.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lms.portal.middleware.SpanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: answers a locked-out sign-in with its template.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lms.portal.context_processors.locality",
            ],
        },
    },
]

# --- Language and time ----------------------------------------------------------
LANGUAGE_CODE = "es-co"
LANGUAGES = [("es-co", "Español (Colombia)"), ("en", "English")]
LOCALE_PATHS = [PROJECT_DIR / "locale"]
TIME_ZONE = "America/Bogota"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# --- Files ----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    PROJECT_DIR / "static",
    # The H5P player (npm h5p-standalone, installed by `make`), served locally.
    ("h5p-standalone", BASE_DIR / "node_modules" / "h5p-standalone" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
# Each locality's uploads go under MEDIA_ROOT/<schema>/ (and /media/<schema>/).
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
# Files with personal data (certificate PDFs), per locality, outside MEDIA_ROOT:
# no URL serves this folder; views that check the person read from it.
PRIVATE_MEDIA_ROOT = Path(
    os.environ.get("PRIVATE_MEDIA_ROOT", DATA_DIR / "private-media")
)
# On disk, or in S3-compatible object storage when MEDIA_S3_BUCKET is set
# (lms/settings/media.py): every process, on any machine, sees the same files.
STORAGES = {
    **media_storages(os.environ),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Cache lifetimes, /favicon.ico, CORS for the H5P player: lms/settings/static.py.
WHITENOISE_MAX_AGE = 24 * 3600
WHITENOISE_ROOT = PROJECT_DIR / "public"
WHITENOISE_ALLOW_ALL_ORIGINS = True
WHITENOISE_ADD_HEADERS_FUNCTION = root_file_headers

# --- Cache ---------------------------------------------------------------------
# make_key prefixes every key with the schema: without it Wagtail's site-root
# cache served one locality's URLs in another (ARCHITECTURE.md, traps). Ours is
# django-tenants' own, plus city-wide keys under the public schema (the
# signed-in person's account row: one entry for every locality).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "KEY_FUNCTION": "tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "tenants.cache.reverse_key",
    }
}
if os.environ.get("REDIS_CACHE_URL"):
    # An unreachable Redis is a miss, not a 500 (lms/cache.py), within a second.
    CACHES["default"].update(
        BACKEND="lms.cache.ResilientRedisCache",
        LOCATION=os.environ["REDIS_CACHE_URL"],
        OPTIONS={"socket_connect_timeout": 1, "socket_timeout": 1},
    )

# Dashboards: after a change, rebuild a cached dashboard at most this often
# (seconds); requests in between get the previous figures (reporting/README.md).
REPORTING_REBUILD_SECONDS = int(os.environ.get("REPORTING_REBUILD_SECONDS", "30"))

# --- Celery (tenant-schemas-celery: a task runs in the sender's schema) ---------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
if not CELERY_BROKER_URL:
    # No server needed: messages are files under .data/celery (development).
    _broker_dir = DATA_DIR / "celery" / "broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(DATA_DIR / "celery" / "processed"),
        "store_processed": False,
        # Exchange tables; kombu's default is ./control in the working directory.
        "control_folder": str(DATA_DIR / "celery" / "control"),
    }
CELERY_RESULT_BACKEND = os.environ.get(
    "CELERY_RESULT_BACKEND", f"file://{DATA_DIR / 'celery' / 'results'}"
)


def celery_local_folders(options: dict, result_backend: str) -> None:
    """Create the folders the file broker and file result backend write to."""
    folders = [
        options.get(key)
        for key in ("data_folder_in", "processed_folder", "control_folder")
    ]
    if result_backend.startswith("file://"):
        folders.append(result_backend.removeprefix("file://"))
    for folder in filter(None, folders):
        Path(folder).mkdir(parents=True, exist_ok=True)


celery_local_folders(
    globals().get("CELERY_BROKER_TRANSPORT_OPTIONS", {}), CELERY_RESULT_BACKEND
)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Celery's Django fixup closes every database connection before and after each
# task unless this is set: a new PostgreSQL backend (fork, authentication,
# catalog caches) twice per task, a large share of a certificate's CPU at a
# campaign's peak. Connections are kept as in a web request instead:
# ``tenants/celery.py`` closes them when CONN_MAX_AGE or an error says so.
CELERY_DB_REUSE_MAX = 1_000
# Periodic work started by `celery -A lms beat` (lms/settings/schedule.py).
CELERY_BEAT_SCHEDULE = beat_schedule(os.environ)
# Learning records: forward xAPI statements to an external LRS (e.g. Ralph's
# /xAPI/statements) in batches, off the learner's request; empty = off.
LEARNING_LRS_URL = os.environ.get("LEARNING_LRS_URL", "")
LEARNING_LRS_USERNAME = os.environ.get("LEARNING_LRS_USERNAME", "")
LEARNING_LRS_PASSWORD = os.environ.get("LEARNING_LRS_PASSWORD", "")
MONITORING_SECOP_CONTRACTS_URL = os.environ.get(
    "MONITORING_SECOP_CONTRACTS_URL",
    "https://www.datos.gov.co/resource/jbjy-vk9h.json",
)
# Seconds before an outside service counts as down for this run.
MONITORING_HTTP_TIMEOUT = float(os.environ.get("MONITORING_HTTP_TIMEOUT", "20"))
# Public address of a locality's site ({domain} is its domain): links in emails,
# QR codes and credential URLs all come from this one template
# (``tenants.api.site_url``).
LOCALITY_SITE_URL = os.environ.get("LOCALITY_SITE_URL", "https://{domain}")
# Who may read /metrics (lms/portal/metrics.py); nobody unless configured.
METRICS_TOKEN, METRICS_ALLOWED_NETWORKS = _metrics_access(os.environ)

# --- Wagtail ------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Escuela de Participación · Bogotá"
WAGTAILADMIN_BASE_URL = os.environ.get(
    "WAGTAILADMIN_BASE_URL", "http://campus.localhost:8000"
)
# ASCII page URLs: they survive being shared by SMS and chat apps intact.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# Spanish stemming without accents: «participacion» finds «Participación»
# (the configuration is made in public by tenants' migration 0003, ADR 0028).
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        "SEARCH_CONFIG": "lms_es",
    }
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024

# Host suffix that locality domains are built from: kennedy.<suffix>.
LOCALITY_DOMAIN_SUFFIX = os.environ.get("LOCALITY_DOMAIN_SUFFIX", "localhost")
CITY_CAMPUS_SCHEMA = "campus"
LOCALITIES_REFERENCE_CSV = BASE_DIR / "tenants" / "data" / "bogota-localidades.csv"


# --- Security headers (docs/decisions/0013-security-headers-and-csp.md) ------------
# Lesson videos (Wagtail embeds) play in frames from these providers.
SITE_FRAME_ALLOWED_ORIGINS = origins(
    os.environ,
    "SITE_FRAME_ALLOWED_ORIGINS",
    "https://www.youtube.com https://www.youtube-nocookie.com https://player.vimeo.com",
)
CONTENT_SECURITY_POLICY = content_security_policy(SITE_FRAME_ALLOWED_ORIGINS)
CONTENT_SECURITY_POLICY_ADMIN = ADMIN_ADDITIONS
# Wagtail's admin would otherwise ask gravatar.com for each editor's picture
# (sending a hash of their email) and releases.wagtail.io for updates.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "lms": {"level": "INFO"},
        "tenants": {"level": "INFO"},
    },
}

# --- Certificates (docs/decisions/0008-certificates.md) ---------------------------
# Active Ed25519 signing key "key-id:base64url(32-byte seed)"; retired public keys
# "key-id:z6Mk…,…" keep certificates signed before a rotation verifiable.
CERTIFICATE_SIGNING_KEY = os.environ.get("CERTIFICATE_SIGNING_KEY", "")
CERTIFICATE_RETIRED_KEYS = os.environ.get("CERTIFICATE_RETIRED_KEYS", "")
# Without a configured key, dev/test generate one once here (never in production).
CERTIFICATE_ALLOW_DEV_KEY = False
CERTIFICATE_DEV_KEY_FILE = DATA_DIR / "certificates" / "dev-signing-key.json"

# --- H5P (docs/decisions/0007-h5p-player-and-xapi.md) ----------------------------
# Highest H5P core API the bundled player (npm h5p-standalone) implements; a
# library that requires more is refused at upload.
H5P_CORE_API_VERSION = (1, 24)
H5P_MAX_FILE_SIZE = 20 * 1024 * 1024
H5P_MAX_TOTAL_SIZE = 100 * 1024 * 1024
H5P_MAX_FILES = 2_000
H5P_MAX_COMPRESSION_RATIO = 100
# Optional ClamAV daemon: "tcp://host:3310" or "unix:///run/clamav/clamd.ctl".
# Empty: packages are not scanned and the admin says so.
H5P_CLAMAV_URL = os.environ.get("H5P_CLAMAV_URL", "")
# The player (sandboxed iframe) loads scripts, connects and opens frames only on
# this site. Packages that embed third-party players (e.g. YouTube in
# Interactive Video) need their origins here, per deployment:
# H5P_FRAME_ALLOWED_ORIGINS="https://www.youtube.com https://www.youtube-nocookie.com"
# H5P_SCRIPT_ALLOWED_ORIGINS="https://www.youtube.com" (its iframe API script).
H5P_FRAME_ALLOWED_ORIGINS = origins(os.environ, "H5P_FRAME_ALLOWED_ORIGINS")
H5P_SCRIPT_ALLOWED_ORIGINS = origins(os.environ, "H5P_SCRIPT_ALLOWED_ORIGINS")

# --- Participation --------------------------------------------------------------------
# Outgoing webhook of role events for an external platform (GAB, Decidim); no URL,
# no events. Retries back off from this many seconds up to an hour.
PARTICIPATION_WEBHOOK_URL = os.environ.get("PARTICIPATION_WEBHOOK_URL", "")
PARTICIPATION_WEBHOOK_SECRET = os.environ.get("PARTICIPATION_WEBHOOK_SECRET", "")
PARTICIPATION_WEBHOOK_BACKOFF = int(
    os.environ.get("PARTICIPATION_WEBHOOK_BACKOFF", "30")
)
