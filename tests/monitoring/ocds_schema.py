"""The OCDS 1.1 release-package schema, for validating the export in tests.

No PyPI package installs the published schema as package data (ocdskit and
libcoveocds fetch it from the standard's website at run time, which this
machine cannot reach). The published files are vendored unchanged in
``schemas/`` (their origin and sums in its README) and checked against pinned
SHA-256 sums: the 1.1.5 release-package schema and the 1.1.2 release schema
(the core, no extensions). The package schema's ``$ref`` to the 1.1.5 release
schema is served the 1.1.2 one (same major and minor version, OCDS 1.1); the
validation is the maintained ``jsonschema``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMAS = Path(__file__).parent / "schemas"
FILES = {
    "release-package-schema.json": (
        "44a9d8d66001af8e44112b45f5cc7923ee2f40f4790e816f90af1782c5885ee5"
    ),
    "release-schema.json": (
        "3194a0fd891206996df97e2ce2593e6a41f1ec8508b733afd2fe1e30d5bd9e04"
    ),
}
BASE = "https://standard.open-contracting.org/schema/1__1__5/"


def release_package_validator() -> Draft4Validator:
    package = _load("release-package-schema.json")
    release = _load("release-schema.json")
    assert package["id"] == f"{BASE}release-package-schema.json"
    resource = Resource.from_contents(release, default_specification=DRAFT4)
    registry = Registry().with_resources(
        [(f"{BASE}release-schema.json", resource), (release["id"], resource)]
    )
    return Draft4Validator(package, registry=registry, format_checker=FormatChecker())


def _load(name: str) -> dict:
    content = (SCHEMAS / name).read_bytes()
    assert _sha256(content) == FILES[name], f"{name} no es el archivo publicado."
    return json.loads(content.decode("utf-8"))


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
