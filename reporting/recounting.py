"""The nightly recount: rebuild the reporting tables from every locality's own
records and count what the events had got wrong (drift).

An explicit loop over ``tenants.api.locality_schemas()`` started from the public
schema; each locality is read only through ``sources`` (the owning apps' api).
"""

from __future__ import annotations

import logging
import time
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from tenants import api as tenants_api

from . import sources
from .civic_breakdowns import record_funnel_breakdown
from .civic_funnel import record_locality_funnel
from .course_titles import store_course_titles
from .data import RecountResult
from .facet_tallies import lock_kept_day, rebuild_all_tallies
from .models import LearnerCourse as _LearnerCourse
from .models import LearnerDay as _LearnerDay
from .models import RecountRun as _RecountRun
from .monitoring_panels import recount_monitoring
from .page_tables import rebuild_last_active
from .profiles import fix_role_flags
from .summaries import rebuild_summaries

__all__ = ["ACTIVITY_WINDOW_DAYS", "last_recount", "recount"]

logger = logging.getLogger(__name__)

# The recount rebuilds activity for this many days back: older days feed no figure.
ACTIVITY_WINDOW_DAYS = 35


def recount(*, now: datetime | None = None) -> RecountResult:
    """Rebuild the reporting tables from every locality schema; correct drift.

    ``drift`` counts the rows the recount had to change (0 when the events had
    kept everything right).
    """
    started = time.perf_counter()
    now = now or timezone.now()
    since = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    since -= timedelta(days=ACTIVITY_WINDOW_DAYS)
    drift = {
        "active_days": 0,
        "certified": 0,
        "enrolled": 0,
        "completed": 0,
        "funnel": 0,
        "funnel_breakdown": 0,
    }
    schemas = tenants_api.locality_schemas()
    holders: set[int] = set()
    titles: dict[str, str] = {}
    for schema in schemas:
        with tenants_api.in_locality(schema):
            holders |= sources.role_holders()
            days = sources.activity_days(since)
            certs = sources.certificates()
            enrolls = sources.enrollments()
            funnel = sources.funnel_counts()
            funnel_entries = sources.funnel_entries()
            titles |= sources.course_titles()
        with tenants_api.in_public_schema():
            drift["funnel"] += record_locality_funnel(schema, funnel)
            drift["funnel_breakdown"] += record_funnel_breakdown(schema, funnel_entries)
            drift["active_days"] += _fix_days(schema, days, timezone.localdate(since))
            for name, n in _fix_courses(schema, enrolls, certs).items():
                drift[name] += n
    with tenants_api.in_public_schema(), transaction.atomic():
        # From the active days just fixed; its own transaction, so events wait
        # for its table lock only for the second or two of the rebuild.
        drift["last_active"] = rebuild_last_active()
    with tenants_api.in_public_schema(), transaction.atomic():
        # The kept day's lock first (the order of ``facet_tallies``), then the
        # summaries and every precomputed count from them.
        with connection.cursor() as cursor:
            lock_kept_day(cursor)
        drift["summaries"] = rebuild_summaries()
        drift["tallies"], drift["facet_tallies"] = rebuild_all_tallies(
            timezone.localdate(now)
        )
        drift["roles"] = fix_role_flags(holders)
        store_course_titles(titles)  # names, not figures: no drift to report
    drift |= recount_monitoring(schemas)  # workshops' barrios, monitoring funnel
    seconds = time.perf_counter() - started
    with tenants_api.in_public_schema():
        _RecountRun.objects.create(started_at=now, seconds=seconds, drift=drift)
    if any(drift.values()):
        logger.warning("Recuento nocturno corrigió diferencias: %s", drift)
    return RecountResult(tuple(schemas), seconds, drift, now)


def last_recount() -> RecountResult | None:
    """The latest recount run, if any."""
    run = _RecountRun.objects.first()
    if run is None:
        return None
    return RecountResult((), run.seconds, run.drift, run.started_at)


@transaction.atomic
def _fix_days(schema: str, truth: set[tuple[int, date]], first_day: date) -> int:
    current = set(
        _LearnerDay.objects.filter(schema_name=schema, day__gte=first_day).values_list(
            "user_id", "day"
        )
    )
    extra = current - truth
    missing = truth - current
    if extra:
        # Few rows in practice (drift); one delete per day keeps the SQL small.
        by_day: dict[date, list[int]] = {}
        for user_id, day in extra:
            by_day.setdefault(day, []).append(user_id)
        for day, users in by_day.items():
            _LearnerDay.objects.filter(
                schema_name=schema, day=day, user_id__in=users
            ).delete()
    _LearnerDay.objects.bulk_create(
        (_LearnerDay(schema_name=schema, user_id=u, day=d) for u, d in missing),
        batch_size=5000,
        ignore_conflicts=True,
    )
    return len(extra) + len(missing)


@transaction.atomic
def _fix_courses(
    schema: str,
    enrollments: sources.Enrollments,
    certificates: dict[tuple[int, str], datetime],
) -> dict[str, int]:
    """Make the locality's rows say what its records say; count what changed.

    A row the records know nothing about (an event for an enrollment that was
    rolled back, say) is emptied rather than deleted, so its id stays stable.
    """
    rows = {
        (r.user_id, r.course_key): r
        for r in _LearnerCourse.objects.filter(schema_name=schema)
    }
    drift = {"enrolled": 0, "completed": 0, "certified": 0}
    new: list[_LearnerCourse] = []
    changed: list[_LearnerCourse] = []
    for key in rows.keys() | enrollments.keys() | certificates.keys():
        first, is_enrolled, changed_at, completed = enrollments.get(
            key, (None, False, None, None)
        )
        certified = certificates.get(key)
        row = rows.get(key)
        if row is None:
            row = _LearnerCourse(schema_name=schema, user_id=key[0], course_key=key[1])
            new.append(row)
        was = (row.first_enrolled_at, row.is_enrolled, row.enrollment_changed_at)
        moved = False
        if was != (first, is_enrolled, changed_at):
            drift["enrolled"] += 1
            moved = True
        if row.completed_at != completed:
            drift["completed"] += 1
            moved = True
        if row.certified_at != certified:
            drift["certified"] += 1
            moved = True
        row.first_enrolled_at, row.is_enrolled = first, is_enrolled
        row.enrollment_changed_at, row.completed_at = changed_at, completed
        row.certified_at = certified
        if moved and row.pk is not None:
            row.updated_at = timezone.now()  # bulk_update skips auto_now
            changed.append(row)
    _LearnerCourse.objects.bulk_create(new, batch_size=2000)
    _LearnerCourse.objects.bulk_update(
        changed,
        [
            "first_enrolled_at",
            "is_enrolled",
            "enrollment_changed_at",
            "completed_at",
            "certified_at",
            "updated_at",
        ],
        batch_size=2000,
    )
    return drift
