"""pytest: real PostgreSQL (DATABASE_URL, else the embedded server)."""

import os

from .base import *

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["localhost", ".localhost", "testserver", ".test"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A new dict: assigning into base's would change it for every settings module
# imported after this one in the same process (production's, in a test).
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("LMS_TEST_MEDIA_ROOT", DATA_DIR / "test-media"))
PRIVATE_MEDIA_ROOT = Path(
    os.environ.get("LMS_TEST_PRIVATE_MEDIA_ROOT", DATA_DIR / "test-private-media")
)

# Tests get their own broker and result folders, so a `make run` worker on the
# same checkout never takes a test's task (and vice versa).
_test_celery = DATA_DIR / "test-celery"
if CELERY_BROKER_URL == "filesystem://":
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_test_celery / "broker"),
        "data_folder_out": str(_test_celery / "broker"),
        "store_processed": False,
        "control_folder": str(_test_celery / "control"),
    }
CELERY_RESULT_BACKEND = f"file://{_test_celery / 'results'}"
celery_local_folders(
    globals().get("CELERY_BROKER_TRANSPORT_OPTIONS", {}), CELERY_RESULT_BACKEND
)

# WhiteNoise serves static files here too, found by Django's finders on each
# request (no collectstatic), with the same headers as in production (CORS for
# the H5P player's fonts, /favicon.ico).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Concurrent runs on one server need their own test database.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("LMS_TEST_DB_NAME", "test_lms")}

# Each event shows on the next dashboard view (a test sets the throttle itself).
REPORTING_REBUILD_SECONDS = int(os.environ.get("REPORTING_REBUILD_SECONDS", "0"))

# Certificates: a test signing key generated once into the run's data folder.
CERTIFICATE_ALLOW_DEV_KEY = True
LOCALITY_SITE_URL = "http://{domain}"

# Certificates' kill-a-worker test: with Redis, a short visibility timeout hands a
# dead worker's unacknowledged task to the next worker within seconds.
if CELERY_BROKER_URL.startswith("redis") and os.environ.get(
    "CELERY_VISIBILITY_TIMEOUT"
):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(os.environ["CELERY_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
