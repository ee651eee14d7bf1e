"""Where built dashboards are kept: a cache key per scope, filters and day, and a
cheap "generation" of the reporting tables (latest change of each), so a new
event shows on the next page view and unchanged data is computed once.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from tenants import api as tenants_api

from .data import Filters
from .models import (
    FunnelBreakdown,
    LearnerCourse,
    LearnerDay,
    LocalityFunnel,
    PersonProfile,
    PersonSummary,
    RecountRun,
    Target,
)

_EPOCH_KEY = "reporting:epoch"


def generation() -> tuple:
    """The latest change of every table a dashboard reads (one query)."""
    # Table names come from our own models, never from input.
    parts = [
        ("max(updated_at)", LearnerCourse),
        ("max(id)", LearnerDay),
        ("max(updated_at)", PersonSummary),
        ("max(updated_at)", PersonProfile),
        ("max(updated_at)", Target),
        ("max(id)", RecountRun),
        ("max(updated_at)", LocalityFunnel),
        ("max(updated_at)", FunnelBreakdown),
        ("max(id)", get_user_model()),
    ]
    sql = ", ".join(f"(SELECT {agg} FROM {m._meta.db_table})" for agg, m in parts)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + sql)
        return tuple(str(v) for v in cursor.fetchone())


def cache_key(schema: str, filters: Filters, today: date) -> str:
    """The key of one dashboard build (changes when ``forget_builds`` runs).

    Builds hold labels and notes in the language of the request that made
    them, so each language has its own.
    """
    epoch = cache.get(_EPOCH_KEY, 0)
    language = translation.get_language() or ""
    raw = "|".join([schema, str(today), repr(filters), language, str(epoch)])
    return "reporting:" + hashlib.sha256(raw.encode()).hexdigest()


def forget_builds() -> None:
    """Make every dashboard rebuild on its next view (after a manager's own
    change, such as a target, which they expect to see at once)."""
    with tenants_api.in_public_schema():
        if not cache.add(_EPOCH_KEY, 1, None):
            cache.incr(_EPOCH_KEY)
