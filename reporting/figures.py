"""The dashboards' figures: people at each stage, per locality, course and path,
the weekly series and the forecast toward the target.

Reads public reporting tables only (and the campus's learning paths through
``courses.api``). ``base`` is either course rows or one summary per person;
counting differs (distinct or plain), the figures do not.
"""

from __future__ import annotations

import math
import threading
import time
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from courses import api as courses_api
from tenants import api as tenants_api

from .data import Figures, Filters, Forecast, Row, TargetData, WeekPoint
from .models import PersonProfile, PersonSummary
from .sql import named

MAX_WEEKS = 104
ENROLLED = Q(is_enrolled=True) | Q(completed_at__isnull=False)


def _counts(*, per_person: bool) -> dict[str, Any]:
    """Unique people enrolled, completed and certified.

    ``per_person``: the rows are already one per person (summaries), so plain
    counts do; course rows need distinct counts (measured: about 2x faster).
    """
    return {
        "enrolled": Count("user_id", distinct=not per_person, filter=ENROLLED),
        "completed": Count(
            "user_id", distinct=not per_person, filter=Q(completed_at__isnull=False)
        ),
        "certified": Count(
            "user_id", distinct=not per_person, filter=Q(certified_at__isnull=False)
        ),
    }


def _is_per_person(base: QuerySet) -> bool:
    return base.model is PersonSummary


def totals(base: QuerySet) -> tuple[int, int, int]:
    """People enrolled, completed and certified among ``base``."""
    found = base.aggregate(**_counts(per_person=_is_per_person(base)))
    return found["enrolled"], found["completed"], found["certified"]


def active_people(days: QuerySet) -> int:
    """The people among ``days`` (rows of ``LearnerDay``)."""
    return days.values("user_id").distinct().count()


def active_per_locality(days: QuerySet) -> dict[str, int]:
    """The people among ``days`` per locality."""
    sql, params = named(days.values("schema_name", "user_id").distinct())
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT schema_name, count(*) FROM ({sql}) d GROUP BY schema_name",
            params,
        )
        return dict(cursor.fetchall())


def figures(
    counted: tuple[int, int, int], active: int, schema: str, filters: Filters
) -> Figures:
    """People registered, enrolled, active, completed, certified and in a role
    (``counted``: enrolled, completed and certified, from ``totals`` or the
    precomputed counts; ``active``: in the last 30 days)."""
    enrolled, completed, certified = counted
    registered = None
    in_role = 0
    if filters.is_empty():
        registered, in_role = _registered_and_in_role(schema)
    return Figures(
        registered=registered,
        enrolled=enrolled,
        active_30d=active,
        completed=completed,
        certified=certified,
        in_role=in_role,
    )


def _registered_and_in_role(schema: str) -> tuple[int, int]:
    """People registered (a locality's: who said they live there) and in a
    civic role, in one query."""
    profiles = PersonProfile.objects.all()
    in_role = Count("pk", filter=Q(has_participation_role=True))
    if schema:
        found = profiles.filter(residence_schema=schema).aggregate(
            registered=Count("pk"), in_role=in_role
        )
        return found["registered"], found["in_role"]
    # Table names come from the models, never from input.
    users = get_user_model()._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT count(*) FROM {users} WHERE is_active),"
            f" (SELECT count(*) FROM {PersonProfile._meta.db_table}"
            " WHERE has_participation_role)"
        )
        registered, in_role_count = cursor.fetchone()
    return registered, in_role_count


def grouped(
    base: QuerySet, field: str, labels: dict[str, str] | None = None
) -> tuple[Row, ...]:
    """Figures per value of ``field`` (a course key, a locality), named by
    ``labels`` (a course's title) and in the order of their names."""
    counts = _counts(per_person=_is_per_person(base))
    rows = base.values(field).annotate(**counts).order_by(field)
    named_rows = (
        Row(
            r[field],
            (labels or {}).get(r[field], r[field]),
            r["enrolled"],
            r["completed"],
            r["certified"],
        )
        for r in rows
    )
    return tuple(sorted(named_rows, key=lambda row: (row.label.casefold(), row.key)))


def locality_counts(base: QuerySet) -> dict[str, tuple[int, int, int]]:
    """Enrolled, completed and certified per locality among ``base``."""
    return {
        r.key: (r.enrolled, r.completed, r.certified)
        for r in grouped(base, "schema_name")
    }


def localities(
    counts: dict[str, tuple[int, int, int]],
    active: dict[str, int],
    targets: dict[str, TargetData],
) -> tuple[Row, ...]:
    """Figures (``counts``: enrolled, completed, certified per locality),
    activity (``active``: people per locality) and target (``targets``, by
    schema) of each of the 20 localities."""
    result = []
    for loc in tenants_api.list_localities(include_campus=False):
        enrolled, completed, certified = counts.get(loc.schema_name, (0, 0, 0))
        found = targets.get(loc.schema_name)
        target = found.people if found else None
        result.append(
            Row(
                key=loc.schema_name,
                label=loc.name,
                enrolled=enrolled,
                completed=completed,
                certified=certified,
                active_30d=active.get(loc.schema_name, 0),
                target=target,
                progress=(completed / target) if target else None,
            )
        )
    return tuple(result)


# A scope's learning paths (the campus's for the city) live in its page tree:
# reading them costs a locality lookup, two schema switches and a page query
# per build. A process remembers them for as long as it remembers the
# localities (``TENANT_HOST_CACHE_SECONDS``); a build is already served from
# the cache until the counts change, whatever the paths do.
_paths_lock = threading.Lock()
_remembered_paths: dict[str, tuple[float, list[tuple[str, str, list[str]]]]] = {}


def _learning_paths(scope: str) -> list[tuple[str, str, list[str]]]:
    ttl = getattr(settings, "TENANT_HOST_CACHE_SECONDS", 30)
    now = time.monotonic()
    with _paths_lock:
        found = _remembered_paths.get(scope)
    if found is not None and now - found[0] < ttl:
        return found[1]
    with tenants_api.in_locality(scope):
        learning_paths = courses_api.list_learning_paths()
    with _paths_lock:
        _remembered_paths[scope] = (now, learning_paths)
    return learning_paths


def forget_learning_paths() -> None:
    """Drop the remembered learning paths (between tests, whose pages are
    rolled back)."""
    with _paths_lock:
        _remembered_paths.clear()


def paths(base: QuerySet, schema: str) -> tuple[Row, ...]:
    """Figures per learning path: completed means every course of the path."""
    try:
        learning_paths = _learning_paths(schema or settings.CITY_CAMPUS_SCHEMA)
    except tenants_api.LocalityNotFound:
        return ()
    rows = []
    for key, title, course_keys in learning_paths:
        in_path = base.filter(course_key__in=course_keys)
        enrolled = in_path.filter(ENROLLED).values("user_id").distinct().count()
        completed = (
            in_path.filter(completed_at__isnull=False)
            .values("user_id")
            .annotate(n=Count("course_key", distinct=True))
            .filter(n=len(set(course_keys)))
            .count()
        )
        certified = (
            in_path.filter(certified_at__isnull=False)
            .values("user_id")
            .distinct()
            .count()
        )
        rows.append(Row(key, title, enrolled, completed, certified))
    return tuple(rows)


def _weekly(base: QuerySet, column: str, condition: str) -> dict[date, int]:
    # ``column`` and ``condition`` are fixed SQL written in this module.
    fields = dict.fromkeys(["user_id", column, "is_enrolled", "completed_at"])
    sql, params = named(base.values(*fields))
    if _is_per_person(base):  # already each person's first date
        per_person = f"SELECT {column} AS first FROM ({sql}) lc WHERE {condition}"
    else:
        per_person = (
            f"SELECT user_id, min({column}) AS first FROM ({sql}) lc"
            f" WHERE {condition} GROUP BY user_id"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT date_trunc('week', first AT TIME ZONE %(time_zone)s)::date,"
            f" count(*) FROM ({per_person}) s WHERE first IS NOT NULL GROUP BY 1",
            {"time_zone": settings.TIME_ZONE, **params},
        )
        return dict(cursor.fetchall())


def weeks(base: QuerySet, today: date) -> tuple[WeekPoint, ...]:
    """New and cumulative people enrolled and completed per week (Bogotá time)."""
    enrolled = _weekly(
        base, "first_enrolled_at", "is_enrolled OR completed_at IS NOT NULL"
    )
    completed = _weekly(base, "completed_at", "true")
    return week_points(enrolled, completed, today)


def week_points(
    enrolled: dict[date, int], completed: dict[date, int], today: date
) -> tuple[WeekPoint, ...]:
    """The weekly series from the people first enrolled and first trained in
    each week (keyed by its Monday), up to this week."""
    if not enrolled and not completed:
        return ()
    this_week = today - timedelta(days=today.weekday())
    first = min([*enrolled, *completed])
    first = max(first, this_week - timedelta(weeks=MAX_WEEKS - 1))
    cum_e = sum(n for w, n in enrolled.items() if w < first)
    cum_c = sum(n for w, n in completed.items() if w < first)
    points = []
    week = first
    while week <= this_week:
        cum_e += enrolled.get(week, 0)
        cum_c += completed.get(week, 0)
        points.append(
            WeekPoint(week, enrolled.get(week, 0), completed.get(week, 0), cum_e, cum_c)
        )
        week += timedelta(weeks=1)
    return tuple(points)


def forecast(
    completed: int, target: TargetData | None, weeks: tuple[WeekPoint, ...], today: date
) -> Forecast | None:
    """When the target is reached at the pace of the last four weeks.

    The four weeks are this one (up to today, so people trained today count,
    as the page's figures show them) and the three before it; the rate divides
    by the weeks actually elapsed (3 and the days of this week so far).
    """
    if target is None:
        return None
    remaining = target.people - completed
    if remaining <= 0:
        return Forecast(0.0, today, _("La meta ya se alcanzó."))
    this_week = today - timedelta(days=today.weekday())
    recent = [p.new_completed for p in weeks if p.week > this_week - timedelta(weeks=4)]
    elapsed_weeks = 3 + (today.weekday() + 1) / 7
    rate = sum(recent) / elapsed_weeks
    if rate <= 0:
        return Forecast(
            0.0,
            None,
            _(
                "No hay personas formadas en las últimas cuatro semanas: al ritmo "
                "actual la meta no se alcanza. La proyección aparecerá cuando haya "
                "finalizaciones."
            ),
        )
    reached = today + timedelta(weeks=math.ceil(remaining / rate))
    values = {
        "rate": formats.number_format(rate, 1),
        "date": formats.date_format(reached, "SHORT_DATE_FORMAT"),
    }
    if target.target_date is None:
        message = _(
            "Al ritmo actual (%(rate)s personas formadas por semana) la meta se "
            "alcanzaría hacia el %(date)s."
        )
    elif reached > target.target_date:
        message = _(
            "Al ritmo actual (%(rate)s personas formadas por semana) la meta se "
            "alcanzaría hacia el %(date)s, después de la fecha meta."
        )
    else:
        message = _(
            "Al ritmo actual (%(rate)s personas formadas por semana) la meta se "
            "alcanzaría hacia el %(date)s, antes de la fecha meta."
        )
    return Forecast(rate, reached, message % values)
