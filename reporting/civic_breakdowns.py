"""The civic funnel broken down by role, investment line and population group
(gender, age group, ethnic group), stored per locality in ``FunnelBreakdown``.

Copied with the funnel's totals (``civic_funnel``) on participation's
``funnel_changed`` and by the recount, from ``participation.api
.funnel_entries_here`` joined with the breakdown profiles, so a dashboard reads
one public table. A person counts once per role, line or group; the city adds
the localities up. Cells are suppressed by the one rule (``suppression``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participation import api as participation_api
from participation.data import INVESTMENT_LINE_LABELS

from . import age_bands
from .breakdowns import answer_label, no_data_label
from .data import CivicBreakdown, CivicCell
from .models import FunnelBreakdown as _FunnelBreakdown
from .models import PersonProfile as _PersonProfile
from .suppression import protect_columns

__all__ = ["civic_breakdowns", "record_funnel_breakdown"]

DIMENSIONS = (
    ("role", gettext_lazy("Rol")),
    ("line", gettext_lazy("Línea de inversión")),
    ("gender", gettext_lazy("Género")),
    ("age", gettext_lazy("Grupo de edad")),
    ("ethnic", gettext_lazy("Grupo étnico")),
)
_STAGES = ("eligible", "applied", "selected", "in_role")


def _age_key(birth_date: date | None, today: date) -> str:
    if birth_date is None:
        return ""
    if birth_date > age_bands.years_before(today, age_bands.MIN_AGE):
        return age_bands.UNDER_MIN_KEY
    for band in age_bands.BANDS:
        after, on_or_before = age_bands.birth_bounds(band.key, today)
        if birth_date <= on_or_before and (after is None or birth_date > after):
            return band.key
    return ""


def _counts(
    entries: Iterable[participation_api.FunnelEntry], today: date
) -> dict[tuple[str, str], tuple[int, ...]]:
    entries = list(entries)
    profiles = {
        p.user_id: p
        for p in _PersonProfile.objects.filter(
            user_id__in={e.user_id for e in entries}
        ).only("user_id", "gender", "birth_date", "ethnic_group")
    }
    people: dict[tuple[str, str], list[set[int]]] = {}
    for entry in entries:
        profile = profiles.get(entry.user_id)
        categories = {
            "role": entry.role_title,
            "line": entry.investment_line,
            "gender": profile.gender if profile else "",
            "age": _age_key(profile.birth_date if profile else None, today),
            "ethnic": profile.ethnic_group if profile else "",
        }
        flags = (entry.eligible, entry.applied, entry.selected, entry.in_role)
        for dimension, category in categories.items():
            stages = people.setdefault((dimension, category), [set() for _ in flags])
            for stage, reached in zip(stages, flags, strict=True):
                if reached:
                    stage.add(entry.user_id)
    return {key: tuple(map(len, stages)) for key, stages in people.items()}


@transaction.atomic
def record_funnel_breakdown(
    schema: str, entries: Iterable[participation_api.FunnelEntry]
) -> int:
    """Store a locality's breakdowns; the number of rows that changed. Runs in
    the public schema or a locality's (its search path reaches the table)."""
    fresh = _counts(entries, timezone.localdate())
    rows = _FunnelBreakdown.objects.filter(schema_name=schema)
    stored = {
        (r.dimension, r.category): tuple(getattr(r, s) for s in _STAGES) for r in rows
    }
    changed = sum(
        1 for key in fresh.keys() | stored.keys() if fresh.get(key) != stored.get(key)
    )
    if changed:
        rows.delete()
        _FunnelBreakdown.objects.bulk_create(
            _FunnelBreakdown(
                schema_name=schema,
                dimension=dimension,
                category=category,
                **dict(zip(_STAGES, counts, strict=True)),
            )
            for (dimension, category), counts in fresh.items()
        )
    return changed


def _label(dimension: str, category: str) -> str:
    if dimension == "role":
        return category
    if dimension == "line":
        label = INVESTMENT_LINE_LABELS.get(category)
        return _(label) if label else _("Sin línea de inversión")
    if not category:
        return no_data_label()
    if dimension == "age":
        if category == age_bands.UNDER_MIN_KEY:
            return age_bands.under_min_label()
        return next((b.label for b in age_bands.BANDS if b.key == category), category)
    return answer_label(dimension, category)


def civic_breakdowns(schema: str) -> tuple[CivicBreakdown, ...]:
    """A locality's breakdowns, or the city's (localities added up; one query)."""
    stored = _FunnelBreakdown.objects.all()
    if schema:
        stored = stored.filter(schema_name=schema)
    rows = stored.values("dimension", "category").annotate(
        **{stage: Sum(stage) for stage in _STAGES}
    )
    by_dimension: dict[str, list[tuple[str, list[int]]]] = {}
    for row in rows:
        counts = [row[stage] for stage in _STAGES]
        if any(counts):
            by_dimension.setdefault(row["dimension"], []).append(
                (_label(row["dimension"], row["category"]), counts)
            )
    result = []
    for key, title in DIMENSIONS:
        found = sorted(by_dimension.get(key, []), key=lambda c: c[0].casefold())
        if not found:
            continue
        shown = protect_columns([counts for _label, counts in found])
        result.append(
            CivicBreakdown(
                key,
                str(title),
                tuple(
                    CivicCell(label, *values)
                    for (label, _counts), values in zip(found, shown, strict=True)
                ),
            )
        )
    return tuple(result)
