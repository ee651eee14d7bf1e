"""Choose the locality from the host name, with one ``SET search_path`` per request.

django-tenants' middleware looks the host up in the public schema on every
request, which costs a ``SET search_path TO public`` before the locality's own.
Host names change rarely, so they are remembered here for a short while; a
request then issues a single ``SET search_path`` (for its locality), and only
if it touches the database at all.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django_tenants.middleware.main import TenantMainMiddleware

_lock = threading.Lock()
_by_host: dict[str, tuple[float, object]] = {}


class LocalityMiddleware(TenantMainMiddleware):
    def get_tenant(self, domain_model, hostname):
        ttl = getattr(settings, "TENANT_HOST_CACHE_SECONDS", 30)
        now = time.monotonic()
        with _lock:
            cached = _by_host.get(hostname)
        if cached and now - cached[0] < ttl:
            return cached[1]
        tenant = super().get_tenant(domain_model, hostname)
        with _lock:
            _by_host[hostname] = (now, tenant)
        return tenant


def forget_hosts() -> None:
    """Drop remembered host names (after a domain changes, and in tests)."""
    with _lock:
        _by_host.clear()
