"""What the public list of a locality's projects reads: its filters, one page of
projects and the UPZ map with the number of projects in each UPZ.

Reached only through ``monitoring.api``. A locality has hundreds of projects
and thousands of reports, and a visitor reads 50 at a time, so the database
sorts and cuts the page, and only that page's projects are read with their
latest observation (three queries whatever the size: how many, the page, and
the count per UPZ). Filters are cleaned here, once: an unknown value is
dropped, so a stale or made-up address shows every project, and the kept copies
of the page (``public_cache``) are keyed by a handful of real values only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, QuerySet, Value, When

from tenants import api as tenants_api

from .data import InvestmentLine, ProjectData, ProjectPage, ProjectStatus
from .models import InvestmentProject
from .projects import to_data, with_observation
from .reference import NotALocality, places_of
from .upz_map import locality_shapes

PAGE_SIZE = 50
# Fill classes of the map, from no project (0) to the most (4).
MAP_CLASSES = 4


@dataclass(frozen=True, slots=True)
class ListFilters:
    """The public list's filters, each a known value or None."""

    line: str | None
    status: str | None
    upz: str | None

    def query(self, **changes: str | None) -> str:
        """These filters as a query string (``linea=…&estado=…&upz=…&``), ready
        to be followed by the page number, with ``changes`` applied."""
        values = {"linea": self.line, "estado": self.status, "upz": self.upz}
        values.update(changes)
        return "".join(f"{key}={value}&" for key, value in values.items() if value)


@dataclass(frozen=True, slots=True)
class MappedUpz:
    """A UPZ on the map and in its table: shape, projects, whether chosen."""

    code: str
    name: str
    path: str
    label_x: int
    label_y: int
    projects: int
    fill_class: int
    is_selected: bool


@dataclass(frozen=True, slots=True)
class UpzMap:
    width: int
    height: int
    outline: str
    upz: tuple[MappedUpz, ...]
    # (class, lowest, highest) of each fill class with projects, for the legend.
    legend: tuple[tuple[int, int, int], ...]
    # UPZ with projects that the boundary files do not draw (none expected).
    undrawn: tuple[tuple[str, str, int], ...]


def clean_filters(line: Any, status: Any, upz: Any) -> ListFilters:
    """Keep only filter values that exist (codes as the addresses carry them)."""
    try:
        upz_codes = places_of(tenants_api.current_schema()).upz
    except (NotALocality, tenants_api.LocalityNotFound):
        upz_codes = {}
    upz_code = str(upz or "").strip().upper()
    return ListFilters(
        line=line if line in InvestmentLine._value2member_map_ else None,
        status=status if status in ProjectStatus._value2member_map_ else None,
        upz=upz_code if upz_code in upz_codes else None,
    )


def _filtered(filters: ListFilters, *, with_upz: bool = True) -> QuerySet:
    queryset = InvestmentProject.objects.all()
    if filters.line:
        queryset = queryset.filter(line=filters.line)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if with_upz and filters.upz:
        queryset = queryset.filter(upz_code=filters.upz)
    return queryset


def line_order() -> Case:
    """The lines in their official order (1 to 5), as SQL."""
    return Case(
        *(
            When(line=line.value, then=Value(n))
            for n, line in enumerate(InvestmentLine)
        ),
        default=Value(len(InvestmentLine)),
        output_field=IntegerField(),
    )


def page_of_projects(filters: ListFilters, number: Any) -> ProjectPage:
    """One page (``PAGE_SIZE``) of the filtered projects, lines in their order
    then by code. A number that is not one gives the first page, one past the
    end the last (as ``Paginator.get_page``)."""
    ordered = with_observation(_filtered(filters)).order_by(line_order(), "code")
    # Two queries: the count (Django leaves the observation out of it) and the
    # page, whose observation subqueries PostgreSQL runs after the LIMIT.
    pages = Paginator(ordered, PAGE_SIZE).get_page(number)
    projects: list[ProjectData] = [to_data(p) for p in pages.object_list]
    return ProjectPage(
        projects=projects,
        total=pages.paginator.count,
        line=InvestmentLine(filters.line) if filters.line else None,
        status=ProjectStatus(filters.status) if filters.status else None,
        upz=filters.upz,
        number=pages.number,
        num_pages=pages.paginator.num_pages,
    )


def count_projects_by_upz(filters: ListFilters) -> dict[str, int]:
    """How many of the filtered projects (by line and status, not by UPZ) each
    UPZ has; UPZ without projects are absent."""
    return dict(
        _filtered(filters, with_upz=False)
        .order_by()
        .values_list("upz_code")
        .annotate(n=Count("pk"))
        .values_list("upz_code", "n")
    )


def upz_map(filters: ListFilters) -> UpzMap | None:
    """The locality's UPZ with their number of projects (filtered by line and
    status) and the chosen UPZ marked; None on the campus or without shapes."""
    try:
        places = places_of(tenants_api.current_schema())
    except (NotALocality, tenants_api.LocalityNotFound):
        return None
    shapes = locality_shapes(places.code)
    if shapes is None:
        return None
    counts = count_projects_by_upz(filters)
    bounds = _class_bounds(max(counts.values(), default=0))
    mapped = [
        MappedUpz(
            code=shape.code,
            name=shape.name,
            path=shape.path,
            label_x=shape.label_x,
            label_y=shape.label_y,
            projects=counts.get(shape.code, 0),
            fill_class=_fill_class(counts.get(shape.code, 0), bounds),
            is_selected=shape.code == filters.upz,
        )
        for shape in shapes.upz
    ]
    drawn = {shape.code for shape in shapes.upz}
    return UpzMap(
        width=shapes.width,
        height=shapes.height,
        outline=shapes.outline,
        # The chosen UPZ last: SVG paints in order, so its border is on top.
        upz=tuple(sorted(mapped, key=lambda u: u.is_selected)),
        legend=tuple(bounds),
        undrawn=tuple(
            (code, places.upz[code].name if code in places.upz else code, n)
            for code, n in sorted(counts.items())
            if code not in drawn
        ),
    )


def _class_bounds(most: int) -> list[tuple[int, int, int]]:
    """(class, lowest, highest): ranges of equal width from 1 to ``most``, the
    highest always in the darkest class (with 2 projects at most, 1 and 2 take
    the two darkest)."""
    if most <= 0:
        return []
    step = -(-most // MAP_CLASSES)  # ceiling division
    ranges = [(low, min(most, low + step - 1)) for low in range(1, most + 1, step)]
    first = MAP_CLASSES - len(ranges) + 1
    return [(first + n, low, high) for n, (low, high) in enumerate(ranges)]


def _fill_class(projects: int, bounds: list[tuple[int, int, int]]) -> int:
    for fill_class, low, high in bounds:
        if low <= projects <= high:
            return fill_class
    return 0


def locality_upz() -> list[tuple[str, str]]:
    """The active locality's UPZ as (code, name), by name: the list's choices."""
    try:
        places = places_of(tenants_api.current_schema())
    except (NotALocality, tenants_api.LocalityNotFound):
        return []
    return sorted(
        ((code, place.name) for code, place in places.upz.items()),
        key=lambda item: item[1],
    )
