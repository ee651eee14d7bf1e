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

from dataclasses import asdict

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
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
        if getattr(request, "_csp_nonce", None) is None and not any(
            getattr(response, name, None) for name in _VIEW_POLICY
        ):
            response = self._site_policy(request, response)
        else:  # a nonce or a view's own policy: django-csp builds it
            response = super().process_response(request, response)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

    def _site_policy(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        """``CSPMiddleware.process_response`` for a response with the site's
        policy as it is (no nonce, no view's own): the same headers, built
        once per process for the learners' pages and once for the admin, not
        on every response (django-csp copies the settings and joins the
        directives each time, the largest cost of a small JSON answer)."""
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        admin = _is_admin(request)
        policies = _built.get(admin)
        if policies is None:
            parts = self.get_policy_parts(request, response)
            parts_ro = self.get_policy_parts(request, response, report_only=True)
            policies = _built[admin] = (
                build_policy(**asdict(parts)),
                build_policy(**asdict(parts_ro), report_only=True),
            )
        for header, policy, exempt, setting in (
            (HEADER, policies[0], "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (
                HEADER_REPORT_ONLY,
                policies[1],
                "_csp_exempt_ro",
                "CONTENT_SECURITY_POLICY_REPORT_ONLY",
            ),
        ):
            excluded = (getattr(settings, setting, None) or {}).get(
                "EXCLUDE_URL_PREFIXES"
            ) or ()
            if (
                policy
                and header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(tuple(excluded))
            ):
                response[header] = policy
        # As django-csp does: a nonce asked for after the header is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response


def _is_admin(request: HttpRequest) -> bool:
    return request.path_info.startswith("/admin/")


# What a view sets on its response to change the policy (django-csp's
# decorators): such a response gets its own policy, built by django-csp.
_VIEW_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
# The site's policy and report-only policy, built, by "is it the admin".
_built: dict[bool, tuple[str, str]] = {}


def _forget_built(setting: str, **kwargs: object) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _built.clear()


setting_changed.connect(_forget_built, dispatch_uid=__name__)
