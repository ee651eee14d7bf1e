"""pytest: real PostgreSQL (DATABASE_URL, else the embedded server)."""

import os

from .base import *

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["localhost", ".localhost", "testserver", ".test"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
MEDIA_ROOT = Path(os.environ.get("LMS_TEST_MEDIA_ROOT", DATA_DIR / "test-media"))
