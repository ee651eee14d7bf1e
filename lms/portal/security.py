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

import threading

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
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
        if _asks_for_the_site_policy(request, response):
            # Most answers: the site's policy as the settings build it, the
            # same string every time; built once per process, not twice per
            # request (ADR 0049).
            _with_site_policy(request, response, self)
        else:
            response = super().process_response(request, response)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


_CSP_RESPONSE_PARTS = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)
# (policy headers as the parent set them) per set of excluded prefixes matched.
_site_policy: dict[tuple[bool, bool], dict[str, str]] = {}
_site_policy_lock = threading.Lock()


def _asks_for_the_site_policy(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Whether nothing about this answer changes the policy: a successful
    answer outside the admin, with no nonce used, no policy of its own (a
    view's decorator or header) and no exemption."""
    return (
        response.status_code == 200
        and not _is_admin(request)
        and getattr(request, "_csp_nonce", None) is None
        and HEADER not in response
        and HEADER_REPORT_ONLY not in response
        and not any(hasattr(response, part) for part in _CSP_RESPONSE_PARTS)
    )


def _excluded(setting: str, request: HttpRequest) -> bool:
    policy = getattr(settings, setting, None) or {}
    prefixes = policy.get("EXCLUDE_URL_PREFIXES", None) or ()
    return request.path_info.startswith(tuple(prefixes))


def _with_site_policy(
    request: HttpRequest, response: HttpResponseBase, middleware: CSPMiddleware
) -> None:
    excluded = (
        _excluded("CONTENT_SECURITY_POLICY", request),
        _excluded("CONTENT_SECURITY_POLICY_REPORT_ONLY", request),
    )
    headers = _site_policy.get(excluded)
    if headers is None:
        # The parent's own code, once: whatever it sets is what every such
        # answer gets.
        CSPMiddleware.process_response(middleware, request, response)
        headers = {
            name: response[name]
            for name in (HEADER, HEADER_REPORT_ONLY)
            if name in response
        }
        with _site_policy_lock:
            _site_policy[excluded] = headers
        return
    for name, value in headers.items():
        response[name] = value
    # As the parent does: a nonce asked for after the header is written fails.
    request.csp_nonce = CheckableLazyObject(  # type: ignore[attr-defined]
        middleware._csp_nonce_post_response
    )


@receiver(setting_changed)
def _forget_site_policy(*, setting: str, **_kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY") or setting == "DEBUG":
        with _site_policy_lock:
            _site_policy.clear()


def _is_admin(request: HttpRequest) -> bool:
    return request.path_info.startswith("/admin/")
