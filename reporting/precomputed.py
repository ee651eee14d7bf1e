"""Reading the precomputed counts (``Tally``, kept by ``tallies``) for a dashboard
without filters: two queries over a few hundred rows, whatever the number of
people. A dashboard with filters is counted from the people's rows instead
(``figures``), since a count for every combination of filters is not kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.utils.translation import gettext as _

from . import age_bands
from .breakdowns import answer_label, assemble, no_data_label
from .data import Breakdown
from .models import Tally as _Tally

__all__ = ["Tallied", "read_tallies"]

_T = _Tally._meta.db_table  # our own model's table, never input
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


def read_tallies(scope: str, today: date) -> Tallied:
    """The counts of ``scope`` ('' for the city, with every locality's totals)."""
    result = Tallied()
    raw: dict[str, list[tuple[str, int, int, int]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT scope, dimension, category, enrolled, completed, certified"  # noqa: S608
            f" FROM {_T} WHERE people <> 0 AND ((scope = %(scope)s"
            " AND dimension <> 'birth') OR (%(city)s AND dimension = 'all'))",
            {"scope": scope, "city": scope == ""},
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
        band, params = age_bands.category_sql(
            "NULLIF(category, '')::date", today, no_data=no_data_label()
        )
        cursor.execute(
            f"SELECT {band}, sum(enrolled), sum(completed), sum(certified)"  # noqa: S608
            f" FROM {_T} WHERE scope = %(scope)s AND dimension = 'birth'"
            " AND people <> 0 GROUP BY 1",
            {"scope": scope, **params},
        )
        raw["age"] = [(label, *map(int, sums)) for label, *sums in cursor.fetchall()]
    result.breakdowns = assemble(raw, today)
    return result
