"""Values the tenancy layer hands to other apps (stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class LocalityKind(StrEnum):
    LOCALITY = "locality"
    CITY_CAMPUS = "campus"


@dataclass(frozen=True, slots=True)
class LocalityData:
    schema_name: str
    name: str
    kind: LocalityKind
    code: int | None
    slug: str
    abbreviation: str
    is_fully_rural: bool
    domain: str | None


@dataclass(frozen=True, slots=True)
class LocalitySpec:
    """What is needed to provision one locality (a row of the reference list)."""

    schema_name: str
    name: str
    slug: str
    kind: LocalityKind = LocalityKind.LOCALITY
    code: int | None = None
    abbreviation: str = ""
    is_fully_rural: bool = False


@dataclass(frozen=True, slots=True)
class ProvisionResult:
    locality: LocalityData
    created: bool
    seconds: float
