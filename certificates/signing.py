"""Data Integrity proofs ``eddsa-rdfc-2022`` (Ed25519 over RDFC-1.0) for credentials.

Internal to the certificates app (other apps go through ``certificates.api``).

How a proof is made (W3C "Data Integrity EdDSA Cryptosuites v1.0", section 3.2):
the unsigned document and the proof options (the proof without ``proofValue``,
carrying the document's ``@context``) are each canonicalized to N-Quads with
RDFC-1.0; the signed bytes are ``sha256(proof options) || sha256(document)``;
``proofValue`` is the Ed25519 signature in multibase base58btc (``z…``).

JSON-LD contexts come only from ``certificates/contexts/`` (the document loader
refuses every other URL), so signing and verifying never touch the network and a
document cannot make the server fetch anything.

Keys: the active signing key comes from ``CERTIFICATE_SIGNING_KEY``
(``key-id:base64url(32-byte seed)``); retired public keys from
``CERTIFICATE_RETIRED_KEYS`` (``key-id:z6Mk…`` comma separated), so certificates
signed before a rotation still verify. Without a configured key, development and
tests use one generated once into ``DATA_DIR/certificates/`` (clearly marked, never
for production: ``CERTIFICATE_ALLOW_DEV_KEY`` is off there).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from pyld import jsonld

from tenants.data import control_characters

from . import canonical as _canonical

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
BUNDLED_CONTEXTS = {
    VC_V2: "credentials-v2.json",
    OB_V3: "ob-v3p0-context-3.0.3.json",
    MULTIKEY_V1: "multikey-v1.json",
}
CRYPTOSUITE = "eddsa-rdfc-2022"
_ED25519_PUB_PREFIX = b"\xed\x01"  # multicodec ed25519-pub, varint
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class ProofError(ValueError):
    """A proof could not be made or does not hold; the message (Spanish) says why."""


# --- multibase base58btc ------------------------------------------------------------


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rem = divmod(number, 58)
        out = _B58[rem] + out
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + out


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        index = _B58.find(char)
        if index < 0:
            raise ProofError(_("El valor no está en base58 (carácter inválido)."))
        number = number * 58 + index
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    pad = len(text) - len(text.lstrip("1"))
    return b"\0" * pad + body


def public_key_multibase(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "z" + b58encode(_ED25519_PUB_PREFIX + raw)


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    if not value.startswith("z"):
        raise ProofError(_("La clave pública no está en multibase base58btc."))
    raw = b58decode(value[1:])
    if not raw.startswith(_ED25519_PUB_PREFIX) or len(raw) != 34:
        raise ProofError(_("La clave pública no es una clave Ed25519 (Multikey)."))
    return Ed25519PublicKey.from_public_bytes(raw[2:])


# --- keys ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SigningKey:
    key_id: str
    private_key: Ed25519PrivateKey | None  # None for a retired (verify-only) key

    @property
    def public_key(self) -> Ed25519PublicKey:
        assert self.private_key is not None  # noqa: S101 - only built with a key
        return self.private_key.public_key()


@dataclass(frozen=True)
class KeyRing:
    active: SigningKey
    public_keys: dict[str, str]  # key id -> publicKeyMultibase, active included


_keyring_lock = threading.Lock()


@cache
def _keyring_for(signing: str, retired: str, dev_file: str, allow_dev: bool) -> KeyRing:
    if signing:
        key_id, _, seed_text = signing.partition(":")
        try:
            seed = base64.urlsafe_b64decode(seed_text + "=" * (-len(seed_text) % 4))
            private = Ed25519PrivateKey.from_private_bytes(seed)
        except ValueError as exc:
            raise ImproperlyConfigured(
                "CERTIFICATE_SIGNING_KEY no es válida: use 'id-de-clave:semilla' con "
                "una semilla Ed25519 de 32 bytes en base64url."
            ) from exc
    elif allow_dev:
        key_id, private = _dev_key(Path(dev_file))
    else:
        raise ImproperlyConfigured(
            "Falta CERTIFICATE_SIGNING_KEY: configure la clave de firma de "
            "certificados ('id-de-clave:semilla base64url') en el entorno."
        )
    public = {key_id: public_key_multibase(private.public_key())}
    for item in filter(None, (part.strip() for part in retired.split(","))):
        old_id, _, multibase = item.partition(":")
        public_key_from_multibase(multibase)  # refuse a malformed retired key now
        public.setdefault(old_id, multibase)
    return KeyRing(active=SigningKey(key_id, private), public_keys=public)


def _dev_key(path: Path) -> tuple[str, Ed25519PrivateKey]:
    """Generate the development key once; every process then reads the same file."""
    with _keyring_lock:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            seed = os.urandom(32)
            payload = {
                "AVISO": "CLAVE SOLO PARA DESARROLLO Y PRUEBAS. No la use en producción.",
                "key_id": "dev-" + hashlib.sha256(seed).hexdigest()[:8],
                "seed": base64.urlsafe_b64encode(seed).decode().rstrip("="),
            }
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(payload, indent=2), encoding="utf-8")
            try:
                os.link(tmp, path)  # atomic: the first process to link wins
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
        payload = json.loads(path.read_text(encoding="utf-8"))
    seed = base64.urlsafe_b64decode(payload["seed"] + "=" * (-len(payload["seed"]) % 4))
    return payload["key_id"], Ed25519PrivateKey.from_private_bytes(seed)


def keyring() -> KeyRing:
    """The configured keys (cached per settings values, so tests can override)."""
    return _keyring_for(
        settings.CERTIFICATE_SIGNING_KEY,
        settings.CERTIFICATE_RETIRED_KEYS,
        str(settings.CERTIFICATE_DEV_KEY_FILE),
        bool(settings.CERTIFICATE_ALLOW_DEV_KEY),
    )


# --- JSON-LD ------------------------------------------------------------------------


@cache
def _bundled(url: str) -> dict[str, Any]:
    return json.loads((CONTEXTS_DIR / BUNDLED_CONTEXTS[url]).read_text("utf-8"))


def document_loader(url: str, options: dict | None = None) -> dict[str, Any]:
    """Serve bundled contexts only; anything else is refused, never fetched."""
    if url not in BUNDLED_CONTEXTS:
        raise ProofError(
            _(
                "El documento usa un contexto JSON-LD desconocido (%(url)s); solo se "
                "aceptan los contextos de Verifiable Credentials 2.0 y Open Badges 3.0."
            )
            % {"url": url[:200]}
        )
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": _bundled(url),
    }


def canonicalize(document: dict[str, Any]) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document (bundled contexts only)."""
    try:
        return _canonical.canonicalize(document, document_loader=document_loader)
    except jsonld.JsonLdError as exc:
        cause = exc
        while cause is not None:  # the loader's own Spanish message, if it was that
            if isinstance(cause, ProofError):
                raise cause from exc
            cause = cause.__cause__
        raise ProofError(
            _("El documento no es JSON-LD válido para un certificado (%(kind)s).")
            % {"kind": getattr(exc, "type", "error")}
        ) from exc


def _hash_data(unsecured: dict[str, Any], proof_options: dict[str, Any]) -> bytes:
    proof_options = {"@context": unsecured["@context"], **proof_options}
    return (
        hashlib.sha256(canonicalize(proof_options).encode()).digest()
        + hashlib.sha256(canonicalize(unsecured).encode()).digest()
    )


def refuse_control_characters(document: Any, path: str = "") -> None:
    """Raise ``ProofError`` if any text in ``document`` has a control character.

    Belt and braces: names, titles and locality names are refused at entry and
    cleaned in the snapshot, so this only fires if some future path forgets to.
    Refusing (not stripping) keeps the signed credential identical to the
    certificate's snapshot and makes the forgotten path visible at once.
    """
    if isinstance(document, dict):
        for key, value in document.items():
            refuse_control_characters(key, path)
            refuse_control_characters(value, f"{path}.{key}" if path else str(key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            refuse_control_characters(value, f"{path}[{index}]")
    elif isinstance(document, str):
        found = control_characters(document)
        if found:
            raise ProofError(
                _(
                    "No se firma: el texto de %(path)s contiene un carácter de control "
                    "invisible (%(codes)s). Corrija el texto de origen y emita de nuevo."
                )
                % {"path": path or "la credencial", "codes": ", ".join(found)}
            )


def sign(document: dict[str, Any], *, controller: str, created: str) -> dict[str, Any]:
    """Return a copy of ``document`` with an ``eddsa-rdfc-2022`` proof by the active key.

    ``controller`` is the issuer URL; the verification method is
    ``<controller>#<key id>`` so a rotated key stays identifiable in old proofs.
    ``proof`` is a one-element array: the form the 1EdTech Open Badges 3.0 JSON
    schema (and its validator) accepts; W3C VC 2.0 allows it too.
    """
    ring = keyring()
    unsecured = copy.deepcopy(document)
    unsecured.pop("proof", None)
    refuse_control_characters(unsecured)
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": f"{controller}#{ring.active.key_id}",
        "proofPurpose": "assertionMethod",
    }
    assert ring.active.private_key is not None  # noqa: S101 - the active key signs
    signature = ring.active.private_key.sign(_hash_data(unsecured, proof))
    return {**unsecured, "proof": [{**proof, "proofValue": "z" + b58encode(signature)}]}


def _single_proof(document: dict[str, Any]) -> dict[str, Any]:
    # W3C VC 2.0 allows one proof as an object or as an array; we issue the
    # array (what the 1EdTech schema wants) and accept both. A set of several
    # proofs is not something this issuer makes, so it is refused.
    proof = document.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if not isinstance(proof, dict):
        raise ProofError(
            _(
                "La credencial no tiene prueba (proof), o tiene varias: se espera "
                "una sola, como objeto o como lista de un elemento."
            )
        )
    return proof


def verify(document: Any, *, controller: str) -> str:
    """Check the proof of ``document``; return the key id or raise ``ProofError``.

    Only proofs made by this issuer's keys (active or retired) are accepted.
    """
    if not isinstance(document, dict):
        raise ProofError(_("La credencial debe ser un objeto JSON."))
    proof = _single_proof(document)
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != (
        CRYPTOSUITE
    ):
        raise ProofError(
            _(
                "La prueba no es DataIntegrityProof con eddsa-rdfc-2022; no se puede "
                "verificar."
            )
        )
    if proof.get("proofPurpose") != "assertionMethod":
        raise ProofError(_("La prueba no tiene el propósito assertionMethod."))
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or "#" not in method:
        raise ProofError(_("La prueba no indica la clave que la firmó."))
    method_controller, _hash, key_id = method.rpartition("#")
    if method_controller != controller:
        raise ProofError(
            _(
                "La credencial fue firmada por otro emisor (%(issuer)s), no por esta "
                "localidad."
            )
            % {"issuer": method_controller[:200]}
        )
    multibase = keyring().public_keys.get(key_id)
    if multibase is None:
        raise ProofError(
            _("La clave que firmó la credencial (%(key)s) no es de este emisor.")
            % {"key": key_id[:80]}
        )
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        raise ProofError(_("La firma (proofValue) falta o no está en base58btc."))
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    if "@context" not in unsecured:
        raise ProofError(_("La credencial no tiene @context."))
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    options.pop("@context", None)
    try:
        public_key_from_multibase(multibase).verify(
            b58decode(value[1:]), _hash_data(unsecured, options)
        )
    except InvalidSignature as exc:
        raise ProofError(
            _(
                "La firma no corresponde al contenido: la credencial fue alterada o "
                "la firma no es de este emisor."
            )
        ) from exc
    return key_id
