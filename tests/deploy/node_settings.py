"""Settings of the web nodes the fault tests start: the test settings, with the
production's sessions when Redis is the cache (read from Redis, written through
to the database, ``lms/settings/production.py``)."""

import os

from lms.settings.test import *  # noqa: F403

if os.environ.get("REDIS_CACHE_URL"):
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
