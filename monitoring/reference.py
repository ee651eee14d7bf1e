"""The official UPZ and cadastral-sector lists, read once per process.

Copies of ``shared/reference/bogota-upz.csv`` and
``bogota-sectores-catastrales.csv`` ship in ``monitoring/data/`` (as
``tenants/data/`` ships the localities), so the site never reads outside its
own package. Source: UAECD; SDP/IDECA, via Datos Abiertos Bogotá.

"Barrio" here is the cadastre's sector (``barrio_code``): names repeat inside
a locality, codes do not.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext_lazy

from tenants import api as tenants_api

_DATA = Path(__file__).resolve().parent / "data"
SOURCE_CREDIT = gettext_lazy("Fuente: UAECD; SDP/IDECA, vía Datos Abiertos Bogotá")


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    name: str
    upz_code: str  # for a barrio, the UPZ it lies in; for a UPZ, itself


@dataclass(frozen=True, slots=True)
class LocalityPlaces:
    code: int
    name: str
    upz: dict[str, Place]
    barrios: dict[str, Place]


class NotALocality(LookupError):
    """The active schema is not one of the 20 localities (the campus, say)."""


@cache
def _all_places() -> dict[int, LocalityPlaces]:
    places: dict[int, LocalityPlaces] = {}
    with (_DATA / "bogota-upz.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = int(row["locality_code"])
            locality = places.setdefault(
                code, LocalityPlaces(code, row["locality_name"], {}, {})
            )
            upz = row["upz_code"].strip().upper()
            locality.upz[upz] = Place(upz, place_name(row["upz_name"]), upz)
    sectors = _DATA / "bogota-sectores-catastrales.csv"
    with sectors.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            locality = places[int(row["locality_code"])]
            barrio = row["barrio_code"].strip()
            name = row["barrio_name_accented_2019"].strip() or row["barrio_name"]
            locality.barrios[barrio] = Place(
                barrio, place_name(name), row["upz_code"].strip().upper()
            )
    return places


_SMALL_WORDS = {"de", "del", "la", "las", "los", "el", "y", "e", "en"}


def place_name(upper: str) -> str:
    """«CIUDAD DE CALI» → «Ciudad de Cali»; the first word keeps its capital."""
    words = upper.strip().lower().split()
    return " ".join(
        w if i and w in _SMALL_WORDS else w[:1].upper() + w[1:]
        for i, w in enumerate(words)
    )


@cache
def _code_for_slug(slug: str) -> int | None:
    for spec in tenants_api.read_reference_localities():
        if spec.slug == slug:
            return spec.code
    return None


def places_of(schema_name: str) -> LocalityPlaces:
    """UPZ and barrios of the locality that owns ``schema_name``.

    A locality is matched by its official code, or by its slug when the code is
    not recorded (as in the test localities). The campus has no places.
    """
    # A schema's locality never changes: remember it, so a list page does not
    # ask the public schema once per project.
    if schema_name not in _codes_by_schema:
        locality = tenants_api.get_locality(schema_name)
        _codes_by_schema[schema_name] = locality.code or _code_for_slug(locality.slug)
    code = _codes_by_schema[schema_name]
    if code is None or code not in _all_places():
        raise NotALocality(schema_name)
    return _all_places()[code]


_codes_by_schema: dict[str, int | None] = {}


def barrio_total(*, code: int | None, slug: str) -> int:
    """How many barrios (cadastral sectors) a locality has, by its official code
    or else its slug, with no query (0 for the campus or an unknown one)."""
    code = code or _code_for_slug(slug)
    locality = _all_places().get(code) if code is not None else None
    return len(locality.barrios) if locality else 0


def find_locality_of_upz(upz_code: str) -> str | None:
    """Name of the locality a UPZ belongs to, to explain a wrong-locality code."""
    for locality in _all_places().values():
        if upz_code in locality.upz:
            return locality.name
    return None


def find_locality_of_barrio(barrio_code: str) -> str | None:
    for locality in _all_places().values():
        if barrio_code in locality.barrios:
            return locality.name
    return None
