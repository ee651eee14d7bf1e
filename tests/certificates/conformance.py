"""Independent checks the certificate tests share.

- ``validate_ob3``: the 1EdTech Open Badges 3.0 JSON schema (``jsonschema``),
  both as published (JSON-LD adaptation) and with ``proof`` narrowed to the
  array-only form of the formal schema (see ``schemas/README.md``).
- ``independent_verify``: Digital Bazaar's eddsa-rdfc-2022 verifier in Node
  (``certificates/verifier/verify.mjs``), fed the issuer profile and status list
  as this site publishes them.
- ``independent_canonicalize``: jsonld.js + rdf-canonize (RDFC-1.0) in Node.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from certificates import documents

VERIFIER = Path(__file__).resolve().parents[2] / "certificates" / "verifier"
SCHEMA = Path(__file__).resolve().parent / "schemas"
ISSUER = "http://kennedy.test/certificados/emisor/"
STATUS_LIST = "http://kennedy.test/certificados/estado/"


@cache
def _validators() -> tuple[jsonschema.Draft201909Validator, ...]:
    schema = json.loads(
        (SCHEMA / "ob_v3p0_achievementcredential_schema.json").read_text("utf-8")
    )
    formal = copy.deepcopy(schema)
    formal["properties"]["proof"] = {
        "type": "array",
        "items": {"$ref": "#/$defs/Proof"},
    }
    checker = jsonschema.Draft201909Validator.FORMAT_CHECKER
    return tuple(
        jsonschema.Draft201909Validator(s, format_checker=checker)
        for s in (schema, formal)
    )


def ob3_errors(credential: dict[str, Any]) -> list[str]:
    """Schema violations of an OpenBadgeCredential (both schema forms), as text."""
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(raíz)'}: {error.message[:300]}"
        for validator in _validators()
        for error in validator.iter_errors(credential)
    ]


def validate_ob3(credential: dict[str, Any]) -> None:
    errors = ob3_errors(credential)
    assert not errors, "La credencial no cumple el esquema OB 3.0:\n" + "\n".join(
        errors
    )


def _node(script: str, payload: dict[str, Any]) -> dict[str, Any]:
    if shutil.which("node") is None or not (VERIFIER / "node_modules").exists():
        pytest.fail(
            "Falta el verificador independiente: ejecute `make verifier` (npm ci en "
            "certificates/verifier)."
        )
    run = subprocess.run(
        ["node", script],
        cwd=VERIFIER,
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def published(client, url: str) -> dict[str, Any]:
    path = url.split("kennedy.test", 1)[1]
    response = client.get(path)
    assert response.status_code == 200, path
    return json.loads(response.content)


def independent_verify(client, credential: dict[str, Any] | list[dict[str, Any]]):
    """The Node verifier's verdict on one credential (or a list, in one run)."""
    documents = {
        ISSUER: published(client, ISSUER),
        STATUS_LIST: published(client, STATUS_LIST),
    }
    if isinstance(credential, list):
        return _node("verify.mjs", {"credentials": credential, "documents": documents})[
            "results"
        ]
    return _node("verify.mjs", {"credential": credential, "documents": documents})


def independent_canonicalize(documents: list[dict[str, Any]]) -> list[str]:
    """RDFC-1.0 N-Quads of each document by jsonld.js + rdf-canonize."""
    return _node("canonize.mjs", {"documents": documents})["nquads"]


def independent_canonicalize_nquads(text: str) -> str:
    """RDFC-1.0 of an N-Quads dataset by rdf-canonize (via jsonld.js)."""
    return _node("canonize.mjs", {"datasets": [text]})["datasets"][0]


def unsigned_credential(text: str = "", *, status_index: int = 7) -> dict[str, Any]:
    """An unsigned OB 3.0 credential with ``text`` inside the name and the title."""
    return documents.build_credential(
        domain="kennedy.test",
        locality_name="Kennedy",
        uuid="2b8c5e3a-0000-4000-8000-000000000001",
        code="KENNEDY-2345-6789",
        holder_name=f"Ana{text}María Pérez",
        document_type="CC",
        document_last_digits="5678",
        course_key="control-social",
        course_version=1,
        course_title=f"Control{text}social",
        hours=Decimal("12.5"),
        completed_at=datetime(2026, 11, 20, tzinfo=UTC),
        issued_at=datetime(2026, 11, 21, tzinfo=UTC),
        status_index=status_index,
    )
