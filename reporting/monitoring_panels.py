"""Citizen monitoring on the dashboards: barrios reached by collective-
intelligence workshops (toward the commitment's 50 % per locality) and the
monitoring funnel (active in a role → reports filed → published → answered on
time), per locality and investment line.

Both come from ``monitoring.api`` inside each locality (``sources``), copied
into public tables (``LocalityBarrioCoverage``, ``LocalityMonitoringFunnel``)
by monitoring's events (``monitoring_handlers``) and by the nightly recount
(``recount_monitoring``, drift ``barrios`` and ``monitoring_funnel``), so a
page reads two small public tables, never a locality schema.

Barrios are the cadastral sectors of the UAECD (1,193 in Bogotá, by code), the
list the project registry uses. Funnel counts of 1 to ``MIN_CELL - 1`` are
suppressed with the one rule of ``suppression`` (cells against their column's
total); barrio counts are places, not people, and are shown whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from monitoring import api as monitoring_api
from tenants import api as tenants_api
from tenants.data import LocalityData

from . import sources
from .monitoring_models import LocalityBarrioCoverage, LocalityMonitoringFunnel
from .suppression import hide_small, protect_columns

__all__ = [
    "CoverageRow",
    "MonitoringPanels",
    "MonitoringStages",
    "build_monitoring_panels",
    "record_barrio_coverage",
    "record_monitoring_funnel",
    "recount_monitoring",
]

GOAL_PERCENT = monitoring_api.BARRIO_GOAL_PERCENT
_STAGES = ("active", "filed", "published", "answered_on_time")


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """Barrios of a locality (or the city, summed) reached by workshops."""

    key: str  # a locality's schema name, or "city"
    label: str
    reached: int
    total: int
    workshops: int

    @property
    def percent(self) -> float:
        return 100 * self.reached / self.total if self.total else 0.0

    @property
    def goal_barrios(self) -> int:
        return -(-self.total * GOAL_PERCENT // 100)

    @property
    def is_met(self) -> bool:
        return bool(self.total) and self.reached >= self.goal_barrios

    @property
    def missing(self) -> int:
        """Barrios still to reach for the goal (0 once met)."""
        return max(0, self.goal_barrios - self.reached)

    @property
    def toward_goal(self) -> int:
        """Percent of the goal reached, 0 to 100 (for the bar)."""
        if not self.goal_barrios:
            return 0
        return min(100, round(100 * self.reached / self.goal_barrios))


@dataclass(frozen=True, slots=True)
class MonitoringStages:
    """One row of the monitoring funnel (None: suppressed, 1 to MIN_CELL - 1)."""

    key: str  # a line's code, a locality's schema name, or "" for the scope
    label: str
    active: int | None
    filed: int | None
    published: int | None
    answered_on_time: int | None


@dataclass(frozen=True, slots=True)
class MonitoringPanels:
    """What the dashboards show of citizen monitoring for one scope."""

    coverage: CoverageRow
    coverage_localities: tuple[CoverageRow, ...]  # the city's, per locality
    localities_met: int  # the city's: localities at the goal
    funnel: MonitoringStages  # the scope as a whole
    funnel_lines: tuple[MonitoringStages, ...]  # per investment line
    funnel_localities: tuple[MonitoringStages, ...]  # the city's, per locality
    goal_percent: int = GOAL_PERCENT


def record_barrio_coverage(
    schema: str, coverage: monitoring_api.BarrioCoverage
) -> bool:
    """Store a locality's barrios reached; say whether the table changed. A
    locality with no workshop has no row (pages read its total from the
    reference list). Runs in the public schema or a locality's (its search
    path reaches the public table)."""
    values = {
        "reached": coverage.reached,
        "total": coverage.total,
        "workshops": coverage.workshops,
    }
    row = LocalityBarrioCoverage.objects.filter(schema_name=schema).first()
    if not (coverage.reached or coverage.workshops):
        if row is None:
            return False
        row.delete()
        return True
    if row is not None and all(getattr(row, k) == v for k, v in values.items()):
        return False
    LocalityBarrioCoverage.objects.update_or_create(schema_name=schema, defaults=values)
    return True


def record_monitoring_funnel(
    schema: str, lines: Sequence[monitoring_api.FunnelLine]
) -> int:
    """Store a locality's funnel rows; return how many rows changed. A line
    with all zeros has no row (no row reads as zeros)."""
    stored = {
        row.line: row
        for row in LocalityMonitoringFunnel.objects.filter(schema_name=schema)
    }
    changed = 0
    for line in lines:
        values = {stage: getattr(line, stage) for stage in _STAGES}
        row = stored.pop(line.line, None)
        if not any(values.values()):
            if row is not None:
                row.delete()
                changed += 1
            continue
        if row is not None and all(getattr(row, k) == v for k, v in values.items()):
            continue
        LocalityMonitoringFunnel.objects.update_or_create(
            schema_name=schema, line=line.line, defaults=values
        )
        changed += 1
    for row in stored.values():  # a line the locality no longer reports
        row.delete()
        changed += 1
    return changed


def recount_monitoring(schemas: Sequence[str]) -> dict[str, int]:
    """Copy every locality's figures again (the nightly recount); count the rows
    the events had left wrong. Start it from the public schema."""
    drift = {"barrios": 0, "monitoring_funnel": 0}
    for schema in schemas:
        with tenants_api.in_locality(schema):
            coverage = sources.barrio_coverage()
            lines = sources.monitoring_funnel()
        with tenants_api.in_public_schema():
            drift["barrios"] += record_barrio_coverage(schema, coverage)
            drift["monitoring_funnel"] += record_monitoring_funnel(schema, lines)
    return drift


def build_monitoring_panels(
    schema: str, localities: Sequence[LocalityData] | None = None
) -> MonitoringPanels:
    """The panels of a locality (``schema``) or of the city (empty); a few
    queries on the public tables, whatever the number of reports. The city's
    take the localities the page already read, when it gives them."""
    with tenants_api.in_public_schema():
        if schema:
            return _locality_panels(schema)
        return _city_panels(localities)


def _locality_panels(schema: str) -> MonitoringPanels:
    try:
        locality = tenants_api.get_locality(schema)
    except tenants_api.LocalityNotFound:
        locality = None
    label = locality.name if locality else schema
    coverage = _coverage_rows({schema: locality} if locality else {}).get(schema)
    if coverage is None:
        coverage = CoverageRow(schema, label, 0, 0, 0)
    stored = _funnel_rows(schema)
    lines = _line_stages(stored.get(schema, {}))
    total = stored.get(schema, {}).get("", [0] * len(_STAGES))
    return MonitoringPanels(
        coverage=coverage,
        coverage_localities=(),
        localities_met=int(coverage.is_met),
        funnel=MonitoringStages("", label, *_hidden(total)),
        funnel_lines=lines,
        funnel_localities=(),
    )


def _city_panels(given: Sequence[LocalityData] | None) -> MonitoringPanels:
    if given is None:
        given = tenants_api.list_localities(include_campus=False)
    localities = {loc.schema_name: loc for loc in given}
    by_schema = _coverage_rows(localities)
    coverage_rows = tuple(by_schema[s] for s in localities if s in by_schema)
    city = CoverageRow(
        "city",
        "Bogotá",
        sum(r.reached for r in coverage_rows),
        sum(r.total for r in coverage_rows),
        sum(r.workshops for r in coverage_rows),
    )
    stored = _funnel_rows("")
    empty = [0] * len(_STAGES)
    totals = [stored.get(s, {}).get("", empty) for s in localities]
    protected = protect_columns(totals)
    per_locality = tuple(
        MonitoringStages(s, loc.name, *shown)
        for (s, loc), shown in zip(localities.items(), protected, strict=True)
    )
    # Each line summed over the localities (a person counts once per locality).
    line_sums: dict[str, list[int]] = {}
    for schema in localities:
        for line, values in stored.get(schema, {}).items():
            if line:
                sums = line_sums.setdefault(line, [0] * len(_STAGES))
                for i, value in enumerate(values):
                    sums[i] += value
    city_total = [sum(values[i] for values in totals) for i in range(len(_STAGES))]
    return MonitoringPanels(
        coverage=city,
        coverage_localities=coverage_rows,
        localities_met=sum(r.is_met for r in coverage_rows),
        funnel=MonitoringStages("", "Bogotá", *_hidden(city_total)),
        funnel_lines=_line_stages(line_sums),
        funnel_localities=per_locality if any(map(any, totals)) else (),
    )


def _coverage_rows(localities: dict[str, LocalityData]) -> dict[str, CoverageRow]:
    """Each locality's row; one with no workshop yet shows 0 of its barrios
    (from the reference list, no query)."""
    stored = {
        row.schema_name: row
        for row in LocalityBarrioCoverage.objects.filter(
            schema_name__in=list(localities)
        )
    }
    rows = {}
    for schema, locality in localities.items():
        row = stored.get(schema)
        total = (
            row.total
            if row
            else monitoring_api.barrio_total(code=locality.code, slug=locality.slug)
        )
        if not total:
            continue  # a site with no barrios (not one of the 20 localities)
        rows[schema] = CoverageRow(
            schema,
            locality.name,
            row.reached if row else 0,
            total,
            row.workshops if row else 0,
        )
    return rows


def _funnel_rows(schema: str) -> dict[str, dict[str, list[int]]]:
    """schema → line → stage counts, from the public table (one query)."""
    rows = LocalityMonitoringFunnel.objects.all()
    if schema:
        rows = rows.filter(schema_name=schema)
    stored: dict[str, dict[str, list[int]]] = {}
    for row in rows:
        stored.setdefault(row.schema_name, {})[row.line] = [
            getattr(row, stage) for stage in _STAGES
        ]
    return stored


def _line_stages(lines: dict[str, list[int]]) -> tuple[MonitoringStages, ...]:
    """One row per investment line (all five, in their order), suppressed."""
    codes = [line.value for line in monitoring_api.InvestmentLine]
    empty = [0] * len(_STAGES)
    values = [lines.get(code, empty) for code in codes]
    if not any(map(any, values)):
        return ()
    return tuple(
        MonitoringStages(code, _(monitoring_api.InvestmentLine(code).label), *shown)
        for code, shown in zip(codes, protect_columns(values), strict=True)
    )


def _hidden(values: Sequence[int]) -> list[int | None]:
    return [hide_small(v) for v in values]
