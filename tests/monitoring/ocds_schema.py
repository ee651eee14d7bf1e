"""The OCDS 1.1 release-package schema, for validating the export in tests.

No PyPI package installs the published schema as package data (ocdskit and
libcoveocds fetch it from the standard's website at run time, which this
machine cannot reach). ocdskit's source distribution, on PyPI, ships the
published schema files unchanged among its test fixtures: the 1.1.5
release-package schema and the 1.1.2 release schema (the core, no
extensions). They are fetched once with pip (the ordinary client), checked
against pinned SHA-256 sums and kept in ``.data/ocds``. The package schema's
``$ref`` to the 1.1.5 release schema is served the 1.1.2 one (same major and
minor version, OCDS 1.1); the validation is the maintained ``jsonschema``.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

OCDSKIT = "ocdskit==1.7.0"
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
    kept = Path(settings.DATA_DIR) / "ocds" / name
    if not kept.exists() or _sha256(kept.read_bytes()) != FILES[name]:
        kept.parent.mkdir(parents=True, exist_ok=True)
        for fetched, content in _from_pypi().items():
            (kept.parent / fetched).write_bytes(content)
    return json.loads(kept.read_text(encoding="utf-8"))


def _from_pypi() -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--no-binary",
                ":all:",
                OCDSKIT,
                "-d",
                folder,
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"No se pudo descargar {OCDSKIT} de PyPI para leer el esquema OCDS:\n"
                f"{done.stderr}"
            )
        (archive,) = Path(folder).glob("ocdskit-*.tar.gz")
        found = {}
        with tarfile.open(archive) as tar:
            for name, sha256 in FILES.items():
                member = tar.extractfile(f"ocdskit-1.7.0/tests/fixtures/{name}")
                assert member is not None, name
                content = member.read()
                if _sha256(content) != sha256:
                    raise RuntimeError(f"{name} de {OCDSKIT} no es el esperado.")
                found[name] = content
    return found


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
