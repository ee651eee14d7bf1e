"""Local development: `make run`. Embedded PostgreSQL unless DATABASE_URL is set."""

import os

from .base import *

DEBUG = True
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "dev-only-not-secret"
# Browsers resolve every *.localhost name to this machine.
ALLOWED_HOSTS = ["localhost", ".localhost", "127.0.0.1"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Manifest storage needs collectstatic; development serves files as they are.
# A new dict: assigning into base's would change it for every settings module
# imported after this one in the same process (production's, in a test).
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# WhiteNoise serves static files here too, found by Django's finders on each
# request (no collectstatic), with the same headers as in production (CORS for
# the H5P player's fonts, /favicon.ico).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# runserver must leave /static/ to WhiteNoise (its command comes before
# staticfiles' own; django_tenants stays first).
INSTALLED_APPS = [
    app
    for name in INSTALLED_APPS
    for app in (
        ["whitenoise.runserver_nostatic", name]
        if name == "django.contrib.staticfiles"
        else [name]
    )
]
# Certificates: a development signing key is generated once into .data/.
CERTIFICATE_ALLOW_DEV_KEY = True
# Links in emails, QR codes and credentials point at `make run`'s own port.
LOCALITY_SITE_URL = os.environ.get(
    "LOCALITY_SITE_URL", "http://{domain}:" + os.environ.get("LMS_PORT", "8000")
)

# `make run` is a web server and a Celery worker: a course release the worker
# applies must reach the pages the web server cached (ADR 0026), so without
# Redis their cache is shared through files instead of kept per process.
if not os.environ.get("REDIS_CACHE_URL"):
    CACHES["default"].update(
        BACKEND="django.core.cache.backends.filebased.FileBasedCache",
        LOCATION=str(DATA_DIR / "cache"),
    )
