"""Values the tenancy layer hands to other apps (stdlib only).

Also the one plain-text rule every app that stores text shown on a credential
shares (``control_characters``): locality names (here), people's names
(``lms.accounts``), course titles (``courses``) and the certificate signer all
apply it, and only the floor of the import DAG can be imported by all of them.
Control characters are invisible, carry no meaning in a name or a title, and a
credential that contains one verifies only where the canonicalizer escapes it
exactly as RDFC-1.0 says (many did not).
"""

from __future__ import annotations

import re
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


# C0 controls and DEL. Tab, newline and carriage return are controls too: a
# one-line text (a name, a title) has no use for them either.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def control_characters(text: str) -> list[str]:
    """The control characters in ``text`` as ``U+XXXX``, in order, without repeats."""
    found: list[str] = []
    for char in _CONTROL.findall(text or ""):
        code = f"U+{ord(char):04X}"
        if code not in found:
            found.append(code)
    return found
