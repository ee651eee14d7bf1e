"""Reading the precomputed counts for a dashboard: without filters from
``Tally`` (kept by ``tallies``) and the unfiltered age groups, with filters from
``FacetTally`` (kept by ``facet_tallies``). Two queries over a few hundred rows
either way, whatever the number of people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.utils.translation import gettext as _

from . import age_bands
from .breakdowns import answer_label, assemble, no_data_label
from .data import Breakdown, Filters
from .models import FacetTally as _FacetTally
from .models import Tally as _Tally

__all__ = ["Tallied", "read_facets", "read_tallies"]

# Our own models' tables, never input.
_T = _Tally._meta.db_table
_F = _FacetTally._meta.db_table
_ANSWERED = ("gender", "ethnic", "disability", "victim", "lgbtiq", "rural")
_YES_NO = ("disability", "victim", "lgbtiq", "rural")

Measures = tuple[int, int, int]  # enrolled, completed, certified


@dataclass
class Tallied:
    """A scope's precomputed counts, ready for the figures module."""

    totals: Measures = (0, 0, 0)
    localities: dict[str, Measures] = field(default_factory=dict)  # the city's
    courses: dict[str, Measures] = field(default_factory=dict)
    new_enrolled: dict[date, int] = field(default_factory=dict)  # per Monday
    new_completed: dict[date, int] = field(default_factory=dict)
    breakdowns: tuple[Breakdown, ...] = ()


def _category(dimension: str, category: str) -> str:
    if not category:
        return no_data_label()
    if dimension in _YES_NO:
        return _("Sí") if category == "si" else _("No")
    return answer_label(dimension, category)


_DIMENSIONS = ["all", "course", "week_enrolled", "week_completed", *_ANSWERED]


def read_tallies(scope: str, today: date, *, ages_kept: bool = False) -> Tallied:
    """The counts of ``scope`` ('' for the city, with every locality's totals).

    ``ages_kept``: the filtered counts count ages on ``today``
    (``facet_tallies.count_ages_on``), so the age groups are read from their few
    rows instead of summing every date of birth.
    """
    result = Tallied()
    raw: dict[str, list[tuple[str, int, int, int]]] = {}
    with connection.cursor() as cursor:
        # Index-friendly: the scope's own dimensions by (scope, dimension), the
        # localities' totals by (dimension, scope); never the dates of birth.
        cursor.execute(
            "SELECT scope, dimension, category, enrolled, completed, certified"  # noqa: S608
            f" FROM {_T} WHERE people <> 0 AND ((scope = %(scope)s"
            " AND dimension = ANY(%(dimensions)s))"
            " OR (%(city)s AND dimension = 'all' AND scope <> ''))",
            {"scope": scope, "city": scope == "", "dimensions": _DIMENSIONS},
        )
        for where, dimension, category, *counts in cursor.fetchall():
            measures: Measures = tuple(counts)  # type: ignore[assignment]
            if where != scope:
                result.localities[where] = measures
            elif dimension == "all":
                result.totals = measures
                if scope:
                    result.localities[scope] = measures
            elif dimension == "course":
                result.courses[category] = measures
            elif dimension == "week_enrolled":
                result.new_enrolled[date.fromisoformat(category)] = counts[0]
            elif dimension == "week_completed":
                result.new_completed[date.fromisoformat(category)] = counts[1]
            elif dimension in _ANSWERED:
                raw.setdefault(dimension, []).append(
                    (_category(dimension, category), *measures)
                )
        raw["age"] = (
            _ages_kept(cursor, scope) if ages_kept else _ages(cursor, scope, today)
        )
    result.breakdowns = assemble(raw, today)
    return result


def _ages(cursor, scope: str, today: date) -> list[tuple[str, int, int, int]]:
    """The age groups on ``today`` summed from the counts per date of birth."""
    band, params = age_bands.category_sql(
        "NULLIF(category, '')::date", today, no_data=no_data_label()
    )
    cursor.execute(
        f"SELECT {band}, sum(enrolled), sum(completed), sum(certified)"  # noqa: S608
        f" FROM {_T} WHERE scope = %(scope)s AND dimension = 'birth'"
        " AND people <> 0 GROUP BY 1",
        {"scope": scope, **params},
    )
    return [(label, *map(int, sums)) for label, *sums in cursor.fetchall()]


def _ages_kept(cursor, scope: str) -> list[tuple[str, int, int, int]]:
    """The age groups counted on the kept day (the unfiltered ``age`` rows
    among the filtered counts)."""
    cursor.execute(
        "SELECT category, enrolled, completed, certified"  # noqa: S608
        f" FROM {_F} WHERE course_key = '' AND gender = '' AND age_group = ''"
        " AND scope = %(scope)s AND dimension = 'age' AND people <> 0",
        {"scope": scope},
    )
    return [(_age_label(key), *counts) for key, *counts in cursor.fetchall()]


def _age_label(key: str) -> str:
    if not key:
        return no_data_label()
    if key == age_bands.UNDER_MIN_KEY:
        return age_bands.under_min_label()
    return next((band.label for band in age_bands.BANDS if band.key == key), key)


def read_facets(scope: str, filters: Filters, today: date) -> Tallied:
    """The counts of ``scope`` under ``filters`` (at least one chosen), with
    ages counted on ``today`` (see ``facet_tallies.count_ages_on``)."""
    result = Tallied()
    raw: dict[str, list[tuple[str, int, int, int]]] = {}
    has_rows = False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT scope, dimension, category, enrolled, completed, certified"  # noqa: S608
            f" FROM {_F} WHERE course_key = %(course)s AND gender = %(gender)s"
            " AND age_group = %(age)s AND people <> 0 AND (scope = %(scope)s"
            " OR (%(city)s AND dimension = 'all'))",
            {
                "course": filters.course_key,
                "gender": filters.gender,
                "age": filters.age_group,
                "scope": scope,
                "city": scope == "",
            },
        )
        rows = cursor.fetchall()
    for where, dimension, category, *counts in rows:
        measures: Measures = tuple(counts)  # type: ignore[assignment]
        if where != scope:
            result.localities[where] = measures
        elif dimension == "all":
            result.totals = measures
            has_rows = True
            if scope:
                result.localities[scope] = measures
        elif dimension == "course":
            result.courses[category] = measures
        elif dimension == "week_enrolled":
            result.new_enrolled[date.fromisoformat(category)] = counts[0]
        elif dimension == "week_completed":
            result.new_completed[date.fromisoformat(category)] = counts[1]
        elif dimension == "age":
            raw.setdefault("age", []).append((_age_label(category), *measures))
        elif dimension in _ANSWERED:
            raw.setdefault(dimension, []).append(
                (_category(dimension, category), *measures)
            )
    if filters.course_key and has_rows:  # the chosen course's own row
        result.courses = {filters.course_key: result.totals}
    result.breakdowns = assemble(raw, today)
    return result
