"""Security headers on every response: the Content-Security-Policy and friends.

The site's policy is ``CONTENT_SECURITY_POLICY`` (django-csp) in the settings:
scripts only from this site, no plugins, frames only from this site and the
video providers of lesson embeds. Wagtail's admin still writes some inline
scripts (date pickers, inline panels), so under ``/admin/`` the directives in
``CONTENT_SECURITY_POLICY_ADMIN`` are added; the learners' pages never get
them. Views that need their own policy (the H5P player) set the header
themselves and it is left as they set it. ADR 0013 records the choices.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

__all__ = ["SecurityHeadersMiddleware"]

# Features no page of the platform uses; a frame or a script cannot ask for them.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), midi=()"
)


class SecurityHeadersMiddleware(CSPMiddleware):
    def get_policy_parts(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        report_only: bool = False,
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and _is_admin(request):
            extra = getattr(settings, "CONTENT_SECURITY_POLICY_ADMIN", {})
            parts.update = {**extra, **(parts.update or {})}
        return parts

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        response = super().process_response(request, response)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def _is_admin(request: HttpRequest) -> bool:
    return request.path_info.startswith("/admin/")
