"""Settings of the benchmarks' gunicorn servers: as deployed on the request path.

The test settings give the benchmark its own database and the development
signing key, but two of their choices are for tests, not for serving: sessions
stored only in the database (one query per request), and WhiteNoise looking for
static files through the finders on every request. Production reads sessions
from the Redis cache (``cached_db``, written through to the database) and
serves a fixed set of static files; the servers of both sides of a side-by-side
run import this module (it sits outside either checkout), so both are measured
the way they would be deployed.
"""

import os

from lms.settings.test import *  # noqa: F403

if os.environ.get("REDIS_CACHE_URL"):
    # As lms/settings/production.py does when the cache is Redis.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Static files found once at start-up, not looked up again on every request.
WHITENOISE_AUTOREFRESH = False
