"""JSON documents the certificates app publishes (internal; use ``certificates.api``).

- The Open Badges 3.0 credential (W3C VC Data Model 2.0) of a certificate.
- The locality's Bitstring Status List credential (revocation).
- The issuer profile (OB 3.0 ``Profile``) listing its keys under
  ``assertionMethod``, and each key as a ``Multikey`` document.

URLs are the locality's public site (``tenants.api.site_url``), so each locality is
its own issuer at a stable address: ``/certificados/emisor/``.
"""

from __future__ import annotations

import base64
import gzip
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.urls import reverse

from tenants import api as tenants_api

from . import signing

STATUS_LIST_BITS = 131_072  # 16 KiB, the minimum the spec asks for (herd privacy)
ISSUER_ORGANIZATION = "IDPAC · Escuela de Participación de Bogotá"


def site_url(domain: str) -> str:
    return tenants_api.site_url(domain)


def issuer_url(domain: str) -> str:
    return site_url(domain) + reverse("certificates:issuer")


def status_list_url(domain: str) -> str:
    return site_url(domain) + reverse("certificates:status_list")


def verification_url(domain: str, code: str) -> str:
    return site_url(domain) + reverse("certificates:verify_code", args=[code])


def xsd_datetime(value: datetime) -> str:
    """An XSD dateTimeStamp in UTC, without fractions (what verifiers expect)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def hours_text(hours: Decimal) -> str:
    text = f"{hours:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def build_credential(
    *,
    domain: str,
    locality_name: str,
    uuid: str,
    code: str,
    holder_name: str,
    document_type: str,
    document_last_digits: str,
    course_key: str,
    course_version: int,
    course_title: str,
    hours: Decimal,
    completed_at: datetime,
    issued_at: datetime,
    status_index: int,
) -> dict[str, Any]:
    """The unsigned OB 3.0 credential; it states only what the certificate shows."""
    issuer = issuer_url(domain)
    identifiers: list[dict[str, Any]] = [
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": holder_name,
        }
    ]
    if document_type and document_last_digits:
        identifiers.append(
            {
                "type": "IdentityObject",
                "identityType": "nationalIdentityNumber",
                "hashed": False,
                # Only the type and last digits, as printed on the certificate.
                "identityHash": f"{document_type} ****{document_last_digits}",
            }
        )
    return {
        "@context": [signing.VC_V2, signing.OB_V3],
        "id": f"urn:uuid:{uuid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"Certificado: {course_title}",
        "issuer": {
            "id": issuer,
            "type": ["Profile"],
            "name": f"{ISSUER_ORGANIZATION} · {locality_name}",
        },
        "validFrom": xsd_datetime(issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": identifiers,
            "achievement": {
                "id": f"{site_url(domain)}/cursos/{course_key}/v{course_version}",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": course_title,
                "humanCode": code,
                "description": (
                    f"Curso de {hours_text(hours)} horas de la Escuela de "
                    f"Participación (IDPAC), localidad {locality_name}. "
                    f"Finalizado el {completed_at.astimezone():%Y-%m-%d}."
                ),
                "criteria": {
                    "narrative": "Completar el curso con los requisitos de la versión "
                    f"{course_version}."
                },
            },
        },
        "credentialStatus": {
            "id": f"{status_list_url(domain)}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": status_list_url(domain),
        },
    }


def encode_bitstring(revoked_indexes: list[int], *, size: int) -> str:
    """Multibase base64url (no padding) of the GZIP'd bitstring (bit 0 = leftmost)."""
    bits = bytearray(size // 8)
    for index in revoked_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decode_bitstring(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise signing.ProofError("La lista de estado no está en base64url multibase.")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def is_bit_set(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def build_status_list(
    *, domain: str, revoked_indexes: list[int], max_index: int, now: datetime
) -> dict[str, Any]:
    size = STATUS_LIST_BITS
    while max_index >= size:
        size *= 2
    url = status_list_url(domain)
    return {
        "@context": [signing.VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_url(domain),
        "validFrom": xsd_datetime(now),
        "credentialSubject": {
            "id": f"{url}#lista",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bitstring(revoked_indexes, size=size),
        },
    }


def issuer_profile(*, domain: str, locality_name: str) -> dict[str, Any]:
    """The issuer (controller document): its keys, active and retired."""
    issuer = issuer_url(domain)
    keys = [
        key_document(domain=domain, key_id=key_id, multibase=multibase)
        for key_id, multibase in signing.keyring().public_keys.items()
    ]
    return {
        "@context": [
            signing.VC_V2,
            signing.OB_V3,
            signing.MULTIKEY_V1,
            {
                "assertionMethod": {
                    "@id": "https://w3id.org/security#assertionMethod",
                    "@type": "@id",
                    "@container": "@set",
                },
                "verificationMethod": {
                    "@id": "https://w3id.org/security#verificationMethod",
                    "@type": "@id",
                    "@container": "@set",
                },
            },
        ],
        "id": issuer,
        "type": ["Profile"],
        "name": f"{ISSUER_ORGANIZATION} · {locality_name}",
        "url": site_url(domain) + "/",
        "verificationMethod": [
            {k: v for k, v in key.items() if k != "@context"} for key in keys
        ],
        "assertionMethod": [key["id"] for key in keys],
    }


def key_document(*, domain: str, key_id: str, multibase: str) -> dict[str, Any]:
    issuer = issuer_url(domain)
    return {
        "@context": [signing.MULTIKEY_V1],
        "id": f"{issuer}#{key_id}",
        "type": "Multikey",
        "controller": issuer,
        "publicKeyMultibase": multibase,
    }


def build_role_credential(
    *,
    domain: str,
    locality_name: str,
    uuid: str,
    holder_name: str,
    role_ref: str,
    role_title: str,
    role_detail: str,
    valid_from: datetime,
    valid_until: datetime,
    status_index: int,
) -> dict[str, Any]:
    """The unsigned OB 3.0 credential of a civic role: the subject's ``role``, valid
    until the role's service ends, on the locality's status list."""
    issuer = issuer_url(domain)
    return {
        "@context": [signing.VC_V2, signing.OB_V3],
        "id": f"urn:uuid:{uuid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"Rol: {role_title}",
        "issuer": {
            "id": issuer,
            "type": ["Profile"],
            "name": f"{ISSUER_ORGANIZATION} · {locality_name}",
        },
        "validFrom": xsd_datetime(valid_from),
        "validUntil": xsd_datetime(valid_until),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": holder_name,
                }
            ],
            "role": role_title,
            "achievement": {
                "id": f"{site_url(domain)}/participacion/{role_ref}",
                "type": ["Achievement"],
                "achievementType": "Membership",
                "name": role_title,
                "description": (
                    f"{role_detail}. Localidad {locality_name}. Seleccionada por la "
                    "convocatoria de la Escuela de Participación (IDPAC)."
                    if role_detail
                    else f"Localidad {locality_name}. Seleccionada por la "
                    "convocatoria de la Escuela de Participación (IDPAC)."
                ),
                "criteria": {
                    "narrative": "Cumplir los requisitos publicados del rol y ser "
                    "seleccionada en su convocatoria."
                },
            },
        },
        "credentialStatus": {
            "id": f"{status_list_url(domain)}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": status_list_url(domain),
        },
    }
