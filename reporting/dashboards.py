"""Building a dashboard (the city's or one locality's) from the public tables.

A build is cached (``build_cache``) and served while the tables are unchanged.
When they changed, the first request takes a lock and rebuilds; until the lock
expires (``REPORTING_REBUILD_SECONDS``) other requests get the previous build,
never older than ``MAX_STALE_SECONDS``. So ten managers opening the page while
events keep arriving cost one build every half minute, not one per request. The
page shows when its figures were computed.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants import api as tenants_api

from . import figures as _figures
from .breakdowns import breakdowns, people_matching
from .build_cache import cache_key, generation
from .civic_breakdowns import civic_breakdowns
from .civic_funnel import civic_stages
from .course_titles import course_titles
from .data import Dashboard, Filters, Row
from .facet_tallies import count_ages_on
from .figures import forget_learning_paths
from .models import LearnerCourse, PersonSummary
from .page_tables import active_among, active_since
from .precomputed import read_facets, read_tallies
from .targets import read_targets, target_of

__all__ = ["build_city_dashboard", "build_locality_dashboard", "forget_learning_paths"]

CACHE_SECONDS = 300
MAX_STALE_SECONDS = 60  # how old a figure a manager may see while it is rebuilt
BUILD_LOCK_SECONDS = 30


def build_city_dashboard(
    *, filters: Filters | None = None, today: date | None = None
) -> Dashboard:
    """The city's figures, per locality, course and path, weeks and breakdowns."""
    return _cached("", filters or Filters(), today or timezone.localdate())


def build_locality_dashboard(
    schema_name: str, *, filters: Filters | None = None, today: date | None = None
) -> Dashboard:
    """The same views for one locality only."""
    return _cached(schema_name, filters or Filters(), today or timezone.localdate())


def _cached(schema: str, filters: Filters, today: date) -> Dashboard:
    throttle = settings.REPORTING_REBUILD_SECONDS
    with tenants_api.in_public_schema():
        current = generation()
        key = cache_key(schema, filters, today)
        found = cache.get(key)
        if found is not None:
            built_generation, board = found
            if built_generation == current:
                return board
            age = (timezone.now() - board.built_at).total_seconds()
            lock_seconds = max(throttle, BUILD_LOCK_SECONDS)
            if age < MAX_STALE_SECONDS and not cache.add(
                key + ":lock", 1, lock_seconds
            ):
                return board  # rebuilt a moment ago, or being rebuilt right now
        try:
            board = _build(schema, filters, today)
            cache.set(key, (current, board), CACHE_SECONDS)
        finally:
            if not throttle:
                cache.delete(key + ":lock")
        return board


def _build(schema: str, filters: Filters, today: date) -> Dashboard:
    # Every count comes from the precomputed counts the events keep, without
    # filters (``tallies``) and with them (``facet_tallies``), so a build reads
    # a few hundred rows at any scale. The course rows still feed the learning
    # paths and, with filters, say whose kept last active days count.
    titles = course_titles()
    courses = LearnerCourse.objects.all()
    if schema:
        courses = courses.filter(schema_name=schema)
    if filters.course_key:
        courses = courses.filter(course_key=filters.course_key)
    people = people_matching(filters, today)
    if people is not None:
        courses = courses.filter(user_id__in=people)
    # Active in the last 30 days, from what the activity events keep
    # (``page_tables``): without filters the people per scope and day; with
    # them the last active day of each matching person (of the chosen course:
    # its rows, already narrowed to the scope and the people).
    first_day = today - timedelta(days=29)
    if filters.is_empty():
        active = active_since(first_day, schema or None)
    else:
        matching = (
            people
            if people is not None and not filters.course_key
            else courses.values("user_id")
        )
        active = active_among(first_day, matching, schema)
    ages_kept = count_ages_on(today)
    if filters.is_empty():
        tallied = read_tallies(schema, today, ages_kept=ages_kept)
    elif ages_kept:
        tallied = read_facets(schema, filters, today)
    else:  # ages not yet moved to ``today`` (or a past day): count the rows
        tallied = None
    if tallied is not None:
        counted = _figures.figures(
            tallied.totals, active.get(schema, 0), schema, filters
        )
        weeks = _figures.week_points(tallied.new_enrolled, tallied.new_completed, today)
        per_locality = tallied.localities
        course_rows = tuple(
            sorted(
                (
                    Row(key, titles.get(key, key), *measures)
                    for key, measures in tallied.courses.items()
                ),
                key=lambda row: (row.label.casefold(), row.key),
            )
        )
        cells = tallied.breakdowns
    else:
        counted, weeks, per_locality, course_rows, cells = _counted_on_read(
            schema, filters, today, courses, people, active.get(schema, 0), titles
        )
    # The scope's target and, for the city, every locality's: one read.
    targets = read_targets(schema or None)
    target = target_of(schema, targets)
    has_data = bool(counted.enrolled or counted.completed or counted.certified)
    locality_rows = (
        _figures.localities(per_locality, active, targets) if not schema else ()
    )
    civic, civic_localities, civic_cells = None, (), ()
    if filters.is_empty():  # roles are not broken down by course, gender or age
        civic, civic_localities = civic_stages(
            schema, certified=counted.certified, localities=locality_rows
        )
        civic_cells = civic_breakdowns(schema)
    return Dashboard(
        scope=schema or "city",
        scope_name=_scope_name(schema),
        today=today,
        filters=filters,
        figures=counted,
        target=target,
        forecast=_figures.forecast(counted.completed, target, weeks, today),
        localities=locality_rows,
        courses=course_rows,
        paths=_figures.paths(courses, schema),
        weeks=weeks,
        breakdowns=cells,
        notes=tuple(_notes(schema, filters, has_data=has_data)),
        has_data=has_data,
        built_at=timezone.now(),
        civic=civic,
        civic_localities=civic_localities,
        civic_breakdowns=civic_cells,
        course_label=titles.get(filters.course_key, filters.course_key),
    )


def _counted_on_read(schema, filters, today, courses, people, active, titles):
    """The filtered figures counted from the people's rows: the way before the
    precomputed counts, kept for a day the facets do not count ages on."""
    if filters.course_key:
        base = courses
        per_locality = _figures.locality_counts(courses) if not schema else {}
    else:
        summaries = PersonSummary.objects.all()
        if people is not None:
            summaries = summaries.filter(user_id__in=people)
        base = summaries.filter(schema_name=schema)
        per_locality = (
            _figures.locality_counts(summaries.exclude(schema_name=""))
            if not schema
            else {}
        )
    counted = _figures.figures(_figures.totals(base), active, schema, filters)
    weeks = _figures.weeks(base, today)
    course_rows = _figures.grouped(courses, "course_key", titles)
    return counted, weeks, per_locality, course_rows, breakdowns(base, today)


def _scope_name(schema: str) -> str:
    if not schema:
        return "Bogotá"
    try:
        return tenants_api.get_locality(schema).name
    except tenants_api.LocalityNotFound:
        return schema


def _notes(schema: str, filters: Filters, *, has_data: bool) -> list[str]:
    notes = []
    if not has_data and not filters.is_empty():
        notes.append(
            _(
                "No hay personas con esta combinación de filtros. Quite o cambie un "
                "filtro para ver datos."
            )
        )
    elif not has_data:
        notes.append(
            _(
                "Todavía no hay inscripciones registradas; las gráficas aparecerán "
                "con las primeras."
            )
        )
    notes += [
        _(
            "En rol de participación: personas seleccionadas hoy para un rol "
            "cívico en alguna localidad."
        ),
        _("Activas: personas con alguna actividad en los últimos 30 días."),
        _(
            "Del certificado al rol: habilitadas, postuladas, seleccionadas y en "
            "ejercicio cuentan a las personas de los roles de cada localidad "
            "(una vez por localidad, sea cual sea el número de roles); cambian "
            "con cada postulación, selección, retiro o cambio de requisitos, y "
            "el recuento de cada noche las corrige."
        ),
    ]
    if schema:
        notes.append(
            _(
                "Registradas: personas que al registrarse dijeron vivir en esta "
                "localidad; quienes estudian aquí pueden vivir en otra, así que las "
                "inscritas pueden superar a las registradas."
            )
        )
    else:
        notes.append(
            _(
                "Cada persona cuenta una vez en la ciudad y una vez en cada "
                "localidad donde estudia: la suma de las localidades puede superar "
                "el total."
            )
        )
    if not filters.is_empty():
        notes.append(
            _(
                "El embudo del certificado al rol no se desglosa por curso, "
                "género ni edad: quite los filtros para verlo."
            )
        )
    if filters.course_key:
        notes.append(_("Con un curso elegido, activas son las personas de ese curso."))
    return notes
