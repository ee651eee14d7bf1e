"""Sign-in limits that stop guessing without locking out a community centre.

Many people sign in from one address: a salón comunal's Wi-Fi, a library, a
mobile carrier's shared address. So the lock is per account *and* address: five
wrong passwords for Ana from the salón lock Ana there for 15 minutes, and nobody
else (django-axes, ``AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]``).

Two slower back-offs close what that leaves open, both short so that nobody can
keep a known account or a shared address shut for long from elsewhere:
- per account, from any address: from 10 failures in 15 minutes, each new try
  waits 1 minute after the last failure, doubling every 5 failures, at most 5;
- per address, over any accounts (password spraying): from 50 failures in 15
  minutes, 5 minutes after the last failure.
The counters are axes' own rows (public schema, city-wide).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.db.models import Max, Sum
from django.utils import timezone

ACCOUNT_THRESHOLD = 10
ACCOUNT_FIRST_WAIT = timedelta(minutes=1)
ACCOUNT_MAX_WAIT = timedelta(minutes=5)
ADDRESS_THRESHOLD = 50
ADDRESS_WAIT = timedelta(minutes=5)


def account_wait(failures: int) -> timedelta | None:
    """How long an account waits after its last failure, or None under threshold."""
    if failures < ACCOUNT_THRESHOLD:
        return None
    # Capped before the power: the count is the attacker's to inflate.
    doublings = min((failures - ACCOUNT_THRESHOLD) // 5, 8)
    return min(ACCOUNT_FIRST_WAIT * (2**doublings), ACCOUNT_MAX_WAIT)


def _recent(filters: dict[str, str], window: timedelta) -> tuple[int, datetime | None]:
    totals = AccessAttempt.objects.filter(
        attempt_time__gte=timezone.now() - window, **filters
    ).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    return totals["failures"] or 0, totals["last"]


class SignInLimitHandler(AxesDatabaseHandler):
    """Axes' database handler plus the per-account and per-address back-offs."""

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        # Axes decides the lockout page from its own counter only; a refusal
        # by a back-off must show the same «Demasiados intentos» page, not a
        # misleading «wrong password».
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if self.is_locked(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        window = get_cool_off(request) or timedelta(minutes=15)
        now = timezone.now()
        username = get_client_username(request, credentials)
        if username:
            failures, last = _recent({"username": username}, window)
            wait = account_wait(failures)
            if wait is not None and last is not None and now - last < wait:
                return True
        address = getattr(request, "axes_ip_address", None) or (
            get_client_ip_address(request) if request is not None else None
        )
        if address:
            failures, last = _recent({"ip_address": address}, window)
            if failures >= ADDRESS_THRESHOLD and last and now - last < ADDRESS_WAIT:
                return True
        return False
