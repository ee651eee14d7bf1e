"""The signed Open Badges 3.0 credential: our verifier and an independent one.

The independent verifier is Digital Bazaar's eddsa-rdfc-2022 implementation in
Node (certificates/verifier/verify.mjs), with its own copies of the JSON-LD
contexts and a loader that never touches the network. It gets the issuer profile
and the status list as this site publishes them (through the test client).
"""

from __future__ import annotations

import copy
import json

import pytest

from certificates import api

from .conformance import independent_verify


def _credential(client, holder, cert) -> dict:
    client.force_login(holder)
    response = client.get(f"/certificados/{cert.uuid}/credencial.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    return json.loads(response.content)


def _independent_verify(client, credential: dict) -> dict:
    return independent_verify(client, credential)


def test_round_trip_our_verifier(certificate, client_a, holder):
    credential = _credential(client_a, holder, certificate)

    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    result = api.verify_credential(credential)
    assert result.is_valid, result.reason
    assert result.certificate.code == certificate.code


def test_independent_implementation_verifies_it(certificate, client_a, holder):
    credential = _credential(client_a, holder, certificate)

    result = _independent_verify(client_a, credential)

    assert result == {"verified": True, "revoked": False, "errors": []}


def test_independent_implementation_rejects_one_altered_character(
    certificate, client_a, holder
):
    credential = _credential(client_a, holder, certificate)
    altered = copy.deepcopy(credential)
    name = altered["credentialSubject"]["identifier"][0]["identityHash"]
    altered["credentialSubject"]["identifier"][0]["identityHash"] = "B" + name[1:]

    result = _independent_verify(client_a, altered)

    assert result["verified"] is False
    assert any("signature" in error.lower() for error in result["errors"]), result


def test_independent_implementation_sees_revocation(certificate, client_a, holder):
    credential = _credential(client_a, holder, certificate)
    api.revoke_certificate(certificate.code, reason="Error en el nombre")

    result = _independent_verify(client_a, credential)

    assert result["verified"] is False
    assert result["revoked"] is True


def test_one_character_altered_fails(certificate, client_a, holder):
    credential = _credential(client_a, holder, certificate)
    text = json.dumps(credential, ensure_ascii=False)
    altered = text.replace("Presupuestos", "Presupuestoz", 1)
    assert altered != text

    result = api.verify_credential(altered)

    assert not result.is_valid
    assert "alterada" in result.reason


def test_wrong_signature_fails(certificate, client_a, holder):
    credential = _credential(client_a, holder, certificate)
    value = credential["proof"][0]["proofValue"]
    credential["proof"][0]["proofValue"] = value[:-2] + (
        "11" if value[-2:] != "11" else "22"
    )

    result = api.verify_credential(credential)

    assert not result.is_valid
    assert "firma" in result.reason


@pytest.mark.parametrize(
    "document",
    [
        "esto no es json",
        "[]",
        "{}",
        b"\xff\xfe",
        json.dumps({"@context": ["https://evil.example/ctx"], "issuer": "x"}),
        "[" * 5000 + "]" * 5000,
    ],
)
def test_bad_input_is_not_valid_and_never_crashes(in_town_a, document):
    result = api.verify_credential(document)

    assert not result.is_valid
    assert result.reason


def test_forged_context_is_refused_without_network(certificate, client_a, holder):
    credential = _credential(client_a, holder, certificate)
    credential["@context"].append("https://evil.example/contexto.json")

    result = api.verify_credential(credential)

    assert not result.is_valid
    assert "contexto" in result.reason


def test_credential_from_another_locality_is_not_valid_here(
    certificate, client_a, client_b, holder
):
    credential = _credential(client_a, holder, certificate)

    response = client_b.post(
        "/certificados/verificar-credencial/", {"credencial": json.dumps(credential)}
    )

    assert response.status_code == 200
    assert "no fue emitida por esta localidad" in response.content.decode()
