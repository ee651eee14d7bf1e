"""What each locality publishes for verifiers: its issuer profile and its keys.

The status list, the third published document, is ``status_list``'s (it is
rebuilt by revocations).
"""

from __future__ import annotations

from typing import Any

from tenants import api as tenants_api

from . import documents as _documents
from . import signing as _signing
from .status_list import domain as _domain

__all__ = ["issuer_profile_document", "key_document"]


def issuer_profile_document() -> dict[str, Any]:
    """The issuer profile of the active locality, with its public keys."""
    locality = tenants_api.get_locality(tenants_api.current_schema())
    return _documents.issuer_profile(domain=_domain(), locality_name=locality.name)


def key_document(key_id: str) -> dict[str, Any] | None:
    """One public key (Multikey), active or retired; None if unknown."""
    multibase = _signing.keyring().public_keys.get(key_id)
    if multibase is None:
        return None
    return _documents.key_document(domain=_domain(), key_id=key_id, multibase=multibase)
