"""Readers of people for the apps that stand on accounts (re-exported by ``api``).

Small lookups other apps need and ``api`` did not offer. Like every accounts
function they switch to the public schema themselves, so callers may be in any
locality's schema.
"""

from __future__ import annotations

from collections.abc import Iterable

from tenants import api as tenants_api

from .models import User as _User

__all__ = ["find_people_by_email"]


def find_people_by_email(emails: Iterable[str]) -> dict[str, int]:
    """Account ids by email (keys lower-cased) of the people who hold these
    emails; emails nobody holds are left out. Emails are stored lower-cased, so
    callers pass them lower-cased (an attendance sheet, for instance)."""
    wanted = {email for email in emails if email}
    if not wanted:
        return {}
    with tenants_api.in_public_schema():
        return {
            email.lower(): pk
            for pk, email in _User.objects.filter(email__in=wanted).values_list(
                "pk", "email"
            )
        }
