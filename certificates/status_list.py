"""The locality's signed Bitstring Status List, shared by certificates and role
credentials: rebuilt in the transaction that revokes, so the published list and
the credentials never disagree."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants import api as tenants_api

from . import documents as _documents
from . import signing as _signing
from . import status as _status
from .data import CertificateError
from .models import StatusList as _StatusList

__all__ = ["status_list_document"]


def domain() -> str:
    """The active locality's host, which names its issuer and its lists."""
    locality = tenants_api.get_locality(tenants_api.current_schema())
    if not locality.domain:
        raise CertificateError(
            _(
                "La localidad %(locality)s no tiene dominio; asígnele uno para "
                "publicar la verificación de certificados."
            )
            % {"locality": locality.name}
        )
    return locality.domain


def rebuild_status_list(*, add_index: int | None = None) -> dict[str, Any]:
    """Sign the list again, with ``add_index`` revoked (call inside a transaction)."""
    status_list, _ = _StatusList.objects.select_for_update().get_or_create(pk=1)
    indexes = set(status_list.revoked_indexes)
    if add_index is not None:
        indexes.add(add_index)
    status_list.revoked_indexes = sorted(indexes)
    here = domain()
    now = timezone.now()
    status_list.credential = _signing.sign(
        _documents.build_status_list(
            domain=here,
            revoked_indexes=status_list.revoked_indexes,
            max_index=_status.max_index(),
            now=now,
        ),
        controller=_documents.issuer_url(here),
        created=_documents.xsd_datetime(now),
    )
    status_list.save()
    return status_list.credential


@transaction.atomic
def status_list_document() -> dict[str, Any]:
    """The locality's signed Bitstring Status List credential (revocation)."""
    status_list = _StatusList.objects.filter(pk=1).first()
    credential = status_list.credential if status_list else None
    if credential is None or not _fits(credential, _status.max_index()):
        credential = rebuild_status_list()
    return credential


def _fits(credential: dict[str, Any], max_index: int) -> bool:
    encoded = credential["credentialSubject"]["encodedList"]
    return len(_documents.decode_bitstring(encoded)) * 8 > max_index
