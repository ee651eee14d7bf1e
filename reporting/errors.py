"""Errors the reporting app raises to its callers (messages in Spanish, through
gettext, saying what to do)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

__all__ = ["DashboardAccessDenied", "TargetError"]


class TargetError(ValueError):
    """A target cannot be saved; the message says what to fix."""


class DashboardAccessDenied(PermissionDenied):
    """The person may not see this dashboard; the message says why."""
