"""What the nightly recount reads inside one locality's schema.

The only module of the reporting app that reads locality data, and only the
recount and the role events' receivers call it (pages never do). Each read goes through the owning app's
``api.py`` and answers with the same facts its signals announce, so a locality
whose events all arrived shows no drift.
"""

from __future__ import annotations

from datetime import date, datetime

from certificates import api as certificates_api
from lms.learning import api as learning_api
from monitoring import api as monitoring_api
from participation import api as participation_api

__all__ = [
    "Enrollments",
    "activity_days",
    "barrio_coverage",
    "certificates",
    "course_titles",
    "enrollments",
    "funnel_counts",
    "funnel_entries",
    "monitoring_funnel",
    "role_holders",
]

# (person, course) → (first enrolled, enrolled now, last change, completed)
Enrollments = dict[
    tuple[int, str], tuple[datetime | None, bool, datetime | None, datetime | None]
]


def activity_days(since: datetime) -> set[tuple[int, date]]:
    """(person, Bogotá day) pairs with learning activity since ``since``."""
    return learning_api.reporting_activity_days(since=since)


def certificates() -> dict[tuple[int, str], datetime]:
    """(person, course) → first issue date among certificates still valid."""
    return certificates_api.reporting_certificates()


def course_titles() -> dict[str, str]:
    """Course key → title of the courses this locality's records know."""
    return dict(learning_api.list_course_titles())


def enrollments() -> Enrollments:
    """Every person's standing in each course of the locality."""
    return dict(learning_api.reporting_enrollments())


def role_holders() -> set[int]:
    """People holding a civic role (selected) in this locality."""
    return participation_api.role_holder_ids()


def funnel_counts() -> participation_api.FunnelCounts:
    """People eligible, who applied, selected and in a role in this locality."""
    return participation_api.funnel_counts_here()


def funnel_entries() -> list[participation_api.FunnelEntry]:
    """Each person's civic stages per role of this locality (breakdowns)."""
    return participation_api.funnel_entries_here()


def barrio_coverage() -> monitoring_api.BarrioCoverage:
    """Barrios of this locality reached by collective-intelligence workshops."""
    return monitoring_api.barrio_coverage_here()


def monitoring_funnel() -> tuple[monitoring_api.FunnelLine, ...]:
    """Active in a role → reports filed → published → answered on time, per
    investment line, then the locality's row (``line`` empty)."""
    return monitoring_api.funnel_here()
