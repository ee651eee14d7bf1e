"""Proof forms and the 1EdTech Open Badges 3.0 schema.

We issue ``proof`` as a one-element array (what the 1EdTech schema and validator
accept); W3C VC 2.0 also allows a single object, so every verifier here must
accept both. The conftest checks every credential the tests sign against the
schema; these tests make the rules explicit.
"""

from __future__ import annotations

import copy
import json

import pytest

from certificates import api, documents, signing

from .conformance import independent_verify, ob3_errors, unsigned_credential


def _credential(client, holder, certificate) -> dict:
    client.force_login(holder)
    response = client.get(f"/certificados/{certificate.uuid}/credencial.json")
    assert response.status_code == 200
    return json.loads(response.content)


def _as_object(credential: dict) -> dict:
    single = copy.deepcopy(credential)
    [single["proof"]] = single["proof"]
    return single


def test_issued_credential_meets_the_ob3_schema_with_proof_array(
    certificate, client_a, holder
):
    credential = _credential(client_a, holder, certificate)

    assert isinstance(credential["proof"], list)
    assert len(credential["proof"]) == 1
    assert ob3_errors(credential) == []


def test_formal_schema_form_refuses_a_single_proof_object(
    certificate, client_a, holder
):
    errors = ob3_errors(_as_object(_credential(client_a, holder, certificate)))

    assert len(errors) == 1
    assert errors[0].startswith("proof:")


def test_our_verifier_accepts_both_proof_forms(certificate, client_a, holder):
    credential = _credential(client_a, holder, certificate)

    as_array = api.verify_credential(credential)
    as_object = api.verify_credential(_as_object(credential))

    assert as_array.is_valid, as_array.reason
    assert as_object.is_valid, as_object.reason


def test_our_verifier_refuses_two_proofs_or_none(certificate, client_a, holder):
    credential = _credential(client_a, holder, certificate)
    doubled = copy.deepcopy(credential)
    doubled["proof"] = credential["proof"] * 2
    empty = copy.deepcopy(credential)
    empty["proof"] = []

    for document in (doubled, empty):
        result = api.verify_credential(document)
        assert not result.is_valid
        assert "una sola" in result.reason


def test_verification_page_accepts_both_proof_forms(certificate, client_a, holder):
    credential = _credential(client_a, holder, certificate)

    for document in (credential, _as_object(credential)):
        page = client_a.post(
            "/certificados/verificar-credencial/",
            {"credencial": json.dumps(document, ensure_ascii=False)},
        )
        assert "Credencial válida" in page.content.decode()


def test_independent_verifier_accepts_both_proof_forms(certificate, client_a, holder):
    credential = _credential(client_a, holder, certificate)

    results = independent_verify(client_a, [credential, _as_object(credential)])

    assert results == [{"verified": True, "revoked": False, "errors": []}] * 2


def test_conftest_checks_every_signed_badge_against_the_schema(in_town_a):
    broken = unsigned_credential("")
    del broken["validFrom"]  # required by the OB 3.0 schema

    with pytest.raises(AssertionError, match="validFrom"):
        signing.sign(
            broken,
            controller=documents.issuer_url("kennedy.test"),
            created="2026-11-21T00:00:00Z",
        )
