"""Content-Security-Policy of the platform's pages (ADR 0013).

Scripts only from this site: templates keep no inline script (data goes in
json_script). Inline styles stay allowed: templates and H5P content use style
attributes, and a style cannot run code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from csp.constants import NONE, SELF, UNSAFE_INLINE

# Added under /admin/ only: Wagtail 8 still writes inline scripts (date and
# time pickers, inline panels) and previews uploads from blob: URLs.
ADMIN_ADDITIONS = {
    "script-src": [UNSAFE_INLINE],
    "img-src": ["blob:"],
}


def origins(environ: Mapping[str, str], name: str, default: str = "") -> list[str]:
    """Origins from a variable separated by spaces or commas."""
    return environ.get(name, default).replace(",", " ").split()


def content_security_policy(frame_origins: list[str]) -> dict[str, Any]:
    """The site's policy; ``frame_origins`` may show lesson videos in frames."""
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF],
            "style-src": [SELF, UNSAFE_INLINE],
            "img-src": [SELF, "data:"],
            "font-src": [SELF, "data:"],
            "media-src": [SELF],
            "connect-src": [SELF],
            "frame-src": [SELF, *frame_origins],
            "frame-ancestors": [SELF],
            "object-src": [NONE],
            "base-uri": [SELF],
            "form-action": [SELF],
        }
    }


def metrics_access(env: Mapping[str, str]) -> tuple[str, list[str]]:
    """``/metrics``: a bearer token (``METRICS_TOKEN``) and/or the scraper's
    networks (``METRICS_ALLOWED_NETWORKS``, comma-separated CIDRs)."""
    networks = env.get("METRICS_ALLOWED_NETWORKS", "").split(",")
    return env.get("METRICS_TOKEN", ""), [n.strip() for n in networks if n.strip()]
