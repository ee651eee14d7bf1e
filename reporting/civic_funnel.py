"""The civic funnel on the dashboards: certified → eligible → applied →
selected → in a role, per locality.

The stages after «certified» come from ``participation.api.funnel_counts_here``,
copied into ``LocalityFunnel`` (public schema) by the role events' receivers and
the nightly recount, so building a dashboard reads only public tables. A person
counts once per locality whatever the roles; the city adds the localities up.
Counts of 1 to ``MIN_CELL - 1`` people are suppressed by the one rule in
``suppression`` (the city's table is protected against its total). The scope's
«certified», when it is the headline's «Certificadas» (always for a locality;
for the city when the sum over localities equals the people certified), is a
total the page already states: it is shown whole, or the table would hide a
number printed above it.
"""

from __future__ import annotations

from collections.abc import Sequence

from participation import api as participation_api

from .data import CivicStages, Row
from .models import LocalityFunnel
from .suppression import hide_small, protect_columns

__all__ = ["civic_stages", "record_locality_funnel"]

_STAGES = ("eligible", "applied", "selected", "in_role")
_COLUMNS = ("certified", *_STAGES)


def record_locality_funnel(schema: str, counts: participation_api.FunnelCounts) -> bool:
    """Store a locality's counts; say whether they changed. Runs in the public
    schema or a locality's (its search path reaches the public table)."""
    values = {stage: getattr(counts, stage) for stage in _STAGES}
    row = LocalityFunnel.objects.filter(schema_name=schema).first()
    stored = {k: getattr(row, k) for k in values} if row else dict.fromkeys(values, 0)
    if stored == values:  # no row reads as zeros: an idle locality needs none
        return False
    LocalityFunnel.objects.update_or_create(schema_name=schema, defaults=values)
    return True


def civic_stages(
    schema: str, *, certified: int, localities: Sequence[Row]
) -> tuple[CivicStages, tuple[CivicStages, ...]]:
    """The scope's funnel and, for the city, one per locality (one query).

    ``certified``: the scope's people certified (the headline's figure);
    ``localities``: the city's locality rows (their ``certified`` is used),
    empty for a locality.
    """
    stored = LocalityFunnel.objects.all()
    if schema:
        stored = stored.filter(schema_name=schema)
    by_schema = {
        row.schema_name: [getattr(row, stage) for stage in _STAGES] for row in stored
    }
    empty = [0] * len(_STAGES)
    if schema:
        raw = [certified, *by_schema.get(schema, empty)]
        return _stages(schema, "", _scope_row(raw, headline=certified)), ()
    rows = [
        (r.key, r.label, [r.certified, *by_schema.get(r.key, empty)])
        for r in localities
    ]
    # Summed over the localities, like the stages: once per locality.
    totals = [sum(values[i] for _, _, values in rows) for i in range(len(_COLUMNS))]
    # The city's total is shown (hidden itself when small): the one rule.
    protected = protect_columns([values for _, _, values in rows])
    per_locality = tuple(
        _stages(key, label, shown)
        for (key, label, _), shown in zip(rows, protected, strict=True)
    )
    return _stages(
        "city", "Bogotá", _scope_row(totals, headline=certified)
    ), per_locality


def _stages(key: str, label: str, values: Sequence[int | None]) -> CivicStages:
    return CivicStages(key, label, *values)


def _scope_row(values: Sequence[int], *, headline: int) -> list[int | None]:
    """The scope's row: «certified» whole when it is the headline's figure (a
    total, shown like the «Embudo» table's); otherwise (the city's sum counts a
    person once per locality) and for the later stages, stated nowhere else,
    hidden when small."""
    certified, *stages = values
    shown = certified if certified == headline else hide_small(certified)
    return [shown, *(hide_small(v) for v in stages)]
