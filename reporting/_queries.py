"""How a dashboard is computed from the public reporting tables (private module).

Everything here reads public tables only. A built dashboard is cached under a
key that includes a cheap "generation" of the tables (latest change of each), so
a new event shows on the next page view and unchanged data is computed once.
"""

from __future__ import annotations

import hashlib
import math
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from courses import api as courses_api
from tenants import api as tenants_api

from .data import (
    MIN_CELL,
    Breakdown,
    Cell,
    Dashboard,
    Figures,
    Filters,
    Forecast,
    Row,
    TargetData,
    WeekPoint,
)
from .models import (
    LearnerCourse,
    LearnerDay,
    PersonProfile,
    PersonSummary,
    RecountRun,
    Target,
)

CACHE_SECONDS = 300
MAX_STALE_SECONDS = 60  # how old a figure a manager may see while it is rebuilt
BUILD_LOCK_SECONDS = 30
MAX_WEEKS = 104
NO_DATA = "Sin dato"
AGE_GROUPS = ("14 a 27", "28 a 59", "60 o más")
DIMENSIONS = (
    ("gender", "Género"),
    ("age", "Grupo de edad"),
    ("ethnic", "Grupo étnico"),
    ("disability", "Discapacidad"),
    ("victim", "Víctima del conflicto armado"),
    ("lgbtiq", "LGBTIQ+"),
    ("rural", "Zona rural"),
)
_ENROLLED = Q(is_enrolled=True) | Q(completed_at__isnull=False)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _age_bounds(group: str, today: date) -> tuple[date | None, date | None]:
    """(born after, born on or before) for an age group."""
    spans = {"14 a 27": (28, 14), "28 a 59": (60, 28), "60 o más": (None, 60)}
    older, younger = spans[group]
    after = _years_before(today, older) if older else None
    return after, _years_before(today, younger)


def _people(filters: Filters, today: date) -> QuerySet | None:
    """User ids matching the differential filters (None: no such filter)."""
    if not (filters.gender or filters.age_group):
        return None
    qs = PersonProfile.objects.all()
    if filters.gender:
        qs = qs.filter(gender=filters.gender)
    if filters.age_group in AGE_GROUPS:
        after, on_or_before = _age_bounds(filters.age_group, today)
        qs = qs.filter(birth_date__lte=on_or_before)
        if after:
            qs = qs.filter(birth_date__gt=after)
    return qs.values("user_id")


def _generation() -> tuple:
    # Table names come from our own models, never from input.
    parts = [
        ("max(updated_at)", LearnerCourse),
        ("max(id)", LearnerDay),
        ("max(updated_at)", PersonSummary),
        ("max(updated_at)", PersonProfile),
        ("max(updated_at)", Target),
        ("max(id)", RecountRun),
        ("max(id)", get_user_model()),
    ]
    sql = ", ".join(f"(SELECT {agg} FROM {m._meta.db_table})" for agg, m in parts)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + sql)
        return tuple(str(v) for v in cursor.fetchone())


_EPOCH_KEY = "reporting:epoch"


def cache_key(schema: str, filters: Filters, today: date) -> str:
    epoch = cache.get(_EPOCH_KEY, 0)
    raw = "|".join([schema, str(today), repr(filters), str(epoch)])
    return "reporting:" + hashlib.sha256(raw.encode()).hexdigest()


def forget_builds() -> None:
    """Make every dashboard rebuild on its next view (after a manager's own
    change, such as a target, which they expect to see at once)."""
    with tenants_api.in_public_schema():
        if not cache.add(_EPOCH_KEY, 1, None):
            cache.incr(_EPOCH_KEY)


def build(schema: str, *, filters: Filters, today: date) -> Dashboard:
    """The dashboard for a scope and filters, from the cache when it can be.

    A cached build is served while the tables are unchanged (same generation).
    When they changed, the first request takes a lock and rebuilds; until the
    lock expires (``REPORTING_REBUILD_SECONDS``) other requests get the previous
    build, never older than ``MAX_STALE_SECONDS``. So ten managers opening the
    page while events keep arriving cost one build every half minute, not one
    per request. The page shows when its figures were computed.
    """
    throttle = settings.REPORTING_REBUILD_SECONDS
    with tenants_api.in_public_schema():
        generation = _generation()
        key = cache_key(schema, filters, today)
        found = cache.get(key)
        if found is not None:
            built_generation, board = found
            if built_generation == generation:
                return board
            age = (timezone.now() - board.built_at).total_seconds()
            lock_seconds = max(throttle, BUILD_LOCK_SECONDS)
            if age < MAX_STALE_SECONDS and not cache.add(
                key + ":lock", 1, lock_seconds
            ):
                return board  # rebuilt a moment ago, or being rebuilt right now
        try:
            board = _build(schema, filters, today)
            cache.set(key, (generation, board), CACHE_SECONDS)
        finally:
            if not throttle:
                cache.delete(key + ":lock")
        return board


def _build(schema: str, filters: Filters, today: date) -> Dashboard:
    # Rows per course feed the course and path tables and any course filter;
    # everything about people comes from one summary row per person and scope
    # (plain counts), unless a course is chosen (then from that course's rows).
    courses = LearnerCourse.objects.all()
    if schema:
        courses = courses.filter(schema_name=schema)
    if filters.course_key:
        courses = courses.filter(course_key=filters.course_key)
    people = _people(filters, today)
    if people is not None:
        courses = courses.filter(user_id__in=people)
    if filters.course_key:
        base, per_locality = courses, courses
    else:
        summaries = PersonSummary.objects.all()
        if people is not None:
            summaries = summaries.filter(user_id__in=people)
        base = summaries.filter(schema_name=schema)
        per_locality = summaries.exclude(schema_name="")
    since = today - timedelta(days=29)
    days = LearnerDay.objects.filter(day__gte=since)
    if schema:
        days = days.filter(schema_name=schema)
    if people is not None:
        days = days.filter(user_id__in=people)
    if filters.course_key:
        days = days.filter(user_id__in=courses.values("user_id"))
    figures = _figures(base, days, schema, filters)
    target = _target(schema)
    notes = _notes(schema, filters)
    has_data = bool(figures.enrolled or figures.completed or figures.certified)
    if not has_data and not filters.is_empty():
        notes.insert(
            0,
            "No hay personas con esta combinación de filtros. Quite o cambie un "
            "filtro para ver datos.",
        )
    elif not has_data:
        notes.insert(
            0,
            "Todavía no hay inscripciones registradas; las gráficas aparecerán con "
            "las primeras.",
        )
    weeks = _weeks(base, today)
    return Dashboard(
        scope=schema or "city",
        scope_name=_scope_name(schema),
        today=today,
        filters=filters,
        figures=figures,
        target=target,
        forecast=_forecast(figures.completed, target, weeks, today),
        localities=_localities(per_locality, days) if not schema else (),
        courses=_grouped(courses, "course_key"),
        paths=_paths(courses, schema),
        weeks=weeks,
        breakdowns=_breakdowns(base, today),
        notes=tuple(notes),
        has_data=has_data,
        built_at=timezone.now(),
    )


def _scope_name(schema: str) -> str:
    if not schema:
        return "Bogotá"
    try:
        return tenants_api.get_locality(schema).name
    except tenants_api.LocalityNotFound:
        return schema


def _counts(*, per_person: bool) -> dict[str, Any]:
    """Unique people enrolled, completed and certified.

    ``per_person``: the rows are already one per person (summaries), so plain
    counts do; course rows need distinct counts (measured: about 2x faster).
    """
    return {
        "enrolled": Count("user_id", distinct=not per_person, filter=_ENROLLED),
        "completed": Count(
            "user_id", distinct=not per_person, filter=Q(completed_at__isnull=False)
        ),
        "certified": Count(
            "user_id", distinct=not per_person, filter=Q(certified_at__isnull=False)
        ),
    }


def _is_per_person(base: QuerySet) -> bool:
    return base.model is PersonSummary


def _figures(base: QuerySet, days: QuerySet, schema: str, filters: Filters) -> Figures:
    totals = base.aggregate(**_counts(per_person=_is_per_person(base)))
    enrolled, completed, certified = (
        totals["enrolled"],
        totals["completed"],
        totals["certified"],
    )
    registered = None
    in_role = 0
    if filters.is_empty():
        if schema:  # people who live there (said on registration)
            profiles = PersonProfile.objects.filter(residence_schema=schema)
            registered = profiles.count()
        else:
            registered = get_user_model().objects.filter(is_active=True).count()
            profiles = PersonProfile.objects.all()
        in_role = profiles.filter(has_participation_role=True).count()
    return Figures(
        registered=registered,
        enrolled=enrolled,
        active_30d=days.values("user_id").distinct().count(),
        completed=completed,
        certified=certified,
        in_role=in_role,
    )


def _target(schema: str) -> TargetData | None:
    from . import api  # the public reader of targets

    return api.get_target(schema)


def _notes(schema: str, filters: Filters) -> list[str]:
    notes = [
        "Rol de participación: los roles llegan con un próximo desarrollo; por "
        "ahora esta etapa cuenta cero.",
        "Activas: personas con alguna actividad en los últimos 30 días.",
    ]
    if schema:
        notes.append(
            "Registradas: personas que al registrarse dijeron vivir en esta "
            "localidad; quienes estudian aquí pueden vivir en otra, así que las "
            "inscritas pueden superar a las registradas."
        )
    else:
        notes.append(
            "Cada persona cuenta una vez en la ciudad y una vez en cada localidad "
            "donde estudia: la suma de las localidades puede superar el total."
        )
    if filters.course_key:
        notes.append("Con un curso elegido, activas son las personas de ese curso.")
    return notes


def _grouped(base: QuerySet, field: str) -> tuple[Row, ...]:
    counts = _counts(per_person=_is_per_person(base))
    rows = base.values(field).annotate(**counts).order_by(field)
    return tuple(
        Row(r[field], r[field], r["enrolled"], r["completed"], r["certified"])
        for r in rows
    )


def _localities(base: QuerySet, days: QuerySet) -> tuple[Row, ...]:
    counts = {r.key: r for r in _grouped(base, "schema_name")}
    sql, params = (
        days.values("schema_name", "user_id").distinct().query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT schema_name, count(*) FROM ({sql}) d GROUP BY schema_name",
            params,
        )
        active = dict(cursor.fetchall())
    targets = dict(
        Target.objects.exclude(schema_name="").values_list("schema_name", "people")
    )
    result = []
    for loc in tenants_api.list_localities(include_campus=False):
        row = counts.get(loc.schema_name)
        completed = row.completed if row else 0
        target = targets.get(loc.schema_name)
        result.append(
            Row(
                key=loc.schema_name,
                label=loc.name,
                enrolled=row.enrolled if row else 0,
                completed=completed,
                certified=row.certified if row else 0,
                active_30d=active.get(loc.schema_name, 0),
                target=target,
                progress=(completed / target) if target else None,
            )
        )
    return tuple(result)


def _paths(base: QuerySet, schema: str) -> tuple[Row, ...]:

    try:
        with tenants_api.in_locality(schema or settings.CITY_CAMPUS_SCHEMA):
            paths = courses_api.list_learning_paths()
    except tenants_api.LocalityNotFound:
        return ()
    rows = []
    for key, title, course_keys in paths:
        in_path = base.filter(course_key__in=course_keys)
        enrolled = in_path.filter(_ENROLLED).values("user_id").distinct().count()
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
    fields = dict.fromkeys(["user_id", column, "is_enrolled", "completed_at"])
    sql, params = base.values(*fields).query.sql_with_params()
    if _is_per_person(base):  # already each person's first date
        per_person = f"SELECT {column} AS first FROM ({sql}) lc WHERE {condition}"
    else:
        per_person = (
            f"SELECT user_id, min({column}) AS first FROM ({sql}) lc"
            f" WHERE {condition} GROUP BY user_id"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT date_trunc('week', first AT TIME ZONE %s)::date, count(*) FROM "
            f"({per_person}) s WHERE first IS NOT NULL GROUP BY 1",
            [_tz(), *params],
        )
        return dict(cursor.fetchall())


def _tz() -> str:

    return settings.TIME_ZONE


def _weeks(base: QuerySet, today: date) -> tuple[WeekPoint, ...]:
    enrolled = _weekly(
        base, "first_enrolled_at", "is_enrolled OR completed_at IS NOT NULL"
    )
    completed = _weekly(base, "completed_at", "true")
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


def _forecast(
    completed: int, target: TargetData | None, weeks: tuple[WeekPoint, ...], today: date
) -> Forecast | None:
    if target is None:
        return None
    remaining = target.people - completed
    if remaining <= 0:
        return Forecast(0.0, today, "La meta ya se alcanzó.")
    # The last four full weeks (the current one is still filling up).
    recent = [p.new_completed for p in weeks[-5:-1]]
    rate = sum(recent) / 4 if recent else 0.0
    if rate <= 0:
        return Forecast(
            0.0,
            None,
            "No hay personas formadas en las últimas cuatro semanas: al ritmo "
            "actual la meta no se alcanza. La proyección aparecerá cuando haya "
            "finalizaciones.",
        )
    reached = today + timedelta(weeks=math.ceil(remaining / rate))
    message = (
        f"Al ritmo actual ({rate:.1f} personas formadas por semana) la meta se "
        f"alcanzaría hacia el {reached:%d/%m/%Y}"
    )
    if target.target_date:
        late = reached > target.target_date
        message += (
            ", después de la fecha meta." if late else ", antes de la fecha meta."
        )
    else:
        message += "."
    return Forecast(rate, reached, message)


def _category_sql(today: date) -> dict[str, tuple[str, list[Any]]]:
    def yes_no(column: str) -> tuple[str, list[Any]]:
        return (
            f"CASE WHEN p.{column} THEN 'Sí' WHEN NOT p.{column} THEN 'No'"
            f" ELSE '{NO_DATA}' END",
            [],
        )

    b14, b28, b60 = (_years_before(today, y) for y in (14, 28, 60))
    return {
        "gender": (f"COALESCE(NULLIF(p.gender, ''), '{NO_DATA}')", []),
        "age": (
            f"CASE WHEN p.birth_date IS NULL THEN '{NO_DATA}'"
            " WHEN p.birth_date > %s THEN 'Menor de 14'"
            " WHEN p.birth_date > %s THEN '14 a 27'"
            " WHEN p.birth_date > %s THEN '28 a 59' ELSE '60 o más' END",
            [b14, b28, b60],
        ),
        "ethnic": (f"COALESCE(NULLIF(p.ethnic_group, ''), '{NO_DATA}')", []),
        "disability": yes_no("has_disability"),
        "victim": yes_no("is_victim"),
        "lgbtiq": yes_no("is_lgbtiq"),
        "rural": yes_no("is_rural"),
    }


def _breakdowns(base: QuerySet, today: date) -> tuple[Breakdown, ...]:
    sql, params = base.values(
        "user_id", "is_enrolled", "completed_at", "certified_at"
    ).query.sql_with_params()
    if _is_per_person(base):
        per_person = (
            "SELECT user_id, is_enrolled OR completed_at IS NOT NULL AS e,"
            " completed_at IS NOT NULL AS c, certified_at IS NOT NULL AS z"
            f" FROM ({sql}) lc"
        )
    else:
        per_person = (
            "SELECT user_id, bool_or(is_enrolled OR completed_at IS NOT NULL) AS e,"
            " bool_or(completed_at IS NOT NULL) AS c,"
            f" bool_or(certified_at IS NOT NULL) AS z FROM ({sql}) lc GROUP BY user_id"
        )
    cats = _category_sql(today)
    select = ", ".join(f"{expr} AS {name}" for name, (expr, _) in cats.items())
    select_params = [p for _, (_, ps) in cats.items() for p in ps]
    sets = ", ".join(f"({name})" for name in cats)
    query = (
        f"SELECT {', '.join(cats)}, count(*) FILTER (WHERE e), "
        "count(*) FILTER (WHERE c), count(*) FILTER (WHERE z) FROM ("
        f"SELECT per.*, {select} FROM ({per_person}) per"
        f" LEFT JOIN {PersonProfile._meta.db_table} p ON p.user_id = per.user_id"
        f") x GROUP BY GROUPING SETS ({sets})"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [*select_params, *params])
        rows = cursor.fetchall()
    raw: dict[str, list[tuple[str, int, int, int]]] = {k: [] for k, _ in DIMENSIONS}
    n = len(cats)
    for row in rows:
        for index, name in enumerate(cats):
            if row[index] is not None:
                raw[name].append((row[index], *row[n : n + 3]))
                break
    return tuple(
        Breakdown(key, title, _suppress(sorted(raw[key], key=_order)))
        for key, title in DIMENSIONS
        if raw[key]
    )


def _order(cell: tuple[str, int, int, int]) -> tuple[int, str]:
    special = {NO_DATA: 3, "Menor de 14": -1, "No": 1, "Sí": 0}
    return (special.get(cell[0], 0), cell[0])


def _suppress(cells: list[tuple[str, int, int, int]]) -> tuple[Cell, ...]:
    """Hide 1-4 people; if only one cell of a measure is hidden, hide the next
    smallest too, so it cannot be recovered by subtracting from the total."""
    columns: list[list[int | None]] = []
    for measure in range(1, 4):
        values: list[int | None] = [c[measure] for c in cells]
        hidden = [i for i, v in enumerate(values) if v and v < MIN_CELL]
        for i in hidden:
            values[i] = None
        if len(hidden) == 1:
            others = [(v, i) for i, v in enumerate(values) if v]
            if others:
                values[min(others)[1]] = None
        columns.append(values)
    return tuple(
        Cell(c[0], columns[0][i], columns[1][i], columns[2][i])
        for i, c in enumerate(cells)
    )
