"""The requirements as a DIF Presentation Exchange v2 definition, checked by an
independent evaluator (Sphereon PEX, participation/pex_check) against one of our
own signed Open Badges 3.0 credentials."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from certificates import api as certificates_api
from participation import api
from tenants import api as tenants_api

PEX = Path(__file__).resolve().parents[2] / "participation" / "pex_check"


def _evaluate(definition: dict, credentials: list[dict]) -> dict:
    if shutil.which("node") is None or not (PEX / "node_modules").exists():
        pytest.skip("Falta el evaluador PEX: corra `make pex-check`.")
    done = subprocess.run(
        ["node", "evaluate.mjs"],
        cwd=PEX,
        input=json.dumps({"definition": definition, "credentials": credentials}),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


def test_our_certificate_satisfies_the_role_definition_and_others_do_not(
    make_role, person, client_a
):
    role = make_role()
    holder = person()
    response = client_a.get(f"/participacion/roles/{role.role_id}/requisitos")
    assert response.status_code == 200
    definition = response.json()["presentation_definition"]
    with tenants_api.in_locality("test_kennedy"):
        [certificate] = certificates_api.list_certificates_for_person(holder.pk)
        credential = certificates_api.certificate_credential(
            certificate.uuid, user_id=holder.pk
        )
    verdict = _evaluate(definition, [credential])
    assert verdict["definitionErrors"] == []
    assert verdict["areRequiredCredentialsPresent"] == "info", verdict
    assert verdict["matches"] == ["certificado-pp"]

    # The credential of another course does not satisfy it.
    other = json.loads(json.dumps(credential))
    other["credentialSubject"]["achievement"]["id"] = other["credentialSubject"][
        "achievement"
    ]["id"].replace("/cursos/pp/", "/cursos/otro-curso/")
    refused = _evaluate(definition, [other])
    assert refused["areRequiredCredentialsPresent"] == "error"
    assert api.presentation_definition(role, site_url="http://x")["input_descriptors"]
