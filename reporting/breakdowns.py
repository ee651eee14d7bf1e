"""Differential breakdowns: people per gender, age group, ethnic group and the
yes/no questions, with small cells suppressed before they leave this module.

Only answers given with consent reach the profiles; a person with no answer is
counted under «Sin dato». Cells with fewer than ``MIN_CELL`` people are hidden
by the one rule in ``suppression``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.accounts.data import ANSWER_CHOICES, PREFER_NOT_TO_SAY, Question

from . import age_bands
from .data import Breakdown, Cell, Filters
from .models import PersonProfile, PersonSummary
from .sql import named
from .suppression import protect_columns

DIMENSIONS = (
    ("gender", gettext_lazy("Género")),
    ("age", gettext_lazy("Grupo de edad")),
    ("ethnic", gettext_lazy("Grupo étnico")),
    ("disability", gettext_lazy("Discapacidad")),
    ("victim", gettext_lazy("Víctima del conflicto armado")),
    ("lgbtiq", gettext_lazy("LGBTIQ+")),
    ("rural", gettext_lazy("Zona rural")),
)
_YES_NO_COLUMNS = {
    "disability": "has_disability",
    "victim": "is_victim",
    "lgbtiq": "is_lgbtiq",
    "rural": "is_rural",
}


def no_data_label() -> str:
    return _("Sin dato")


# The answers' codes as the accounts store them (gender, ethnic group).
_ANSWERS = {
    "gender": ANSWER_CHOICES[Question.GENDER],
    "ethnic": ANSWER_CHOICES[Question.ETHNIC_GROUP],
}


def answer_label(dimension: str, category: str) -> str:
    """A stored answer's label in the active language («mujer» → «Mujer»); a
    value the accounts do not offer (older data) is shown as stored."""
    label = _ANSWERS.get(dimension, {}).get(category)
    return _(label) if label else category


def gender_choices() -> list[tuple[str, str]]:
    """(code, label) of the genders a person can declare: the dashboard's filter."""
    return [
        (code, _(label))
        for code, label in ANSWER_CHOICES[Question.GENDER].items()
        if code != PREFER_NOT_TO_SAY  # stored as no answer («Sin dato»)
    ]


def people_matching(filters: Filters, today: date) -> QuerySet | None:
    """User ids matching the differential filters (None: no such filter)."""
    if not (filters.gender or filters.age_group):
        return None
    qs = PersonProfile.objects.all()
    if filters.gender:
        qs = qs.filter(gender=filters.gender)
    if filters.age_group in age_bands.KEYS:
        after, on_or_before = age_bands.birth_bounds(filters.age_group, today)
        qs = qs.filter(birth_date__lte=on_or_before)
        if after:
            qs = qs.filter(birth_date__gt=after)
    return qs.values("user_id")


def _category_sql(today: date) -> tuple[dict[str, str], dict[str, Any]]:
    """Each dimension's SQL expression over the profile ``p``, and the values
    they name (labels in the active language)."""
    params: dict[str, Any] = {
        "no_data": no_data_label(),
        "yes": _("Sí"),
        "no": _("No"),
    }
    age_sql, age_params = age_bands.category_sql(
        "p.birth_date", today, no_data=params["no_data"]
    )
    params |= age_params
    expressions = {
        "gender": "COALESCE(NULLIF(p.gender, ''), %(no_data)s)",
        "age": age_sql,
        "ethnic": "COALESCE(NULLIF(p.ethnic_group, ''), %(no_data)s)",
    }
    for name, column in _YES_NO_COLUMNS.items():
        expressions[name] = (
            f"CASE WHEN p.{column} THEN %(yes)s WHEN NOT p.{column} THEN %(no)s"
            " ELSE %(no_data)s END"
        )
    return expressions, params


def breakdowns(base: QuerySet, today: date) -> tuple[Breakdown, ...]:
    """Every dimension's cells (enrolled, completed, certified) over ``base``
    (course rows or one summary per person)."""
    sql, params = named(
        base.values("user_id", "is_enrolled", "completed_at", "certified_at")
    )
    if base.model is PersonSummary:
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
    cats, cat_params = _category_sql(today)
    select = ", ".join(f"{expr} AS {name}" for name, expr in cats.items())
    sets = ", ".join(f"({name})" for name in cats)
    query = (
        f"SELECT {', '.join(cats)}, count(*) FILTER (WHERE e), "
        "count(*) FILTER (WHERE c), count(*) FILTER (WHERE z) FROM ("
        f"SELECT per.*, {select} FROM ({per_person}) per"
        f" LEFT JOIN {PersonProfile._meta.db_table} p ON p.user_id = per.user_id"
        f") x GROUP BY GROUPING SETS ({sets})"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, {**cat_params, **params})
        rows = cursor.fetchall()
    raw: dict[str, list[tuple[str, int, int, int]]] = {
        key: [] for key, _title in DIMENSIONS
    }
    n = len(cats)
    for row in rows:
        for index, name in enumerate(cats):
            if row[index] is not None:
                raw[name].append((answer_label(name, row[index]), *row[n : n + 3]))
                break
    return assemble(raw, today)


def answer_labels(today: date) -> dict[str, str]:
    """The labels the breakdowns give to no answer, yes, no and the youngest."""
    return {
        "no_data": no_data_label(),
        "yes": _("Sí"),
        "no": _("No"),
        "age_under": age_bands.under_min_label(),
    }


def assemble(
    raw: dict[str, list[tuple[str, int, int, int]]], today: date
) -> tuple[Breakdown, ...]:
    """The dimensions in their order, cells sorted and suppressed."""
    order = _order_key(answer_labels(today))
    return tuple(
        Breakdown(key, str(title), suppress(sorted(raw.get(key, []), key=order)))
        for key, title in DIMENSIONS
        if raw.get(key)
    )


def _order_key(labels: dict[str, Any]):
    """Answers by name, «Sí» before «No», the youngest before and «Sin dato» last."""
    special = {
        labels["no_data"]: 3,
        labels["age_under"]: -1,
        labels["no"]: 1,
        labels["yes"]: 0,
    }

    def order(cell: tuple[str, int, int, int]) -> tuple[int, str]:
        return (special.get(cell[0], 0), cell[0])

    return order


def suppress(cells: list[tuple[str, int, int, int]]) -> tuple[Cell, ...]:
    """Each measure's column protected (``suppression``): its total is the
    dashboard's headline figure, so nothing hidden may be derived from it."""
    protected = protect_columns([c[1:4] for c in cells])
    return tuple(
        Cell(c[0], *values) for c, values in zip(cells, protected, strict=True)
    )
