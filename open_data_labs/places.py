"""Recognising Bogotá's 20 localities, and totals, in the way files write them.

Files write "Antonio Nariño", "ANTONIO_NARINO", "1 - Usaquén", "LA CANDELARIA" or
"CANDELARIA": names are compared without accents, case, underscores, a leading
code or article ("La", "Los"). The list comes from the reference the platform
ships (``tenants/data/bogota-localidades.csv``, through ``tenants.api``), never
from a file read at run time elsewhere.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from tenants import api as tenants_api
from tenants.data import LocalityKind

__all__ = ["is_total", "locality_name", "normal_place", "official_localities"]

_TOTAL = re.compile(
    r"^(sub)?total\b|\btotal$|^bogota( d ?c)?$|^consolidado\b|^gran total\b"
)


def normal_place(text: str) -> str:
    """Upper-case ASCII words of a place name, without a leading code or article."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    plain = re.sub(r"[^A-Za-z0-9]+", " ", plain).strip().upper()
    plain = re.sub(r"^\d+\s*", "", plain)
    plain = re.sub(r"^LOCALIDAD( DE)?\s+", "", plain)
    return re.sub(r"^(LA|LOS|LAS|EL)\s+", "", plain)


@functools.cache
def official_localities() -> dict[str, str]:
    """Normalised name → official name, for the 20 localities of the reference."""
    return {
        normal_place(spec.name): spec.name
        for spec in tenants_api.read_reference_localities()
        if spec.kind == LocalityKind.LOCALITY
    }


def locality_name(text: str) -> str | None:
    """The official name of the locality ``text`` names, or None."""
    return official_localities().get(normal_place(text))


def is_total(text: str) -> bool:
    """Whether a place or column name reads as a total ("TOTAL", "Total Bogotá")."""
    return bool(_TOTAL.search(normal_place(text).lower()))
