"""Values the reporting app hands out (stdlib only, and the accounts' stdlib-only
values it shares)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# Cells with fewer people than this are suppressed in pages and exports: the
# platform's one threshold, defined with the people it protects.
from lms.accounts.data import MIN_CELL as MIN_CELL

DEFAULT_CITY_TARGET = 50_000


@dataclass(frozen=True, slots=True)
class TargetData:
    schema_name: str  # empty for the city
    people: int
    target_date: date | None
    is_default: bool


@dataclass(frozen=True, slots=True)
class Figures:
    """Unique people at each stage (None: not known yet, see the page's note)."""

    registered: int | None
    enrolled: int
    active_30d: int
    completed: int
    certified: int
    in_role: int


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a table: a locality, a course or a learning path."""

    key: str
    label: str
    enrolled: int
    completed: int
    certified: int
    active_30d: int | None = None
    target: int | None = None
    progress: float | None = None  # completed / target, 0..1+ (None: no target)


@dataclass(frozen=True, slots=True)
class WeekPoint:
    week: date  # Monday
    new_enrolled: int
    new_completed: int
    cumulative_enrolled: int
    cumulative_completed: int


@dataclass(frozen=True, slots=True)
class Cell:
    category: str
    enrolled: int | None  # None: suppressed (fewer than MIN_CELL people)
    completed: int | None
    certified: int | None


@dataclass(frozen=True, slots=True)
class Breakdown:
    key: str
    title: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class CivicStages:
    """From certificate to civic role, in a locality or the city: people
    certified, eligible for a role, who applied, selected and in a role whose
    service has started (None: suppressed, fewer than MIN_CELL people)."""

    key: str  # a locality's schema name, or "city"
    label: str
    certified: int | None
    eligible: int | None
    applied: int | None
    selected: int | None
    in_role: int | None


@dataclass(frozen=True, slots=True)
class CivicCell:
    """People of one category at each civic stage (None: suppressed)."""

    category: str
    eligible: int | None
    applied: int | None
    selected: int | None
    in_role: int | None


@dataclass(frozen=True, slots=True)
class CivicBreakdown:
    """The civic funnel by role, investment line or a population group."""

    key: str
    title: str
    cells: tuple[CivicCell, ...]


@dataclass(frozen=True, slots=True)
class Forecast:
    weekly_rate: float
    reached_on: date | None
    message: str


@dataclass(frozen=True, slots=True)
class Filters:
    course_key: str = ""
    gender: str = ""
    age_group: str = ""

    def is_empty(self) -> bool:
        return not (self.course_key or self.gender or self.age_group)


@dataclass(frozen=True, slots=True)
class Dashboard:
    scope: str  # "city" or a locality's schema name
    scope_name: str
    today: date
    filters: Filters
    figures: Figures
    target: TargetData | None
    forecast: Forecast | None
    localities: tuple[Row, ...]
    courses: tuple[Row, ...]
    paths: tuple[Row, ...]
    weeks: tuple[WeekPoint, ...]
    breakdowns: tuple[Breakdown, ...]
    notes: tuple[str, ...] = field(default=())
    has_data: bool = True
    # The civic funnel (None with filters: roles are not broken down by them).
    civic: CivicStages | None = None
    civic_localities: tuple[CivicStages, ...] = ()  # the city's, per locality
    civic_breakdowns: tuple[CivicBreakdown, ...] = ()
    built_at: datetime | None = None  # when these figures were computed
    course_label: str = ""  # the chosen course's title (filters.course_key)


@dataclass(frozen=True, slots=True)
class RecountResult:
    schemas: tuple[str, ...]
    seconds: float
    drift: dict[str, int]
    finished_at: datetime
