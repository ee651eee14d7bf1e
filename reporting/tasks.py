"""Celery tasks of the reporting app: thin callers of its topic modules."""

from __future__ import annotations

from celery import shared_task

from tenants import api as tenants_api

from .profiles import sync_person_profiles
from .recounting import recount


@shared_task(name="reporting.recount")
def recount_task() -> dict[str, int]:
    """Nightly full recount (Celery beat). Idempotent: running it twice is safe.

    Beat sends it from no locality; the loop over the localities is explicit
    inside ``recount`` and starts from the public schema.
    """
    with tenants_api.in_public_schema():
        drift = recount().drift
        sync_person_profiles()  # registration data and consented answers
        return drift


@shared_task(name="reporting.sync_person_profiles")
def sync_person_profiles_task(user_ids: list[int] | None = None) -> int:
    """Copy registration data and consented answers into the reporting profiles."""
    with tenants_api.in_public_schema():
        return sync_person_profiles(user_ids)
