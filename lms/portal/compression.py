"""Gzip for text responses only (pages, JSON, scripts, styles, SVG).

Images, audio, video and archives are compressed already; gzipping them costs
CPU for nothing and drops Content-Length, which video seeking needs. Static
files collected by WhiteNoise come with their own ``.gz`` (``Content-Encoding``
set), which Django's middleware leaves alone.

BREACH (ADR 0030): pages reflect the CSRF token, which Django masks anew on
every response, and Django's gzip adds up to 100 random bytes to each response
("Heal the Breach"), so a secret cannot be recovered from compressed sizes.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

__all__ = ["TextGZipMiddleware", "compressible"]

_TEXT_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "application/manifest+json",
    "application/ld+json",
    "image/svg+xml",
)


def compressible(content_type: str) -> bool:
    """Whether a response of this type gains from gzip."""
    return content_type.split(";", 1)[0].strip().lower().startswith(_TEXT_TYPES)


class TextGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware, for text responses only."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not compressible(response.get("Content-Type", "")):
            return response
        return super().process_response(request, response)
