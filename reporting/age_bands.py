"""The dashboards' age groups, from the one definition in ``lms.accounts.data``.

A band's ``key`` ("14 a 27", "60 o más") is what the filter carries (links and
bookmarks keep working in any language); its label is translated for display.
Ages are counted on the day the dashboard is built, from the date of birth.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from lms.accounts.data import AGE_GROUP_SPANS, MIN_AGE

UNDER_MIN_KEY = f"Menor de {MIN_AGE}"


@dataclass(frozen=True, slots=True)
class AgeBand:
    key: str
    youngest: int
    oldest: int | None  # None: no upper limit

    @property
    def label(self) -> str:
        if self.oldest is None:
            return _("%(youngest)s o más") % {"youngest": self.youngest}
        return _("%(youngest)s a %(oldest)s") % {
            "youngest": self.youngest,
            "oldest": self.oldest,
        }


BANDS = tuple(
    AgeBand(
        f"{youngest} o más" if oldest is None else f"{youngest} a {oldest}",
        youngest,
        oldest,
    )
    for youngest, oldest in AGE_GROUP_SPANS.values()
)
KEYS = tuple(band.key for band in BANDS)


def under_min_label() -> str:
    return _("Menor de %(age)s") % {"age": MIN_AGE}


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def birth_bounds(key: str, today: date) -> tuple[date | None, date]:
    """(born after, born on or before) for the band ``key`` on ``today``."""
    band = next(band for band in BANDS if band.key == key)
    after = years_before(today, band.oldest + 1) if band.oldest is not None else None
    return after, years_before(today, band.youngest)


def category_sql(
    column: str, today: date, *, no_data: str
) -> tuple[str, dict[str, Any]]:
    """A SQL CASE naming each person's band (translated label) from ``column``
    (a date of birth); every value is a named parameter."""
    params: dict[str, Any] = {
        "age_no_data": no_data,
        "age_under": under_min_label(),
        "age_under_born": years_before(today, MIN_AGE),
    }
    whens = [
        f"WHEN {column} IS NULL THEN %(age_no_data)s",
        f"WHEN {column} > %(age_under_born)s THEN %(age_under)s",
    ]
    for index, band in enumerate(BANDS):
        params[f"age_label_{index}"] = band.label
        if band.oldest is None:
            whens.append(f"ELSE %(age_label_{index})s")
            continue
        params[f"age_born_{index}"] = years_before(today, band.oldest + 1)
        whens.append(f"WHEN {column} > %(age_born_{index})s THEN %(age_label_{index})s")
    return "CASE " + " ".join(whens) + " END", params
