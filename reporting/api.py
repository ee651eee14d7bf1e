"""Python API of the reporting app: city-wide figures for the program dashboards.

This module only re-exports: each topic lives in its own module. Invariants:

- Figures live in public-schema tables (``reporting.models``) kept current by the
  learning core's signals (``recording``) and corrected by the nightly
  ``recount``; building a dashboard never reads a locality schema.
- A person counts once city-wide (and once in each locality where they study).
- Recording is idempotent: a replayed event changes nothing.
- Differential cells with fewer than ``MIN_CELL`` people are suppressed before a
  figure leaves the app (pages and exports get ``None``).
- Access (``access``): the city dashboard needs ``reporting.view_city_dashboard``
  at the city campus; a locality's needs ``reporting.view_locality_dashboard``
  there (or the city permission at the campus).
- Raw SQL takes named parameters only (``%(name)s``); table names come from our
  own models.
"""

from __future__ import annotations

from . import access, dashboards, errors, profiles, recording, recounting, targets
from .access import *  # noqa: F403
from .age_bands import BANDS as AGE_BANDS
from .breakdowns import gender_choices
from .dashboards import *  # noqa: F403
from .data import MIN_CELL, Filters
from .errors import *  # noqa: F403
from .monitoring_panels import build_monitoring_panels
from .profiles import *  # noqa: F403
from .recording import *  # noqa: F403
from .recounting import *  # noqa: F403
from .targets import *  # noqa: F403

__all__: list[str] = [
    "AGE_BANDS",
    "MIN_CELL",
    "Filters",
    "build_monitoring_panels",
    "gender_choices",
]
__all__ += recording.__all__  # the localities' events, recorded idempotently
__all__ += profiles.__all__  # what the breakdowns know about each person
__all__ += targets.__all__  # the city's and each locality's target
__all__ += access.__all__  # who may see which dashboard
__all__ += dashboards.__all__  # building (and caching) a dashboard
__all__ += recounting.__all__  # the nightly recount and its drift
__all__ += errors.__all__  # errors with Spanish messages
