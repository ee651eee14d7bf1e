"""RDFC-1.0 canonical N-Quads: the W3C escaping case and an independent canonicalizer.

Before, pyld's serializer wrote control characters raw (only tab, newline and
carriage return were escaped), so a credential with one got a signature every
conforming verifier rejects. These tests pin the canonical escaping three ways:
the W3C rdf-canon test060 literals, byte-for-byte agreement with Digital
Bazaar's rdf-canonize on credentials with each control character, and the Node
verifier accepting credentials signed with each one.
"""

from __future__ import annotations

import codecs
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pyld import jsonld

from certificates import api, canonical, documents, signing
from tenants import api as tenants_api

from .conformance import (
    independent_canonicalize,
    independent_canonicalize_nquads,
    independent_verify,
    unsigned_credential,
)

RDF_CANON = Path(__file__).resolve().parent / "rdf_canon"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# Every C0 control character and DEL: what RDFC-1.0 escapes in a literal.
CONTROL = [chr(code) for code in [*range(0x20), 0x7F]]
_LINE = re.compile(r'^<([^>]*)> <([^>]*)> "(.*)" \.$')


def _w3c_dataset(name: str) -> dict:
    """The vendored test060 literal quads as a pyld dataset (ASCII input only)."""
    triples = []
    for line in (RDF_CANON / name).read_text("utf-8").splitlines():
        subject, predicate, literal = _LINE.match(line).groups()
        triples.append(
            {
                "subject": {"type": "IRI", "value": subject},
                "predicate": {"type": "IRI", "value": predicate},
                "object": {
                    "type": "literal",
                    "value": codecs.decode(literal, "unicode_escape"),
                    "datatype": XSD_STRING,
                },
            }
        )
    return {"@default": triples}


def test_w3c_rdf_canon_test060_literal_escaping():
    expected = (RDF_CANON / "test060-literals-rdfc10.nq").read_text("utf-8")

    ours = canonical.canonicalize_dataset(_w3c_dataset("test060-literals-in.nq"))
    theirs = independent_canonicalize_nquads(
        (RDF_CANON / "test060-literals-in.nq").read_text("utf-8")
    )

    assert ours == expected
    assert theirs == expected  # rdf-canonize reads the same expectation


def test_same_canonical_form_as_rdf_canonize_for_every_control_character(
    in_town_a,
):
    # The character sits in blank-node literals (the holder's name) and in a
    # named node's literal (the achievement): both the blank-node labels and the
    # output must agree.
    credentials = [unsigned_credential(char) for char in CONTROL]

    ours = [signing.canonicalize(credential) for credential in credentials]
    theirs = independent_canonicalize(credentials)

    for char, mine, reference in zip(CONTROL, ours, theirs, strict=True):
        assert mine == reference, f"U+{ord(char):04X}"


def test_processed_contexts_are_kept_and_change_no_quad(in_town_a, monkeypatch):
    # pyld gives each context it processes a fresh uuid1; before, the
    # type-scoped contexts (and those under them) were processed again for
    # every credential. Once one credential was canonicalized, the next one
    # needs no new context, and its N-Quads are pyld's own, uncached ones.
    signing.canonicalize(unsigned_credential("", status_index=1))
    made: list[int] = []
    real_uuid1 = uuid.uuid1

    def counting_uuid1(*args, **kwargs):
        made.append(1)
        return real_uuid1(*args, **kwargs)

    monkeypatch.setattr(uuid, "uuid1", counting_uuid1)
    second = unsigned_credential(" Lucía", status_index=2)

    ours = signing.canonicalize(second)
    processed_now = len(made)
    plain = canonical.canonicalize_dataset(
        jsonld.to_rdf(second, {"documentLoader": signing.document_loader})
    )

    assert processed_now == 0
    assert made, "pyld without the kept contexts processes them again"
    assert ours == plain


def test_signer_refuses_a_control_character_anywhere(in_town_a):
    with pytest.raises(signing.ProofError, match=r"U\+000B"):
        signing.sign(
            unsigned_credential("\x0b"),
            controller=documents.issuer_url("kennedy.test"),
            created="2026-11-21T00:00:00Z",
        )


def test_a_credential_with_each_control_character_verifies_independently(
    in_town_a, client_a, monkeypatch
):
    # The signer refuses these texts; with the refusal switched off, what the
    # canonicalizer would sign must still be what conforming verifiers check.
    monkeypatch.setattr(signing, "refuse_control_characters", lambda *a, **k: None)
    signed = [
        signing.sign(
            unsigned_credential(char, status_index=index),
            controller=documents.issuer_url("kennedy.test"),
            created="2026-11-21T00:00:00Z",
        )
        for index, char in enumerate(CONTROL, start=10)
    ]

    for credential in signed:
        signing.verify(credential, controller=documents.issuer_url("kennedy.test"))
    results = independent_verify(client_a, signed)

    for char, result in zip(CONTROL, results, strict=True):
        assert result == {"verified": True, "revoked": False, "errors": []}, (
            f"U+{ord(char):04X}: {result}"
        )


def test_a_name_stored_before_the_entry_rule_is_cleaned_in_the_snapshot(
    course_a, make_person, client_a
):
    person = make_person(first_name="Ana", last_name="Pérez")
    with tenants_api.in_public_schema():  # as stored before names were checked
        type(person).objects.filter(pk=person.pk).update(first_name="Ana\x0bMaría")

    issued = api.issue_certificate(
        person.pk,
        course_key=course_a.key,
        course_version=course_a.version,
        completed_at=datetime(2026, 11, 20, tzinfo=UTC),
    )
    credential = api.certificate_credential(issued.uuid, user_id=person.pk)

    assert issued.holder_name == "Ana María Pérez"
    assert api.verify_credential(credential).is_valid
    assert independent_verify(client_a, credential)["verified"] is True
