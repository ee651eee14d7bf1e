"""How static files are sent (WhiteNoise, in every environment).

Hashed (versioned) names from the manifest are cached a year as immutable by
WhiteNoise itself; other static files a day. ``public/`` holds files browsers
ask for at the site's root (``/favicon.ico``): their name cannot carry a
version, so they get a month. Every static file carries
``Access-Control-Allow-Origin: *`` (WhiteNoise's default): the H5P player runs
in a sandbox with an opaque origin ("null") and fetches its fonts in CORS mode
(ADR 0030). Static files are public, so this reveals nothing.
"""

from __future__ import annotations

from collections.abc import MutableMapping

ROOT_FILE_MAX_AGE = 30 * 24 * 3600


def root_file_headers(headers: MutableMapping[str, str], path: str, url: str) -> None:
    """Cache the site-root files (favicon) for a month (WHITENOISE_ADD_HEADERS_FUNCTION)."""
    if url.count("/") == 1 and url != "/":
        headers["Cache-Control"] = f"public, max-age={ROOT_FILE_MAX_AGE}"
